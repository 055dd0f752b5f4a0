"""Issue 26: the site's search (Pagefind, _ext/search.py), in a real browser.

The site `make` built, served on 127.0.0.1 and opened in headless Chromium with every other host
blocked (tests/browser_site.py), its Content Security Policy enforced:

* a name finds its profile in Urdu script, and Latin names as typed; synthetic profiles (a copy of
  the project) are found by their names in Urdu, Hindi and Chinese script, and by a Latin name
  typed without its accents;
* a profile's result shows its role, organisation and country with their labels;
* the search page alone may compile WebAssembly, and answers even where Pagefind cannot start its
  worker (its fallback compiles on the page); no request goes to another host; pages that do not
  search load nothing of it;
* by keyboard at 375 and 1280 px, light and dark: type, Enter, Tab to the first result;
* from any folder: the site served under another path still searches;
* Sphinx's own index (``searchindex.js``) is not written, in the site or the live preview;
* the live preview (tag ``preview``) writes no Pagefind index, and its search page says it does not search.

axe-core checks the search page with its results in tests/test_browser.py (every page, every mode).
"""

from __future__ import annotations

import functools
import threading
from contextlib import contextmanager
from http.server import ThreadingHTTPServer

import pytest
from bs4 import BeautifulSoup

import synthetic
from browser_site import HOST, Handler, Site, open_page, serve
from conftest import sphinx

STATUS = "() => / found /.test(document.getElementById('pagefind-status')?.textContent ?? '')"


def results(browser, site, query: str, **options) -> tuple[list[dict], object]:
    """The results shown for ``query`` (address and text of each), and what the page fetched."""
    context = browser.new_context(**options)
    try:
        page, load = open_page(context, site.url("search.html?" + f"q={query}"))
        page.wait_for_function(STATUS)
        found = page.eval_on_selector_all(
            ".pagefind-result",
            "items => items.map(item => ({href: item.querySelector('a').getAttribute('href'), text: item.innerText}))",
        )
        page.wait_for_load_state("networkidle")
        return found, load
    finally:
        context.close()


def assert_finds(browser, site, query: str, page: str) -> list[dict]:
    found, load = results(browser, site, query)
    assert not load.problems(), load.problems()
    assert any(result["href"].endswith(page) for result in found), (query, [r["href"] for r in found])
    return found


@pytest.mark.parametrize(
    "query,page",
    [
        ("بتول اسدی", "profiles/batool-asadi.html"),
        ("بتول", "profiles/batool-asadi.html"),
        ("Tathiana", "profiles/tathiana-chaves-de-souza.html"),
        ("Souza", "profiles/tathiana-chaves-de-souza.html"),
        ("Kuteesa", "profiles/florence-n-kuteesa.html"),
        ("Liu Yong", "profiles/liu-yong.html"),
    ],
)
def test_a_name_finds_its_profile(site, browser, query, page):
    assert_finds(browser, site, query, page)


def test_a_result_shows_the_facts_with_their_labels(site, browser):
    found = assert_finds(browser, site, "Additional Chief Secretary", "profiles/uma-mahadevan.html")
    text = " ".join(next(r for r in found if r["href"].endswith("uma-mahadevan.html"))["text"].split())
    for fact in ("Role: Additional Chief Secretary", "Organisation: Indian Administrative Service", "Country: India"):
        assert fact in text, text


def test_only_the_search_page_may_compile_webassembly(build):
    pages = build.pages()
    assert pages
    for path in pages:
        policy = BeautifulSoup(path.read_text("utf-8"), "html.parser").find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
        script_src = next(rule for rule in policy.split(";") if rule.strip().startswith("script-src"))
        assert ("'wasm-unsafe-eval'" in script_src) == (path.name == "search.html" and path.parent == build.html), path
        assert "'unsafe-eval'" not in script_src, path


def test_search_works_without_a_worker_under_the_policy(site, browser):
    """Where Pagefind cannot start its worker, it compiles its WebAssembly on the page, which the
    page's policy must allow (and does not need to allow anywhere else)."""
    context = browser.new_context()
    context.add_init_script("delete window.Worker")
    page, load = open_page(context, site.url("search.html?q=Kuteesa"))
    page.wait_for_function(STATUS)
    assert page.locator(".pagefind-result a[href$='florence-n-kuteesa.html']").count() == 1
    assert not load.problems(), load.problems()
    context.close()


def test_pages_that_do_not_search_load_none_of_it(site, browser):
    context = browser.new_context()
    _, load = open_page(context, site.url("index.html"))
    context.close()
    urls = [response.url for response in load.responses]
    assert urls
    assert not [url for url in urls if "/pagefind/" in url or "search." in url.rsplit("/", 1)[-1]], urls


