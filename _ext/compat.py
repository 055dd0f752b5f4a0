"""Where Sphinx or a published extension falls short, mended here: the one module outside the
PDF and ePub builders that relies on their internals (ARCHITECTURE.md lists each place).

* sphinx-sitemap lists only the pages a build wrote (jdillard/sphinx-sitemap#13): it is given every
  page again, in name order, so an incremental or parallel build writes a clean build's sitemap.
"""

import os
import queue

import sphinx_sitemap
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx_design.tabs import sd_tab_label

from locations import SITE_BUILDERS


def complete_sitemap(app: Sphinx, exception: Exception | None) -> None:
    # Every format's (sphinx-sitemap writes one beside each; the site's is the one published), so that
    # a format written after another read the sources still writes a clean build's.
    if exception:
        return
    app.sitemap_links = queue.Queue()  # sphinx-sitemap's queue of (page, last change), afresh
    for docname in sorted(app.env.found_docs):
        sphinx_sitemap.add_html_link(app, docname, None, {}, None)


class TabLabelsWithoutAriaControls(SphinxPostTransform):
    """sphinx-design puts ``aria-controls`` on its tab labels, which HTML forbids on a label tied
    to a form control (the Nu Html Checker's error); the label already names its tab."""

    default_priority = 250  # after sphinx-design builds its tabs (200)
    builders = SITE_BUILDERS

    def run(self) -> None:
        for label in self.document.findall(sd_tab_label):
            label.attributes.pop("aria_controls", None)


def asset_name(asset) -> str:
    """``furo.css`` for the stylesheet ``_static/styles/furo.css`` of a page's ``css_files``."""
    return os.path.basename(os.fspath(asset.filename))


def setup(app: Sphinx) -> dict:
    app.setup_extension("sphinx_sitemap")
    app.setup_extension("sphinx_design")
    # Before sphinx-sitemap writes the file (build-finished, priority 500).
    app.connect("build-finished", complete_sitemap, priority=400)
    app.add_post_transform(TabLabelsWithoutAriaControls)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
