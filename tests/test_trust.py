"""Issue 6: builds that can be trusted: reproducible, atomic, closed to broken and hostile input,
and with every internal link resolving."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import subprocess
import time
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import pikepdf
from bs4 import BeautifulSoup
from PIL import Image

from conftest import PROJECT_FILES, ROOT, sphinx


def tree_hashes(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def pdf_difference(one: Path, two: Path) -> str:
    """The first object that differs between two PDFs: its number and what it is."""
    with pikepdf.open(one) as a, pikepdf.open(two) as b:
        if len(a.objects) != len(b.objects):
            return f"{len(a.objects)} objects != {len(b.objects)}"
        for x, y in zip(a.objects, b.objects):
            if isinstance(x, pikepdf.Stream) and isinstance(y, pikepdf.Stream):
                if x.stream_dict.unparse() == y.stream_dict.unparse() and x.read_bytes() == y.read_bytes():
                    continue
                what = f"stream {x.stream_dict.unparse().decode('latin-1')} != {y.stream_dict.unparse().decode('latin-1')}"
                fonts = [
                    str(o.FontName) for o in a.objects
                    if isinstance(o, pikepdf.Dictionary) and o.get("/Type") == "/FontDescriptor"
                    and any(o.get(key) is not None and o.get(key).objgen == x.objgen for key in ("/FontFile2", "/FontFile3"))
                ]
                if fonts:
                    what = f"the font program of {fonts[0]}, {what}"
                return f"object {x.objgen[0]}: {what}"
            if x.unparse() != y.unparse():
                return f"object {x.objgen[0]}: {x.unparse()[:200]!r} != {y.unparse()[:200]!r}"
    return "the objects are the same; the file's layout differs"


def first_difference(a: Path, b: Path) -> str:
    """The first differing file and the bytes around the first difference (for a PDF, the first
    object that differs)."""
    left, right = tree_hashes(a), tree_hashes(b)
    if left.keys() != right.keys():
        return f"files differ: only in the first {sorted(left.keys() - right.keys())[:5]}, only in the second {sorted(right.keys() - left.keys())[:5]}"
    for name in left:
        if left[name] != right[name]:
            one, two = (a / name).read_bytes(), (b / name).read_bytes()
            if name.endswith(".pdf"):
                return f"{name} differs: {pdf_difference(a / name, b / name)}"
            at = next((i for i, (x, y) in enumerate(zip(one, two)) if x != y), min(len(one), len(two)))
            return f"{name} differs at byte {at}: {one[max(0, at - 40):at + 40]!r} != {two[max(0, at - 40):at + 40]!r}"
    return ""


def test_two_builds_of_a_commit_are_byte_identical(build, tmp_path):
    time.sleep(1.1)  # a later clock second, so a date taken from the clock would show
    again = tmp_path / "again"
    result = subprocess.run(["make", f"BUILDDIR={again}", "all"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    difference = first_difference(build.html, again / "html")
    assert not difference, difference
    print(f"\n{len(tree_hashes(build.html))} files identical, book PDF and ePub included")


def test_dates_come_from_the_commit(build):
    epoch = int(subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True).stdout or 0)
    year = time.gmtime(epoch).tm_year
    footer = " ".join(build.soup("index.html").get_text().split())
    # The book's year is its own; only the companion's years run to the last commit's.
    assert "2024 Dan Honig (the book)" in footer
    assert f"{year} The companion editors (this companion)" in footer
    with zipfile.ZipFile(build.epub) as epub:
        assert {info.date_time[:3] for info in epub.infolist()} == {time.gmtime(epoch)[:3]}


def test_an_interrupted_build_leaves_the_published_site_intact(build, project):
    shutil.copytree(build.root, project / "_build", symlinks=True)
    before = tree_hashes(project / "_build" / "html")
    page = project / "profiles" / "liu-yong.md"
    page.write_text(page.read_text("utf-8") + "\nOne more sentence.\n", "utf-8")
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    process = subprocess.Popen(["make", f"VENV={ROOT / '.venv'}", "all"], cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    time.sleep(3)  # the PDF step is running: it takes longer than this
    assert process.poll() is None, process.stdout.read().decode()
    os.killpg(process.pid, signal.SIGTERM)
    process.wait()
    assert tree_hashes(project / "_build" / "html") == before
    finished = subprocess.run(["make", f"VENV={ROOT / '.venv'}", "all"], cwd=project, env=env, capture_output=True, text=True)
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert "One more sentence." in (project / "_build" / "html" / "profiles" / "liu-yong.html").read_text("utf-8")


# -- Broken and hostile input ------------------------------------------------------------------

# case -> (Markdown of a page, the line reported, a fragment of the message)
CASES = {
    "broken-link": ("See [the missing page](no-such-page.md).", 3, "no-such-page"),
    "broken-xref": ("See {ref}`no-such-label`.", 3, "no-such-label"),
    "broken-download": ("Get {download}`the file <missing.pdf>`.", 3, "missing.pdf"),
    "missing-image": ("![A portrait](missing.png)", 3, "missing.png"),
    "image-without-alt": ("![](small.png)", 3, "has no alt text; describe what it shows"),
    "image-too-big": ("![A big picture](big.png)", 3, "over 500 KB; resize it"),
    "script-block": ("<script>alert(1)</script>", 3, "raw HTML is not allowed"),
    "iframe-block": ('<iframe src="https://example.org"></iframe>', 3, "raw HTML is not allowed"),
    "style-block": ("<style>body { display: none }</style>", 3, "raw HTML is not allowed"),
    "event-handler-inline": ("A picture <img src=x onerror=alert(1)> inline.", 3, "raw HTML is not allowed"),
    "raw-directive": ("```{raw} html\n<b>bold</b>\n```", 3, "raw HTML is not allowed"),
    "javascript-link": ("[Click](javascript:alert(1))", 3, "a `javascript:` link is not allowed"),
    "data-link": ("![A dot](data:image/png;base64,iVBORw0KGgo=)", 3, "a `data:` link is not allowed"),
    "http-link": ("[A site](http://example.org/page)", 3, "write `https://example.org/page`"),
}


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory) -> str:
    project = tmp_path_factory.mktemp("hostile") / "project"
    shutil.copytree(ROOT, project, ignore=PROJECT_FILES)
    cases = project / "cases"
    cases.mkdir()
    Image.new("RGB", (8, 8), "white").save(cases / "small.png")
    Image.frombytes("RGB", (600, 600), os.urandom(600 * 600 * 3)).save(cases / "big.png")
    for name, (markdown, _, _) in CASES.items():
        (cases / f"{name}.md").write_text(f"# {name}\n\n{markdown}\n", "utf-8")
    (cases / "orphan-page.md").write_text("# Nobody links here\n", "utf-8")
    toctree = "\n".join(f"cases/{name}" for name in CASES)
    index = project / "index.md"
    index.write_text(index.read_text("utf-8") + f"\n```{{toctree}}\n:hidden:\n\n{toctree}\n```\n", "utf-8")
    result = sphinx(project)
    assert result.returncode != 0
    return (result.stdout + result.stderr).replace(str(project) + "/", "")


@pytest.mark.parametrize("case", sorted(CASES))
def test_broken_or_hostile_input_fails_with_file_line_and_fix(hostile_build, case):
    _, line, fragment = CASES[case]
    messages = [m for m in hostile_build.splitlines() if m.startswith(f"cases/{case}.md:{line}:")]
    assert any(fragment in message for message in messages), f"cases/{case}.md:{line}: ... {fragment}\n{hostile_build}"


def test_a_page_outside_every_table_of_contents_fails(hostile_build):
    assert re.search(r"^cases/orphan-page\.md: WARNING: document isn't included in any toctree", hostile_build, re.MULTILINE)


def test_nothing_hostile_reaches_the_site(build):
    """No script address, event handler or frame; and no link opens a new window, so no page a
    reader follows can reach back to ours through ``window.opener`` (and the reader decides)."""
    pages = build.pages()
    assert len(pages) > 10, pages
    external = 0
    for page in pages:
        html = page.read_text("utf-8")
        assert "javascript:" not in html and "onerror=" not in html, page
        soup = BeautifulSoup(html, "html.parser")
        assert not soup.find("iframe"), page
        links = soup.find_all("a", href=True)
        external += sum(urlsplit(link["href"]).scheme == "https" for link in links)
        assert not [link for link in links if link.get("target")], f"{page}: a link opens a new window"
    assert external > 50, "the pages' links to other sites were seen"


# -- Links ---------------------------------------------------------------------------------------


def check_internal_links(files: dict[str, str], label: str, site_path: str = "/") -> int:
    """Every href and src inside ``files`` (name -> markup) points at a file and an id that exist.

    Addresses starting with ``/`` (the 404 page's, which must work at any depth) are read
    relative to ``site_path``, the path of the site's public address."""
    ids = {name: {tag["id"] for tag in BeautifulSoup(text, "html.parser").find_all(id=True)} for name, text in files.items()}
    checked = 0
    for name, text in files.items():
        for tag in BeautifulSoup(text, "html.parser").find_all(["a", "link", "img", "script", "source"]):
            address = tag.get("href") or tag.get("src")
            if not address or urlsplit(address).scheme or address.startswith("//"):
                continue
            parts = urlsplit(address)
            if parts.path.startswith("/"):
                assert parts.path.startswith(site_path), f"{label}: {name} links outside the site: {address}"
                parts = parts._replace(path=parts.path[len(site_path):])
                name_dir = ""
            else:
                name_dir = os.path.dirname(name)
            target = os.path.normpath(os.path.join(name_dir, unquote(parts.path))) if parts.path else name
            assert target in files or target in ALL_FILES[label], f"{label}: {name} links to missing {address}"
            if parts.fragment and target in ids:
                assert parts.fragment in ids[target], f"{label}: {name} links to missing #{parts.fragment} in {target}"
            checked += 1
    return checked


ALL_FILES: dict[str, set[str]] = {}


def test_every_internal_link_of_the_site_resolves(build):
    ALL_FILES["site"] = {p.relative_to(build.html).as_posix() for p in build.html.rglob("*") if p.is_file()}
    pages = {p.relative_to(build.html).as_posix(): p.read_text("utf-8") for p in build.html.rglob("*.html")}
    canonical = build.soup("index.html").find("link", rel="canonical")["href"]
    assert check_internal_links(pages, "site", urlsplit(canonical).path.rsplit("/", 1)[0] + "/") > 500


def test_every_internal_link_of_the_epub_resolves(build):
    with zipfile.ZipFile(build.epub) as epub:
        ALL_FILES["epub"] = set(epub.namelist())
        pages = {name: epub.read(name).decode() for name in epub.namelist() if name.endswith(".xhtml")}
    assert check_internal_links(pages, "epub") > 100


def test_every_page_carries_a_content_security_policy(build):
    """Only the site's own scripts and styles, and inline ones only by their hash."""
    import base64
    import hashlib

    pages = inline = loaded = 0
    for path in build.pages():
        pages += 1
        soup = BeautifulSoup(path.read_text("utf-8"), "html.parser")
        tag = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
        assert tag is not None, path
        rules = dict(rule.strip().split(" ", 1) for rule in tag["content"].split(";"))
        assert rules["default-src"] == "'self'" and rules["object-src"] == "'none'"
        assert "unsafe-inline" not in rules["script-src"] and "unsafe-inline" not in rules["style-src"]
        for script in soup.find_all("script", src=False):
            if script.get("type") != "application/ld+json":
                digest = base64.b64encode(hashlib.sha256(script.string.encode()).digest()).decode()
                assert f"'sha256-{digest}'" in rules["script-src"], (path, script.string[:60])
                inline += 1
        for script in soup.find_all("script", src=True):
            assert not urlsplit(script["src"]).netloc, (path, script["src"])
            loaded += 1
    assert pages > 10 and inline >= pages and loaded >= pages, "every page's inline and loaded scripts were seen"
