"""Furo, adjusted where its options stop: a shallow sidebar made once per place, and no stylesheet a
page does not use.

* **Sidebar.** Furo asks Sphinx for the whole table of contents on every page, hidden ones included:
  at a thousand profiles, Sphinx copies a thousand entries a page before pruning them, so the site's
  build grew with the square of the profiles. Furo has no setting for it, and sphinx-remove-toctrees
  would take the profiles out of the ePub too (one environment serves every format). So the page
  context's ``toctree`` is wrapped: it prunes to ``navigation_maxdepth``, and it renders the sidebar
  once for each place a page can stand in it (which entry it is under, or is, and its folder, which
  the relative links depend on), then serves the same HTML to every page in that place, until
  what the sidebar lists changes (the live preview keeps it from one save to the next).
* **Assets a page uses.** sphinx-design's stylesheet (larger than Furo's) and Pygments' load only on
  pages with a component (a node with an ``sd-`` class) or a code block; the tabs' script only with tabs.
"""

import posixpath

from docutils import nodes
from sphinx.application import Sphinx

from compat import asset_name
from locations import SITE_BUILDERS

# Sidebars already rendered, by what they show and where a page stands in them (see sidebar_key);
# kept across the builds of one process (the live preview), since the key holds all they show.
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


def in_sidebar(app: Sphinx, env) -> list[str]:
    """The pages the sidebar lists, in order: the root page's table of contents, to the depth shown."""
    level, found = [app.config.root_doc], []
    for _ in range(app.config.navigation_maxdepth):
        level = [child for doc in level for child in env.toctree_includes.get(doc, [])]
        found += level
    return found


def entries_to(env, root: str, pagename: str) -> list[str]:
    """The sidebar's entries from the root's down to the page (empty if the sidebar does not lead to
    it), going up one includer a step (the environment's ``files_to_rebuild``). Sphinx's
    ``get_toctree_ancestors`` maps every page's includer first: per page, that grew with the profiles."""
    chain, doc = [], pagename
    while doc not in chain:
        chain.append(doc)
        includers = env.files_to_rebuild.get(doc)
        if not includers:
            return []
        if root in includers:
            return chain[::-1]
        doc = min(includers)
    return []


def sidebar_key(app: Sphinx, pagename: str, render, options: dict) -> tuple:
    """What a depth-limited sidebar of ``pagename`` depends on:

    * what it lists: the pages shown, with their titles, and the read times of the pages whose
      tables of contents it shows (a changed caption or order re-reads them);
    * where the page stands in it: the entries shown on the way down to the page (Sphinx marks them
      "current"), whether the page is itself one of them, and its folder (links are relative);
      below the depth shown, the pages under one entry share a sidebar;
    * who renders it (sphinx-notfound-page renders the 404 page's with links from the site's root).
    """
    env, depth = app.env, app.config.navigation_maxdepth
    shown = in_sidebar(app, env)
    lists = tuple((doc, env.titles[doc].astext() if doc in env.titles else "", env.all_docs.get(doc)) for doc in [app.config.root_doc, *shown])
    chain = entries_to(env, app.config.root_doc, pagename) if pagename in env.found_docs else []
    place = (tuple(chain[:depth]), 0 < len(chain) <= depth, posixpath.dirname(pagename))
    return (lists, place, getattr(render, "__module__", None), tuple(sorted(options.items())))


def limit_depth(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if "toctree" not in context:
        return
    render = context["toctree"]

    def sidebar(**options) -> str:
        options = {**options, "maxdepth": app.config.navigation_maxdepth}
        key = sidebar_key(app, pagename, render, options)
        if key not in sidebars:
            sidebars[key] = render(**options)
        return sidebars[key]

    context["toctree"] = sidebar


def drop_unused_assets(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if app.builder.name not in SITE_BUILDERS:
        return
    used = uses(doctree)
    # New lists for this page; Sphinx restores its own before the next page.
    context["css_files"] = [css for css in context["css_files"] if used.get(asset_name(css), True)]
    context["script_files"] = [js for js in context["script_files"] if used.get(asset_name(js), True)]


def setup(app: Sphinx) -> dict:
    app.add_config_value("navigation_maxdepth", 1, "html", types=[int])
    # Before Furo renders its navigation from the toctree (html-page-context, priority 500).
    app.connect("html-page-context", limit_depth, priority=400)
    # After every handler that adds a page's assets (the default priority, 500).
    app.connect("html-page-context", drop_unused_assets, priority=800)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
