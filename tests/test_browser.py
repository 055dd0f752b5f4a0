"""Issue 5: the reader's site passes a real browser.

The site `make` built is served on 127.0.0.1 under its public path and opened in headless
Chromium (tests/browser_site.py), with every request to another host blocked:

* axe-core finds no WCAG 2.1 A or AA violation on any page, light and dark, 1280 and 375 px wide;
* the keyboard alone reaches the skip link, the navigation (also from the drawer of narrow
  screens), the theme toggle and the gallery filters, and focus is visible at every Tab stop;
* the Nu Html Checker finds no error in any page;
* no page asks another host for anything, and nothing it asks for fails;
* a first visit to the landing page, its HTML with every stylesheet and script it loads, is at
  most 26 KB compressed (gzip, as a static host sends them), and the median page's HTML at most
  8 KB (the figures are printed);
* a missing address at any depth gets the 404 page, styled and with working links;
* printing a page leaves the navigation out; the components follow the dark theme;
* the discount code's copy button works from the keyboard; no gallery card is left alone in a row
  it could share, with the filters too;
* screenshots of every page, light, at desktop and phone widths (and the landing page, the gallery
  and a profile in dark too) are saved under _build/screenshots/ for review.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import statistics
import subprocess

import pypdf
import pytest
from PIL import Image

from browser_site import NODE_MODULES, ROOT, open_page, serve
from conftest import SPHINX_BUILD

AXE = NODE_MODULES / "axe-core" / "axe.min.js"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = {"desktop": 1280, "phone": 375}
HEIGHT = 800
MODES = [(scheme, width) for scheme in ("light", "dark") for width in WIDTHS.values()]
# The search page is checked with results on it.
SEARCH = "search.html?q=public+servant"
# Compressed kilobytes (gzip at level 6, the usual default of web servers): a first visit to the
# landing page (its HTML, stylesheets and scripts: 0.8 of Furo's defaults), and the median page's HTML.
FIRST_VISIT_BUDGET_KB, MEDIAN_PAGE_BUDGET_KB = 26, 8
PROFILE = "profiles/batool-asadi.html"
SCREENSHOT_PAGES = {"landing": "index.html", "gallery": "profiles/index.html", "profile": PROFILE}
SCREENSHOTS = ROOT / "_build" / "screenshots"
# Components of our own, and the pages that show them, to check against the dark theme.
COMPONENTS = {
    "profile header": (PROFILE, ".profile-header"),
    "profile status": (PROFILE, ".profile-status"),
    "citation panel": (PROFILE, ".citation-panel"),
    "book citation": ("about.html", ".book-citation .citation-files"),
    "gallery card": ("profiles/index.html", ".profile-card"),
    "gallery filter": ("profiles/index.html", ".profile-filters select"),
    "endorsement": ("endorsements.html", "blockquote.endorsement"),
    "download button": ("index.html", ".download-buttons a"),
    "sidebar downloads": ("index.html", ".sidebar-downloads a"),
    "buy button": ("index.html", ".buy-button"),
    "monogram": (PROFILE, ".profile-monogram"),
    "coupon": ("buy.html", ".coupon-code"),
}


def new_context(browser, scheme: str = "light", width: int = 1280):
    # bypass_csp: axe-core is injected as an inline script, which a Content Security Policy forbids.
    return browser.new_context(color_scheme=scheme, viewport={"width": width, "height": HEIGHT}, bypass_csp=True)


def page_url(name: str) -> str:
    return SEARCH if name == "search.html" else name


def wait_for_search_results(page) -> None:
    # _static/search.js says how many pages it found once it shows them (tests/test_search.py checks the search).
    page.wait_for_function("() => / found /.test(document.getElementById('pagefind-status')?.textContent ?? '')")


def ready(page, name: str) -> None:
    if name == "search.html":
        wait_for_search_results(page)


# -- Every page, once, in light at 1280 px with a cold cache -----------------------------------------


def compressed_kb(body: bytes) -> float:
    return len(gzip.compress(body, compresslevel=6, mtime=0)) / 1024


@pytest.fixture(scope="module")
def loads(site, browser) -> dict:
    """What each page fetched, loaded in a fresh context (cold cache): its problems, and the
    compressed size of each document, stylesheet and script it received, by address."""
    result = {}
    for name in site.pages():
        context = new_context(browser)
        page, load = open_page(context, site.url(page_url(name)))
        ready(page, name)
        page.wait_for_load_state("networkidle")
        weights = {
            response.url: compressed_kb(response.body())
            for response in load.responses
            if response.status < 300 and response.request.resource_type in ("document", "stylesheet", "script")
        }
        result[name] = (load.problems(), weights)
        context.close()
    return result


def test_pages_ask_no_other_host_and_nothing_fails(loads):
    assert len(loads) > 10, sorted(loads)
    problems = {name: found for name, (found, _) in loads.items() if found}
    assert not problems, json.dumps(problems, indent=1)


def test_page_weight_within_budget(site, loads, capsys):
    _, landing = loads["index.html"]
    first_visit = sum(landing.values())
    pages = {name: weights[site.url(page_url(name))] for name, (_, weights) in loads.items()}
    median = statistics.median(pages.values())
    with capsys.disabled():
        print(f"\nfirst visit to the landing page, compressed: {first_visit:.1f} KB")
        for url, kb in sorted(landing.items(), key=lambda item: -item[1]):
            print(f"  {kb:5.1f} KB  {url.rsplit('/', 1)[-1].split('?')[0]}")
        print(f"median page HTML, compressed: {median:.1f} KB over {len(pages)} pages")
    assert first_visit <= FIRST_VISIT_BUDGET_KB, f"first visit {first_visit:.1f} KB > {FIRST_VISIT_BUDGET_KB} KB"
    assert median <= MEDIAN_PAGE_BUDGET_KB, f"median page {median:.1f} KB > {MEDIAN_PAGE_BUDGET_KB} KB"


# -- Accessibility ---------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme,width", MODES, ids=[f"{s}-{w}px" for s, w in MODES])
def test_axe_finds_no_violation(site, browser, scheme, width, capsys):
    context = new_context(browser, scheme, width)
    page = context.new_page()
    found = []
    checked = 0
    for name in site.pages():
        page.goto(site.url(page_url(name)), wait_until="load")
        ready(page, name)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
        checked += 1
        for violation in result["violations"]:
            targets = [node["target"] for node in violation["nodes"]]
            found.append(f"{name}: {violation['id']} ({violation['impact']}) {violation['help']}: {targets[:5]}")
    context.close()
    with capsys.disabled():
        print(f"\naxe-core {scheme} {width}px: {len(found)} violations on {checked} pages")
    assert checked > 10, f"axe-core ran on {checked} pages"
    assert not found, "\n".join(found)


SETTLE = """async () => {
  // Until the focused element stops moving (smooth scrolling, the skip link sliding in).
  let last = "";
  for (let frame = 0; frame < 240; frame++) {
    await new Promise((resolve) => requestAnimationFrame(resolve));
    const box = document.activeElement.getBoundingClientRect();
    const now = [box.x, box.y, box.width, box.height, scrollX, scrollY].join();
    if (now === last && document.getAnimations().every((a) => a.playState !== "running")) return;
    last = now;
  }
}"""

FOCUSED = """() => {
  const element = document.activeElement;
  if (!element || element === document.body) return null;
  // A link stretched over a card (sphinx-design) has no box of its own: its focus ring is the card's.
  let box = element.getBoundingClientRect();
  for (let around = element.parentElement; around && !(box.width && box.height); around = around.parentElement) {
    box = around.getBoundingClientRect();
  }
  const own = element.labels && element.labels.length ? element.labels[0].firstChild.textContent : "";
  const label = (element.getAttribute("aria-label") || own || element.textContent).trim().slice(0, 40) || element.tagName;
  return {label, tag: element.tagName, x: box.x, y: box.y, width: box.width, height: box.height};
}"""


def focused(page) -> dict | None:
    page.evaluate(SETTLE)
    return page.evaluate(FOCUSED)


def visible_focus_problem(page, element: dict) -> str | None:
    """Why the focused element's focus cannot be seen, or None: it must be on screen, and the
    screen around it must change when it loses focus."""
    viewport = page.viewport_size
    left, top = max(element["x"] - 6, 0), max(element["y"] - 6, 0)
    right = min(element["x"] + element["width"] + 6, viewport["width"])
    bottom = min(element["y"] + element["height"] + 6, viewport["height"])
    if element["width"] == 0 or element["height"] == 0 or right - left < 1 or bottom - top < 1:
        return "focused off screen"
    clip = {"x": left, "y": top, "width": right - left, "height": bottom - top}
    with_focus = page.screenshot(clip=clip, animations="disabled")
    page.evaluate("() => { window.__focused = document.activeElement; document.activeElement.blur(); }")
    without = page.screenshot(clip=clip, animations="disabled")
    page.evaluate("() => window.__focused.focus({preventScroll: true})")
    return None if with_focus != without else "no visible focus indicator"


def tab(page) -> dict | None:
    page.keyboard.press("Tab")
    return focused(page)


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("name", SCREENSHOT_PAGES.values(), ids=SCREENSHOT_PAGES.keys())
def test_focus_is_visible_at_every_tab_stop(site, browser, name, width):
    context = new_context(browser, width=width)
    page, _ = open_page(context, site.url(name))
    problems, seen = [], []
    while len(seen) < 300:
        element = tab(page)
        if element is None or element in seen[:1]:
            break  # past the last stop
        seen.append(element)
        if problem := visible_focus_problem(page, element):
            problems.append(f"{element['tag']} {element['label']!r}: {problem}")
    context.close()
    assert len(seen) > 5, f"only {len(seen)} Tab stops on {name}"
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_skip_link_comes_first_and_skips_to_the_text(site, browser, width):
    context = new_context(browser, width=width)
    page, _ = open_page(context, site.url(PROFILE))
    element = tab(page)
    assert element and element["label"] == "Skip to content", element
    assert visible_focus_problem(page, element) is None
    page.keyboard.press("Enter")
    tab(page)
    assert page.evaluate("() => document.activeElement.closest('article[role=main]') !== null"), focused(page)
    context.close()


def tab_to(page, label: str, limit: int = 100) -> dict:
    for _ in range(limit):
        element = tab(page)
        if element and element["label"] == label:
            assert visible_focus_problem(page, element) is None, element
            return element
    raise AssertionError(f"Tab never reached {label!r}")


def test_navigation_with_the_keyboard_on_a_desktop(site, browser):
    context = new_context(browser, width=WIDTHS["desktop"])
    page, _ = open_page(context, site.url("index.html"))
    tab_to(page, "Endorsements")
    page.keyboard.press("Enter")
    page.wait_for_url("**/endorsements.html")
    context.close()


def test_navigation_with_the_keyboard_on_a_phone(site, browser):
    context = new_context(browser, width=WIDTHS["phone"])
    page, _ = open_page(context, site.url("index.html"))
    menu = "Toggle site navigation sidebar"
    tab_to(page, menu)
    page.keyboard.press("Enter")
    inside = focused(page)
    assert page.evaluate("() => document.activeElement.closest('.sidebar-drawer') !== null"), inside
    assert visible_focus_problem(page, inside) is None
    page.keyboard.press("Escape")
    assert focused(page)["label"] == menu
    assert page.evaluate("() => getComputedStyle(document.querySelector('.sidebar-drawer')).visibility") == "hidden"
    page.keyboard.press("Enter")
    tab_to(page, "Endorsements", limit=30)
    page.keyboard.press("Enter")
    page.wait_for_url("**/endorsements.html")
    context.close()


def test_theme_toggle_with_the_keyboard(site, browser):
    context = new_context(browser)
    page, _ = open_page(context, site.url("index.html"))
    themes = [page.evaluate("() => document.body.dataset.theme")]
    tab_to(page, "Toggle Light / Dark / Auto color theme")
    for _ in range(3):
        page.keyboard.press("Enter")
        themes.append(page.evaluate("() => document.body.dataset.theme"))
    assert sorted(set(themes)) == ["auto", "dark", "light"], themes
    context.close()


def test_gallery_filters_with_the_keyboard(site, browser):
    context = new_context(browser)
    page, _ = open_page(context, site.url("profiles/index.html"))
    total = page.locator(".profile-card").count()
    assert page.locator(".profile-filter-count").text_content() == f"{total} profiles"
    tab_to(page, "Region")  # the select's accessible name comes from its label
    page.keyboard.press("ArrowDown")
    region = page.evaluate("() => document.activeElement.value")
    shown = page.locator(".profile-card:not([hidden])")
    assert region and 0 < shown.count() < total
    assert all(region == card.get_attribute("data-region") for card in shown.all())
    assert page.locator(".profile-filter-count").text_content() == f"{shown.count()} of {total} profiles"
    page.keyboard.press("ArrowUp")  # back to "All"
    assert page.locator(".profile-card:not([hidden])").count() == total
    context.close()


# -- Validity ------------------------------------------------------------------------------------------


def test_nu_html_checker_finds_no_error(site, capsys):
    pages = [str(site.html / name) for name in site.pages()]
    assert len(pages) > 10, pages
    result = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "json", *pages], capture_output=True, text=True)
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    with capsys.disabled():
        print(f"\nNu Html Checker: {len(messages)} errors in {len(pages)} pages")
    assert not messages, "\n".join(f"{m['url'].rsplit('/html/', 1)[-1]}:{m.get('lastLine')}: {m['message']}" for m in messages)


# -- The 404 page, printing, dark theme, screenshots -------------------------------------------------


@pytest.mark.parametrize("address", ["no-such-page.html", "profiles/no-such-profile.html", "a/b/c/d/"])
def test_a_missing_address_gets_the_404_page_at_any_depth(site, browser, address):
    context = new_context(browser)
    page, load = open_page(context, site.url(address))
    assert [r.status for r in load.responses if r.url == site.url(address)] == [404]
    assert page.locator("h1").first.text_content() == "Page not found"
    assert [p for p in load.problems() if site.url(address) not in p] == []  # its styles and scripts load
    assert page.evaluate("() => getComputedStyle(document.querySelector('.sidebar-drawer')).display") != "block"  # styled
    page.get_by_role("link", name="the home page").click()
    page.wait_for_url(site.url("index.html"))
    context.close()


def test_the_404_page_at_the_root_of_a_host_works_and_passes_axe(project, browser):
    """Built for a site at a host's root (SITE_URL=https://example.org/), served at the root."""
    result = subprocess.run(
        [SPHINX_BUILD, "-W", "-q", "-b", "html", "-d", str(project / "_build" / "doctrees"), str(project), str(project / "_build" / "html")],
        capture_output=True, text=True, env={**os.environ, "SITE_URL": "https://example.org/", "SOURCE_DATE_EPOCH": "1732838400"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    with serve(project / "_build" / "html") as root_site:
        assert root_site.path == "/"
        context = new_context(browser)
        page, load = open_page(context, root_site.url("a/b/no-such-page.html"))
        assert page.locator("h1").first.text_content() == "Page not found"
        assert [p for p in load.problems() if "no-such-page" not in p] == []
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)["violations"]
        assert violations == [], violations
        page.get_by_role("link", name="the home page").click()
        page.wait_for_url(root_site.url("index.html"))
        context.close()


def test_printing_leaves_the_navigation_out(site, browser):
    context = new_context(browser)
    page, _ = open_page(context, site.url(PROFILE))
    page.emulate_media(media="print")
    for selector in (".sidebar-drawer", ".toc-drawer", ".mobile-header", ".related-pages", ".theme-toggle", ".edit-this-page"):
        assert page.locator(selector).count(), f"no {selector} on the page: nothing to hide"
        assert not page.locator(selector).first.is_visible(), selector
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(page.pdf())).pages)
    assert "Batool Asadi" in text and "Sources" in text
    for navigation in ("The whole companion (PDF)", "Skip to content", "Contribute a profile", "Back to top"):
        assert navigation not in text
    context.close()


