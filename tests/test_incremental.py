"""Issue 7: an incremental build gives the same output as a clean build."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import BASENAME, sphinx
from test_trust import first_difference


def edit_front_matter(profiles: Path) -> None:
    page = profiles / "liu-yong.md"
    page.write_text(page.read_text("utf-8").replace("sector: local administration", "sector: justice"), "utf-8")


def edit_text(profiles: Path) -> None:
    """The everyday edit: one page is rewritten, and the passes over written pages see only it."""
    page = profiles / "uma-mahadevan.md"
    page.write_text(page.read_text("utf-8") + "\nA sentence added by the test.\n", "utf-8")


def add_component(profiles: Path) -> None:
    """A sphinx-design component on a page that had none: the page must now load its styles."""
    page = profiles / "uma-mahadevan.md"
    page.write_text(page.read_text("utf-8") + "\n:::{dropdown} A dropdown added by the test\nIts text.\n:::\n", "utf-8")


def edit_name(profiles: Path) -> None:
    """A new title: the gallery's card, and the previous and next links of its neighbours."""
    page = profiles / "liu-yong.md"
    page.write_text(page.read_text("utf-8").replace("name: Liu Yong", "name: Yong Liu"), "utf-8")


def add_profile(profiles: Path) -> None:
    text = (profiles / "liu-yong.md").read_text("utf-8").replace("name: Liu Yong", "name: Wang Fang")
    (profiles / "wang-fang.md").write_text(text, "utf-8")


def delete_profile(profiles: Path) -> None:
    (profiles / "preetam-ponnappa.md").unlink()
    about = profiles.parent / "about.md"
    about.write_text("\n".join(line for line in about.read_text("utf-8").splitlines() if "preetam-ponnappa" not in line) + "\n", "utf-8")


def rename_profile(profiles: Path) -> None:
    (profiles / "liu-yong.md").rename(profiles / "yong-liu.md")
    about = profiles.parent / "about.md"
    about.write_text(about.read_text("utf-8").replace("profiles/liu-yong.md", "profiles/yong-liu.md"), "utf-8")


CHANGES = [edit_text, add_component, edit_front_matter, edit_name, add_profile, delete_profile, rename_profile]


CASES = [(change, "html") for change in CHANGES] + [(delete_profile, "epub"), (rename_profile, "epub")]
# The PDFs: an unchanged one is not typeset again (pdf_builder.py keeps it).
CASES += [(edit_text, "pdf"), (add_profile, "pdf")]


def incremental_differs_from_clean(project: Path, change, builder: str = "html", *options: str) -> str:
    """Build ``project``, make ``change``, build again, then build a clean copy; the first
    difference between the two outputs ("" for none)."""
    first = sphinx(project, builder, *options)
    assert first.returncode == 0, first.stdout + first.stderr
    change(project / "profiles")
    incremental = sphinx(project, builder, *options)
    assert incremental.returncode == 0, incremental.stdout + incremental.stderr
    clean_project = project.parent / "clean"
    shutil.copytree(project, clean_project, ignore=shutil.ignore_patterns("_build"))
    clean = sphinx(clean_project, builder, *options)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    return first_difference(project / "_build" / builder, clean_project / "_build" / builder)


@pytest.mark.parametrize(("change", "builder"), CASES, ids=[f"{c.__name__}-{b}" for c, b in CASES])
def test_incremental_build_equals_clean_build(project, change, builder):
    difference = incremental_differs_from_clean(project, change, builder)
    assert not difference, difference


def file_times(folder: Path) -> dict[str, int]:
    return {path.relative_to(folder).as_posix(): path.stat().st_mtime_ns for path in folder.rglob("*") if path.is_file()}


def test_an_edit_rewrites_only_the_outputs_that_show_the_page(project):
    """Editing a profile's text rewrites its page, the gallery that lists it, its PDF and the
    book, and no other output made from a source page (Sphinx's own search and index pages are
    written by every build)."""
    for builder in ("html", "pdf"):
        assert sphinx(project, builder).returncode == 0
    before = {builder: file_times(project / "_build" / builder) for builder in ("html", "pdf")}
    edit_text(project / "profiles")
    for builder in ("html", "pdf"):
        assert sphinx(project, builder).returncode == 0
    changed = {
        builder: {name for name, time in file_times(project / "_build" / builder).items() if time != before[builder].get(name)}
        for builder in ("html", "pdf")
    }
    pages = {path.relative_to(project).with_suffix(".html").as_posix() for path in project.rglob("*.md") if "_build" not in path.parts}
    assert changed["html"] & pages == {"profiles/uma-mahadevan.html", "profiles/index.html"}
    # What the Makefile publishes.
    published = {name for name in changed["pdf"] if re.fullmatch(r"(profiles/)?[^/]+\.pdf", name)}
    assert published == {"profiles/uma-mahadevan.pdf", f"{BASENAME}.pdf"}


def test_the_gallery_follows_a_front_matter_edit(project):
    assert sphinx(project).returncode == 0
    edit_front_matter(project / "profiles")
    assert sphinx(project).returncode == 0
    gallery = BeautifulSoup((project / "_build" / "html" / "profiles" / "index.html").read_text("utf-8"), "html.parser")
    card = next(card for card in gallery.select(".profile-card") if card.find("a", href="liu-yong.html"))
    assert card["data-sector"] == "justice"


def test_a_page_loads_the_styles_of_a_component_it_starts_to_use(project):
    def stylesheets() -> list[str]:
        page = BeautifulSoup((project / "_build" / "html" / "profiles" / "uma-mahadevan.html").read_text("utf-8"), "html.parser")
        return [link["href"].split("?")[0].rsplit("/", 1)[-1] for link in page.find_all("link", rel="stylesheet")]

    assert sphinx(project).returncode == 0
    assert "sphinx-design.min.css" not in stylesheets()  # no component on the page yet
    add_component(project / "profiles")
    assert sphinx(project).returncode == 0
    assert "sphinx-design.min.css" in stylesheets()
