"""The site's search with Pagefind: a reader's query loads only the part of the index it needs.

Sphinx's own search loads the whole ``searchindex.js`` before it answers, and that grows with every
profile. Pagefind (PyPI ``pagefind[bin]``, its binary in the wheel) indexes the built HTML into
small fragments. This adds what its published Sphinx wrapper (atsphinx-pagefind, alpha, and broken
with Furo's ``search.html``) does not:

* **What is indexed**: each document's text (``data-pagefind-body`` around it, so the sidebar,
  footer and the pages the build makes are left out) and, on a profile, its role, organisation
  and country as metadata, which ``_static/search.js`` shows with their labels ("Role: ...").
* **The index**, written into the site's ``pagefind/`` folder at the end of the build
  (build-finished), replaced whole so that an incremental build gives the same files as a clean
  one. It is made from each page's indexed part, kept as the page is written (``indexed_pages``),
  not from the site's pages, whose sidebars and headers made Pagefind read ten times the bytes.
  Every page links it relatively, so the site works from any folder.
* **The search page**: ``_templates/search.html`` shows Pagefind's results in Furo's page, in
  place of Sphinx's (the sidebar's box already leads there).

* **No ``searchindex.js``**: Sphinx's own index is not made, since nothing reads it. Feeding it every
  page was 13% of a clean site build at 1,000 profiles (58 s against 50 s), and loading and writing
  it 0.11 s of every later one. Sphinx has no setting for this; its builder's ``search`` flag, which
  the builders without a search (HTML Help) turn off, is turned off here, and the search page is
  added as a page of our own (html-collect-pages).

The live preview (the ``preview`` tag) builds no Pagefind index: indexing the whole site on every
save would cost 3.5 s at 1,000 profiles (``make bench``). Its search page says so.
"""

import asyncio
import html
import shutil
import time
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

import profiles
from locations import SITE_BUILDERS

logger = logging.getLogger(__name__)

# Pagefind's own interfaces and the index for pages of no declared language: the site uses neither
# (_static/search.js is its interface; one index, in the site's language).
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
          "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js", "wasm.unknown.pagefind")
# The facts at a glance (profiles.at_a_glance) that a profile's search result shows, labelled.
FACTS = ("Role", "Organisation", "Area", "Country")


def enabled(app: Sphinx) -> bool:
    return app.builder.name in SITE_BUILDERS and not app.tags.has("preview")


def without_sphinx_index(app: Sphinx) -> None:
    if app.builder.name in SITE_BUILDERS:
        app.builder.search = False
        # A site built before leaves none of it behind (the index, its stemmers), which no build
        # would update.
        for stale in [Path(app.outdir, "searchindex.js"), *Path(app.outdir, "_static").glob("*stemmer.js")]:
            stale.unlink(missing_ok=True)


def search_page(app: Sphinx):
    if app.builder.name in SITE_BUILDERS:
        yield "search", {}, "search.html"


def mark_page(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """A document's text is indexed, with a profile's facts as metadata; the search page is told
    to show Pagefind's results."""
    if app.builder.name in SITE_BUILDERS:
        # The search page is ours (search_page), which Sphinx's hasdoc no longer knows: Furo links
        # it from every page's head where hasdoc finds it.
        known = context["hasdoc"]
        context["hasdoc"] = lambda name: name == "search" or known(name)
    # The bundle's script, for the search page; empty where there is no index.
    context["pagefind"] = f"{app.config.search_bundle}/pagefind.js" if enabled(app) else ""
    if context["pagefind"] and pagename == "search":
        app.add_css_file("search.css", priority=900)  # after companion.css (800)
        app.add_js_file("search.js", loading_method="defer")
    if not context["pagefind"] or pagename not in app.env.all_docs or "body" not in context:
        return
    data = profiles.profile_data(app.env, pagename)
    shown = [(label, values) for label, values in profiles.at_a_glance(data) if label in FACTS] if data else []
    # Pagefind's metadata, fact-1, fact-2...: each a line of the result, "Role: ...", in this order.
    facts = "".join(
        f'<span hidden data-pagefind-ignore data-pagefind-meta="fact-{number}">{html.escape(label)}: {html.escape(", ".join(values))}</span>'
        for number, (label, values) in enumerate(shown, 1)
    )
    context["body"] = f"<div data-pagefind-body>{facts}{context['body']}</div>"
    # What Pagefind indexes of the page, kept beside the environment (indexed_pages).
    kept = indexed_pages(app) / f"{pagename}.html"
    kept.parent.mkdir(parents=True, exist_ok=True)
    kept.write_text(f'<!DOCTYPE html><html lang="{app.config.language}"><head></head><body>{context["body"]}</body></html>', "utf-8")


def indexed_pages(app: Sphinx) -> Path:
    """Each page's indexed part, as written with it. Pagefind indexes these, not the site's pages:
    it reads a tenth of the bytes (no sidebar, header, footer) and gives the same index. Kept with
    the environment, so a page not written again keeps its part, and not published."""
    return Path(app.doctreedir) / "pagefind-pages" / app.builder.name


def bundle(app: Sphinx) -> Path:
    return Path(app.outdir) / app.config.search_bundle


async def write_index(pages: Path, output: Path, config) -> int:
    from pagefind.index import IndexConfig, PagefindIndex

    settings = IndexConfig(
        # One index in the site's language: names in other scripts are runs inside English pages.
        force_language=config.language,
        exclude_selectors=list(config.search_exclude_selectors),
        output_path=str(output),
    )
    async with PagefindIndex(settings) as index:
        result = await index.add_directory(str(pages))
    return result["page_count"]


def index_site(pages: Path, output: Path, config) -> tuple[int, float]:
    """Index the folder ``pages`` into ``output`` (replaced whole); the pages indexed and the seconds."""
    start = time.perf_counter()
    shutil.rmtree(output, ignore_errors=True)
    indexed = asyncio.run(write_index(pages, output, config))
    for name in UNUSED:
        (output / name).unlink(missing_ok=True)
    return indexed, time.perf_counter() - start


def build_index(app: Sphinx, exception: Exception | None) -> None:
    if exception or not enabled(app):
        return
    for kept in indexed_pages(app).rglob("*.html"):  # a removed page leaves the index
        if kept.relative_to(indexed_pages(app)).with_suffix("").as_posix() not in app.env.all_docs:
            kept.unlink()
    pages, seconds = index_site(indexed_pages(app), bundle(app), app.config)
    if not pages:
        logger.warning("search: Pagefind indexed no page (is data-pagefind-body written?)", type="search")
    logger.info(f"search: Pagefind indexed {pages} pages in {seconds:.1f} s")


def setup(app: Sphinx) -> dict:
    app.setup_extension("profiles")  # a profile's facts
    app.add_config_value("search_bundle", "pagefind", "html", types=[str])
    app.add_config_value("search_exclude_selectors", [], "html", types=[list])
    app.connect("builder-inited", without_sphinx_index)
    app.connect("html-collect-pages", search_page)
    # Before site_theme drops the assets a page does not use (800), and Furo's handler (500).
    app.connect("html-page-context", mark_page, priority=450)
    # Last, once every page and its indexed part are written.
    app.connect("build-finished", build_index, priority=995)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