@pytest.mark.parametrize("component", COMPONENTS)
def test_components_follow_the_dark_theme(site, browser, component):
    """The component's colours change with the theme (axe checks the contrast in both)."""
    name, selector = COMPONENTS[component]
    colours = {}
    for scheme in ("light", "dark"):
        context = new_context(browser, scheme)
        page, _ = open_page(context, site.url(name))
        colours[scheme] = page.eval_on_selector(selector, "e => { const s = getComputedStyle(e); return [s.color, s.backgroundColor, s.borderTopColor]; }")
        context.close()
    assert colours["light"][0] != colours["dark"][0], colours


def screenshot_name(name: str) -> str:
    """``profiles/batool-asadi.html`` → ``profiles-batool-asadi``."""
    return name.removesuffix(".html").replace("/", "-")


def test_screenshots_for_review(site, browser):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # The search page last: it leaves its terms to be highlighted on the pages opened after it.
    pages = sorted(site.pages(), key=lambda name: name == "search.html")
    shots = [("light", name) for name in pages] + [("dark", name) for name in SCREENSHOT_PAGES.values()]
    for device, width in WIDTHS.items():
        for scheme in ("light", "dark"):
            context = new_context(browser, scheme, width)
            for name in (name for shot_scheme, name in shots if shot_scheme == scheme):
                page, _ = open_page(context, site.url(page_url(name)))
                ready(page, name)
                path = SCREENSHOTS / f"{screenshot_name(name)}-{scheme}-{device}.png"
                page.screenshot(path=path, full_page=True, animations="disabled")
                with Image.open(path) as image:
                    assert image.format == "PNG" and image.width == width
                page.close()
            context.close()
    assert len(list(SCREENSHOTS.glob("*.png"))) >= len(shots) * len(WIDTHS)


