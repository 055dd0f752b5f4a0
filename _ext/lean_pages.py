"""Each page of the site loads only the CSS and JavaScript it uses.

Furo with sphinx-design loads about 170 KB on every page: sphinx-design's whole stylesheet (55 KB,
more than Furo's own) and Pygments' (20 KB) even on pages without a card or a line of code. So:

* per page, the assets of a component are dropped where the page's text has none of it
  (:data:`COMPONENT_ASSETS`: sphinx-design's stylesheet and tab script, Pygments' stylesheet);
* after the build, every stylesheet the pages link is cut down to the rules that can match: a
  selector naming an element, a class or an id that no page and no linked script contains is
  dropped, and so is a custom property (``--name``) that nothing reads. The pages' ``?v=``
  checksums are updated to the new contents, so browsers do not keep a stale copy. What each
  page uses is kept between builds, so a rebuild reads only the pages it wrote
  (written_pages.py), and all of them only when a stylesheet comes out different.

Names inside ``:not()``, ``:is()``, ``:where()`` and ``:has()`` never drop a selector, and any
word of a linked script (but the search index, which is data) counts as used, so an element or a
class that a script adds is kept.
Measured with tests/test_browser.py: the median page went from about 170 KB to about 80 KB.
"""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import tinycss2
from sphinx.application import Sphinx

import written_pages
from site_meta import SITE_BUILDERS

# Beside Sphinx's environment: what each page of the site uses (see trim_stylesheets).
USAGE_CACHE = "lean-pages.json"
# The trimming as loaded (this code and the CSS parser's version): a change trims afresh.
TRIMMING = hashlib.sha256(Path(__file__).read_bytes() + tinycss2.__version__.encode()).hexdigest()

# Asset → what the rendered text of a page contains when it needs it.
COMPONENT_ASSETS = {
    "sphinx-design.min.css": re.compile(r'class="[^"]*\bsd-'),
    "design-tabs.js": re.compile(r'class="[^"]*\bsd-tab-set'),
    "pygments.css": re.compile(r'class="[^"]*\bhighlight'),
}

CLASS_OR_ID = re.compile(r'\b(?:class|id)="([^"]*)"')
ELEMENT = re.compile(r"<([a-zA-Z][\w-]*)")
LINKED = re.compile(r'<(?:link[^>]*\brel="stylesheet"[^>]*\bhref|script[^>]*\bsrc)="([^"?]+)(?:\?v=[0-9a-f]+)?"')
WORD = re.compile(r"[A-Za-z_][\w-]*")
# Linked from a page as a script, but data: the search index holds every word of the site, which
# would keep rules for any class named like a word, and change with every edit.
SCRIPT_DATA = {"searchindex.js"}
VARIABLE = re.compile(r"var\(\s*(--[\w-]+)")


# -- Per page ----------------------------------------------------------------------------------------


def needed(asset, body: str) -> bool:
    pattern = COMPONENT_ASSETS.get(Path(str(asset.filename)).name)
    return pattern is None or bool(pattern.search(body))


