"""The book's own pages, rendered from the data files in ``_data/``.

* ``{endorsements}`` sets the quotations of ``_data/endorsements.yaml`` as block quotes with their
  attribution, the name apart from the affiliation (``:featured:`` shows only the ones marked
  ``featured``);
* ``{buy-outlets}`` lists the outlets and the discount offer of ``_data/buy.yaml``, with the
  product addresses built from the ISBNs in ``_data/book.yaml``; on the site, a page that shows
  the offer loads ``_static/coupon.js``, which adds a button that copies the code;
* the role ``{book-link}`join the mailing list <mailing_list_url>``` links to an address kept in
  ``_data/book.yaml``, so each address is changed in one place.

A page using one of them is rebuilt when its data file changes.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective, SphinxRole

from site_meta import SITE_BUILDERS


def load_data(env, name: str):
    """A YAML file of ``_data/``, noted as a dependency of the page being read."""
    path = Path(env.srcdir) / "_data" / f"{name}.yaml"
    env.note_dependency(str(path))
    return yaml.safe_load(path.read_text(encoding="utf-8"))


class DataDirective(SphinxDirective):
    def load(self, name: str):
        return load_data(self.env, name)


def paragraph(*parts: nodes.Node | str, classes: list[str] | None = None) -> nodes.paragraph:
    node = nodes.paragraph(classes=classes or [])
    for part in parts:
        node += nodes.Text(part) if isinstance(part, str) else part
    return node


def link(text: str, url: str) -> nodes.reference:
    return nodes.reference(text, text, refuri=url)


class BookLink(SphinxRole):
    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        match = re.fullmatch(r"(.+?)\s*<(\w+)>", self.text, re.DOTALL)
        book = load_data(self.env, "book")
        if not match or not str(book.get(match.group(2), "")).startswith("https://"):
            keys = ", ".join(key for key, value in book.items() if str(value).startswith("https://"))
            message = self.inliner.reporter.error(
                f"{{book-link}} `{self.text}`: write it as {{book-link}}`text <key>` with a key of _data/book.yaml: {keys}",
                line=self.lineno,
            )
            return [self.inliner.problematic(self.rawtext, self.rawtext, message)], [message]
        return [link(match.group(1), book[match.group(2)])], []


class Endorsements(DataDirective):
    option_spec = {"featured": directives.flag}

    def run(self) -> list[nodes.Node]:
        quotes = self.load("endorsements")
        if "featured" in self.options:
            quotes = [quote for quote in quotes if quote.get("featured")]
        result = []
        for quote in quotes:
            # Quotations are printed exactly: no typographic quotes or dashes substituted.
            block = nodes.block_quote(classes=["endorsement"], support_smartquotes=False)
            block += nodes.paragraph(quote["text"], quote["text"])
            # The comma is hidden on the site, which sets the affiliation on a line of its own.
            block += nodes.attribution(
                "",
                "",
                nodes.inline(quote["name"], quote["name"], classes=["endorser"]),
                nodes.inline(", ", ", ", classes=["visually-hidden"]),
                nodes.inline(quote["affiliation"], quote["affiliation"], classes=["affiliation"]),
            )
            result.append(block)
        return result


class BuyOutlets(DataDirective):
    def run(self) -> list[nodes.Node]:
        book = self.load("book")
        buy = self.load("buy")
        ids = {"isbn10": book["isbn10"], "isbn13_digits": book["isbn13"].replace("-", "")}
        outlets = nodes.bullet_list(classes=["buy-outlets"])
        for outlet in buy["outlets"]:
            outlets += nodes.list_item("", paragraph(link(outlet["name"], outlet["url"].format(**ids))))
        offer = buy["offer"]
        box = nodes.admonition(classes=["buy-offer"], support_smartquotes=False)  # exactly as published
        box += nodes.title(offer["label"], offer["label"])
        box += paragraph(
            f"{offer['discount']} with the code ",
            nodes.literal(offer["code"], offer["code"], classes=["coupon-code"]),
            f" at {offer['seller']} ({', '.join(offer['prices'])}).",
        )
        note = f"The book is also sold {buy['other_outlets']}."
        return [outlets, paragraph(note), box]


def add_coupon_script(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: nodes.document | None) -> None:
    if app.builder.name in SITE_BUILDERS and doctree and next(doctree.findall(lambda node: isinstance(node, nodes.admonition) and "buy-offer" in node["classes"]), None):
        app.add_js_file("coupon.js", loading_method="defer")


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", add_coupon_script)
    app.add_directive("endorsements", Endorsements)
    app.add_directive("buy-outlets", BuyOutlets)
    app.add_role("book-link", BookLink())
    return {"parallel_read_safe": True, "parallel_write_safe": True}
