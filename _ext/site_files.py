"""The files a hosted site needs beside its pages: ``sitemap.xml``, ``robots.txt`` and ``404.html``.

* ``sitemap.xml`` lists the canonical address (``html_baseurl``) of every page, with the day its
  source was last committed where that is known (:func:`site_meta.last_commit`);
* ``robots.txt`` lets every crawler in and names the sitemap;
* ``404.html`` is the page the host serves for any missing address, at any depth. Its links,
  styles and scripts are written from the site's root path (the path of ``html_baseurl``, e.g.
  ``/companion/``) instead of relative to the page, so they work whatever address was missing.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import urlsplit

from sphinx.application import Sphinx

import site_meta

NOT_FOUND = "404"
# A link relative to the page: not absolute, not from the root, not within the page.
RELATIVE_URL = re.compile(r'\b(href|src|action)="(?![a-zA-Z][a-zA-Z0-9+.-]*:|/|#)([^"]*)"')


def root_path(app: Sphinx) -> str:
    path = urlsplit(app.config.html_baseurl).path
    return path if path.endswith("/") else path + "/"


def not_found_page(app: Sphinx):
    if app.builder.name != "html":  # written as 404.html, at the root, where hosts look for it
        return []

    def link(docname: str, text: str) -> str:  # relative to the root, where 404.html is written
        return f'<a href="{html.escape(app.builder.get_target_uri(docname))}">{text}</a>'

    body = (
        '<section id="page-not-found">\n<h1>Page not found</h1>\n'
        "<p>There is no page at this address. It may have moved, or the link may be mistyped.</p>\n"
        f"<p>Start again from {link(app.config.root_doc, 'the home page')}, or {link('search', 'search the companion')}.</p>\n"
        "</section>\n"
    )
    # No canonical address: the page stands for addresses that do not exist.
    return [(NOT_FOUND, {"title": "Page not found", "body": body, "pageurl": None}, "page.html")]


def root_relative(page: Path, root: str) -> None:
    text = page.read_text("utf-8")
    text = RELATIVE_URL.sub(lambda match: f'{match[1]}="{root}{match[2]}"', text)
    text = text.replace('data-content_root="./"', f'data-content_root="{root}"')
    page.write_text(text, "utf-8")


def sitemap(app: Sphinx) -> str:
    entries = []
    for docname in sorted(app.env.found_docs):
        url = html.escape(app.config.html_baseurl.rstrip("/") + "/" + app.builder.get_target_uri(docname))
        entry = f"  <url><loc>{url}</loc>"
        if committed := site_meta.last_commit(app, docname):
            entry += f"<lastmod>{committed.date().isoformat()}</lastmod>"
        entries.append(entry + "</url>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + "\n".join(entries) + "\n</urlset>\n"
    )


def write_files(app: Sphinx, exception: Exception | None) -> None:
    if exception or app.builder.name not in site_meta.SITE_BUILDERS:
        return
    outdir = Path(app.outdir)
    if app.builder.name == "html":
        root_relative(outdir / f"{NOT_FOUND}.html", root_path(app))
    (outdir / "sitemap.xml").write_text(sitemap(app), "utf-8")
    address = app.config.html_baseurl.rstrip("/") + "/sitemap.xml"
    (outdir / "robots.txt").write_text(f"User-agent: *\nAllow: /\n\nSitemap: {address}\n", "utf-8")


def setup(app: Sphinx) -> dict:
    app.setup_extension("site_meta")
    app.connect("html-collect-pages", not_found_page)
    app.connect("build-finished", write_files)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