# -- The discount code, the gallery's rows ---------------------------------------------------------------


def test_the_discount_code_copies_from_the_keyboard(site, browser):
    context = new_context(browser)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.origin)
    page, _ = open_page(context, site.url("buy.html"))
    code = page.locator(".coupon-code").text_content()
    tab_to(page, "Copy the code")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('.coupon-actions [role=status]').textContent !== ''")
    assert page.locator(".coupon-actions [role=status]").text_content() == f"Copied: {code}"
    assert page.evaluate("() => navigator.clipboard.readText()") == code
    context.close()


# The names of the cards alone in a row, not filling it.
LONE_CARDS = """() => Array.from(document.querySelectorAll('.profile-grid')).flatMap((grid) => {
  const rows = {};
  for (const card of grid.querySelectorAll('.profile-card:not([hidden])')) {
    (rows[Math.round(card.getBoundingClientRect().top)] ??= []).push(card);
  }
  return Object.values(rows)
    .filter((row) => row.length === 1 && row[0].getBoundingClientRect().width < grid.clientWidth - 1)
    .map((row) => row[0].querySelector('.profile-card-name').textContent);
})"""


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_no_gallery_card_is_left_alone_in_a_row(site, browser, width):
    context = new_context(browser, width=width)
    page, _ = open_page(context, site.url("profiles/index.html"))
    assert page.evaluate(LONE_CARDS) == []
    regions = page.locator("select[name=region] option:not([value=''])").all_text_contents()
    assert len(regions) > 1, regions
    for region in regions:
        page.select_option("select[name=region]", label=region)
        assert page.evaluate(LONE_CARDS) == [], region
    context.close()
