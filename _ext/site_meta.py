"""What the site tells search engines and link previews that the published extensions cannot know.

sphinxext-opengraph (set up from here, quietly: without matplotlib, which only its per-page cards
need, it prints a notice on import; we draw one card of our own), sphinx-sitemap and
sphinx-last-updated-by-git do the rest; this adds
* a page's **description**: a profile's ``summary`` or the page's own ``html_meta`` description
  (sphinxext-opengraph would take the first words of the text), ``site_description`` on the pages
  the build makes (search, 404); ``og:type`` is ``profile`` on a profile;
* **structured data** (JSON-LD, for ``_templates/page.html``): a ``Book`` on the landing page, from
  ``_data/book.yaml``, a ``ProfilePage`` about a ``Person`` on each profile;
* ``robots.txt``, naming the sitemap at the site's public address (``html_baseurl``).
"""

import contextlib
import html
import io
import json
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx

from locations import SITE_BUILDERS, absolute
from profiles import profile_data

def add_description(app: Sphinx, doctree: nodes.document) -> None:
    """After Sphinx has collected the page's metadata (doctree-read, priority 500)."""
    docname = app.env.docname
    metadata = app.env.metadata[docname]
    profile = profile_data(app.env, docname)
    own = next((meta["content"] for meta in doctree.findall(nodes.meta) if meta.get("name") == "description"), None)
    if profile:
        metadata["og:type"] = "profile"
        if not own:  # Sphinx writes <meta name="description"> from a meta node
            doctree.insert(0, nodes.meta(name="description", content=profile["summary"]))
    if description := (profile or {}).get("summary") or own:
        metadata["og:description"] = description


def book_json_ld(app: Sphinx, page_url: str) -> dict:
    book = app.config.html_context["book"]
    return {
        "@context": "https://schema.org",
        "@type": "Book",
        "name": book["title"],
        "alternativeHeadline": book["subtitle"],
        "author": {"@type": "Person", "name": book["author"], "url": book["author_url"]},
        "publisher": {"@type": "Organization", "name": book["publisher"]},
        "datePublished": str(book["year"]),
        "isbn": book["isbn13"],
        "numberOfPages": book["pages"],
        "bookFormat": f"https://schema.org/{book['format']}",
        "inLanguage": app.config.language,
        "url": book["website_url"],
        "image": absolute(app.config, app.config.ogp_image),
        "mainEntityOfPage": page_url,
    }


def profile_json_ld(app: Sphinx, data: dict, page_url: str) -> dict:
    person = {
        "@type": "Person",
        "name": data["name"],
        "workLocation": {"@type": "Country", "name": data["country"]},
        "description": data["summary"],
    }
    if data.get("role"):
        person["jobTitle"] = data["role"]
    # `organisation` holds only an organisation a source names; a place or a topic given instead
    # (`area`: "Balochistan", "Social auditing in Karnataka") is no employer, so it is left out here.
    if data.get("organisation"):
        person["worksFor"] = {"@type": "GovernmentOrganization", "name": data["organisation"]}
    if native := data.get("name_native"):
        # A language-tagged value, so the name in its own script keeps its language here too.
        person["alternateName"] = {"@value": native["text"], "@language": native["lang"]}
    return {
        "@context": "https://schema.org",
        "@type": "ProfilePage",
        "url": page_url,
        "name": data["name"],
        "description": data["summary"],
        "inLanguage": app.config.language,
        "isPartOf": {"@type": "WebSite", "name": app.config.html_title, "url": app.config.html_baseurl},
        "mainEntity": person,
    }


def json_for_script(data: dict) -> str:
    """JSON that cannot end its ``<script>`` element early."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


def page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: nodes.document | None) -> None:
    if app.builder.name not in SITE_BUILDERS:
        return
    page_url = absolute(app.config, app.builder.get_target_uri(pagename))
    if pagename not in app.env.found_docs:
        # Search, the index and 404 have no text to describe (sphinxext-opengraph leaves them out).
        description = html.escape(app.config.site_description)
        context["metatags"] = context.get("metatags", "") + f'\n<meta name="description" content="{description}">'
    json_ld = None
    if pagename == app.config.root_doc:
        json_ld = book_json_ld(app, page_url)
    elif profile := profile_data(app.env, pagename):
        json_ld = profile_json_ld(app, profile, page_url)
    context["site_meta"] = {
        # Pages made by the build (search, index, 404) stay out of search engines.
        "indexed": pagename in app.env.found_docs,
        "json_ld": json_for_script(json_ld) if json_ld else None,
    }


def write_robots_txt(app: Sphinx, exception: Exception | None) -> None:
    if exception is None and app.builder.name in SITE_BUILDERS:
        sitemap = absolute(app.config, app.config.sitemap_filename)
        Path(app.outdir, "robots.txt").write_text(f"User-agent: *\nAllow: /\n\nSitemap: {sitemap}\n", "utf-8")


def setup(app: Sphinx) -> dict:
    app.setup_extension("profiles")  # a profile's summary describes its page
    with contextlib.redirect_stdout(io.StringIO()):
        app.setup_extension("sphinxext.opengraph")
    app.add_config_value("site_description", "", "html", types=[str])
    app.connect("doctree-read", add_description, priority=600)
    app.connect("html-page-context", page_context)
    app.connect("build-finished", write_robots_txt)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
