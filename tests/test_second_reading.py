"""Issue 24, the content's second reading: headers that agree with their pages, dates that say what
they are, what the book's website really offers, and prose written for each person."""

from __future__ import annotations

import json
import re
import runpy
import time

import pypdf
import pytest
import yaml

from conftest import ROOT, profile_slugs
from test_site_meta import committed

import profile_schema

FACTS = (ROOT.parent / "shared" / "research" / "facts.md").read_text("utf-8")
BOOK = yaml.safe_load((ROOT / "_data" / "book.yaml").read_text("utf-8"))
CONF = runpy.run_path(str(ROOT / "conf.py"))


def front_matter(slug: str) -> dict:
    data, problems = profile_schema.check((ROOT / "profiles" / f"{slug}.md").read_text("utf-8"))
    assert data, problems
    return data


PROFILES = {slug: front_matter(slug) for slug in profile_slugs()}


def body(slug: str) -> str:
    text = (ROOT / "profiles" / f"{slug}.md").read_text("utf-8")
    _, line_count = profile_schema.split_front_matter(text)
    return " ".join("\n".join(text.split("\n")[line_count:]).split())


def facts_of(build, slug: str) -> dict[str, list[str]]:
    """The header's facts at a glance: label → its lines."""
    facts = build.soup(f"profiles/{slug}.html").select_one(".profile-facts")
    return {dt.get_text().rstrip(": "): [p.get_text() for p in dd.find_all("p")] for dt, dd in zip(facts.find_all("dt"), facts.find_all("dd"))}


# -- Items 1 and 2: posts with the dates the sources give, never an invented end -------------------


def test_asadi_header_shows_her_later_post_and_no_invented_end(build):
    facts = facts_of(build, "batool-asadi")
    assert facts["Role"] == ["Assistant Commissioner"]
    assert facts["Posts"] == [
        "Assistant Commissioner in the field, Balochistan (reported in April 2016)",
        "Deputy Commissioner, Naseerabad (from September 2023; reported in May 2024)",
    ]
    assert "Years" not in facts and "2016–2024" not in build.soup("profiles/batool-asadi.html").get_text()
    text = body("batool-asadi")
    assert "since September 2023" in text and "May 2024" in text, "the text says what the header says"


def test_mahadevan_has_no_tenure_only_the_dates_the_sources_give(build):
    facts = facts_of(build, "uma-mahadevan")
    assert facts["Posts"] == ["Additional Chief Secretary, Panchayati Raj, Government of Karnataka (reported in March 2023)"]
    assert "2020–2023" not in build.soup("profiles/uma-mahadevan.html").get_text()
    assert "November 2020" in body("uma-mahadevan") and "March 2023" in body("uma-mahadevan")


def test_no_post_has_an_end_date_facts_md_does_not_give():
    ends = {(slug, post["end"]) for slug, data in PROFILES.items() for post in data["posts"] if post["end"]}
    assert ends == {("florence-n-kuteesa", "2004-12")}, ends  # "held that post until December 2004"
    assert "held that post until December 2004" in FACTS


def test_a_post_without_a_date_is_reported_with_its_line_and_fix():
    text = (ROOT / "profiles" / "uma-mahadevan.md").read_text("utf-8").replace("    reported: 2023-03\n", "", 1)
    _, problems = profile_schema.check(text)
    line = text.splitlines().index("  - title: Additional Chief Secretary, Panchayati Raj, Government of Karnataka") + 1
    assert [(p.line, p.field) for p in problems] == [(line, "posts.0")], problems
    assert "add `start`, `end` or `reported`" in problems[0].message


def test_a_wrong_reported_date_names_its_field():
    text = (ROOT / "profiles" / "uma-mahadevan.md").read_text("utf-8").replace("reported: 2023-03", "reported: 2023-13", 1)
    _, problems = profile_schema.check(text)
    assert [p.field for p in problems] == ["posts.0.reported.0"] and "YYYY, YYYY-MM or YYYY-MM-DD" in problems[0].message


