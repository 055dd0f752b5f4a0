"""Issue 23: a contributor's portrait reaches every format, and a replaced one is published.

A copy of the project gives one profile a portrait (front matter ``image``) and runs `make`:

* the site shows it with its alt text;
* the profile's PDF and the companion PDF hold it as a tagged figure (``/Figure`` with its alt
  text as ``/Alt``) with its credit printed beside it;
* the ePub holds it as an image with its alt text, and EPUBCheck and DAISY Ace accept the ePub;
* replacing the picture's file and running `make` again publishes the new picture in all three.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import zipfile
from pathlib import Path

import pikepdf
from bs4 import BeautifulSoup
from PIL import Image

from browser_site import CHROMIUM
from conftest import BASENAME, ROOT
from test_epub_accessibility import ACE
from test_pdf_accessibility import figures

SLUG = "batool-asadi"
ALT = "A red square standing in for a portrait of Batool Asadi"
CREDIT = "Generated for a test, CC0"
RED, BLUE = (200, 30, 30), (30, 30, 200)


def give_portrait(project: Path, colour: tuple[int, int, int]) -> Path:
    picture = project / "profiles" / "portrait.png"
    Image.new("RGB", (60, 75), colour).save(picture)
    page = project / "profiles" / f"{SLUG}.md"
    text = page.read_text("utf-8")
    if "image:" not in text:
        portrait = f"image:\n  src: portrait.png\n  alt: {ALT}\n  credit: Generated for a test\n  licence: CC0\n"
        page.write_text(text.replace("contributors:", portrait + "contributors:", 1), "utf-8")
    return picture


def make(project: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["make", f"VENV={ROOT / '.venv'}", "all"], cwd=project, capture_output=True, text=True)


def colour_of(data: bytes) -> tuple[int, int, int]:
    with Image.open(io.BytesIO(data)) as picture:
        return picture.convert("RGB").getpixel((picture.width // 2, picture.height // 2))



def pdf_pictures(path: Path) -> list[tuple[int, int, int]]:
    """The colour of every picture the PDF draws."""
    colours = []
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            for image in page.get_images().values():
                colours.append(pikepdf.PdfImage(image).as_pil_image().convert("RGB").getpixel((5, 5)))
    return colours


def assert_published(project: Path, colour: tuple[int, int, int]) -> None:
    site = project / "_build" / "html"
    # The site.
    [img] = BeautifulSoup((site / "profiles" / f"{SLUG}.html").read_text("utf-8"), "html.parser").select(".profile-portrait img")
    assert img["alt"] == ALT
    assert colour_of((site / "profiles" / img["src"]).read_bytes()) == colour
    # The profile's PDF and the companion: a tagged figure with its alt text, the credit printed.
    for pdf_path in (site / "downloads" / "profiles" / f"{SLUG}.pdf", site / "downloads" / f"{BASENAME}.pdf"):
        with pikepdf.open(pdf_path) as pdf:
            assert ALT in figures(pdf), f"{pdf_path.name}: no figure with the portrait's alt text"
        text = subprocess.run(["pdftotext", str(pdf_path), "-"], capture_output=True, text=True, check=True).stdout
        assert CREDIT in " ".join(text.split()), f"{pdf_path.name}: the credit is not printed"
        assert colour in pdf_pictures(pdf_path), f"{pdf_path.name}: the portrait is not drawn"
    # The ePub: the page's image, with its alt text, is the picture.
    with zipfile.ZipFile(site / "downloads" / f"{BASENAME}.epub") as epub:
        page = BeautifulSoup(epub.read(f"profiles/{SLUG}.xhtml"), "html.parser")
        [img] = page.select(".profile-portrait img")
        assert img["alt"] == ALT
        assert colour_of(epub.read(os.path.normpath(f"profiles/{img['src']}"))) == colour


def test_a_portrait_reaches_every_format_and_a_replaced_one_is_published(project: Path, tmp_path: Path):
    picture = give_portrait(project, RED)
    result = make(project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert_published(project, RED)

    epub = project / "_build" / "html" / "downloads" / f"{BASENAME}.epub"
    jar = Path(__import__("epubcheck").__file__).parent / "epubcheck.jar"
    check = subprocess.run(["java", "-jar", str(jar), "--json", "-", str(epub)], capture_output=True, text=True)
    messages = [(m["ID"], m["message"]) for m in json.loads(check.stdout)["messages"] if m["severity"] in ("FATAL", "ERROR", "WARNING")]
    assert messages == []
    ace = subprocess.run(
        [str(ACE), "--silent", "--force", "--outdir", str(tmp_path / "ace"), "--tempdir", str(tmp_path / "work"), str(epub)],
        capture_output=True, text=True, env={**os.environ, "PUPPETEER_EXECUTABLE_PATH": CHROMIUM})
    assert ace.returncode == 0, ace.stdout + ace.stderr
    report = json.loads((tmp_path / "ace" / "report.json").read_text("utf-8"))
    assert report["earl:result"]["earl:outcome"] == "pass", [
        check["earl:test"]["dct:title"] for document in report["assertions"] for check in document.get("assertions", [])]

    # A better photograph, and nothing else changed: make publishes it everywhere.
    Image.new("RGB", (60, 75), BLUE).save(picture)
    stamp = picture.stat().st_mtime + 2
    os.utime(picture, (stamp, stamp))
    result = make(project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert_published(project, BLUE)
