"""Issue 23: every warning of the tools that typeset the PDFs fails the build (``-W``) and names
the file it concerns, though WeasyPrint, Pillow and fontTools log to their own loggers, in worker
processes that Sphinx never sees:

* a profile whose portrait file is missing (Sphinx says so while reading);
* a portrait file that is no picture (WeasyPrint and Pillow say so while typesetting);
* a rule of the print stylesheet that WeasyPrint ignores.
"""

from __future__ import annotations

from pathlib import Path

from conftest import sphinx

PAGE = "profiles/batool-asadi.md"


def give_portrait(project: Path, content: bytes | None) -> None:
    if content is not None:
        (project / "profiles" / "portrait.png").write_bytes(content)
    page = project / PAGE
    portrait = "image:\n  src: portrait.png\n  alt: A portrait\n  credit: Generated for a test\n  licence: CC0\n"
    page.write_text(page.read_text("utf-8").replace("contributors:", portrait + "contributors:", 1), "utf-8")


def test_a_missing_portrait_fails_the_pdf_build_and_names_the_file(project: Path):
    give_portrait(project, None)
    result = sphinx(project, "pdf")
    assert result.returncode != 0
    assert "profiles/portrait.png" in result.stderr, result.stderr


def test_a_portrait_that_is_no_picture_fails_the_pdf_build_and_names_it(project: Path):
    give_portrait(project, b"not a PNG at all")
    result = sphinx(project, "pdf")
    assert result.returncode != 0
    failures = [line for line in result.stderr.splitlines() if "Failed to load image" in line]
    assert failures, result.stderr
    # The profile's PDF and the companion's, each naming the source file, not an address of the build.
    assert any(PAGE in line and "profiles/portrait.png" in line for line in failures), failures
    assert any("companion" in line and "profiles/portrait.png" in line for line in failures), failures


def test_a_rule_weasyprint_ignores_fails_the_pdf_build_and_names_the_stylesheet(project: Path):
    stylesheet = project / "_ext" / "print_theme" / "static" / "print.css"
    lines = stylesheet.read_text("utf-8").splitlines()
    stylesheet.write_text("\n".join([*lines, ".profile-header { text-wobble: 3mm; }", ""]), "utf-8")
    result = sphinx(project, "pdf")
    assert result.returncode != 0
    expected = f"_ext/print_theme/static/print.css:{len(lines) + 1}: WARNING: weasyprint: Ignored `text-wobble: 3mm`"
    assert expected in result.stderr, result.stderr
    assert result.stderr.count("text-wobble") == 1, "said once, not once per PDF"
