"""Keeps an incremental build equal to a clean one, where Sphinx alone would not.

* A deleted or renamed page: Sphinx forgets it but keeps the files it wrote, so the stale page
  would stay on the site and the ePub builder would pack it. Every output file named after the
  page (``profiles/jane-doe.html``, ``.xhtml``, ``.pdf``) is deleted.
* A page added, removed or retitled: other pages show its title (the sidebar, the previous and
  next links of its neighbours), but Sphinx rewrites only the pages it re-read. Then every page
  is rewritten (not re-read: writing is the cheap half). The search index is then rebuilt from scratch too, since
  Sphinx would keep the words of a removed page as empty entries.
* A page whose tables of contents are all hidden shows none of the titles they list (the gallery
  lists every profile in one), yet Sphinx rewrites it whenever one of those pages changes: at
  1,000 profiles, the gallery's thousand cards on every edit. It is spared: what the gallery shows
  of the profiles changes only with their front matter, which re-reads it (profiles.py), or with
  a title, which rewrites every page (above).
* A few changed pages are read in this process. Under ``-j`` Sphinx reads even one page in a
  worker process that pickles the whole environment back (0.6 s at 1,000 profiles); parallel
  reading pays only for a clean build or a large change. Writing keeps ``-j``.
"""

from __future__ import annotations

from pathlib import Path

from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

logger = logging.getLogger(__name__)

# Fewer pages to read than this, and they are read without worker processes.
PARALLEL_READ_FROM = 20


def navigation(env: BuildEnvironment) -> dict[str, str]:
    return {docname: title.astext() for docname, title in env.titles.items()}


def before_reading(app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]) -> list[str]:
    for docname in sorted(removed):
        page = Path(app.outdir, docname)
        for output in page.parent.glob(page.name + ".*"):
            logger.info(f"removing {output.relative_to(app.outdir)} (its page was removed)")
            output.unlink()
    search_index = Path(app.outdir, "searchindex.js")
    if removed and search_index.is_file():
        search_index.unlink()  # every page is rewritten (below), which refills it
    app.navigation_before = navigation(env)
    return []


def after_reading(app: Sphinx, env: BuildEnvironment) -> list[str]:
    if getattr(app, "navigation_before", None) not in (None, navigation(env)):
        logger.info("the navigation changed: every page is rewritten")
        return sorted(env.found_docs)
    return []


def spare_hidden_toctree_pages(app: Sphinx, builder) -> None:
    """While Sphinx decides what to write, leave pages that list others only in hidden tables of
    contents out of its record of the pages that list each page (the record itself stays whole:
    Sphinx checks that every page is listed somewhere)."""
    env = app.env
    hidden_only = {
        docname for docname in env.toctree_includes
        if all(toctree.get("hidden") for toctree in env.tocs[docname].findall(addnodes.toctree))
    }
    app.files_to_rebuild, env.files_to_rebuild = env.files_to_rebuild, {
        docname: listed_in - hidden_only for docname, listed_in in env.files_to_rebuild.items()
    }


def restore_toctree_record(app: Sphinx, exception: Exception | None) -> None:
    # The environment was saved before writing, but the preview keeps it in memory.
    if hasattr(app, "files_to_rebuild"):
        app.env.files_to_rebuild = app.files_to_rebuild
        del app.files_to_rebuild


def read_few_in_process(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    # Sphinx decides between parallel and serial reading just after this event, and between
    # parallel and serial writing after reading, from the same setting (restore_parallel).
    if len(docnames) < PARALLEL_READ_FROM:
        app.parallel_asked, app.parallel = app.parallel, 1


def restore_parallel(app: Sphinx, env: BuildEnvironment) -> list[str]:
    # A few pages read can still mean every page written (a new title, a changed template).
    if hasattr(app, "parallel_asked"):
        app.parallel = app.parallel_asked
        del app.parallel_asked
    return []


def setup(app: Sphinx) -> dict:
    app.connect("env-get-outdated", before_reading)
    app.connect("env-before-read-docs", read_few_in_process)
    app.connect("env-updated", after_reading)
    app.connect("env-updated", restore_parallel)
    app.connect("write-started", spare_hidden_toctree_pages)
    app.connect("build-finished", restore_toctree_record)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
