"""Tagged PDFs (WeasyPrint's PDF/UA-1 variant, _ext/pdf_builder.py), read back with poppler's
`pdfinfo -struct-text` and pikepdf: the companion PDF and every profile's PDF carry a structure
tree with headings in reading order, paragraphs, lists, links and figures with alt text; the
document's language, and that of every run in another script; the title shown in the window;
and `page-validation`'s PDF/UA-1 profile finds no failure but the one README's "Accessibility"
explains."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import page
import pikepdf
import pypdf
import pytest

from conftest import profile_slugs

SLUGS = profile_slugs()


def structure(path: Path) -> list[tuple[int, str, str]]:
    """Every structure element as (depth, tag, the text directly in it), in reading order."""
    output = subprocess.run(["pdfinfo", "-struct-text", str(path)], capture_output=True, text=True, check=True).stdout
    elements: list[list] = []
    for line in output.splitlines():
        depth = len(line) - len(line.lstrip())
        if match := re.match(r"\s*([A-Za-z][A-Za-z0-9]*)(?: \(\w+\))?:?$", line):
            elements.append([depth, match.group(1), ""])
        elif line.strip().startswith('"') and elements:
            elements[-1][2] += line.strip().strip('"')
    return [tuple(element) for element in elements]


def headings(path: Path) -> list[str]:
    """The text of each heading element (H1...H6), in reading order."""
    found, current = [], None
    for depth, tag, text in structure(path):
        if current is not None and depth <= current[0]:
            found.append(current[1].strip())
            current = None
        if re.fullmatch(r"H[1-6]", tag):
            current = [depth, ""]
        elif current is not None:
            current[1] += text + " "
    if current is not None:
        found.append(current[1].strip())
    return [" ".join(text.split()) for text in found]


def bookmarks(path: Path) -> list[str]:
    titles = []

    def walk(items):
        for item in items:
            walk(item) if isinstance(item, list) else titles.append(item.title)

    walk(pypdf.PdfReader(path).outline)
    return titles


def languages(pdf: pikepdf.Pdf) -> set[str]:
    """The /Lang of every structure element."""
    found, stack = set(), [pdf.Root.StructTreeRoot]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(node)
        elif isinstance(node, pikepdf.Dictionary):
            if "/Lang" in node and node.get("/Type") == "/StructElem":
                found.add(str(node.Lang))
            if "/K" in node:
                stack.append(node.K)
    return found


def pdfs(build) -> list[Path]:
    return [build.pdf, *(build.profile_pdf(slug) for slug in SLUGS)]


def test_every_pdf_is_tagged_with_its_language_and_title_shown(build):
    for path in pdfs(build):
        with pikepdf.open(path) as pdf:
            assert pdf.Root.MarkInfo.Marked is True, path.name
            assert str(pdf.Root.Lang) == "en", path.name
            assert pdf.Root.ViewerPreferences.DisplayDocTitle is True, path.name
            assert "/StructTreeRoot" in pdf.Root, path.name
            assert str(pdf.open_metadata().get("dc:title", "")).strip(), path.name


@pytest.mark.parametrize("slug", SLUGS)
def test_a_profile_pdf_has_its_headings_in_reading_order_links_and_lists(build, slug):
    path = build.profile_pdf(slug)
    tags = [tag for _, tag, _ in structure(path)]
    assert headings(path) == bookmarks(path), "the headings, in reading order, are the PDF's bookmarks"
    assert headings(path)[0] and headings(path)[-1] == "Sources"
    assert {"P", "Link", "L", "LI"} <= set(tags), set(tags)


def test_the_companion_pdf_has_every_heading_in_reading_order(build):
    found = headings(build.pdf)
    # Bookmarks the print theme adds without a heading of its own (the cover).
    assert [title for title in bookmarks(build.pdf) if title != "Cover"] == found
    assert "Figure" in {tag for _, tag, _ in structure(build.pdf)}, "the cover is a figure"


def test_every_run_in_another_language_is_tagged(build):
    """The languages marked in the print HTML (tests/test_languages.py) are the PDFs' /Lang."""
    folder = build.root / "work" / "pdf"
    seen = set()
    for path in pdfs(build):
        html = folder / path.relative_to(build.html / "downloads").with_suffix(".html")
        expected = set(re.findall(r'<(?!html)[a-z]+ [^>]*\blang="([^"]+)"', html.read_text("utf-8"))) - {"en"}
        with pikepdf.open(path) as pdf:
            assert expected <= languages(pdf), f"{path.name}: {expected - languages(pdf)} untagged"
        seen |= expected
    # Not a subset of nothing: Batool Asadi's name is printed in Urdu too.
    assert "ur" in seen, seen


def figures(pdf: pikepdf.Pdf) -> list[str]:
    """The /Alt of every /Figure structure element."""
    found, stack = [], [pdf.Root.StructTreeRoot]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(node)
        elif isinstance(node, pikepdf.Dictionary):
            if node.get("/S") == "/Figure":
                found.append(str(node.get("/Alt", "")))
            if "/K" in node:
                stack.append(node.K)
    return found


def test_figures_have_alt_text(build):
    checked = 0
    for path in pdfs(build):
        with pikepdf.open(path) as pdf:
            for alt in figures(pdf):
                assert alt.strip(), f"{path.name}: a figure without alt text"
                checked += 1
    assert checked, "no figure was checked (the companion's cover is one)"


# WeasyPrint writes an empty ToUnicode entry (``<>``) for each glyph after the first of a shaped
# cluster (Nastaliq ligatures, Devanagari conjuncts), which the validator calls malformed; README's
# "Accessibility" says why it is not mended. Only those faces may fail, and only that rule.
KNOWN = {"PDFUA1-FONT-UNICODE-MAPPING-001": ("Companion-Nastaliq", "Companion-Devanagari", "Companion-Naskh")}


def test_every_pdf_passes_the_pdf_ua_1_validator(build):
    checked = pdfs(build)
    assert len(checked) == len(SLUGS) + 1 and SLUGS
    failures = []
    for path in checked:
        report = page.validate_pdf(path, profile="ua1")
        with pikepdf.open(path) as pdf:
            for failure in report.failures:
                font = pdf.get_object(failure.object_id.object_number, failure.object_id.generation) if failure.object_id else {}
                if not str(font.get("/BaseFont", "")).endswith(KNOWN.get(failure.rule_id, ("-",))):
                    failures.append((path.name, failure.rule_id, failure.message))
    assert failures == []
