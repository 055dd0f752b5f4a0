"""The sidebar lists the publication's pages down to ``navigation_maxdepth`` levels, not every
profile in it.

Furo asks Sphinx for the whole table of contents (``maxdepth=-1``) for every page's sidebar. With
a thousand profiles that is a thousand links on every page, a hundred kilobytes each, and a build
that grows with the square of the number of profiles. So the depth given here wins; the gallery
(``profiles/index``) leads to each profile, and each page links to the previous and the next.

Furo has no setting for the depth, and sphinx-remove-toctrees would take the profiles out of the
tables of contents that the ePub and the PDF are built from, so this wraps the ``toctree``
function the templates are given, a public part of the page context.
"""

from __future__ import annotations

from sphinx.application import Sphinx


def limit_depth(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if "toctree" in context:
        render = context["toctree"]
        context["toctree"] = lambda **options: render(**{**options, "maxdepth": app.config.navigation_maxdepth})


def setup(app: Sphinx) -> dict:
    app.add_config_value("navigation_maxdepth", 1, "html", types=[int])
    # Before Furo renders its navigation from the toctree (html-page-context, priority 500).
    app.connect("html-page-context", limit_depth, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
