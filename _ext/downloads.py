"""The downloads, one click away on every page of the site: the templates' ``downloads`` (the
addresses of the companion PDF and ePub) and ``{download-buttons}``. Also which pages the downloads
hold (``book_documents``), which have a PDF of their own (``has_own_pdf``: a profile's page links to
it) and where ``make`` publishes them (``FOLDER``). No package links a site to its own PDF and ePub.
"""

from fnmatch import fnmatch

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective
from sphinx.util.osutil import relative_uri

from site_meta import SITE_BUILDERS

FOLDER = "downloads"


def has_own_pdf(config, docname: str) -> bool:
    return any(fnmatch(docname, pattern) for pattern in config.pdf_separate_documents) and docname not in config.pdf_separate_exclude


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


def addresses(config) -> dict[str, str]:
    """Site paths of the companion PDF and ePub."""
    return {kind: f"{FOLDER}/{config.downloads_basename}.{kind}" for kind in ("pdf", "epub")}


def page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    context["downloads"] = addresses(app.config)


class DownloadButtons(SphinxDirective):
    """``{download-buttons}``: the companion's downloads, on the site only."""

    def run(self) -> list[nodes.Node]:
        builder = self.env.app.builder
        if builder.name not in SITE_BUILDERS:  # each format reads the sources into its own environment
            return []
        here = builder.get_target_uri(self.env.docname)
        box = nodes.container(classes=["download-buttons"])
        for label, path in zip(("PDF", "ePub"), addresses(self.config).values()):
            text = f"Download the companion ({label})"
            link = nodes.reference(text, text, refuri=relative_uri(here, path), classes=["download-button"])
            box += nodes.paragraph("", "", link)
        return [box]


def setup(app: Sphinx) -> dict:
    app.add_config_value("downloads_basename", "book", "html", types=[str])
    app.connect("html-page-context", page_context)
    app.add_directive("download-buttons", DownloadButtons)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
