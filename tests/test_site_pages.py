"""Issue 14: the site's pages as a reader meets them, read from the built site.

The book comes first on the landing page (its cover, "Buy the book", then the downloads) and is in
every page's sidebar; the retailers are linked from the Buy page only, where the discount code is
plain text; profile pages have a standfirst, the facts at a glance (whose text reads "Role: ..."
where search results quote it), a monogram and an "About this profile" note; the gallery shows
the sketches first and gathers the outlines under "Help write these profiles"; endorsements name
the person apart from the affiliation. (The browser checks are in tests/test_browser.py.)
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from PIL import Image

from conftest import ROOT, profile_slugs

import profile_schema

BUY = yaml.safe_load((ROOT / "_data" / "buy.yaml").read_text("utf-8"))
BOOK = yaml.safe_load((ROOT / "_data" / "book.yaml").read_text("utf-8"))
ENDORSEMENTS = yaml.safe_load((ROOT / "_data" / "endorsements.yaml").read_text("utf-8"))
PROFILES = {slug: profile_schema.check((ROOT / "profiles" / f"{slug}.md").read_text("utf-8"))[0] for slug in profile_slugs()}


def target(build, page: str, address: str) -> Path:
    """The file a relative address of ``page`` leads to (``#``: the page itself)."""
    path = urlsplit(address).path
    return (build.html / page).parent.joinpath(path or Path(page).name).resolve()


def test_landing_page_puts_the_book_first(build):
    page = build.soup("index.html")
    hero = page.select_one(".book-hero")
    assert hero is not None and hero.find_previous("h2") is None, "the book comes before the first section"
    cover = hero.select_one("figure.book-cover img")
    assert "drawn for this companion" in cover["alt"] and "not the publisher's jacket" in cover["alt"]
    with Image.open(target(build, "index.html", cover["src"])) as image:
        assert image.width == 2 * int(cover["width"]) and image.height == 2 * int(cover["height"])
    assert target(build, "index.html", cover["src"]).stat().st_size < 20_000, "a small picture for the web"
    buy = hero.select_one("a.buy-button")
    assert buy.get_text() == "Buy the book" and buy["href"] == "buy.html"
    actions = [a for a in hero.find_all("a") if "buy-button" in a.get("class", []) or a.find_parent(class_="download-buttons")]
    assert [a.get_text() for a in actions] == ["Buy the book", "Download the companion (PDF)", "Download the companion (ePub)"]


@pytest.mark.parametrize("page", ["index.html", "buy.html", "profiles/index.html", "profiles/uma-mahadevan.html", "search.html", "404.html"])
def test_every_page_shows_the_cover_and_buy_the_book_in_its_sidebar(build, page):
    link = build.soup(page).select_one(".sidebar-drawer a.sidebar-book")
    assert link is not None and link.get_text(strip=True) == "Buy the book"
    assert link.img["alt"] == "", "decorative: the link's text says where it goes"
    if page == "404.html":  # its links start from the site's root path, so it works at any depth
        root = urlsplit(build.soup("index.html").find("link", rel="canonical")["href"]).path.rsplit("/", 1)[0] + "/"
        assert link["href"] == root + "buy.html" and link.img["src"].startswith(root)
        href, src = link["href"][len(root) :], link.img["src"][len(root) :]
        page = "index.html"  # read from the site's root
    else:
        href, src = link["href"], link.img["src"]
    assert target(build, page, href) == (build.html / "buy.html").resolve()
    assert target(build, page, src).is_file()


def test_every_page_of_the_site_has_the_sidebar_buy_link(build):
    assert len(build.pages()) > 10
    for path in build.pages():
        page = path.relative_to(build.html).as_posix()
        assert build.soup(page).select_one(".sidebar-drawer a.sidebar-book"), page


def test_retailers_are_linked_from_the_buy_page_only(build):
    hosts = {urlsplit(outlet["url"]).netloc for outlet in BUY["outlets"]}
    assert len(hosts) >= 5 and len(build.pages()) > 10, hosts
    for path in build.pages():
        page = path.relative_to(build.html).as_posix()
        linked = {urlsplit(a["href"]).netloc for a in build.soup(page).find_all("a", href=True)}
        assert page == "buy.html" or not linked & hosts, f"{page} links to a retailer: {linked & hosts}"
    buttons = build.soup("buy.html").select(".buy-outlets a")
    assert [a.get_text() for a in buttons] == [outlet["name"] for outlet in BUY["outlets"]]


def test_the_discount_code_is_plain_text_and_its_script_loads_on_the_buy_page_only(build):
    page = build.soup("buy.html")
    code = page.select_one(".buy-offer code.coupon-code")
    assert code.get_text() == BUY["offer"]["code"]
    assert page.select_one("figure.book-cover img"), "the Buy page shows the cover"
    for name in ("buy.html", "index.html", "profiles/batool-asadi.html"):
        scripts = [script["src"].split("?")[0] for script in build.soup(name).find_all("script", src=True)]
        assert ("_static/coupon.js" in scripts) == (name == "buy.html"), name


@pytest.mark.parametrize("slug", sorted(PROFILES))
def test_profile_header(build, slug):
    data = PROFILES[slug]
    page = build.soup(f"profiles/{slug}.html")
    header = page.select_one(".profile-header")
    assert header.select_one(".profile-standfirst").get_text().replace("’", "'") == data["summary"]  # typographic apostrophes
    monogram = header.select_one(".profile-monogram")
    assert monogram["aria-hidden"] == "true" and 1 <= len(monogram.get_text().replace("\u200c", "")) <= 3
    if data.get("name_native"):
        assert monogram.find(lang=data["name_native"]["lang"]), "initials in the subject's own script"
    # Search results quote a page's text content: each label is followed by a colon and a space.
    facts = header.select_one(".profile-facts").get_text()
    assert f"Role: {data['role'] or 'not stated in our sources'}" in facts
    assert f"Country: {data['country']}" in facts
    terms = header.select(".profile-facts dt")
    assert len(terms) >= 3, terms
    for term in terms:
        assert term.get_text().endswith(": "), term


@pytest.mark.parametrize("slug", ["batool-asadi", "florence-n-kuteesa", "judy-parfitt", "uma-mahadevan"])
def test_names_and_titles_are_an_about_this_profile_note_after_the_text(build, slug):
    page = build.soup(f"profiles/{slug}.html")
    note = page.select_one(".admonition.profile-about")
    assert note.select_one(".admonition-title").get_text() == "About this profile"
    assert "Names and titles" not in [h.get_text().strip("¶") for h in page.find_all("h2")]
    assert note.find_parent("section", id="why-it-matters-our-reading") is None, "not part of our reading"
    assert note.find_next("section")["id"] == "sources" and note.find_previous("h2").get_text().startswith("Why it matters")
    assert note.select("sup.cite a"), "its facts keep their citations"


def test_gallery_shows_sketches_first_and_gathers_outlines_under_an_invitation(build):
    gallery = build.soup("profiles/index.html")
    statuses = [card["data-status"] for card in gallery.select(".profile-card")]
    assert sorted(statuses, key=lambda status: status == "outline") == statuses and "outline" in statuses
    groups = gallery.select(".profile-group")
    assert len(groups) >= 2, "the sketches, then the outlines"
    for group in groups:
        heading = group.select_one("h2")
        cards = group.select(".profile-card")
        assert ({card["data-status"] for card in cards} == {"outline"}) == (heading.get_text() == "Help write these profiles")
    invitation = gallery.select(".profile-group-invitation a")[-1]  # after the link to the website's profiles
    assert invitation["href"] == "../contribute.html"
    assert all(card.select_one(".profile-monogram") for card in gallery.select(".profile-card"))


def test_filter_labels_are_capitalised_and_values_kept(build):
    options = build.soup("profiles/index.html").select(".profile-filters option[value]:not([value=''])")
    assert options
    for option in options:
        assert option.get_text() == option["value"][:1].upper() + option["value"][1:]
    assert "local administration" in [option["value"] for option in options]


def test_endorsements_name_the_person_apart_from_the_affiliation(build):
    for page, entries in (("endorsements.html", ENDORSEMENTS), ("index.html", [e for e in ENDORSEMENTS if e.get("featured")])):
        quotes = build.soup(page).select("blockquote.endorsement")
        assert [q.select_one(".endorser").get_text() for q in quotes] == [e["name"] for e in entries]
        assert [q.select_one(".affiliation").get_text() for q in quotes] == [e["affiliation"] for e in entries]
        assert [q.find("p").get_text() for q in quotes] == [e["text"] for e in entries]