def drop_unused_assets(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if app.builder.name not in SITE_BUILDERS:
        return
    body = context.get("body", "")
    for key in ("css_files", "script_files"):
        if key in context:
            context[key] = [asset for asset in context[key] if needed(asset, body)]


# -- After the build: stylesheets cut to what can match --------------------------------------------


def split_selectors(prelude: list) -> list[list]:
    selectors, current = [], []
    for token in prelude:
        if token.type == "literal" and token.value == ",":
            selectors.append(current)
            current = []
        else:
            current.append(token)
    selectors.append(current)
    return selectors


def can_match(selector: list, used: set[str]) -> bool:
    """False if the selector names an element, a class or an id (outside pseudo-class functions)
    that is never used."""
    for index, token in enumerate(selector):
        previous = selector[index - 1] if index else None
        after = previous.value if previous is not None and previous.type == "literal" else " "
        if token.type == "hash" and token.value not in used:
            return False
        if token.type == "ident" and after == "." and token.value not in used:
            return False
        if token.type == "ident" and after in (" ", ">", "+", "~") and token.lower_value not in used:
            return False  # an element
    return True


def join_selectors(selectors: list[list]) -> str:
    return ",".join(tinycss2.serialize(selector).strip() for selector in selectors)


@dataclass
class Rule:
    selectors: str
    body: list  # declarations, and any nested rules


@dataclass
class Group:
    head: str  # e.g. "@media (max-width:63em)"
    rules: list


GROUPING = ("media", "supports", "layer", "container")


def parse(rules: list, used: set[str]) -> list:
    """The rules that can match, as :class:`Rule`, :class:`Group` or, for other at-rules
    (``@font-face``, ``@keyframes``...), their text as written."""
    result: list = []
    for rule in rules:
        if rule.type == "qualified-rule":
            selectors = [s for s in split_selectors(rule.prelude) if can_match(s, used)]
            if selectors:
                result.append(Rule(join_selectors(selectors), tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True)))
        elif rule.type == "at-rule" and rule.lower_at_keyword in GROUPING and rule.content is not None:
            children = parse(tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True), used)
            if children:
                result.append(Group(f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude)}", children))
        elif rule.type == "at-rule":
            result.append(tinycss2.serialize([rule]))
    return result


def declarations(rules: list):
    for rule in rules:
        if isinstance(rule, Group):
            yield from declarations(rule.rules)
        elif isinstance(rule, Rule):
            yield from (item for item in rule.body if item.type == "declaration")


def serialize(rules: list, keep_variable) -> str:
    out = []
    for rule in rules:
        if isinstance(rule, Group):
            if inner := serialize(rule.rules, keep_variable):
                out.append(f"{rule.head}{{{inner}}}")
        elif isinstance(rule, Rule):
            kept = [
                declaration(item) if item.type == "declaration" else tinycss2.serialize([item])
                for item in rule.body
                if item.type != "declaration" or not item.name.startswith("--") or keep_variable(item.name)
            ]
            if kept:
                out.append(f"{rule.selectors}{{{';'.join(kept)}}}")
        else:
            out.append(rule)
    return "".join(out)


def declaration(item) -> str:
    value = tinycss2.serialize(item.value).strip()
    return f"{item.name}:{value}{'!important' if item.important else ''}"


def read_variables(stylesheets: list[list], read_by_pages: set[str]) -> set[str]:
    """Custom properties read by a property value, by a read variable, or by a page itself."""
    definitions: dict[str, list[str]] = {}
    reads: set[str] = set(read_by_pages)
    for rules in stylesheets:
        for item in declarations(rules):
            value = tinycss2.serialize(item.value)
            if item.name.startswith("--"):
                definitions.setdefault(item.name, []).append(value)
            else:
                reads.update(VARIABLE.findall(value))
    pending = list(reads)
    while pending:
        for value in definitions.get(pending.pop(), []):
            for name in VARIABLE.findall(value):
                if name not in reads:
                    reads.add(name)
                    pending.append(name)
    return reads


def trimmed_stylesheets(originals: dict[str, str], used: set[str], read_by_pages: set[str]) -> dict[str, str]:
    """Each stylesheet (by path) cut to the rules that can match and the variables read."""
    sheets = {path: parse(tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True), used) for path, text in originals.items()}
    variables = read_variables(list(sheets.values()), read_by_pages)
    return {path: serialize(rules, lambda name: name in variables) for path, rules in sheets.items()}


def page_usage(path: str, text: str) -> dict[str, list[str]]:
    """What the trimming needs from a page (``path`` from the site's root): the class, id and
    element names it uses, the local stylesheets and scripts it links, the variables it reads."""
    names = {name for attribute in CLASS_OR_ID.findall(text) for name in attribute.split()}
    names |= {element.lower() for element in ELEMENT.findall(text)}
    assets = {urljoin(path, href) for href in LINKED.findall(text) if not urlsplit(href).scheme and not href.startswith("/")}
    return {"names": sorted(names), "assets": sorted(assets), "variables": sorted(set(VARIABLE.findall(text)))}