# -- Item 3: worksFor and the "Organisation" slot hold organisations only -------------------------------


@pytest.mark.parametrize("slug", ["batool-asadi", "preetam-ponnappa"])
def test_no_place_or_topic_is_given_as_an_organisation(build, slug):
    data = PROFILES[slug]
    assert data["organisation"] is None and data["area"]
    facts = facts_of(build, slug)
    assert "Organisation" not in facts and facts["Area"] == [data["area"]]
    [ld] = [json.loads(s.string) for s in build.soup(f"profiles/{slug}.html").find_all("script", type="application/ld+json")]
    assert "worksFor" not in ld["mainEntity"]
    assert "Balochistan" not in json.dumps(ld.get("mainEntity", {}).get("worksFor", {}))


def test_a_profile_without_organisation_or_area_is_refused():
    text = (ROOT / "profiles" / "preetam-ponnappa.md").read_text("utf-8").replace("area: Social auditing in Karnataka\n", "")
    _, problems = profile_schema.check(text)
    assert [p.field for p in problems] == ["organisation"] and "add `area:`" in problems[0].message


# -- Item 4: what the book's website offers, said and linked ----------------------------------------------


def test_outlines_and_gallery_say_the_website_publishes_a_profile_of_each(build):
    outlines = [slug for slug, data in PROFILES.items() if data["status"] == "outline"]
    assert outlines
    pages = [build.soup("profiles/index.html").select_one(".profile-group-invitation")]
    pages += [build.soup(f"profiles/{slug}.html").select_one(".profile-invitation") for slug in outlines]
    for notice in pages:
        text = " ".join(notice.get_text().split())
        assert "publishes a profile" in text and "few other public sources" in text, text
        assert "Little is public" not in text and "Little about" not in text
        assert notice.find("a", href=BOOK["profiles_url"]), "links the website's profiles"
    about = " ".join((ROOT / "about.md").read_text("utf-8").split())
    assert "nothing beyond the website's listing" not in about and "publishes each of those profiles as a PDF" in about


def test_the_gallery_keeps_the_websites_many_do_not():
    assert "many do not" in (ROOT / "profiles" / "index.md").read_text("utf-8")


# -- Item 5: each date says what it is ---------------------------------------------------------------------


@pytest.mark.parametrize("slug", profile_slugs())
def test_a_profiles_citation_is_dated_by_its_last_change(build, slug):
    changed = committed(ROOT / "profiles" / f"{slug}.md")
    assert changed, "the profile is committed"
    [item] = json.loads((build.html / "profiles" / f"{slug}.json").read_text("utf-8"))
    cited = "-".join(f"{part:02d}" for part in item["issued"]["date-parts"][0])
    assert cited >= changed, f"the citation ({cited}) is older than the page's last change ({changed})"
    footer = build.soup(f"profiles/{slug}.html").find(class_="last-updated").get_text()
    day = time.strftime("%-d %B %Y", time.strptime(cited, "%Y-%m-%d"))
    assert " ".join(footer.split()) == f"Last updated on {day}", "the citation and the footer agree"
    citation = " ".join(build.soup(f"profiles/{slug}.html").select_one("#cite-this-profile .citation-text").get_text().split())
    assert f"Last updated {day}." in citation and "Last reviewed" not in citation


def test_last_reviewed_is_shown_only_where_an_editor_gave_it(build):
    for slug, data in PROFILES.items():
        assert ("Facts checked" in facts_of(build, slug)) == bool(data["last_reviewed"]), slug


def test_a_profile_pdf_labels_its_edition_date(build):
    first = pypdf.PdfReader(build.profile_pdf("batool-asadi")).pages[0].extract_text()
    assert re.search(r"edition of \d{1,2} [A-Z][a-z]+ \d{4}", " ".join(first.split())), first[:300]


# -- Items 6 and 7: copyright years, and the companion's own metadata ----------------------------------------


