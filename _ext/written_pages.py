"""Which pages of the site have been written since the passes over written pages last finished.

``lean_pages.py`` (stylesheet checksums) and ``csp.py`` (the policy tag) rewrite the pages Sphinx
writes. After an edit Sphinx writes a handful of pages; going over every page again made a
one-page rebuild read the whole site (seconds at 1,000 profiles). So a stamp is
touched when a build's passes have all run, and a page is *fresh* if it changed since then:
written by this build, or by an earlier one that failed or was interrupted before its passes ran.
Without a stamp (a first build, or after ``make clean``) every page is fresh.

The live preview (tag ``preview``, ``_ext/preview.py``) runs none of these passes.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx

from site_meta import SITE_BUILDERS

# Beside Sphinx's own build state (the environment), not among the published files.
STAMP = "pages-finished.stamp"


def runs_passes(app: Sphinx) -> bool:
    return app.builder.name in SITE_BUILDERS and not app.tags.has("preview")


def scan(app: Sphinx) -> tuple[list[Path], list[Path]]:
    """Every page of the site, and the fresh ones among them: listed once per build, for all the
    passes (the first one runs before any of them rewrites a page)."""
    if not hasattr(app, "pages_scanned"):
        pages = sorted(Path(app.outdir).rglob("*.html"))
        stamp = Path(app.doctreedir, STAMP)
        fresh = pages
        if stamp.is_file():
            finished = stamp.stat().st_mtime_ns
            # ">=": where the file system keeps coarse times, a page written just after the stamp
            # may carry the same time. A finished page passed over again comes out the same.
            fresh = [page for page in pages if page.stat().st_mtime_ns >= finished]
        app.pages_scanned = (pages, fresh)
    return app.pages_scanned


def touch_stamp(app: Sphinx, exception: Exception | None) -> None:
    if exception is None and runs_passes(app):
        Path(app.doctreedir, STAMP).touch()
    vars(app).pop("pages_scanned", None)  # the preview builds again with the same application


def setup(app: Sphinx) -> dict:
    # After every pass that rewrites pages (lean_pages.py 900, csp.py 990).
    app.connect("build-finished", touch_stamp, priority=999)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
