"""Issues 7 and 22: an incremental build gives the same output as a clean build, with one
environment for every format; a retitled profile rewrites only the pages that show its title."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

import synthetic
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


# One environment serves every format (as `make` builds them): the site reads the change, and the
# ePub or the PDFs, built after it from the same environment, must still write what changed.
CASES = [(change, ("html", "epub")) for change in CHANGES]
# The PDFs: an unchanged one is not typeset again (pdf_builder.py keeps it).
CASES += [(edit_text, ("html", "pdf")), (add_profile, ("html", "pdf"))]


def incremental_differs_from_clean(project: Path, change, builders=("html",), *options: str) -> str:
    """Build ``project`` in each of ``builders`` in turn, make ``change``, build again, then build a
    clean copy; the first difference between the two outputs ("" for none)."""
    def build_all(source: Path) -> None:
        for builder in builders:
            result = sphinx(source, builder, *options)
            assert result.returncode == 0, result.stdout + result.stderr

    build_all(project)
    change(project / "profiles")
    build_all(project)
    clean_project = project.parent / "clean"
    shutil.copytree(project, clean_project, ignore=shutil.ignore_patterns("_build"))
    build_all(clean_project)
    for builder in builders:
        if difference := first_difference(project / "_build" / builder, clean_project / "_build" / builder):
            return f"{builder}: {difference}"
    return ""


@pytest.mark.parametrize(("change", "builders"), CASES, ids=[f"{c.__name__}-{'-'.join(b)}" for c, b in CASES])
def test_incremental_build_equals_clean_build(project, change, builders):
    difference = incremental_differs_from_clean(project, change, builders)
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
    # The pictures drawn from the title (_ext/artwork.py) are drawn again only when it changes.
    pictures = {"_static/cover.png", "_static/social-card.png", "_static/cover-web.png"}
    assert pictures <= set(before["html"]) and not changed["html"] & pictures
    assert pictures - {"_static/cover-web.png"} <= set(before["pdf"]) and not changed["pdf"] & pictures
    # What the Makefile publishes.
    published = {name for name in changed["pdf"] if re.fullmatch(r"(profiles/)?[^/]+\.pdf", name)}
    assert published == {"profiles/uma-mahadevan.pdf", f"{BASENAME}.pdf"}


def test_a_new_byline_draws_the_pictures_again(project):
    """The cover and the social card carry the byline; changed, they are drawn again, as a clean
    build draws them."""
    byline = "-D", "cover_byline=A byline for the test"
    assert sphinx(project, "epub").returncode == 0
    assert sphinx(project, "epub", *byline).returncode == 0
    clean = project.parent / "clean"
    shutil.copytree(project, clean, ignore=shutil.ignore_patterns("_build"))
    assert sphinx(clean, "epub", *byline).returncode == 0
    for picture in ("cover.png", "social-card.png"):
        drawn, from_clean = (folder / "_build" / "epub" / "_static" / picture for folder in (project, clean))
        assert drawn.read_bytes() == from_clean.read_bytes(), picture


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


def test_a_retitled_profile_rewrites_only_the_pages_that_show_its_title(project):
    """At 200 profiles: the retitled page, the gallery (and the landing page that lists it), the
    pages before and after it and a page that links to it by its title are written again, and no
    other page."""
    pages = synthetic.populate(project, 200)
    retitled = pages[100]
    about = project / "about.md"
    about.write_text(about.read_text("utf-8") + f"\nSee also [](profiles/{retitled.name}).\n", "utf-8")
    assert sphinx(project).returncode == 0
    site = project / "_build" / "html"
    gallery = BeautifulSoup((site / "profiles" / "index.html").read_text("utf-8"), "html.parser")
    order = [card.find("a")["href"].removesuffix(".html") for card in gallery.select(".profile-card")]
    at = order.index(retitled.stem)
    before = file_times(site)
    retitled.write_text(retitled.read_text("utf-8").replace("name: Synthetic person 0100", "name: Synthetic person 0100, retitled"), "utf-8")
    result = sphinx(project)
    assert result.returncode == 0, result.stdout + result.stderr
    sources = {path.relative_to(project).with_suffix(".html").as_posix() for path in project.rglob("*.md") if "_build" not in path.parts}
    written = {name for name, time in file_times(site).items() if time != before.get(name)} & sources
    neighbours = {f"profiles/{order[at - 1]}.html", f"profiles/{order[at + 1]}.html"}
    # Sphinx itself writes the landing page too: its table of contents lists the gallery, read again.
    assert written == {f"profiles/{retitled.stem}.html", "profiles/index.html", "about.html", "index.html", *neighbours}
    assert "Synthetic person 0100, retitled" in (site / "about.html").read_text("utf-8")
    print(f"\n{len(written)} of {len(sources)} pages written again")


def test_the_sidebar_is_furos_own(project):
    """The sidebar, rendered once per place, equals what Furo renders for each page on its own."""
    synthetic.populate(project, 12)
    assert sphinx(project).returncode == 0
    conf = project / "conf.py"
    # Without the cache: each page's sidebar from Furo and Sphinx, pruned to the same depth.
    conf.write_text(conf.read_text("utf-8") + "\nimport site_theme\nsite_theme.sidebars = type('NoCache', (dict,), {'__contains__': lambda self, key: False})()\n", "utf-8")
    uncached = project.parent / "uncached"
    shutil.copytree(project, uncached, ignore=shutil.ignore_patterns("_build"))
    assert sphinx(uncached).returncode == 0

    def sidebar(site: Path, page: Path) -> str:
        tree = BeautifulSoup(page.read_text("utf-8"), "html.parser").select_one(".sidebar-tree")
        return str(tree)

    pages = sorted((project / "_build" / "html").rglob("*.html"))
    compared = 0
    for page in pages:
        other = uncached / "_build" / "html" / page.relative_to(project / "_build" / "html")
        if BeautifulSoup(page.read_text("utf-8"), "html.parser").select_one(".sidebar-tree"):
            assert sidebar(project, page) == sidebar(uncached, other), page
            compared += 1
    assert compared > 20
    current = BeautifulSoup((project / "_build" / "html" / "profiles" / "liu-yong.html").read_text("utf-8"), "html.parser")
    assert "current" in current.select_one(".sidebar-tree a[href='index.html']").parent["class"]


def test_our_extensions_in_reverse_order_give_the_same_outputs(project):
    """Each extension sets up what it builds on, and no handler relies on the order in conf.py."""
    reversed_project = project.parent / "reversed"
    shutil.copytree(project, reversed_project)
    conf = reversed_project / "conf.py"
    ours = sorted(path.stem for path in (project / "_ext").glob("*.py"))
    conf.write_text(conf.read_text("utf-8") + f"\nours = {ours!r}\nextensions = [e for e in extensions if e not in ours] + [e for e in extensions if e in ours][::-1]\n", "utf-8")
    for source in (project, reversed_project):
        for builder in ("html", "epub", "pdf"):
            result = sphinx(source, builder)
            assert result.returncode == 0, result.stdout + result.stderr
    for build_info in [*project.glob("_build/*/.buildinfo"), *reversed_project.glob("_build/*/.buildinfo")]:
        build_info.unlink()  # it records the settings, and the list of extensions is one
    for builder in ("html", "epub", "pdf"):
        difference = first_difference(project / "_build" / builder, reversed_project / "_build" / builder)
        assert not difference, f"{builder}: {difference}"
