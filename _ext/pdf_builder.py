"""``sphinx-build -b pdf``: the whole-book PDF and one PDF per profile, typeset by WeasyPrint.

Why not LaTeX or rinohtype: see ``shared/research/pdf-epub-findings.md`` (LaTeX silently drops CJK
and Arabic-script glyphs, rinohtype crashes on sphinx-design and cannot shape scripts). This builder
writes print HTML with its own theme (``print_theme/``: cover, title page, contents, running
headers, page numbers, the Noto fonts of every script) and hands it to WeasyPrint.

* **The book** (``<pdf_basename>.pdf``): every document assembled into one tree, as the
  ``singlehtml`` builder does, after which every id is made unique by prefixing the id of its
  document *in the doctree*, and every reference is pointed at the new ids. The table of contents
  is built from the same tree, so its page numbers and the bookmarks land on the same headings.
  The tree is written as a front part (cover, title page, contents) and body parts of
  ``pdf_book_part_size`` documents, which ``pdf_book.py`` typesets one by one and joins.
* **Separate documents** (``pdf_separate_documents``, e.g. every profile): each printed alone,
  with links to other pages pointing at the hosted site (``html_baseurl``).

PDFs are rendered in parallel, one process per core, and a PDF (or a part of the book) whose
HTML, styles, fonts and images are unchanged is not rendered again. A character that no bundled font can print fails the
build, naming the page.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import time
from concurrent.futures import ProcessPoolExecutor
from fnmatch import fnmatch
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.builders.singlehtml import SingleFileHTMLBuilder
from sphinx.util import logging
from sphinx.util.i18n import format_date

import pdf_book

logger = logging.getLogger(__name__)

THEME_DIR = Path(__file__).parent / "print_theme"
FONTS_DIR = THEME_DIR / "static" / "fonts"
CACHE_FILE = ".pdf-cache.json"
# How the PDFs are made (this code, the book's, and the libraries'): a change renders them afresh.
RENDERING = hashlib.sha256(
    Path(__file__).read_bytes() + Path(pdf_book.__file__).read_bytes() + f"{version('weasyprint')} {version('pikepdf')}".encode()
).hexdigest()


# -- Unique ids across the assembled book --------------------------------------------------------


def id_prefix(docname: str) -> str:
    return docname.replace("/", "-") + "--"


def make_ids_unique(tree: nodes.document, root_doc: str) -> dict[str, str]:
    """Prefix every id with its document's name; return each document's first heading id.

    ``singlehtml`` keeps each document's own ids, so two profiles with a "Sources" section both
    have ``id="sources"`` and links jump to the wrong one.
    """
    first_heading: dict[str, str] = {}

    def rename(node: nodes.Element, docname: str) -> None:
        if isinstance(node, addnodes.start_of_file):
            docname = node["docname"]
        prefix = id_prefix(docname)
        node["ids"] = [prefix + identifier for identifier in node["ids"]]
        node["backrefs"] = [prefix + identifier for identifier in node.get("backrefs", [])]
        if "refid" in node:
            node["refid"] = prefix + node["refid"]
        if isinstance(node, nodes.section) and docname not in first_heading and node["ids"]:
            first_heading[docname] = node["ids"][0]
        for child in node.children:
            if isinstance(child, nodes.Element):
                rename(child, docname)

    rename(tree, root_doc)
    for reference in tree.findall(nodes.reference):
        uri = reference.get("refuri", "")
        if uri.startswith("#document-"):
            docname, _, anchor = uri[len("#document-") :].partition("#")
            reference["refid"] = id_prefix(docname) + anchor if anchor else first_heading.get(docname, "")
            del reference["refuri"]
    return first_heading


def chapters_to_top_level(tree: nodes.document) -> None:
    """Move the pages the root document includes out of its last section, so each is a chapter.

    The root's toctree sits inside one of its sections; inlined there, every other page would
    be a sub-sub-section of the landing page. (Walked top-down: ``inline_all_toctrees`` leaves
    the inlined nodes' ``parent`` pointing at their own documents.)
    """

    def walk(node: nodes.Element) -> None:
        for child in list(node.children):
            if isinstance(child, nodes.compound) and "toctree-wrapper" in child["classes"]:
                node.remove(child)
                tree.append(child)
            elif isinstance(child, nodes.Element) and not isinstance(child, addnodes.start_of_file):
                walk(child)

    walk(tree)


def mark_document_starts(tree: nodes.document) -> None:
    """Each page starts on a new page and names the running header (see print.css)."""
    for part in tree.findall(addnodes.start_of_file):
        first = next((child for child in part.children if isinstance(child, nodes.section)), None)
        if first is not None:
            first["classes"].append("document-start")


def contents(tree: nodes.document) -> nodes.bullet_list:
    """The printed table of contents: every document's title and its second-level headings."""
    entries = nodes.bullet_list(classes=["book-contents"])
    for part in [tree, *tree.findall(addnodes.start_of_file)]:
        sections = [child for child in part.children if isinstance(child, nodes.section)]
        if not sections:
            continue
        top = sections[0]
        item = nodes.list_item("", entry(top))
        subsections = [child for child in top.children if isinstance(child, nodes.section)]
        if subsections:
            item += nodes.bullet_list("", *(nodes.list_item("", entry(sub)) for sub in subsections))
        entries += item
    return entries


def entry(section: nodes.section) -> nodes.paragraph:
    title = section.next_node(nodes.title).astext()
    return nodes.paragraph("", "", nodes.reference(title, title, refid=section["ids"][0]))


def documents_in_order(tree: nodes.document, root_doc: str) -> list[str]:
    return [root_doc, *(part["docname"] for part in tree.findall(addnodes.start_of_file))]


def document_holders(tree: nodes.document) -> set[int]:
    """The nodes (by ``id()``) that are or contain an inlined document."""
    holders: set[int] = set()

    def walk(node: nodes.Node) -> bool:
        holds = isinstance(node, addnodes.start_of_file)
        for child in node.children if isinstance(node, nodes.Element) else ():
            holds = walk(child) or holds
        if holds:
            holders.add(id(node))
        return holds

    walk(tree)
    return holders


def book_part(tree: nodes.document, documents: set[str], root_doc: str, holders: set[int]) -> nodes.document:
    """A copy of the book with only ``documents`` in it; the sections that hold them (the gallery
    that holds the profiles) are kept as empty shells around them where they belong to another part."""

    def copy(node: nodes.Node, inside: bool) -> nodes.Node | None:
        if isinstance(node, addnodes.start_of_file):
            inside = node["docname"] in documents
        if id(node) not in holders:
            return node.deepcopy() if inside else None
        clone = node.copy()
        if not inside and isinstance(clone, nodes.Element):  # a shell: no anchor, no page break
            clone["ids"] = []
            clone["classes"] = [name for name in clone["classes"] if name != "document-start"]
        for child in node.children:
            if (copied := copy(child, inside)) is not None:
                clone += copied
        return clone if inside or len(clone) else None

    return copy(tree, root_doc in documents)


def link_across_parts(tree: nodes.Element) -> None:
    """A link to an id outside ``tree`` gets a ``pdf-part:`` address, joined up in the PDF."""
    ids = {identifier for node in tree.findall(nodes.Element) for identifier in node["ids"]}
    for reference in tree.findall(nodes.reference):
        if "refid" in reference and reference["refid"] not in ids:
            reference["refuri"] = pdf_book.PART_LINK + reference["refid"]
            reference["internal"] = True  # printed as a link within the book, not an address
            del reference["refid"]


# -- Rendering -------------------------------------------------------------------------------------


def render(html_path: str, pdf_path: str, identifier: str) -> float:
    """Typeset one HTML file (runs in a worker process); returns the seconds it took."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    start = time.perf_counter()
    HTML(filename=html_path).write_pdf(pdf_path, font_config=FontConfiguration(), pdf_identifier=identifier.encode(), **pdf_book.PDF_OPTIONS)
    return time.perf_counter() - start


@lru_cache(maxsize=1)
def covered_characters() -> frozenset[int]:
    from fontTools.ttLib import TTFont

    covered: set[int] = set()
    for font in sorted(FONTS_DIR.glob("*.[ot]tf")):
        covered.update(TTFont(font, lazy=True).getBestCmap())
    return frozenset(covered)


def page_text(html_path: Path) -> str:
    from bs4 import BeautifulSoup

    return BeautifulSoup(html_path.read_text("utf-8"), "html.parser").get_text()


def uncovered(text: str) -> list[str]:
    """Characters of ``text`` that no bundled font can print (white space aside)."""
    fonts = covered_characters()
    return sorted({char for char in text if not char.isspace() and ord(char) not in fonts and ord(char) >= 0x20})


def tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
        if path.is_file():
            digest.update(path.relative_to(folder).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


class PdfBuilder(SingleFileHTMLBuilder):
    name = "pdf"
    format = "html"
    epilog = "The PDFs are in %(outdir)s."
    search = False
    copysource = False

    #: the document being printed on its own, or None while printing the book
    standalone: str | None = None

    @property
    def book_front(self) -> str:
        """The page name of the book's front part (cover, title page, contents)."""
        return f"{self.config.pdf_basename}-front"

    def get_theme_config(self) -> tuple[str, dict]:
        return "companion-print", {}

    def get_target_uri(self, docname: str, typ: str | None = None) -> str:
        if self.standalone is None:
            return super().get_target_uri(docname, typ)
        if docname == self.standalone:
            return docname + self.out_suffix  # where its print HTML is written
        return self.config.html_baseurl.rstrip("/") + "/" + docname + ".html"

    def get_relative_uri(self, from_: str, to: str, typ: str | None = None) -> str:
        if self.standalone is not None and to == self.standalone:
            return ""  # a link within the page printed on its own
        return self.get_target_uri(to, typ)

    def separate_documents(self) -> list[str]:
        patterns, excluded = self.config.pdf_separate_documents, self.config.pdf_separate_exclude
        return sorted(doc for doc in self.env.found_docs if any(fnmatch(doc, p) for p in patterns) and doc not in excluded)

    def get_doc_context(self, docname: str, body: str, metatags: str) -> dict:
        # Not SingleFileHTMLBuilder's context: it renders the whole table of contents for a
        # sidebar the print theme does not have (the book's contents come from write_documents),
        # and doing that for every separate document made the PDF step grow with the square of
        # the number of profiles.
        site = self.config.html_baseurl
        context = {
            "body": body, "metatags": metatags, "title": self.config.html_title, "docstitle": None, "meta": None,
            "parents": [], "prev": None, "next": None, "rellinks": [], "sourcename": "", "toc": "", "display_toc": False,
        }
        context["pdf"] = {
            "standalone": self.standalone is not None,
            "title": self.config.pdf_title if self.standalone is None else self.env.titles[docname].astext(),
            "subtitle": self.config.pdf_subtitle,
            "subject": self.config.pdf_subject,
            "author": self.config.author,
            "contents": self.book_contents if self.standalone is None else "",
            "front": self.standalone is None and docname == self.book_front,
            "site_url": site,
            "page_url": site.rstrip("/") + "/" + docname + ".html" if self.standalone else site,
            # Sphinx's format_date honours SOURCE_DATE_EPOCH, so the date is the commit's.
            "date": format_date("%Y-%m-%dT%H:%M:%SZ", language="en"),
            "date_text": format_date("%-d %B %Y", language="en"),
        }
        return context

    def write_documents(self, _docnames) -> None:
        self.prepare_writing(self.env.all_docs.keys())
        root = self.config.root_doc
        book = self.assemble_doctree()
        self.env.toc_secnumbers = self.assemble_toc_secnumbers()
        self.env.toc_fignumbers = self.assemble_toc_fignumbers()
        chapters_to_top_level(book)
        mark_document_starts(book)
        make_ids_unique(book, root)
        table = contents(book)
        link_across_parts(table)  # the contents are a part of their own
        self.book_contents = self.render_partial(table)["fragment"]
        self.write_doc(self.book_front, book.copy())
        documents, holders, size = documents_in_order(book, root), document_holders(book), self.config.pdf_book_part_size
        self.book_parts = [f"{self.config.pdf_basename}-part-{number + 1:03d}" for number in range(math.ceil(len(documents) / size))]
        for number, name in enumerate(self.book_parts):
            part = book_part(book, set(documents[number * size : (number + 1) * size]), root, holders)
            link_across_parts(part)
            self.write_doc(name, part)
        for stale in Path(self.outdir).glob(f"{self.config.pdf_basename}-part-*.html"):
            if stale.stem not in self.book_parts:
                stale.unlink()
        for docname in self.separate_documents():
            self.standalone = docname
            self.write_doc(docname, self.env.get_and_resolve_doctree(docname, self))
        self.standalone = None

    def check_fonts(self, docname: str, missing: list[str]) -> None:
        if missing:
            listed = ", ".join(f"{char} (U+{ord(char):04X})" for char in missing)
            logger.warning(
                f"no bundled font can print {listed}; add a Noto font for that script to "
                "_ext/print_theme/static/fonts/ and print.css",
                location=docname,
                type="pdf",
            )

    def finish(self) -> None:
        super().finish()
        outdir = Path(self.outdir)
        book = [outdir / f"{name}.html" for name in (self.book_front, *self.book_parts)]
        jobs = [(self.config.root_doc, self.config.pdf_basename, book)]
        jobs += [(doc, doc, [outdir / f"{doc}.html"]) for doc in self.separate_documents()]
        shared = tree_digest(outdir / "_static") + tree_digest(outdir / "_images") + RENDERING
        cache_path = outdir / CACHE_FILE
        cache = json.loads(cache_path.read_text()) if cache_path.is_file() else {}
        pending = []
        for docname, stem, html_paths in jobs:
            key = hashlib.sha256(b"".join(path.read_bytes() for path in html_paths) + shared.encode()).hexdigest()
            pdf = str(outdir / f"{stem}.pdf")
            kept = cache.get(stem)
            if not isinstance(kept, dict) or kept["key"] != key or not Path(pdf).is_file():
                # Kept with the PDF, so an unchanged one still reports what it cannot print.
                missing = sorted({char for path in html_paths for char in uncovered(page_text(path))})
                kept = cache[stem] = {"key": key, "missing": missing}
                html = [str(path) for path in html_paths]
                if stem == self.config.pdf_basename:  # in parts, each identified by its own digest
                    pending.append((stem, pdf_book.render_book, (html[0], html[1:], pdf, shared, self.config.language)))
                else:
                    pending.append((stem, render, (html[0], pdf, key[:32])))
            self.check_fonts(docname, kept["missing"])
        logger.info(f"pdf: rendering {len(pending)} of {len(jobs)} PDFs ({len(jobs) - len(pending)} unchanged)")
        if pending:
            start = time.perf_counter()
            with ProcessPoolExecutor(max_workers=min(len(pending), os.cpu_count() or 1)) as pool:
                futures = {stem: pool.submit(function, *arguments) for stem, function, arguments in pending}
                seconds = {stem: future.result() for stem, future in futures.items()}
            book_seconds = seconds.pop(self.config.pdf_basename, 0.0)
            # The benchmark (tests/benchmark.py) reads this line.
            logger.info(f"pdf timings: book {book_seconds:.2f} s, {len(seconds)} separate PDFs {sum(seconds.values()):.2f} s, wall {time.perf_counter() - start:.2f} s")
        cache_path.write_text(json.dumps(cache, indent=1, sort_keys=True))


def setup(app: Sphinx) -> dict:
    app.add_config_value("pdf_basename", "book", "env", types=[str])
    app.add_config_value("pdf_title", "", "env", types=[str])
    app.add_config_value("pdf_subtitle", "", "env", types=[str])
    app.add_config_value("pdf_subject", "", "env", types=[str])
    app.add_config_value("pdf_separate_documents", [], "env", types=[list])
    app.add_config_value("pdf_separate_exclude", [], "env", types=[list])
    # The site's own stylesheets (html_css_files) stay off paper: print.css styles the PDFs.
    app.add_config_value("pdf_css_files", [], "env", types=[list])
    # Documents per part of the book (pdf_book.py): a part's memory grows with its length.
    app.add_config_value("pdf_book_part_size", 100, "env", types=[int])
    app.add_html_theme("companion-print", str(THEME_DIR))
    app.add_builder(PdfBuilder)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
