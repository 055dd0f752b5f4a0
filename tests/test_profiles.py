"""Issue 3: profiles as typed content, with errors that teach and a scaffold.

The validation tests add one broken profile per rule to a copy of the project and build it
once: every problem must be reported in the same run, each naming its file, line and field.
"""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pypdf
import pytest

from conftest import ROOT, profile_slugs, sphinx

VALID = """\
---
name: {name}
role: Budget officer
organisation: Ministry of Finance
country: Atlantis
region: South Asia
sector: finance and budget
summary: A test profile.
status: sketch
sources:
  - key: report
    title: A report
    url: https://example.org/report
    publisher: Example Press
    date: 2020-01-31
contributors:
  - Tester
last_reviewed: 2026-11-29
---

## Work

A fact.{{cite}}`report`
"""

SOURCES = VALID[VALID.index("sources:") : VALID.index("contributors:")]

# file stem -> (the change to VALID, the field reported, a fragment of the message)
BROKEN = {
    "invalid-yaml": (("role: Budget officer", "role: [Budget officer"), "front matter", "invalid YAML"),
    "missing-field": (("country: Atlantis\n", ""), "country", "required field is missing; add `country:`"),
    "unknown-field": (("organisation:", "organization:"), "organization", "did you mean `organisation`?"),
    "wrong-type": (("  - Tester", "    Tester: 1"), "contributors", "expected a list"),
    "bad-url": (("https://example.org/report", "example.org/report"), "sources.0.url", "not a web address; write the full address"),
    "bad-date": (("date: 2020-01-31", "date: 2020-02-30"), "sources.0.date", "not a valid date; write it as YYYY-MM-DD"),
    "long-summary": (("A test profile.", "A" * 201), "summary", "is 201 characters, at most 200"),
    "unknown-sector": (("finance and budget", "finance"), "sector", "did you mean `finance and budget`?"),
    "unknown-region": (("South Asia", "Asia"), "region", "is not allowed"),
    "no-sources": ((SOURCES, "sources: []\n"), "sources", "needs at least one source"),
    "image-without-alt": (("contributors:", "image:\n  src: portrait.png\n  credit: Someone\n  licence: CC BY 4.0\ncontributors:"), "image.alt", "required field is missing; add `alt:`"),
    "unknown-citation": (("A fact.{{cite}}`report`", "A fact.{{cite}}`reprot`"), "cite", "no source has the key `reprot`"),
    "Not_A_Slug": ((None, None), "file name", "rename the file to `not-a-slug.md`"),
    "duplicate-name": (("name: {name}", "name: Batool  Asadi"), "name", "is also profiled in profiles/batool-asadi.md"),
}


def broken_text(stem: str) -> str:
    (old, new), _, _ = BROKEN[stem]
    text = VALID
    if old is not None:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text.format(name=stem.replace("-", " ").title() if stem != "duplicate-name" else "x")


def expected_line(stem: str, field: str) -> int:
    """The line a human would point at: where the field (or its parent) is written."""
    text = broken_text(stem)
    lines = text.splitlines()
    if stem == "invalid-yaml":
        return 1 + next(i for i, line in enumerate(lines) if line.startswith("role:")) + 1  # the error shows on the next line
    if stem == "unknown-citation":
        return 1 + next(i for i, line in enumerate(lines) if "reprot" in line)
    if stem in ("missing-field", "Not_A_Slug"):
        return 1
    if stem == "no-sources":
        return 1 + next(i for i, line in enumerate(lines) if line.startswith("status:"))
    key = {"sources.0.url": "    url:", "sources.0.date": "    date:", "image.alt": "image:"}.get(field, field + ":")
    return 1 + next(i for i, line in enumerate(lines) if line.startswith(key) or line.startswith("    " + key))


@pytest.fixture(scope="module")
def broken_build(tmp_path_factory) -> str:
    import shutil

    from conftest import PROJECT_FILES

    project = tmp_path_factory.mktemp("broken") / "project"
    shutil.copytree(ROOT, project, ignore=PROJECT_FILES)
    for stem in BROKEN:
        (project / "profiles" / f"{stem}.md").write_text(broken_text(stem), "utf-8")
    result = sphinx(project)
    assert result.returncode != 0, "the build must fail"
    return result.stdout + result.stderr


@pytest.mark.parametrize("stem", sorted(BROKEN))
def test_each_mistake_names_file_line_field_and_fix(broken_build, stem):
    _, field, fragment = BROKEN[stem]
    line = expected_line(stem, field)
    pattern = re.compile(rf"^profiles/{re.escape(stem)}\.md:{line}: ERROR: {re.escape(field)}: (.*)$", re.MULTILINE)
    match = pattern.search(broken_build)
    assert match, f"no `profiles/{stem}.md:{line}: ERROR: {field}: ...` in:\n{broken_build}"
    assert fragment in match.group(1)
    assert ";" in match.group(1), "the message says what is wrong; then what to do"


def test_valid_profiles_raise_nothing(broken_build):
    for slug in profile_slugs():
        assert not re.search(rf"^profiles/{slug}\.md:", broken_build, re.MULTILINE), slug


def run_scaffold(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "-s", "profile", *args, f"VENV={ROOT / '.venv'}"], cwd=project, capture_output=True, text=True)


