"""What each page tells search engines, link previews and readers, and the files beside the
pages, read from the built site: sphinxext-opengraph, sphinx-sitemap, sphinx-notfound-page,
sphinx-last-updated-by-git and Furo's edit link, with what _ext/site_meta.py adds."""

from __future__ import annotations

import json
import re
import subprocess
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from PIL import Image

from conftest import ROOT, profile_slugs

import profile_schema

BOOK = yaml.safe_load((ROOT / "_data" / "book.yaml").read_text("utf-8"))
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
# Pages of the build, not of the sources: no canonical address, kept out of search engines.
GENERATED = {"404.html", "search.html", "genindex.html"}


def sources() -> dict[str, Path]:
    """Page → its source, for every Markdown source of the site."""
    return {
        path.relative_to(ROOT).with_suffix(".html").as_posix(): path
        for path in sorted(ROOT.rglob("*.md"))
        if not {".venv", "_build", "node_modules", "tests", ".github"} & set(path.relative_to(ROOT).parts)
        and path.name not in ("README.md", "CONTRIBUTING.md", "ARCHITECTURE.md")
    }


SOURCES = sources()


def meta(soup, key: str) -> str | None:
    tag = soup.find("meta", attrs={"property": key}) or soup.find("meta", attrs={"name": key})
    return tag["content"] if tag else None


def json_ld(soup) -> list[dict]:
    return [json.loads(script.string) for script in soup.find_all("script", type="application/ld+json")]


