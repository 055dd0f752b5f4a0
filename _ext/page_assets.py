"""A page of the site loads sphinx-design's and Pygments' stylesheets (and the tabs' script, and
Furo's styles for them) only if it uses them.

Every page would otherwise load sphinx-design's whole stylesheet, larger than Furo's own, and
Pygments', though most pages have no card, tab or line of code. Which a page needs is read from
its document: a node with an ``sd-`` class (sphinx-design's components, and ours built from its
cards and buttons), a tab set, a code block.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx

from compat import asset_name
from site_meta import SITE_BUILDERS


def uses(doctree: nodes.document | None) -> dict[str, bool]:
    classes = set()
    for node in doctree.findall(nodes.Element) if doctree else ():
        classes.update(node.get("classes", ()))
    design = any(name.startswith("sd-") for name in classes)
    code = bool(doctree and next(doctree.findall(nodes.literal_block), None))
    return {
        "sphinx-design.min.css": design,
        "design-tabs.js": "sd-tab-set" in classes,
        "pygments.css": code,
        # Furo's styles for other extensions' components: sphinx-design's cards, code's copy button.
        "furo-extensions.css": design or code,
    }


def drop_unused(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if app.builder.name not in SITE_BUILDERS:
        return
    used = uses(doctree)

    def needed(asset) -> bool:
        return used.get(asset_name(asset), True)

    # New lists for this page: Sphinx restores its own before the next one.
    context["css_files"] = [css for css in context["css_files"] if needed(css)]
    context["script_files"] = [js for js in context["script_files"] if needed(js)]


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", drop_unused)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
