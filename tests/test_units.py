"""The pure functions, without a build: they run in seconds (`.venv/bin/pytest tests/test_units.py`).

Schema validation and its messages, slugs, unique ids and the contents of the companion PDF,
the Content Security Policy, citation numbering, which assets a page needs, text direction."""

from __future__ import annotations

import base64
import hashlib

import pytest
from docutils import nodes
from docutils.frontend import get_default_settings
from docutils.parsers.rst import Parser
from docutils.utils import new_document
from sphinx import addnodes

from conftest import ROOT

import csp
import foreign_text
import site_theme
import pdf_builder
import profile_schema
import profiles
import site_meta

VALID = (ROOT / "profiles" / "uma-mahadevan.md").read_text("utf-8")


def problems_of(text: str) -> list[tuple[int, str, str]]:
    data, problems = profile_schema.check(text)
    assert (data is None) == bool(problems)
    return [(problem.line, problem.field, problem.message) for problem in problems]


# -- The profile schema --------------------------------------------------------------------------


def test_a_valid_profile_passes_and_keeps_its_data():
    data, problems = profile_schema.check(VALID)
    assert problems == [] and data["name"] == "Uma Mahadevan" and data["sources"]


@pytest.mark.parametrize(
    ("change", "field", "hint"),
    [
        (("status: sketch", "status: finished"), "status", "use one of"),
        (("status: sketch", "stauts: sketch"), "stauts", "did you mean `status`"),
        (("region: South Asia", "region: Southern Asia"), "region", "did you mean `South Asia`"),
        (("contributors:", "last_reviewed: 2026-02-30\ncontributors:"), "last_reviewed", "YYYY-MM-DD"),
    ],
)
def test_each_mistake_has_its_line_field_and_fix(change, field, hint):
    old, new = change
    text = VALID.replace(old, new, 1)
    line = next(number for number, content in enumerate(text.splitlines(), 1) if content.startswith(new.split(":")[0] + ":"))
    found = problems_of(text)
    assert any(where == line and name.startswith(field) and hint in message for where, name, message in found), found


def test_a_page_without_front_matter_is_told_how_to_start():
    ((line, field, message),) = problems_of("# Jane Doe\n")
    assert (line, field) == (1, "front matter") and "make profile" in message


def test_broken_yaml_is_reported_at_its_line():
    text = VALID.replace("status: sketch", "status: [sketch", 1)
    ((line, field, message),) = problems_of(text)
    assert field == "front matter" and "invalid YAML" in message and line >= text.splitlines().index("status: [sketch") + 1


def test_slugs():
    assert profile_schema.slugify("Florence N. Kuteesa") == "florence-n-kuteesa"
    assert profile_schema.slugify("Tathiana Chaves de Souza") == "tathiana-chaves-de-souza"
    assert profile_schema.slugify("刘勇") == ""


# -- Citations -----------------------------------------------------------------------------------


def test_citations_are_numbered_by_their_place_in_the_sources():
    assert profiles.cited("b, a", ["a", "b", "c"]) == [("b", 2), ("a", 1)]
    assert profiles.cited("missing", ["a"]) == [("missing", None)]


# -- The companion PDF: unique ids and contents ----------------------------------------------------


def book_of_two_profiles() -> nodes.document:
    """A book as ``assemble_doctree`` gives it: the root document, then each inlined document."""
    document = new_document("book", get_default_settings(Parser))
    root = nodes.section(ids=["intro"])
    root += nodes.title("", "Introduction")
    document += root
    for name in ("profiles/a", "profiles/b"):
        part = addnodes.start_of_file(docname=name)
        page = nodes.section(ids=[name.split("/")[1]])
        page += nodes.title("", name.upper())
        sources = nodes.section(ids=["sources"])
        sources += nodes.title("", "Sources")
        sources += nodes.paragraph("", "", nodes.reference("", "1", refid="sources"))
        page += sources
        part += page
        document += part
    return document


def test_ids_are_unique_across_the_book_and_links_follow_them():
    book = book_of_two_profiles()
    first = pdf_builder.make_ids_unique(book, "index")
    ids = [identifier for node in book.findall(nodes.Element) for identifier in node["ids"]]
    assert len(ids) == len(set(ids)) and "profiles-a--sources" in ids and "profiles-b--sources" in ids
    assert first == {"index": "index--intro", "profiles/a": "profiles-a--a", "profiles/b": "profiles-b--b"}
    assert [ref["refid"] for ref in book.findall(nodes.reference)] == ["profiles-a--sources", "profiles-b--sources"]


def test_the_contents_list_each_document_once_with_its_sections():
    book = book_of_two_profiles()
    pdf_builder.make_ids_unique(book, "index")
    entries = pdf_builder.contents(book)
    titles = [item[0].astext() for item in entries.children]
    assert titles == ["Introduction", "PROFILES/A", "PROFILES/B"]
    assert entries.children[1][0][0]["refid"] == "profiles-a--a"


# -- The site --------------------------------------------------------------------------------------


def test_the_policy_allows_the_page_own_inline_script_by_its_hash_and_nothing_else():
    page = '<html><head><meta charset="utf-8"><script>go()</script><script type="application/ld+json">{}</script></head></html>'
    tag = csp.with_policy(page)
    digest = base64.b64encode(hashlib.sha256(b"go()").digest()).decode()
    assert f"script-src 'self' 'sha256-{digest}';" in tag and "object-src 'none'" in tag
    assert tag.count("Content-Security-Policy") == 1 and csp.with_policy(tag) == tag  # idempotent


def test_structured_data_cannot_end_its_script():
    assert "<" not in site_meta.json_for_script({"name": "</script><script>alert(1)</script>"})


def test_a_page_needs_design_styles_only_with_a_component_and_pygments_only_with_code():
    document = new_document("page", get_default_settings(Parser))
    document += nodes.paragraph("", "text")
    assert site_theme.uses(document) == {"sphinx-design.min.css": False, "design-tabs.js": False, "pygments.css": False, "furo-extensions.css": False}
    document += nodes.container(classes=["sd-tab-set"])
    document += nodes.literal_block("", "code")
    assert all(site_theme.uses(document).values())


def test_right_to_left_languages():
    assert foreign_text.direction("ur") == "rtl" and foreign_text.direction("fa-IR") == "rtl"
    assert foreign_text.direction("zh-Hans") is None
