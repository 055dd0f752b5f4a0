"""The downloads, one click away on every page of the site.

* Gives the templates ``downloads`` (the addresses of the whole-book PDF and ePub), which the
  sidebar (``_templates/sidebar/downloads.html``) and the landing page show;
* adds the directive ``{download-buttons}`` (the landing page's buttons, on the site only);
* adds a "Download this profile (PDF)" link to every page that has a PDF of its own
  (``pdf_separate_documents``);
* copies the PDFs and the ePub that ``make`` built (under ``downloads_source_dir``) into the site's
  ``downloads/`` folder, so the hosted site serves them.
"""

from __future__ import annotations

import shutil
from fnmatch import fnmatch
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.osutil import relative_uri

logger = logging.getLogger(__name__)

FOLDER = "downloads"
SITE_BUILDERS = ("html", "dirhtml")


def has_own_pdf(config, docname: str) -> bool:
    return any(fnmatch(docname, pattern) for pattern in config.pdf_separate_documents) and docname not in config.pdf_separate_exclude


def addresses(config) -> dict[str, str]:
    """Site paths of the whole-book downloads."""
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
    """Placeholder for the whole-book download buttons; only the site shows them."""


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
                box += nodes.paragraph("", "", nodes.reference(label, label, refuri=relative_uri(here, path), classes=["sd-btn", "sd-btn-primary"]))
            placeholder.replace_self(box)


def copy_downloads(app: Sphinx, exception: Exception | None) -> None:
    if exception or app.builder.name not in SITE_BUILDERS:
        return
    source = Path(app.config.downloads_source_dir)
    basename = app.config.downloads_basename
    wanted = [source / "pdf" / f"{basename}.pdf", source / "epub" / f"{basename}.epub"]
    wanted += sorted((source / "pdf").glob("profiles/*.pdf"))
    target = Path(app.outdir) / FOLDER
    missing = [path for path in wanted if not path.is_file()]
    if missing or not wanted[2:]:
        logger.info(f"downloads: not built yet ({', '.join(p.name for p in missing) or 'profile PDFs'}); `make` builds them")
    for path in wanted:
        if path.is_file():
            relative = path.relative_to(source / path.relative_to(source).parts[0])
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target / relative)


def setup(app: Sphinx) -> dict:
    app.add_config_value("downloads_basename", "book", "html", types=[str])
    app.add_config_value("downloads_source_dir", "_build", "", types=[str])
    app.connect("html-page-context", page_context)
    app.connect("build-finished", copy_downloads)
    app.add_post_transform(ProfilePdfLink)
    app.add_post_transform(FillDownloadButtons)
    app.add_directive("download-buttons", DownloadButtons)
    app.add_node(download_buttons)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
