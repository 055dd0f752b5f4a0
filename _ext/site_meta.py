"""What each page of the site tells search engines, link previews and readers about itself.

For every page of the HTML site this gives the templates (``_templates/page.html``) a
``site_meta`` dict with

* the description: a profile's ``summary``, else the page's own ``html_meta`` description (which
  Sphinx already writes), else its first paragraph, else ``site_description``;
* the OpenGraph and Twitter card fields, with the social card (``_ext/cover.py``) as the image and
  the canonical address (``html_baseurl``) as the URL;
* JSON-LD: a ``Book`` on the landing page (``_data/book.yaml``), a ``ProfilePage`` whose main
  entity is the ``Person`` on each profile;
* when the page's source was last committed (``git log``; nothing outside a git checkout, so
  builds stay reproducible), and the address that edits it (``site_edit_url`` + its path).

It also draws the PNG favicon and writes the SVG one into ``_static/``, from one drawing.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
from datetime import datetime, timezone
from pathlib import Path

from docutils import nodes
from PIL import Image, ImageDraw
from sphinx.application import Sphinx
from sphinx.util.i18n import format_date

import cover

# The builders that make the website (the other extensions take this from here).
SITE_BUILDERS = ("html", "dirhtml")
DESCRIPTION_LENGTH = 160
SOCIAL_CARD = "_static/social-card.png"

# The favicon, on a 64-unit grid: the cover's colours, its accent bar and an "M" in one stroke.
ICON_SIZE = 64
ICON_BAR = (14, 10, 30, 14)
ICON_M = ((16, 50), (16, 22), (32, 40), (48, 22), (48, 50))
ICON_STROKE = 7
ICON_PNG_SIZE = 192  # also the home-screen icon (apple-touch-icon)


# -- The favicon -----------------------------------------------------------------------------------


def icon_svg() -> str:
    points = " ".join(f"{x},{y}" for x, y in ICON_M)
    x0, y0, x1, y1 = ICON_BAR
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {ICON_SIZE} {ICON_SIZE}">'
        f'<rect width="{ICON_SIZE}" height="{ICON_SIZE}" rx="12" fill="{cover.BACKGROUND}"/>'
        f'<rect x="{x0}" y="{y0}" width="{x1 - x0}" height="{y1 - y0}" fill="{cover.ACCENT}"/>'
        f'<polyline points="{points}" fill="none" stroke="{cover.TITLE}" stroke-width="{ICON_STROKE}" '
        'stroke-linejoin="round" stroke-linecap="round"/></svg>\n'
    )


def icon_png(size: int) -> Image.Image:
    """The SVG's drawing, at 4× then scaled down so the edges are smooth."""
    scale = size * 4 / ICON_SIZE
    image = Image.new("RGBA", (size * 4, size * 4), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    pen.rounded_rectangle([0, 0, size * 4 - 1, size * 4 - 1], radius=int(12 * scale), fill=cover.BACKGROUND)
    pen.rectangle([int(v * scale) for v in ICON_BAR], fill=cover.ACCENT)
    stroke = int(ICON_STROKE * scale)
    points = [(int(x * scale), int(y * scale)) for x, y in ICON_M]
    pen.line(points, fill=cover.TITLE, width=stroke, joint="curve")
    for x, y in (points[0], points[-1]):  # round caps, as in the SVG
        pen.ellipse([x - stroke // 2, y - stroke // 2, x + stroke // 2, y + stroke // 2], fill=cover.TITLE)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def write_favicons(app: Sphinx) -> None:
    if app.builder.name not in SITE_BUILDERS:
        return
    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    (static / "favicon.svg").write_text(icon_svg(), encoding="utf-8")
    icon_png(ICON_PNG_SIZE).save(static / "favicon.png", optimize=True)


# -- Last commit of each source ---------------------------------------------------------------------


def commit_times(folder: Path) -> dict[str, int]:
    """When each file under ``folder`` was last committed (Unix time), by its path relative to
    ``folder``; empty outside a git checkout. One ``git log`` reads the whole history."""
    try:
        log = subprocess.run(
            ["git", "-c", "core.quotepath=off", "log", "--format=%x00%ct", "--name-only", "--relative", "--", "."],
            cwd=folder,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return {}
    times: dict[str, int] = {}
    stamp = 0
    for line in log.splitlines():
        if line.startswith("\0"):
            stamp = int(line[1:])
        elif line:
            times.setdefault(line, stamp)  # the log runs newest first
    return times


def read_commit_times(app: Sphinx) -> None:
    app.site_commit_times = commit_times(Path(app.srcdir)) if app.builder.name in SITE_BUILDERS else {}


def source_path(app: Sphinx, docname: str) -> str:
    return Path(app.env.doc2path(docname)).relative_to(app.srcdir).as_posix()


def last_commit(app: Sphinx, docname: str) -> datetime | None:
    """When the source of ``docname`` was last committed (UTC), if it was."""
    committed = app.site_commit_times.get(source_path(app, docname))
    return datetime.fromtimestamp(committed, timezone.utc) if committed else None


# -- Per page --------------------------------------------------------------------------------------


def plain(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup)).strip()


def shorten(text: str, limit: int = DESCRIPTION_LENGTH) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def own_description(doctree: nodes.document | None) -> str | None:
    """The description the page sets itself (``html_meta`` in its front matter)."""
    for meta in doctree.findall(nodes.meta) if doctree else ():
        if meta.get("name") == "description":
            return meta["content"]
    return None


def first_paragraph(doctree: nodes.document | None) -> str | None:
    for paragraph in doctree.findall(nodes.paragraph) if doctree else ():
        if text := paragraph.astext().strip():
            return shorten(text)
    return None


def absolute(app: Sphinx, path: str) -> str:
    return app.config.html_baseurl.rstrip("/") + "/" + path


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
        "image": absolute(app, SOCIAL_CARD),
        "mainEntityOfPage": page_url,
    }


def profile_json_ld(app: Sphinx, data: dict, page_url: str, modified: str | None) -> dict:
    person = {
        "@type": "Person",
        "name": data["name"],
        "jobTitle": data["role"],
        "worksFor": {"@type": "GovernmentOrganization", "name": data["organisation"]},
        "workLocation": {"@type": "Country", "name": data["country"]},
        "description": data["summary"],
    }
    if not person["jobTitle"]:  # no source states the role
        del person["jobTitle"]
    if native := data.get("name_native"):
        # A language-tagged value, so the name in its own script keeps its language here too.
        person["alternateName"] = {"@value": native["text"], "@language": native["lang"]}
    page = {
        "@context": "https://schema.org",
        "@type": "ProfilePage",
        "url": page_url,
        "name": data["name"],
        "description": data["summary"],
        "inLanguage": app.config.language,
        "isPartOf": {"@type": "WebSite", "name": app.config.html_title, "url": app.config.html_baseurl},
        "mainEntity": person,
    }
    if modified:
        page["dateModified"] = modified
    return page


def json_for_script(data: dict) -> str:
    """JSON that cannot end its ``<script>`` element early."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


def page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: nodes.document | None) -> None:
    if app.builder.name not in SITE_BUILDERS:
        return
    docname = pagename if pagename in app.env.found_docs else None
    profile = app.env.profile_data.get(pagename)
    written = own_description(doctree)
    description = (profile or {}).get("summary") or written or first_paragraph(doctree) or app.config.site_description
    page_url = context.get("pageurl")
    title = plain(context.get("title") or "") or app.config.html_title

    source = source_path(app, docname) if docname else None
    updated = last_commit(app, docname) if docname else None
    modified = updated.date().isoformat() if updated else None

    json_ld = None
    if docname == app.config.root_doc:
        json_ld = book_json_ld(app, page_url)
    elif profile:
        json_ld = profile_json_ld(app, profile, page_url, modified)

    context["site_meta"] = {
        "title": title,
        # Sphinx writes the page's own description; the others are added by the template.
        "meta_description": None if written else description,
        "description": description,
        "url": page_url,
        # Pages made by the build (search, index, 404) stay out of search engines.
        "indexed": docname is not None,
        "type": "profile" if profile else "website" if docname == app.config.root_doc else "article",
        "image": absolute(app, SOCIAL_CARD),
        "image_size": cover.IMAGES[Path(SOCIAL_CARD).name],
        "icon_size": ICON_PNG_SIZE,
        # What the card says (_ext/cover.py draws these three lines).
        "image_alt": f"{app.config.html_title}. {app.config.pdf_subtitle}. {app.config.cover_byline}.",
        "site_name": app.config.html_title,
        "json_ld": json_for_script(json_ld) if json_ld else None,
        "updated": modified,
        "updated_text": format_date("%-d %B %Y", date=updated, language=app.config.language) if updated else None,
        "edit_url": app.config.site_edit_url + source if source and app.config.site_edit_url else None,
    }


def setup(app: Sphinx) -> dict:
    app.add_config_value("site_edit_url", "", "html", types=[str])
    app.add_config_value("site_description", "", "html", types=[str])
    app.connect("builder-inited", read_commit_times)
    app.connect("builder-inited", write_favicons)
    app.connect("html-page-context", page_context)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