def test_scaffold_round_trip(project):
    result = run_scaffold(project, "NAME=Jane Doe")
    assert result.returncode == 0, result.stderr
    page = project / "profiles" / "jane-doe.md"
    text = page.read_text("utf-8")
    for field in ("name", "role", "organisation", "country", "region", "sector", "summary", "status", "sources", "contributors", "last_reviewed", "name_native", "image", "area", "posts"):
        assert re.search(rf"^# {field}: ", text, re.MULTILINE), f"the template explains `{field}`"
    build = sphinx(project)
    assert build.returncode == 0, build.stdout + build.stderr
    gallery = (project / "_build" / "html" / "profiles" / "index.html").read_text("utf-8")
    assert 'href="jane-doe.html"' in gallery and "Jane Doe" in gallery
    page.write_text(text.replace("role: To be added", "role: Edited by hand"), "utf-8")
    again = run_scaffold(project, "NAME=Jane Doe")
    assert again.returncode != 0
    assert "exists already" in again.stderr
    assert "Edited by hand" in page.read_text("utf-8"), "the scaffold never overwrites a file"


def test_scaffold_asks_for_a_slug_for_a_name_without_latin_letters(project):
    refused = run_scaffold(project, "NAME=王芳")
    assert refused.returncode != 0 and "SLUG=" in refused.stderr
    made = run_scaffold(project, "NAME=王芳", "SLUG=wang-fang")
    assert made.returncode == 0, made.stderr
    assert (project / "profiles" / "wang-fang.md").read_text("utf-8").startswith("---\n# name:")


def test_a_portrait_is_shown_with_its_alt_text_and_credit(project):
    from synthetic import populate

    populate(project, 3)  # the first synthetic profile has a portrait
    result = sphinx(project)
    assert result.returncode == 0, result.stdout + result.stderr
    page = (project / "_build" / "html" / "profiles" / "synthetic-person-0000.html").read_text("utf-8")
    assert 'alt="A plain coloured square standing in for a portrait of Synthetic person 0000"' in page
    assert "Generated, CC0" in page


def test_header_and_sources_in_every_format(build):
    from test_build import NAMES

    reader = pypdf.PdfReader(build.pdf)
    book_text = " ".join(page.extract_text() for page in reader.pages)
    with zipfile.ZipFile(build.epub) as epub:
        for slug in NAMES:
            html = build.soup(f"profiles/{slug}.html")
            header = html.select_one(".profile-header")
            assert header is not None and "Role" in header.get_text() and "Country" in header.get_text()
            assert html.select(".profile-sources li"), slug
            xhtml = epub.read(f"profiles/{slug}.xhtml").decode()
            assert "profile-header" in xhtml
            assert 'id="sources"' in xhtml
            own = " ".join(page.extract_text() for page in pypdf.PdfReader(build.profile_pdf(slug)).pages)
            for text in (own, book_text):
                assert "Country" in text and "Sources" in text  # every header names the country (not every one an organisation)


def test_outline_profiles_invite_contributions(build):
    from test_build import NAMES

    import profile_schema

    for slug in NAMES:
        data, _ = profile_schema.check((ROOT / "profiles" / f"{slug}.md").read_text("utf-8"))
        notice = build.soup(f"profiles/{slug}.html").select_one(".profile-invitation")
        if data["status"] == "outline":
            assert notice is not None, slug
            assert notice.find("a", href="../contribute.html"), slug
        else:
            assert notice is None, slug


def test_gallery_cards_carry_what_the_filters_match(build):
    """The grouping itself (sketches first, then outlines) is checked in tests/test_site_pages.py."""
    gallery = build.soup("profiles/index.html")
    cards = gallery.select(".profile-card")
    assert len(cards) == len(profile_slugs())
    assert all(card["data-region"] and card["data-sector"] and card["data-status"] for card in cards)
    form = gallery.select_one("form.profile-filters")
    assert form.has_attr("hidden"), "without JavaScript the filters stay hidden and the list is plain"
    assert {select["name"] for select in form.select("select")} == {"region", "sector", "status"}


def test_schema_table_lists_every_field(build):
    import profile_schema

    table = build.soup("contribute.html").select_one("table.profile-schema")
    fields = [row.select_one("td code").get_text() for row in table.select("tbody tr")]
    assert fields == list(profile_schema.Profile.model_fields)


def test_previous_and_next_follow_the_gallery(build):
    """From the gallery, each page's "next" link leads through the profiles in the gallery's order."""
    gallery = build.soup("profiles/index.html")
    cards = [card.find("a")["href"] for card in gallery.select(".profile-card")]
    assert len(cards) == len(profile_slugs()), cards
    chain, page = [], "profiles/index.html"
    for _ in cards:
        following = build.soup(page).find("link", rel="next")["href"]
        chain.append(following)
        page = "profiles/" + following
    assert chain == cards


def test_make_check_checks_the_edited_profile_and_names_file_and_line_of_a_mistake(project):
    """`make check`, as a contributor runs it after editing a profile: the edited profile's page,
    its own PDF (not the companion's, nor the other profiles') and its ePub chapter; a mistake fails
    it, named with its file and line."""
    page = project / "profiles" / "liu-yong.md"
    text = page.read_text("utf-8")
    page.write_text(text + "\nA sentence added by a contributor.\n", "utf-8")
    check = ["make", f"VENV={ROOT / '.venv'}", "check"]
    good = subprocess.run(check, cwd=project, capture_output=True, text=True)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "make check: liu-yong\n" in good.stdout, good.stdout
    printed = project / "_build" / "work" / "check"
    assert [pdf.name for pdf in (printed / "profiles").glob("*.pdf")] == ["liu-yong.pdf"]
    # The build's book is the profile alone: the companion, most of `make`'s time, is not typeset.
    assert len(pypdf.PdfReader(next(printed.glob("*.pdf"))).pages) < 10

    page.write_text(text.replace("status: outline", "status: finished", 1), "utf-8")
    line = text.splitlines().index("status: outline") + 1
    broken = subprocess.run(check, cwd=project, capture_output=True, text=True)
    assert broken.returncode != 0
    assert re.search(rf"profiles/liu-yong\.md:{line}: ERROR: status: ", broken.stdout + broken.stderr), broken.stdout + broken.stderr