def committed(path: Path) -> str | None:
    stamp = subprocess.run(["git", "log", "-1", "--format=%ct", "--", str(path)], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    return time.strftime("%Y-%m-%d", time.gmtime(int(stamp))) if stamp else None


def base_url(build) -> str:
    return build.soup("index.html").find("link", rel="canonical")["href"].rsplit("/", 1)[0] + "/"


@pytest.mark.parametrize("page", sorted(SOURCES) + sorted(GENERATED))
def test_every_page_has_title_description_and_card(build, page):
    soup = build.soup(page)
    assert soup.title and soup.title.string.strip()
    descriptions = soup.find_all("meta", attrs={"name": "description"})
    assert len(descriptions) == 1 and descriptions[0]["content"].strip(), descriptions
    if page in GENERATED:  # search results and "not found" are not for link previews or search engines
        assert meta(soup, "robots") == "noindex" and meta(soup, "og:title") is None
        return
    assert meta(soup, "og:description") == descriptions[0]["content"]
    assert meta(soup, "og:title")
    assert meta(soup, "twitter:card") == "summary_large_image"
    image = meta(soup, "og:image")
    assert image.startswith(base_url(build)) and (build.html / image[len(base_url(build)) :]).is_file()
    assert meta(soup, "og:image:alt")
    assert soup.find("link", rel="canonical")["href"] == base_url(build) + page == meta(soup, "og:url")
    assert meta(soup, "robots") is None


@pytest.mark.parametrize("slug", profile_slugs())
def test_each_profile_describes_its_person(build, slug):
    data, _ = profile_schema.check((ROOT / "profiles" / f"{slug}.md").read_text("utf-8"))
    soup = build.soup(f"profiles/{slug}.html")
    assert meta(soup, "description") == data["summary"]
    assert meta(soup, "og:type") == "profile"
    (page,) = json_ld(soup)
    assert page["@type"] == "ProfilePage" and page["url"] == base_url(build) + f"profiles/{slug}.html"
    person = page["mainEntity"]
    assert person["@type"] == "Person" and person["name"] == data["name"]
    assert person.get("jobTitle") == data.get("role") and person.get("worksFor", {}).get("name") == data.get("organisation")
    if native := data.get("name_native"):
        assert person["alternateName"] == {"@value": native["text"], "@language": native["lang"]}


def test_landing_page_describes_the_book(build):
    soup = build.soup("index.html")
    (book,) = json_ld(soup)
    assert book["@type"] == "Book" and book["name"] == BOOK["title"]
    assert book["isbn"] == BOOK["isbn13"] and book["author"]["name"] == BOOK["author"]
    assert book["publisher"]["name"] == BOOK["publisher"] and book["numberOfPages"] == BOOK["pages"]
    assert [json_ld(build.soup(page)) for page in ("about.html", "buy.html", "search.html")] == [[], [], []]


def test_structured_data_cannot_break_out_of_its_script(build):
    scripts = {page: [script.string for script in build.soup(page).find_all("script", type="application/ld+json")] for page in SOURCES}
    carrying = sorted(page for page, found in scripts.items() if found)
    assert carrying == sorted(["index.html", *(f"profiles/{slug}.html" for slug in profile_slugs())]), carrying
    for page, found in scripts.items():
        assert not any("<" in text for text in found), page


def last_updated(build, page: str) -> str | None:
    footer = build.soup(page).find(class_="last-updated")
    return " ".join(footer.get_text().split()) if footer else None


@pytest.mark.parametrize("page", sorted(SOURCES))
def test_last_updated_and_edit_link(build, page):
    day = committed(SOURCES[page])
    assert day, f"git gives no date for {SOURCES[page].relative_to(ROOT)}: commit it (its page shows the day of its last commit)"
    shown = last_updated(build, page)
    assert shown, f"{page} shows no last change"
    if SOURCES[page].parent.name == "profiles" and SOURCES[page].stem != "index":
        # A profile's page is made from its file alone (the gallery's links to the book's website
        # read _data/book.yaml).
        assert shown == "Last updated on " + time.strftime("%-d %B %Y", time.strptime(day, "%Y-%m-%d"))
    else:  # other pages also show the data files they read
        assert time.strptime(shown.removeprefix("Last updated on "), "%d %B %Y") >= time.strptime(day, "%Y-%m-%d")
    edit = build.soup(page).find("a", rel="edit")
    assert edit["title"] == "Edit this page"
    assert edit["href"].endswith("/" + SOURCES[page].relative_to(ROOT).as_posix())
    assert urlsplit(edit["href"]).scheme == "https"


def test_sitemap_lists_every_page_with_its_last_change(build):
    tree = ET.parse(build.html / "sitemap.xml")
    entries = {url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod") for url in tree.getroot()}
    assert list(entries) == sorted(entries), "in name order, so every build writes the same file"
    assert set(entries) == {base_url(build) + page for page in SOURCES}
    for page in SOURCES:
        shown = time.strptime(last_updated(build, page).removeprefix("Last updated on "), "%d %B %Y")
        assert entries[base_url(build) + page][:10] == time.strftime("%Y-%m-%d", shown)


def test_robots_txt_lets_crawlers_in_and_names_the_sitemap(build):
    lines = (build.html / "robots.txt").read_text("utf-8").splitlines()
    assert "User-agent: *" in lines and "Allow: /" in lines
    assert f"Sitemap: {base_url(build)}sitemap.xml" in lines


def test_favicons_are_svg_and_png_not_ico(build):
    for page in ("index.html", "profiles/batool-asadi.html", "404.html"):
        icons = {link["type"]: link["href"] for link in build.soup(page).find_all("link", rel="icon")}
        assert set(icons) == {"image/svg+xml", "image/png"}
        assert not any(href.endswith(".ico") for href in icons.values())
    svg = (build.html / "_static" / "favicon.svg").read_text("utf-8")
    assert svg.startswith("<svg") and 'viewBox="0 0 64 64"' in svg
    with Image.open(build.html / "_static" / "favicon.png") as png:
        assert png.format == "PNG" and png.size == (192, 192)
    assert not list(build.html.rglob("*.ico"))


def test_404_page_links_from_the_site_root(build):
    text = (build.html / "404.html").read_text("utf-8")
    root = urlsplit(base_url(build)).path
    relative = re.findall(r'\b(?:href|src|action)="(?![a-z]+:|/|#)([^"]*)"', text)
    assert relative == [], relative
    assert f'href="{root}index.html"' in text and f'href="{root}_static/styles/furo.css' in text
