"""Issue 5: every name or passage in another script carries its language, in every format, so
screen readers pronounce it and fonts draw it right.

The tests find every run of letters outside the Latin script in the output (text, attributes and
structured data of the site's pages; the ePub's XHTML; the HTML that WeasyPrint typesets into the
PDFs) and check that the nearest ``lang`` around it names a language written in that script, not
the document's English, and that a right-to-left script sits in ``dir="rtl"``. In the PDFs
themselves, every such run must be set in the font the print stylesheet gives its language.
"""

from __future__ import annotations

import json
import re
import unicodedata
import zipfile
from pathlib import Path

import pypdf
import pytest
from bs4 import BeautifulSoup, Comment

from conftest import BASENAME, ROOT

DOCUMENT_LANGUAGE = "en"
RIGHT_TO_LEFT = {"ARABIC", "HEBREW", "SYRIAC", "THAANA", "NKO"}
# Languages written in a script (the first word of its letters' Unicode names), to catch a wrong tag.
LANGUAGES = {
    "ARABIC": {"ar", "ur", "fa", "ps", "sd", "ug", "ckb", "ks"},
    "CJK": {"zh", "ja", "ko"},
    "DEVANAGARI": {"hi", "mr", "ne", "sa", "mai"},
    "BENGALI": {"bn", "as"},
    "HEBREW": {"he", "yi"},
    "HANGUL": {"ko"},
    "HIRAGANA": {"ja"},
    "KATAKANA": {"ja"},
    "TAMIL": {"ta"},
    "KANNADA": {"kn"},
}
PRINT_CSS = ROOT / "_ext" / "print_theme" / "static" / "print.css"


def script(char: str) -> str | None:
    """The script of a letter or mark outside Latin, from its Unicode name; None otherwise."""
    if not (char.isalpha() or unicodedata.category(char).startswith("M")):
        return None
    name = unicodedata.name(char, "")
    return None if not name or name.startswith("LATIN") else name.split()[0]


def foreign_runs(text: str) -> list[tuple[str, str]]:
    """(run, script) for each run of words in one script other than Latin."""
    runs: list[tuple[str, str]] = []
    previous = None
    for word in text.split():
        kind = next((s for s in map(script, word) if s), None)
        if kind and kind == previous:
            runs[-1] = (runs[-1][0] + " " + word, kind)
        elif kind:
            runs.append((word, kind))
        previous = kind
    return runs


def nearest(element, *names: str) -> str | None:
    for tag in [element, *element.parents]:
        for name in names:
            if getattr(tag, "attrs", None) and tag.get(name):
                return tag[name]
    return None


def problem(element, run: str, kind: str) -> str | None:
    lang = nearest(element, "lang", "xml:lang")
    primary = (lang or "").split("-")[0].lower()
    where = f"{run!r} in <{element.name}>"
    if not lang or primary == DOCUMENT_LANGUAGE:
        return f"{where}: no lang of its own (inherits {lang!r})"
    if kind in LANGUAGES and primary not in LANGUAGES[kind]:
        return f"{where}: lang={lang!r} is not written in {kind.title()} script"
    if kind in RIGHT_TO_LEFT and nearest(element, "dir") != "rtl":
        return f'{where}: right-to-left script without dir="rtl"'
    return None


def json_strings(value, language: str | None = None):
    """(string, its @language) for every string of JSON-LD."""
    if isinstance(value, dict):
        if "@value" in value:
            yield value["@value"], value.get("@language")
        else:
            for item in value.values():
                yield from json_strings(item, language)
    elif isinstance(value, list):
        for item in value:
            yield from json_strings(item, language)
    elif isinstance(value, str):
        yield value, language


def problems_in(markup: str) -> list[str]:
    soup = BeautifulSoup(markup, "html.parser")
    found = []
    for text in soup.find_all(string=True):
        if isinstance(text, Comment) or text.parent.name in ("style", "script"):
            continue
        found += [p for run, kind in foreign_runs(str(text)) if (p := problem(text.parent, run, kind))]
    for tag in soup.find_all(True):
        for name, value in tag.attrs.items():
            if name in ("href", "src") or not isinstance(value, str):
                continue
            found += [f"{p} (attribute {name})" for run, kind in foreign_runs(value) if (p := problem(tag, run, kind))]
    for script_tag in soup.find_all("script", type="application/ld+json"):
        for string, language in json_strings(json.loads(script_tag.string)):
            for run, kind in foreign_runs(string):
                if not language or language.split("-")[0] not in LANGUAGES.get(kind, {language.split("-")[0]}):
                    found.append(f"{run!r} in JSON-LD: no @language for it ({language!r})")
    return found


