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
(its own link points at itself). The rendered sidebars are also kept from one build to the next
(beside the environment), for as long as what they show is unchanged: the entries, captions and
titles down to that depth, and the builder's settings. So a rebuild after an edit renders none
(one render walks every profile: 0.4 s at 1,000 profiles).
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
from pathlib import Path

import sphinx
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

# Rendered sidebars, by (page key, toctree options), and each page's parent.
RENDERED: dict[str, str] = {}
PARENTS: dict[str, str] = {}
# Beside the environment: the sidebars, with the digest of what they were rendered from, one
# file per process that rendered some (navigation.json.<process id>).
CACHE = "navigation.json"
# This code as loaded: a change to how sidebars are asked for renders them afresh.
CODE = Path(__file__).read_bytes()


def section_of(env: BuildEnvironment, docname: str, root: str) -> str:
    """The top-level entry of the table of contents that ``docname`` sits under; "" for a page
    outside it (search, the index, 404), where no entry is marked current."""
    if not PARENTS:
        PARENTS.update({child: parent for parent, children in env.toctree_includes.items() for child in children})
    parents = PARENTS
    if docname not in parents and docname != root:
        return ""
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
        key = repr((page_key, sorted(options.items())))
        if key not in RENDERED:
            RENDERED[key] = render(**options)
            keep(app)
        return RENDERED[key]

    context["toctree"] = limited


def sidebar_inputs(app: Sphinx, env: BuildEnvironment) -> str:
    """A digest of what the sidebar shows: the tables of contents down to its depth (entries,
    captions, options), the titles of the pages they list, the builder's settings and this code."""
    build_info = getattr(app.builder, "build_info", None)
    settings = (build_info.config_hash, build_info.tags_hash) if build_info else ()
    digest = hashlib.sha256(repr((sphinx.__version__, app.builder.name, settings)).encode() + CODE)
    level, seen = [app.config.root_doc], set()
    for _ in range(app.config.navigation_maxdepth):
        listed = []
        for docname in (doc for doc in level if doc in env.tocs and doc not in seen):
            seen.add(docname)
            for toctree in env.tocs[docname].findall(addnodes.toctree):
                digest.update(repr(sorted((name, repr(value)) for name, value in toctree.attributes.items())).encode())
                listed += [ref for _, ref in toctree["entries"] if ref in env.titles]
        for docname in listed:
            digest.update(f"{docname}\0{env.titles[docname].astext()}\0".encode())
        level = listed
    return digest.hexdigest()


def keep(app: Sphinx) -> None:
    """Write this process's sidebars to its file beside the environment. Under ``-j`` pages are
    written in worker processes, whose memory ends with them; the next build reads every
    process's file (:func:`load`)."""
    saved = {"inputs": app.sidebar_inputs, "sidebars": RENDERED}
    Path(app.doctreedir, f"{CACHE}.{os.getpid()}").write_text(json.dumps(saved, sort_keys=True), "utf-8")


def load(app: Sphinx, env: BuildEnvironment) -> None:
    """After reading: the sidebars of earlier builds, if they still hold, gathered into one file
    (the preview reuses the application, so this runs before every build)."""
    RENDERED.clear()
    PARENTS.clear()
    app.sidebar_inputs = sidebar_inputs(app, env)
    folder = Path(app.doctreedir)
    files = sorted(folder.glob(f"{CACHE}*")) if folder.is_dir() else []
    for path in files:
        try:
            saved = json.loads(path.read_text("utf-8"))
        except ValueError:  # cut short by a build that was stopped
            saved = {}
        if saved.get("inputs") == app.sidebar_inputs:
            RENDERED.update(saved["sidebars"])
        path.unlink()
    if RENDERED:
        keep(app)


def setup(app: Sphinx) -> dict:
    app.add_config_value("navigation_maxdepth", 1, "html", types=[int])
    # Before Furo renders its navigation from the toctree (html-page-context, priority 500).
    app.connect("html-page-context", limit_depth, priority=400)
    app.connect("env-updated", load)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
