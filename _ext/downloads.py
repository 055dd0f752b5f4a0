"""The downloads, one click away on every page of the site: the templates' ``downloads`` (the
addresses of the companion PDF and ePub), ``{download-buttons}`` and a "Download this profile (PDF)"
link on every page with a PDF of its own. Also which pages the downloads hold (``book_documents``)
and where ``make`` publishes them (``FOLDER``). No package links a site to its own PDF and ePub.
"""

from fnmatch import fnmatch

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
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


class ProfilePdfLink(SphinxPostTransform):
    """On the site, a page with a PDF of its own links to it under its title."""

    default_priority = 900
    builders = SITE_BUILDERS

    def run(self) -> None:
        docname = self.env.docname
        if not has_own_pdf(self.config, docname):
            return
        text = "Download this profile (PDF)"
        target = relative_uri(self.app.builder.get_target_uri(docname), f"{FOLDER}/{docname}.pdf")
        line = nodes.paragraph("", "", nodes.reference(text, text, refuri=target), classes=["download-link"])
        headers = [node for node in self.document.findall(nodes.container) if "profile-header" in node["classes"]]
        if headers:
            headers[0] += line
        else:
            next(self.document.findall(nodes.section)).insert(1, line)


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
    app.add_post_transform(ProfilePdfLink)
    app.add_directive("download-buttons", DownloadButtons)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
