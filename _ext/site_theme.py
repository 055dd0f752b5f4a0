"""Furo, adjusted where its options stop: a shallow sidebar made once per place, and no stylesheet a
page does not use.

* **Sidebar.** Furo asks Sphinx for the whole table of contents on every page, hidden ones included:
  at a thousand profiles, Sphinx copies a thousand entries a page before pruning them, so the site's
  build grew with the square of the profiles. Furo has no setting for it, and sphinx-remove-toctrees
  would take the profiles out of the ePub too (one environment serves every format). So the page
  context's ``toctree`` is wrapped: it prunes to ``navigation_maxdepth``, and it renders the sidebar
  once for each place a page can stand in it (which entry it is under, or is, and its folder, which
  the relative links depend on), then serves the same HTML to every page in that place.
* **Assets a page uses.** sphinx-design's stylesheet (larger than Furo's) and Pygments' load only on
  pages with a component (a node with an ``sd-`` class) or a code block; the tabs' script only with tabs.
"""

import posixpath

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment.adapters.toctree import TocTree

from compat import asset_name
from locations import SITE_BUILDERS

# Sidebars already rendered in this build, by the place a page stands in them (see place()).
sidebars: dict[tuple, str] = {}


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


def place(app: Sphinx, pagename: str) -> tuple:
    """What a depth-limited sidebar of ``pagename`` depends on: the entries shown on the way down to
    the page (Sphinx marks them "current"), whether the page is itself one of them, and the page's
    folder (links are relative). Below the depth shown, the pages under one entry share a sidebar."""
    depth = app.config.navigation_maxdepth
    # From the root's entry down to the page; empty if the sidebar does not lead to the page.
    chain = TocTree(app.env).get_toctree_ancestors(pagename)[::-1]
    if not chain or chain[0] not in app.env.toctree_includes.get(app.config.root_doc, ()):
        chain = []
    return (tuple(chain[:depth]), 0 < len(chain) <= depth, posixpath.dirname(pagename))


def limit_depth(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if "toctree" not in context:
        return
    render = context["toctree"]

    def sidebar(**options) -> str:
        options = {**options, "maxdepth": app.config.navigation_maxdepth}
        if pagename not in app.env.found_docs:  # search, 404: sphinx-notfound-page links from the root
            return render(**options)
        key = (place(app, pagename), tuple(sorted(options.items())))
        if key not in sidebars:
            sidebars[key] = render(**options)
        return sidebars[key]

    context["toctree"] = sidebar


def forget_sidebars(app: Sphinx, env) -> None:
    """Titles and pages may have changed since the last build (the live preview keeps this process)."""
    sidebars.clear()


def drop_unused_assets(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if app.builder.name not in SITE_BUILDERS:
        return
    used = uses(doctree)
    # New lists for this page; Sphinx restores its own before the next page.
    context["css_files"] = [css for css in context["css_files"] if used.get(asset_name(css), True)]
    context["script_files"] = [js for js in context["script_files"] if used.get(asset_name(js), True)]


def setup(app: Sphinx) -> dict:
    app.add_config_value("navigation_maxdepth", 1, "html", types=[int])
    app.connect("env-updated", forget_sidebars)
    # Before Furo renders its navigation from the toctree (html-page-context, priority 500).
    app.connect("html-page-context", limit_depth, priority=400)
    # After every handler that adds a page's assets (the default priority, 500).
    app.connect("html-page-context", drop_unused_assets, priority=800)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
