"""The sidebar lists the publication's pages, not every profile in it.

Furo puts the whole table of contents in the sidebar of every page. With a thousand profiles
that is a thousand links on every page: each page a hundred kilobytes heavier, and a build that
grows with the square of the number of profiles (measured: a clean build of 1,000 profiles ran
for over ten minutes). So the sidebar stops at ``navigation_maxdepth`` levels; the gallery
(``profiles/index``) leads to each profile, and each page links to the previous and the next.
"""

from __future__ import annotations

from sphinx.application import Sphinx


def limit_depth(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if "toctree" in context:
        # Furo asks for maxdepth=-1 (everything); the keyword given here wins.
        render = context["toctree"]
        context["toctree"] = lambda **options: render(**{**options, "maxdepth": app.config.navigation_maxdepth})


def setup(app: Sphinx) -> dict:
    app.add_config_value("navigation_maxdepth", 1, "html", types=[int])
    # Before Furo renders its navigation from the toctree (html-page-context, priority 500).
    app.connect("html-page-context", limit_depth, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
