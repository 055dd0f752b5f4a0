"""Keeps an incremental build equal to a clean one where Sphinx alone would not (public events only).

One environment serves every format, so Sphinx tells only the format that re-reads a page what
changed; the others would go by the sources' dates alone. So each format keeps, beside the
environment, what its pages showed when it last wrote them (each page's read time, title and
neighbours, and the sidebar), and at its next build also writes:

* every page re-read since then, by whichever format (the gallery after a profile's front matter
  changed, a page after a data file it reads);
* the pages whose previous or next page changed, and those that show a retitled page's title (its
  neighbours, the pages whose table of contents lists it, those that link to it by its title): no
  other page is rewritten for a retitled profile;
* every page if the sidebar changed, or a page was removed. A removed page's outputs are deleted
  (Sphinx keeps them: a stale page would stay on the site and in the ePub).
"""

import json
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import docname_join, logging

from site_theme import in_sidebar

logger = logging.getLogger(__name__)


def record_path(app: Sphinx) -> Path:
    return Path(app.doctreedir, f"written-{app.builder.name}.json")


def current(app: Sphinx, env: BuildEnvironment) -> dict:
    """What a format's pages show of one another: the sidebar, and each page's read time, title,
    and the pages before and after it."""
    relations = env.collect_relations()
    pages = {}
    for doc in sorted(env.found_docs):
        _, previous, following = relations.get(doc, (None, None, None))
        pages[doc] = [env.all_docs[doc], env.titles[doc].astext() if doc in env.titles else "", previous, following]
    return {"sidebar": [[doc, pages[doc][1]] for doc in in_sidebar(app, env)], "pages": pages}


def note_title_links(app: Sphinx, doctree: nodes.document) -> None:
    """Remember which pages a page links to by their titles (a link without text of its own)."""
    env, shown = app.env, set()
    for xref in doctree.findall(addnodes.pending_xref):
        if xref.get("reftype") == "doc" and not xref.get("refexplicit"):  # {doc}`page`
            shown.add(docname_join(env.docname, xref["reftarget"]))
        elif xref.get("refdomain") == "doc" and not xref.get("refexplicit"):  # MyST's [](page.md)
            shown.add(xref["reftarget"])
    if shown:
        env.metadata[env.docname]["shows-titles-of"] = sorted(shown)


def to_write(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """The pages this format must write besides those Sphinx finds outdated (env-get-updated)."""
    path = record_path(app)
    before = json.loads(path.read_text("utf-8")) if path.is_file() else {"sidebar": None, "pages": {}}
    now = current(app, env)
    removed = set(before["pages"]) - set(now["pages"])
    for docname in sorted(removed):
        page = Path(app.outdir, docname)
        for output in page.parent.glob(page.name + ".*"):
            logger.info(f"removing {output.relative_to(app.outdir)} (its page was removed)")
            output.unlink()
    if removed or now["sidebar"] != before["sidebar"]:
        return sorted(now["pages"])
    old = before["pages"]
    retitled = {doc for doc, (_, title, *_) in now["pages"].items() if doc in old and old[doc][1] != title}
    write = set()
    for doc, (read, _, previous, following) in now["pages"].items():
        was = old.get(doc)
        shows = {previous, following, *env.toctree_includes.get(doc, ()), *env.metadata[doc].get("shows-titles-of", ())}
        if was is None or was[0] != read or was[2:] != [previous, following] or shows & retitled:
            write.add(doc)
    if retitled:
        logger.info(f"retitled: {', '.join(sorted(retitled))}; {len(write)} pages show a change and are written again")
    return sorted(write)


def save_record(app: Sphinx, exception: Exception | None) -> None:
    """After a build, what it wrote (one that failed starts again from the record before)."""
    if exception is None:
        record_path(app).write_text(json.dumps(current(app, app.env)), "utf-8")


def setup(app: Sphinx) -> dict:
    app.setup_extension("site_theme")  # navigation_maxdepth: how deep the sidebar goes
    app.connect("doctree-read", note_title_links)
    app.connect("env-get-updated", to_write)
    app.connect("build-finished", save_record)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
