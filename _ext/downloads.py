"""The downloads, one click away on every page of the site.

* Gives the templates ``downloads`` (the addresses of the companion PDF and ePub), which the
  sidebar (``_templates/sidebar/downloads.html``) and the landing page show;
* adds the directive ``{download-buttons}`` (the landing page's buttons, on the site only);
* adds a "Download this profile (PDF)" link to every page that has a PDF of its own
  (``pdf_separate_documents``);
* names the folder, ``downloads/``, where ``make`` publishes the PDFs and the ePub with the site;
* says which pages the downloads hold (:func:`book_documents`).
"""

from __future__ import annotations

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
    """The pages the PDF and the ePub hold: those the landing page's tables of contents reach.
    The others (the contributor guide, the style guide) are the site's alone, and the downloads
    link to them there."""
    found, waiting = set(), [root_doc]
    while waiting:
        docname = waiting.pop()
        if docname not in found:
            found.add(docname)
            waiting += env.toctree_includes.get(docname, [])
    return found


def addresses(config) -> dict[str, str]:
    """Site paths of the companion PDF and ePub."""
    return {
        "pdf": f"{FOLDER}/{config.downloads_basename}.pdf",
        "epub": f"{FOLDER}/{config.downloads_basename}.epub",
    }


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
        target = relative_uri(self.app.builder.get_target_uri(docname), f"{FOLDER}/{docname}.pdf")
        text = "Download this profile (PDF)"
        line = nodes.paragraph(classes=["download-link"])
        line += nodes.reference(text, text, refuri=target)
        headers = [node for node in self.document.findall(nodes.container) if "profile-header" in node["classes"]]
        if headers:
            headers[0] += line
        else:
            section = next(self.document.findall(nodes.section))
            section.insert(1, line)


class download_buttons(nodes.General, nodes.Element):
    """Placeholder for the download buttons of the companion; only the site shows them."""


class DownloadButtons(SphinxDirective):
    def run(self) -> list[nodes.Node]:
        return [download_buttons()]


class FillDownloadButtons(SphinxPostTransform):
    default_priority = 900

    def run(self) -> None:
        for placeholder in list(self.document.findall(download_buttons)):
            if self.app.builder.name not in SITE_BUILDERS:
                placeholder.replace_self([])
                continue
            here = self.app.builder.get_target_uri(self.env.docname)
            box = nodes.container(classes=["download-buttons"])
            for label, path in (("Download the companion (PDF)", addresses(self.config)["pdf"]), ("Download the companion (ePub)", addresses(self.config)["epub"])):
                box += nodes.paragraph("", "", nodes.reference(label, label, refuri=relative_uri(here, path), classes=["download-button"]))
            placeholder.replace_self(box)


def setup(app: Sphinx) -> dict:
    app.add_config_value("downloads_basename", "book", "html", types=[str])
    app.connect("html-page-context", page_context)
    app.add_post_transform(ProfilePdfLink)
    app.add_post_transform(FillDownloadButtons)
    app.add_directive("download-buttons", DownloadButtons)
    app.add_node(download_buttons)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