def test_the_books_year_stands_alone_in_the_copyright():
    assert CONF["copyright"].startswith(f"{BOOK['year']} {BOOK['author']} (the book); ")
    assert CONF["copyright"] == CONF["epub_copyright"]


def test_the_companion_is_titled_and_authored_as_itself(build):
    info = pypdf.PdfReader(build.pdf).metadata
    assert info.title == CONF["project"] != BOOK["title"] and info.author == CONF["author"]
    named = {name for data in PROFILES.values() for name in data["contributors"]}
    assert named == {CONF["author"]}, "the editors are named one way everywhere"


# -- Item 8: smaller corrections -------------------------------------------------------------------------------------


def test_smaller_corrections_stay_made(build):
    about = (ROOT / "about.md").read_text("utf-8")
    assert "growthlab" not in about
    newman = body("captain-sara-newman")
    assert "explained" not in newman and "has served" not in PROFILES["captain-sara-newman"]["summary"]
    assert "2021" in PROFILES["captain-sara-newman"]["summary"]
    for path in ("style-guide.md", "tools/new_profile.py"):
        assert "刘勇" not in (ROOT / path).read_text("utf-8"), path
    assert "../" not in (ROOT / "_data" / "book.yaml").read_text("utf-8")
    landing, endorsements = (ROOT / "index.md").read_text("utf-8"), (ROOT / "endorsements.md").read_text("utf-8")
    for text in (landing, endorsements):
        assert "scholars and policymakers" in text and "former ministers" not in text and "economists and" not in text
    assert "What readers say" not in landing
    buy = " ".join(build.soup("buy.html").get_text().split())
    assert "The book is also sold amongst" not in buy and "The book is also sold by other booksellers" in buy
    assert build.soup("buy.html").select_one(".buy-offer .admonition-title").get_text() == "The offer published on the book’s website"
    description = build.soup("about.html").find("meta", attrs={"name": "description"})["content"]
    assert "( " not in description
    liu = body("liu-yong")
    assert "weak source" in liu


def test_the_gallerys_group_headings_do_not_set_the_pdfs_running_head(build):
    """print.css takes the running head from headings that are a page's section's own children."""
    for heading in build.soup("profiles/index.html").select(".profile-group-name"):
        assert heading.parent.name == "div" and "profile-group-heading" in heading.parent["class"]


# -- Item 9: a source's title is its headline, or our description in square brackets ------------------------


def test_source_titles_are_headlines_or_marked_as_ours():
    titles = [(slug, source["title"]) for slug, data in PROFILES.items() for source in data["sources"]]
    assert titles
    for slug, title in titles:
        assert (title.startswith("[") and title.endswith("]")) or title in FACTS, f"{slug}: {title!r} is neither a headline facts.md gives nor marked as ours"


# -- Item 10: the landing page claims no more than the website ----------------------------------------------------


def test_the_landing_page_claims_what_the_website_says(build):
    text = " ".join(build.soup("index.html").select_one(".book-hero").get_text().split())
    assert "more for empowerment" in text and "often" in text
    assert "rather than for compliance" not in text and "whose work shows" not in text


# -- Prose written for each person -------------------------------------------------------------------------------------


def test_no_move_is_repeated_across_the_profiles():
    texts = {slug: body(slug) for slug in PROFILES}
    for phrase in ("extraordinary results", "three parts of managing for empowerment", "own superiors", "not about the person", "not about her own", "not about his own"):
        users = [slug for slug, text in texts.items() if phrase in text]
        assert not users, (phrase, users)
    openings = {slug: re.search(r"^## .+?\n\n(.+?)\n", (ROOT / "profiles" / f"{slug}.md").read_text("utf-8").split("\n---\n", 1)[1], re.MULTILINE | re.DOTALL) for slug in PROFILES}
    for slug, match in openings.items():
        assert match and not match.group(1).startswith("The book's website"), slug
