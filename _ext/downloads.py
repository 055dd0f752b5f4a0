"""The downloads, one click away on every page of the site: the templates' ``downloads`` (the
addresses of the companion PDF and ePub) and ``{download-buttons}``; and which pages the PDF and the
ePub hold (``book_documents``). No package links a site to its own PDF and ePub.
"""

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from locations import companion, link, site_only


def book_documents(env, root_doc: str) -> set[str]:
    """The pages the PDF and the ePub hold: those the landing page's tables of contents reach, not
    the contributor guide or the style guide, which are the site's alone (the downloads link them)."""
    found, waiting = set(), [root_doc]
    while waiting:
        docname = waiting.pop()
        if docname not in found:
            found.add(docname)
            waiting += env.toctree_includes.get(docname, [])
    return found


def page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    context["downloads"] = {kind: companion(kind) for kind in ("pdf", "epub")}


class DownloadButtons(SphinxDirective):
    """``{download-buttons}``: the companion's downloads, on the site only (the PDF and the ePub are them)."""

    def run(self) -> list[nodes.Node]:
        box = nodes.container(classes=["download-buttons"])
        for label, kind in (("PDF", "pdf"), ("ePub", "epub")):
            text = f"Download the companion ({label})"
            button = nodes.reference(text, text, refuri=link(self.env.docname, companion(kind)), classes=["download-button"])
            box += nodes.paragraph("", "", button)
        return [site_only(box)]


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", page_context)
    app.add_directive("download-buttons", DownloadButtons)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