def checksum(content: bytes) -> str:
    """Sphinx's own ``?v=`` checksum (sphinx.builders.html._assets)."""
    crc = zlib.crc32(content.translate(None, b"\r"))
    return f"{crc:08x}"


def trim_stylesheets(app: Sphinx, exception: Exception | None) -> None:
    # Not in the live preview, where only the published site's weight does not matter.
    if exception or not written_pages.runs_passes(app):
        return
    outdir = Path(app.outdir)
    # What each page uses is kept between builds, so only the pages written since the last
    # build are read (written_pages.py); Sphinx copies the full stylesheets afresh every build.
    cache_path = Path(app.doctreedir, USAGE_CACHE)
    try:
        cache = json.loads(cache_path.read_text("utf-8"))
    except (OSError, ValueError):  # a first build
        cache = {}
    known = cache.get("pages", {})
    pages, fresh_pages = written_pages.scan(app)
    fresh = {page.relative_to(outdir).as_posix(): page.read_text("utf-8") for page in fresh_pages}
    usage = {}
    for page in pages:
        path = page.relative_to(outdir).as_posix()
        if path in fresh or path not in known:
            usage[path] = page_usage(path, fresh.get(path) or page.read_text("utf-8"))
        else:
            usage[path] = known[path]
    assets = {outdir / asset for page in usage.values() for asset in page["assets"]}
    assets = {asset for asset in assets if asset.is_file()}
    used = {name for page in usage.values() for name in page["names"]}
    scripts = [asset for asset in assets if asset.suffix == ".js" and asset.name not in SCRIPT_DATA]
    used |= {word for script in scripts for word in WORD.findall(script.read_text("utf-8"))}
    read_by_pages = {name for page in usage.values() for name in page["variables"]}
    originals = {asset.relative_to(outdir).as_posix(): asset.read_text("utf-8") for asset in sorted(assets) if asset.suffix == ".css"}
    # The same stylesheets and names give the same result, kept from the last build: parsing
    # the stylesheets is most of this pass.
    key = hashlib.sha256(json.dumps([originals, sorted(used), sorted(read_by_pages), TRIMMING]).encode()).hexdigest()
    trimmed = cache["stylesheets"] if cache.get("key") == key else trimmed_stylesheets(originals, used, read_by_pages)
    checksums = {}
    for path, text in trimmed.items():
        content = text.encode()
        (outdir / path).write_bytes(content)
        checksums[path] = checksum(content)
    # A page keeps its checksums unless a stylesheet came out different from the last build's.
    stale = usage if trimmed != cache.get("stylesheets") else fresh
    pattern = re.compile(r'(?<=[/"])(' + "|".join(re.escape(path) for path in checksums) + r')\?v=[0-9a-f]+')
    for path in stale:
        text = fresh.get(path) or (outdir / path).read_text("utf-8")
        updated = pattern.sub(lambda match: f"{match[1]}?v={checksums[match[1]]}", text)
        if updated != text:
            (outdir / path).write_text(updated, "utf-8")
    # Written whole, then renamed: a build stopped halfway leaves the last build's record.
    partial = cache_path.with_suffix(".partial")
    partial.write_text(json.dumps({"key": key, "stylesheets": trimmed, "pages": usage}), "utf-8")
    partial.replace(cache_path)


def setup(app: Sphinx) -> dict:
    app.setup_extension("written_pages")
    # After the other extensions have added their assets to the page (priority 500)...
    app.connect("html-page-context", drop_unused_assets, priority=900)
    # ...and after Furo has written pygments.css (build-finished, 500).
    app.connect("build-finished", trim_stylesheets, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