@pytest.mark.parametrize("scheme,width", [("light", 375), ("dark", 1280)])
def test_search_by_keyboard(site, browser, scheme, width):
    context = browser.new_context(color_scheme=scheme, viewport={"width": width, "height": 800})
    page, load = open_page(context, site.url("search.html"))
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "pagefind-query":
            break
    else:
        pytest.fail("Tab never reached the search box")
    page.keyboard.type("Kuteesa")
    page.keyboard.press("Enter")
    page.wait_for_function(STATUS)
    page.keyboard.press("Tab")  # the Search button
    page.keyboard.press("Tab")  # the first result
    focused = page.evaluate("() => ({href: document.activeElement.getAttribute('href'), outline: getComputedStyle(document.activeElement).outlineStyle})")
    assert focused["href"] and focused["href"].endswith("profiles/florence-n-kuteesa.html"), focused
    assert focused["outline"] != "none", focused
    assert "q=Kuteesa" in page.url  # the address keeps the query
    assert not load.problems(), load.problems()
    context.close()


@contextmanager
def serve_under(html, path: str):
    handler = functools.partial(type("Elsewhere", (Handler,), {"prefix": path}), directory=str(html))
    server = ThreadingHTTPServer((HOST, 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield Site(html, f"http://{HOST}:{server.server_address[1]}", path)
    finally:
        server.shutdown()
        server.server_close()


def test_search_works_from_any_folder(build, browser):
    with serve_under(build.html, "/somewhere/else/entirely/") as elsewhere:
        found = assert_finds(browser, elsewhere, "Kuteesa", "profiles/florence-n-kuteesa.html")
        assert all(r["href"].startswith(elsewhere.url()) for r in found), found


# -- Synthetic profiles: names in other scripts, and accents left out ------------------------------


@pytest.fixture(scope="module")
def synthetic_site(tmp_path_factory):
    """A copy of the project with five synthetic profiles (Urdu, Hindi, Chinese and Arabic names),
    one of them renamed with accents, built by Sphinx."""
    import shutil

    from conftest import PROJECT_FILES, ROOT

    project = tmp_path_factory.mktemp("search") / "project"
    shutil.copytree(ROOT, project, ignore=PROJECT_FILES)
    pages = synthetic.populate(project, 5)
    accented = pages[4]
    accented.write_text(accented.read_text("utf-8").replace("name: Synthetic person 0004", "name: Synthétique Pérez Núñez"), "utf-8")
    result = sphinx(project)
    assert result.returncode == 0, result.stderr
    with serve(project / "_build" / "html") as served:
        yield served


@pytest.mark.parametrize(
    "query,number",
    [
        ("مصنوعی شخص", 0),  # Urdu
        ("कृत्रिम व्यक्ति", 1),  # Hindi
        ("कृत्रिम", 1),
        ("合成人物", 2),  # Chinese
        ("Perez", 4),  # Pérez, typed without the accent
        ("Nunez", 4),
        ("Synthetique", 4),
        ("Pérez", 4),
    ],
)
def test_synthetic_names_in_every_script(synthetic_site, browser, query, number):
    assert_finds(browser, synthetic_site, query, f"profiles/synthetic-person-{number:04d}.html")


def test_the_site_has_no_sphinx_search_index(build):
    assert (build.html / "search.html").is_file()
    assert not (build.html / "searchindex.js").exists()
    page = BeautifulSoup((build.html / "search.html").read_text("utf-8"), "html.parser")
    assert page.select_one("form.pagefind-search input#pagefind-query")
    assert not [tag["src"] for tag in page.find_all("script", src=True) if "searchindex" in tag["src"] or "searchtools" in tag["src"]]
    landing = BeautifulSoup((build.html / "index.html").read_text("utf-8"), "html.parser")
    assert landing.select_one("head link[rel=search]")["href"] == "search.html"


def test_the_preview_says_it_does_not_search(project):
    result = sphinx(project, "html", "-t", "preview")
    assert result.returncode == 0, result.stderr
    html = project / "_build" / "html"
    page = BeautifulSoup((html / "search.html").read_text("utf-8"), "html.parser")
    assert "The live preview does not search" in page.select_one("article").get_text(" ", strip=True)
    assert page.select_one("article a[href='profiles/index.html']")
    assert not [tag["src"] for tag in page.find_all("script", src=True) if "search" in tag["src"]]
    assert not (html / "pagefind").exists()
    assert not (html / "searchindex.js").exists()
