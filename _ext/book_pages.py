"""The book's own pages, rendered from the data files in ``_data/``, so each fact is kept in one
place: ``{endorsements}`` (``:featured:`` for the marked ones only), ``{buy-outlets}`` (the outlets,
their addresses built from the ISBNs, and the discount offer, whose code ``_static/coupon.js``
copies on the site) and the role ``{book-link}`text <key>``` (an address of ``_data/book.yaml``).
A page using one of them is rebuilt when its data file changes.
"""

import re
from pathlib import Path

import yaml
from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective, SphinxRole

from locations import SITE_BUILDERS


def load_data(env, name: str):
    """A YAML file of ``_data/``, noted as a dependency of the page being read."""
    path = Path(env.srcdir) / "_data" / f"{name}.yaml"
    env.note_dependency(str(path))
    return yaml.safe_load(path.read_text(encoding="utf-8"))


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
        text = match.group(1)
        return [nodes.reference(text, text, refuri=book[match.group(2)])], []


class Endorsements(SphinxDirective):
    option_spec = {"featured": directives.flag}

    def run(self) -> list[nodes.Node]:
        quotes = load_data(self.env, "endorsements")
        if "featured" in self.options:
            quotes = [quote for quote in quotes if quote.get("featured")]
        result = []
        for quote in quotes:
            # Quotations are printed exactly: no typographic quotes or dashes substituted.
            block = nodes.block_quote(classes=["endorsement"], support_smartquotes=False)
            block += nodes.paragraph(quote["text"], quote["text"])
            # The comma is hidden on the site, which sets the affiliation on a line of its own.
            attribution = nodes.attribution()
            attribution += nodes.inline(quote["name"], quote["name"], classes=["endorser"])
            attribution += nodes.inline(", ", ", ", classes=["visually-hidden"])
            attribution += nodes.inline(quote["affiliation"], quote["affiliation"], classes=["affiliation"])
            block += attribution
            result.append(block)
        return result


class BuyOutlets(SphinxDirective):
    def run(self) -> list[nodes.Node]:
        book = load_data(self.env, "book")
        buy = load_data(self.env, "buy")
        ids = {"isbn10": book["isbn10"], "isbn13_digits": book["isbn13"].replace("-", "")}
        outlets = nodes.bullet_list(classes=["buy-outlets"])
        for outlet in buy["outlets"]:
            name, url = outlet["name"], outlet["url"].format(**ids)
            outlets += nodes.list_item("", nodes.paragraph("", "", nodes.reference(name, name, refuri=url)))
        offer = buy["offer"]
        terms = nodes.paragraph()
        terms += nodes.Text(f"{offer['discount']} with the code ")
        terms += nodes.literal(offer["code"], offer["code"], classes=["coupon-code"])
        terms += nodes.Text(f" at {offer['seller']} ({', '.join(offer['prices'])}).")
        box = nodes.admonition(classes=["buy-offer"], support_smartquotes=False)  # exactly as published
        box += [nodes.title(offer["label"], offer["label"]), terms]
        note = f"The book is also sold {buy['other_outlets']}."
        return [outlets, nodes.paragraph(note, note), box]


def add_coupon_script(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: nodes.document | None) -> None:
    offers = doctree.findall(nodes.admonition) if doctree else ()
    if app.builder.name in SITE_BUILDERS and any("buy-offer" in box["classes"] for box in offers):
        app.add_js_file("coupon.js", loading_method="defer")


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", add_coupon_script)
    app.add_directive("endorsements", Endorsements)
    app.add_directive("buy-outlets", BuyOutlets)
    app.add_role("book-link", BookLink())
    return {"parallel_read_safe": True, "parallel_write_safe": True}
