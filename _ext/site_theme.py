"""Furo, adjusted where its options stop: a shallow sidebar, and no stylesheet a page does not use.

* **Sidebar depth.** Furo asks Sphinx for the whole table of contents on every page: at a thousand
  profiles, a thousand links a page. Furo has no setting for it, and sphinx-remove-toctrees would
  take the profiles out of the PDF and the ePub; so the page context's ``toctree`` is wrapped with
  ``navigation_maxdepth`` (Sphinx still resolves every entry before pruning: README, "Speed").
* **Assets a page uses.** sphinx-design's stylesheet (larger than Furo's) and Pygments' load only on
  pages with a component (a node with an ``sd-`` class) or a code block; the tabs' script only with tabs.
"""

from docutils import nodes
from sphinx.application import Sphinx

from compat import asset_name
from site_meta import SITE_BUILDERS


def uses(doctree: nodes.document | None) -> dict[str, bool]:
    """Which optional assets a page needs."""
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


def limit_depth(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if "toctree" in context:
        render = context["toctree"]
        context["toctree"] = lambda **options: render(**{**options, "maxdepth": app.config.navigation_maxdepth})


def drop_unused_assets(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if app.builder.name not in SITE_BUILDERS:
        return
    used = uses(doctree)
    # New lists for this page, after the other extensions added theirs (this one is listed after
    # them in conf.py); Sphinx restores its own before the next page.
    context["css_files"] = [css for css in context["css_files"] if used.get(asset_name(css), True)]
    context["script_files"] = [js for js in context["script_files"] if used.get(asset_name(js), True)]


def setup(app: Sphinx) -> dict:
    app.add_config_value("navigation_maxdepth", 1, "html", types=[int])
    # Before Furo renders its navigation from the toctree (html-page-context, priority 500).
    app.connect("html-page-context", limit_depth, priority=400)
    app.connect("html-page-context", drop_unused_assets)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
