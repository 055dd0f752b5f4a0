"""The sidebar lists the publication's pages, not every profile in it, and costs one render per
folder and section instead of one per page.

Furo puts the whole table of contents in the sidebar of every page. With a thousand profiles
that is a thousand links on every page: each page a hundred kilobytes heavier, and a build that
grows with the square of the number of profiles (measured: a clean build of 1,000 profiles ran
for over ten minutes). So the sidebar stops at ``navigation_maxdepth`` levels; the gallery
(``profiles/index``) leads to each profile, and each page links to the previous and the next.

Sphinx still resolves the whole table of contents for every page before it cuts it to that
depth, so the rendered sidebar is kept for the pages that share it: same folder (the links are
relative), same top-level section (marked current), unless the page is itself a top-level entry
(its own link points at itself).
"""

from __future__ import annotations

import posixpath

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

# Rendered sidebars of the current build, by (page key, toctree options), and each page's parent.
RENDERED: dict[tuple, str] = {}
PARENTS: dict[str, str] = {}


def section_of(env: BuildEnvironment, docname: str, root: str) -> str:
    """The top-level entry of the table of contents that ``docname`` sits under."""
    if not PARENTS:
        PARENTS.update({child: parent for parent, children in env.toctree_includes.items() for child in children})
    parents = PARENTS
    seen = set()
    while parents.get(docname, root) != root and docname not in seen:
        seen.add(docname)
        docname = parents[docname]
    return docname


def limit_depth(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if "toctree" not in context:
        return
    render = context["toctree"]
    root = app.config.root_doc
    top_level = app.env.toctree_includes.get(root, [])
    section = section_of(app.env, pagename, root)
    page_key = (posixpath.dirname(pagename), section, pagename if pagename in top_level or pagename == root else None)

    def limited(**options) -> str:
        # Furo asks for maxdepth=-1 (everything); the depth given here wins.
        options["maxdepth"] = app.config.navigation_maxdepth
        key = (page_key, tuple(sorted(options.items())))
        if key not in RENDERED:
            RENDERED[key] = render(**options)
        return RENDERED[key]

    context["toctree"] = limited


def forget(app: Sphinx, env: BuildEnvironment) -> None:
    """Each build starts afresh: titles and pages may have changed (the preview reuses the app)."""
    RENDERED.clear()
    PARENTS.clear()


def setup(app: Sphinx) -> dict:
    app.add_config_value("navigation_maxdepth", 1, "html", types=[int])
    # Before Furo renders its navigation from the toctree (html-page-context, priority 500).
    app.connect("html-page-context", limit_depth, priority=400)
    app.connect("env-updated", forget)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
