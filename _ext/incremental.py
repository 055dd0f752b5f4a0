"""Keeps an incremental build equal to a clean one where Sphinx alone would not (public events only).

* A deleted or renamed page: Sphinx keeps the files it wrote, so the stale page would stay on the
  site and in the ePub. Every output named after it is deleted, and the search index with them.
* A page added, removed or retitled: other pages show its title (sidebar, previous and next), but
  Sphinx rewrites only the pages it re-read. Then every page is rewritten (not re-read).
"""

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

logger = logging.getLogger(__name__)


def titles(env: BuildEnvironment) -> dict[str, str]:
    return {docname: title.astext() for docname, title in env.titles.items()}


def before_reading(app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]) -> list[str]:
    for docname in sorted(removed):
        page = Path(app.outdir, docname)
        for output in page.parent.glob(page.name + ".*"):
            logger.info(f"removing {output.relative_to(app.outdir)} (its page was removed)")
            output.unlink()
    if removed:
        Path(app.outdir, "searchindex.js").unlink(missing_ok=True)
    app.titles_before_reading = titles(env)
    return []


def after_reading(app: Sphinx, env: BuildEnvironment) -> list[str]:
    if getattr(app, "titles_before_reading", None) not in (None, titles(env)):
        logger.info("a title changed: every page is rewritten")
        return sorted(env.found_docs)
    return []


def setup(app: Sphinx) -> dict:
    app.connect("env-get-outdated", before_reading)
    app.connect("env-updated", after_reading)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