def report(files: dict[str, str]) -> str:
    return "\n".join(f"{name}: {p}" for name, markup in files.items() for p in problems_in(markup))


# -- The formats ---------------------------------------------------------------------------------------


def site_pages(build) -> dict[str, str]:
    return {p.relative_to(build.html).as_posix(): p.read_text("utf-8") for p in sorted(build.html.rglob("*.html"))}


def epub_pages(build) -> dict[str, str]:
    with zipfile.ZipFile(build.epub) as epub:
        return {name: epub.read(name).decode() for name in epub.namelist() if name.endswith((".xhtml", ".html"))}


def print_pages(build) -> dict[str, str]:
    """The HTML the PDF builder gave WeasyPrint: the companion and each profile."""
    folder = build.root / "work" / "pdf"
    assert (folder / f"{BASENAME}.html").is_file()
    return {p.relative_to(folder).as_posix(): p.read_text("utf-8") for p in sorted(folder.rglob("*.html")) if "_static" not in p.parts}


FORMATS = {"site": site_pages, "epub": epub_pages, "print HTML": print_pages}


@pytest.mark.parametrize("kind", FORMATS)
def test_there_are_runs_to_check(build, kind):
    """The checks below see the Urdu name of a profile in each format, so they would see any other
    script: a format that lost it would pass them unseen."""
    runs = [run for markup in FORMATS[kind](build).values() for text in BeautifulSoup(markup, "html.parser").find_all(string=True) for run in foreign_runs(str(text))]
    assert ("بتول اسدی", "ARABIC") in runs, f"no Urdu name in the {kind}"


def test_site_marks_every_language(build):
    assert not (found := report(site_pages(build))), found


def test_epub_marks_every_language(build):
    assert not (found := report(epub_pages(build))), found


def test_pdf_sources_mark_every_language(build):
    assert not (found := report(print_pages(build))), found


def lang_fonts() -> dict[str, str]:
    """Language → the first font family the print stylesheet gives it with ``:lang()``."""
    fonts = {}
    for selectors, family in re.findall(r"([^{}]*:lang\([^{}]*)\{[^}]*?font-family:\s*\"([^\"]+)\"", PRINT_CSS.read_text("utf-8")):
        for lang in re.findall(r":lang\(([\w-]+)\)", selectors):
            fonts[lang] = family.replace(" ", "-")
    return fonts


@pytest.fixture(scope="module")
def scripts_languages(build) -> dict[str, set[str]]:
    """Script → the languages the typeset HTML marks its runs with."""
    found: dict[str, set[str]] = {}
    for markup in print_pages(build).values():
        for text in BeautifulSoup(markup, "html.parser").find_all(string=True):
            for _, kind in foreign_runs(str(text)):
                primary = (nearest(text.parent, "lang") or DOCUMENT_LANGUAGE).split("-")[0]
                if primary != DOCUMENT_LANGUAGE:
                    found.setdefault(kind, set()).add(primary)
    return found


def test_pdfs_set_each_language_in_its_font(build, scripts_languages):
    fonts = lang_fonts()
    assert scripts_languages.get("ARABIC") == {"ur"}, scripts_languages  # Batool Asadi's name, marked Urdu
    pdfs = [build.pdf, *sorted(build.profile_pdf(p.stem) for p in (ROOT / "profiles").glob("*.md") if p.stem != "index")]
    wrong, seen = [], set()
    for pdf in pdfs:
        for number, page in enumerate(pypdf.PdfReader(pdf).pages, 1):

            def visit(text, cm, tm, font, size, pdf=pdf, number=number):
                for run, kind in foreign_runs(text):
                    seen.add((Path(pdf).name, kind))
                    expected = {fonts[lang] for lang in scripts_languages.get(kind, ()) if lang in fonts}
                    used = str((font or {}).get("/BaseFont", "")).split("+")[-1]
                    if used not in expected:
                        wrong.append(f"{Path(pdf).name} p. {number}: {run!r} set in {used}, not in {expected or 'a font for its language'}")

            page.extract_text(visitor_text=visit)
    # The Urdu name was seen in the companion and in its profile's PDF: the check ran on it.
    assert {(build.pdf.name, "ARABIC"), ("batool-asadi.pdf", "ARABIC")} <= seen, sorted(seen)
    assert not wrong, "\n".join(wrong)
