"""Issue 15: the ePub conforms to EPUB Accessibility 1.1 (WCAG 2.1 Level AA).

* DAISY Ace (the npm package, run on the system's Chromium) finds no violation in the ePub `make`
  built; the violations are printed when it does;
* the package document declares the accessibility metadata, and only what is true of the ePub:
  a page list only if there is one, the visual access mode and text alternatives only if a page
  shows a picture (a copy of the project with a portrait proves that the builder adds them);
* every XHTML document carries ``lang`` and ``xml:lang``.

EPUBCheck's 0 errors and 0 warnings are tests/test_build.py::test_epubcheck_reports_nothing.
"""

from __future__ import annotations

import json
import os
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from collections import defaultdict
from pathlib import Path

from PIL import Image

from browser_site import CHROMIUM, NODE_MODULES
from conftest import BASENAME, sphinx

ACE = NODE_MODULES / ".bin" / "ace-puppeteer"
OPF = "{http://www.idpf.org/2007/opf}"
XHTML = "{http://www.w3.org/1999/xhtml}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
DOCUMENT_LANGUAGE = "en"
CONFORMANCE = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"


def declared(opf: bytes) -> dict[str, list[str]]:
    """Each ``<meta property>`` of a package document with its values, in order."""
    values = defaultdict(list)
    for meta in ET.fromstring(opf).iter(f"{OPF}meta"):
        if meta.get("property"):
            values[meta.get("property")].append((meta.text or "").strip())
    return dict(values)


def xhtml_documents(epub: zipfile.ZipFile) -> dict[str, ET.Element]:
    return {name: ET.fromstring(epub.read(name)) for name in epub.namelist() if name.endswith(".xhtml")}


def test_ace_finds_no_violation(build, tmp_path, capsys):
    report_dir = tmp_path / "ace"
    result = subprocess.run(
        [str(ACE), "--silent", "--force", "--outdir", str(report_dir), "--tempdir", str(tmp_path / "work"), str(build.epub)],
        capture_output=True,
        text=True,
        env={**os.environ, "PUPPETEER_EXECUTABLE_PATH": CHROMIUM},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads((report_dir / "report.json").read_text("utf-8"))
    violations = [
        (document["earl:testSubject"]["url"], check["earl:test"]["dct:title"], check["earl:test"]["earl:impact"], check["earl:result"].get("dct:description", ""))
        for document in report["assertions"]
        for check in document.get("assertions", [])
    ]
    with capsys.disabled():
        print(f"\nDAISY Ace {report['earl:assertedBy']['doap:release']['doap:revision']}: {len(violations)} violations")
        for violation in violations:
            print("  " + " | ".join(violation))
    assert violations == []
    assert report["earl:result"]["earl:outcome"] == "pass"
    assert report["a11y-metadata"]["empty"] == []


def test_package_declares_what_is_true_of_the_epub(build):
    with zipfile.ZipFile(build.epub) as epub:
        opf = epub.read("content.opf")
        nav = epub.read("nav.xhtml").decode()
        documents = xhtml_documents(epub)
    metadata = declared(opf)
    # The cover is no picture the text needs (EPUB Accessibility: it adds no access mode).
    [cover] = [item.get("href") for item in ET.fromstring(opf).iter(f"{OPF}item") if item.get("properties") == "cover-image"]
    pictures = [img for page in documents.values() for img in page.iter(f"{XHTML}img") if img.get("src") != cover]
    features = metadata["schema:accessibilityFeature"]

    assert metadata["schema:accessMode"] == (["textual", "visual"] if pictures else ["textual"])
    assert metadata["schema:accessModeSufficient"] == ["textual"]
    assert {"structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability"} <= set(features)
    assert ("alternativeText" in features) == bool(pictures)
    assert all(img.get("alt") for img in pictures)
    # Page navigation is declared only with a page list, which this ePub has no print edition for.
    assert ("pageNavigation" in features) == ('epub:type="page-list"' in nav)
    assert metadata["schema:accessibilityHazard"] == ["none"]
    [summary] = metadata["schema:accessibilitySummary"]
    assert "WCAG 2.1 Level AA" in summary and "not been audited by hand" in summary
    assert metadata["dcterms:conformsTo"] == [CONFORMANCE]
    # A claim of conformance names who evaluated it (EPUB Accessibility 1.1, 2.1).
    assert metadata["a11y:certifiedBy"] == ["The companion editors"]


def test_every_xhtml_document_declares_its_language(build):
    with zipfile.ZipFile(build.epub) as epub:
        documents = xhtml_documents(epub)
    assert "nav.xhtml" in documents and "epub-cover.xhtml" in documents
    undeclared = {name: (root.get("lang"), root.get(XML_LANG)) for name, root in documents.items() if root.get("lang") != DOCUMENT_LANGUAGE or root.get(XML_LANG) != DOCUMENT_LANGUAGE}
    assert undeclared == {}


def test_the_table_of_contents_has_its_role(build):
    with zipfile.ZipFile(build.epub) as epub:
        nav = ET.fromstring(epub.read("nav.xhtml"))
    [toc] = [element for element in nav.iter(f"{XHTML}nav") if element.get(EPUB_TYPE) == "toc"]
    assert toc.get("role") == "doc-toc"


def test_a_portrait_adds_the_visual_access_mode_and_text_alternatives(project: Path):
    page = project / "profiles" / "batool-asadi.md"
    Image.new("RGB", (24, 30), "grey").save(page.with_name("portrait.png"))
    portrait = "image:\n  src: portrait.png\n  alt: A grey square standing in for a portrait\n  credit: Generated\n  licence: CC0\n"
    page.write_text(page.read_text("utf-8").replace("contributors:", portrait + "contributors:", 1), "utf-8")
    result = sphinx(project, "epub")
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(project / "_build" / "epub" / f"{BASENAME}.epub") as epub:
        metadata = declared(epub.read("content.opf"))
    assert metadata["schema:accessMode"] == ["textual", "visual"]
    assert "alternativeText" in metadata["schema:accessibilityFeature"]
    assert metadata["schema:accessModeSufficient"] == ["textual"]
