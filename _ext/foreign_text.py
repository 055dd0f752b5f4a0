"""Text in another language or script, marked so readers, screen readers and fonts treat it right.

Adds the ``foreign_text`` node, written as ``<span lang="ur" dir="rtl">`` in HTML, the ePub and the
PDF, and the MyST role ``{lang}`ur:بتول اسدی``` that makes one. Right-to-left scripts get
``dir="rtl"`` from the language tag. Other extensions build the node with :func:`make`.
"""

import re

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxRole

# Languages written right to left (BCP 47 primary subtags).
RTL_LANGUAGES = {"ar", "fa", "he", "ps", "sd", "ug", "ur", "yi", "dv", "ckb"}
LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


class foreign_text(nodes.inline):
    """A run of text in ``self['lang']``."""


def make(text: str, lang: str) -> foreign_text:
    return foreign_text(text, text, lang=lang)


def direction(lang: str) -> str | None:
    return "rtl" if lang.split("-")[0].lower() in RTL_LANGUAGES else None


def visit_foreign_text(self, node: foreign_text) -> None:
    attributes = {"lang": node["lang"]}
    if text_direction := direction(node["lang"]):
        attributes["dir"] = text_direction
    self.body.append(self.starttag(node, "span", "", **attributes))


def depart_foreign_text(self, node: foreign_text) -> None:
    self.body.append("</span>")


class LangRole(SphinxRole):
    """``{lang}`TAG:text``` marks text in another language."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        tag, separator, text = self.text.partition(":")
        if not separator or not LANGUAGE_TAG.match(tag) or not text:
            message = self.inliner.reporter.error(
                f"{{lang}} role: {self.text!r} is not 'TAG:text'; write it as {{lang}}`ur:بتول اسدی` "
                "with a BCP 47 language tag before the colon",
                line=self.lineno,
            )
            return [self.inliner.problematic(self.rawtext, self.rawtext, message)], [message]
        return [make(text, tag)], []


def setup(app: Sphinx) -> dict:
    app.add_node(foreign_text, html=(visit_foreign_text, depart_foreign_text))
    app.add_role("lang", LangRole())
    return {"parallel_read_safe": True, "parallel_write_safe": True}
