"""``sphinx-build -b pdf``: the companion PDF and one PDF per profile, typeset by WeasyPrint.

WeasyPrint, not LaTeX (it silently drops CJK and Arabic-script glyphs) or rinohtype (it crashes on
sphinx-design and cannot shape scripts): see ``shared/research/pdf-epub-findings.md``. The book is
every page assembled into one tree as the ``singlehtml`` builder does (Sphinx has no public way to
get it, hence the internals in ARCHITECTURE.md), with unique ids, its contents and each external
address in a footnote; each profile is also printed alone, linking the site. Both are written as
print HTML (``print_theme/``) and typeset in parallel; a PDF whose HTML, styles, fonts and images
are unchanged is not typeset again (``.pdf-cache.json``).
"""

import hashlib
import json
import logging as logging_
import multiprocessing
import os
import posixpath
import random
import re
import time
import warnings
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from importlib.metadata import version
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.builders.singlehtml import SingleFileHTMLBuilder
from sphinx.util import logging
from sphinx.util.i18n import format_date

from downloads import book_documents
from locations import BASENAME, absolute, is_profile

logger = logging.getLogger(__name__)

THEME_DIR = Path(__file__).parent / "print_theme"
FONTS_DIR = THEME_DIR / "static" / "fonts"
CACHE_FILE = ".pdf-cache.json"
# How the PDFs are made, this code and the libraries (uharfbuzz subsets the fonts, fontTools reads
# them): a change renders them afresh.
LIBRARIES = f"{version('weasyprint')} {version('pikepdf')} {version('fonttools')} {version('uharfbuzz')}"
RENDERING = hashlib.sha256(Path(__file__).read_bytes() + LIBRARIES.encode()).hexdigest()
# Tagged (PDF/UA-1): screen readers get the headings, lists, links, figures' alt text and languages.
PDF_OPTIONS = {"uncompressed_pdf": False, "optimize_images": True, "pdf_variant": "pdf/ua-1"}
# Where WeasyPrint reads the print HTML from (see render): one address whatever the build's folder.
VIRTUAL_ROOT = "file:///companion/"


# -- The book as one tree -----------------------------------------------------------------------


def inlined(
    node: nodes.Element, document: str | None = None
) -> Iterator[tuple[nodes.Element, nodes.Element, str | None]]:
    """Each element under ``node``, with its parent and the name of the inlined document around it
    (None in the root document's own part).

    Walked top-down: ``inline_all_toctrees`` leaves an inlined node's ``parent`` pointing at its own
    document. A node may be moved while the walk is at it."""
    for child in list(node.children):
        if isinstance(child, nodes.Element):
            yield node, child, document
            yield from inlined(child, child["docname"] if isinstance(child, addnodes.start_of_file) else document)


def first_section(part: addnodes.start_of_file) -> nodes.section | None:
    return next((child for child in part.children if isinstance(child, nodes.section)), None)


def shape_chapters(tree: nodes.document) -> None:
    """Make each page the root document includes a chapter, starting a new page and naming the
    running header (print.css). The root's toctree sits inside one of its sections: left there,
    every other page would be a sub-sub-section of the landing page."""
    for parent, node, document in inlined(tree):
        if document is None and isinstance(node, nodes.compound) and "toctree-wrapper" in node["classes"]:
            parent.remove(node)
            tree.append(node)
        elif isinstance(node, addnodes.start_of_file) and (first := first_section(node)):
            first["classes"].append("document-start")


def id_prefix(docname: str) -> str:
    return docname.replace("/", "-") + "--"


def make_ids_unique(tree: nodes.document, root_doc: str) -> dict[str, str]:
    """Prefix every id with its document's name; return each document's first heading id.

    ``singlehtml`` keeps each document's own ids, so two profiles with a "Sources" section both
    have ``id="sources"`` and links jump to the wrong one.
    """
    first_heading: dict[str, str] = {}
    for _, node, document in inlined(tree):
        docname = node["docname"] if isinstance(node, addnodes.start_of_file) else document or root_doc
        prefix = id_prefix(docname)
        node["ids"] = [prefix + identifier for identifier in node["ids"]]
        node["backrefs"] = [prefix + identifier for identifier in node.get("backrefs", [])]
        if "refid" in node:
            node["refid"] = prefix + node["refid"]
        if isinstance(node, nodes.section) and docname not in first_heading and node["ids"]:
            first_heading[docname] = node["ids"][0]
    for reference in tree.findall(nodes.reference):
        uri = reference.get("refuri", "")
        if uri.startswith("#document-"):
            docname, _, anchor = uri[len("#document-") :].partition("#")
            reference["refid"] = id_prefix(docname) + anchor if anchor else first_heading.get(docname, "")
            del reference["refuri"]
    return first_heading


def print_addresses(tree: nodes.Element) -> None:
    """Paper cannot click: each link to another site gets its address as a footnote (print.css).
    The address may break after a slash, a dot or a percent sign, never at a hyphen, so no reader
    takes a line's end for part of it."""
    for reference in list(tree.findall(nodes.reference)):
        address = reference.get("refuri", "")
        if not address.startswith(("https://", "http://")) or reference.astext() == address:
            continue
        note = nodes.inline(classes=["address"])
        for number, piece in enumerate(re.split(r"(?<=[/.?&=%])", address)):
            if number:
                note += nodes.raw("", "<wbr>", format="html")
            note += nodes.inline(piece, piece)
        reference.parent.insert(reference.parent.index(reference) + 1, note)


def contents(tree: nodes.document) -> nodes.bullet_list:
    """The printed table of contents: one line per document (a chapter, or a profile under the
    gallery that holds it), as a book's contents list its chapters, not their sections."""
    entries = nodes.bullet_list(classes=["book-contents"])
    entries += nodes.list_item("", entry(next(tree.findall(nodes.section))))
    for _, node, document in inlined(tree):
        if isinstance(node, addnodes.start_of_file) and (top := first_section(node)):
            entries += nodes.list_item("", entry(top), classes=["contents-inner"] if document else [])
    return entries


def entry(section: nodes.section) -> nodes.paragraph:
    title = section.next_node(nodes.title).astext()
    return nodes.paragraph("", "", nodes.reference(title, title, refid=section["ids"][0]))


# -- Rendering -------------------------------------------------------------------------------------


@cache
def set_up_weasyprint() -> None:
    """Wrap three of WeasyPrint's and pydyf's internals (ARCHITECTURE.md), once in each worker process.

    Fonts are subset by the HarfBuzz of the pinned uharfbuzz wheel, never the system's (WeasyPrint's
    choice when installed, and another version on another machine writes other bytes), with the
    flags and dropped tables of WeasyPrint's ``Font._harfbuzz_subset``; each font keeps its own date.
    fontTools, WeasyPrint's other choice, took 0.2 s a font: 60% of a profile's PDF. A run in
    another language (``<span lang="ur">``) gets its ``/Lang``: WeasyPrint tags only the
    document's, and a screen reader would read it with English rules. Two tags PDF/UA-1 forbids
    are mended: a list item's content outside LBody, a link annotation outside a Link element.
    And pydyf's ``PDF.page_references``, which WeasyPrint asks for each tagged element and
    bookmark, builds the list of every page each time: the companion's tags took time that grew
    with the square of the profiles (9 million steps at 100 profiles); it is now built once for
    each page count."""
    import pydyf
    import uharfbuzz as hb
    from weasyprint.pdf import tags
    from weasyprint.pdf.fonts import Font

    dropped_tables = [int.from_bytes(name, "big") for name in (
        b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB", b"JSTF", b"LTSH", b"PCLT", b"SVG ")]

    def subset_font(font: Font, to_unicode: dict, hinting: bool) -> None:
        if not to_unicode:
            return
        kept = hb.SubsetInput()
        kept.glyph_set.update(sorted(to_unicode))
        # The glyphs keep their numbers: WeasyPrint has already written them in the pages.
        kept.flags = (hb.SubsetFlags.RETAIN_GIDS | hb.SubsetFlags.PASSTHROUGH_UNRECOGNIZED | hb.SubsetFlags.DESUBROUTINIZE
                      | (hb.SubsetFlags.NOTDEF_OUTLINE if font.missing else 0) | (0 if hinting else hb.SubsetFlags.NO_HINTING))
        kept.sets(hb.SubsetInputSets.DROP_TABLE_TAG).update(dropped_tables)
        font.file_content = hb.subset(hb.Face(hb.Blob(font.file_content), font.index), kept).blob.data

    build_box_tree = tags._build_box_tree

    def structure_element(pdf, reference: bytes) -> pydyf.Dictionary | None:
        found = pdf.objects[int(reference.split()[0])] if isinstance(reference, bytes) else None
        return found if isinstance(found, pydyf.Dictionary) and found.get("Type") == "/StructElem" else None

    def list_body(element, pdf) -> None:
        """PDF/UA-1: an LI holds only Lbl and LBody; WeasyPrint puts a numbered item's paragraph
        beside its Lbl. Everything but the Lbl goes into one LBody."""
        kept, body = pydyf.Array(), pydyf.Array()
        for kid in element["K"]:
            tag = (structure_element(pdf, kid) or {}).get("S")
            (kept if tag in ("/Lbl", "/LBody") else body).append(kid)
        if body:
            wrapper = pydyf.Dictionary({"Type": "/StructElem", "S": "/LBody", "K": body, "Pg": element["Pg"], "P": element.reference})
            pdf.add_object(wrapper)
            for kid in body:
                if (child := structure_element(pdf, kid)) is not None:
                    child["P"] = wrapper.reference
            kept.append(wrapper.reference)
            element["K"] = kept

    def build_with_languages(box, parent, pdf, *rest):
        lang = box.element.get("lang") if box.element is not None and box.element_tag != "html" else None
        for element in build_box_tree(box, parent, pdf, *rest):
            if lang and "Lang" not in element:
                element["Lang"] = pydyf.String(lang)
            if element["S"] == "/LI":
                list_body(element, pdf)
            # A link is inherited: an element inside <a> gets an annotation of its own, which PDF/UA-1
            # wants in a Link element (it is one: the same link).
            if box.link_annotation and element["S"] != "/Link" and parent["S"] == "/Link":
                element["S"] = "/Link"
            yield element

    listed_pages = pydyf.PDF.page_references.fget

    def page_references(pdf: pydyf.PDF) -> tuple[bytes, ...]:
        count, references = pdf.__dict__.get("_listed_pages", (None, ()))
        if count != pdf.pages["Count"]:  # pages are only ever added (PDF.add_page)
            count, references = pdf.__dict__["_listed_pages"] = (pdf.pages["Count"], listed_pages(pdf))
        return references

    Font.subset = subset_font
    tags._build_box_tree = build_with_languages
    pydyf.PDF.page_references = property(page_references)


class Recorder(logging_.Handler):
    """Keeps the warnings of WeasyPrint, fontTools and Pillow (their own loggers), which Sphinx never sees."""

    LOGGERS = ("weasyprint", "fontTools", "PIL")

    def __init__(self) -> None:
        super().__init__(logging_.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging_.LogRecord) -> None:
        self.messages.append(f"{record.name.split('.')[0]}: {record.getMessage()}")

    def __enter__(self) -> list[str]:
        self.caught = warnings.catch_warnings(record=True)
        self.warned = self.caught.__enter__()
        warnings.simplefilter("always")  # Pillow warns through the warnings module too
        for name in self.LOGGERS:
            logging_.getLogger(name).addHandler(self)
        return self.messages

    def __exit__(self, *exception) -> None:
        for name in self.LOGGERS:
            logging_.getLogger(name).removeHandler(self)
        self.caught.__exit__(*exception)
        self.messages += [f"{warning.category.__name__}: {warning.message}" for warning in self.warned
                          if any(f"/{name}/" in warning.filename for name in self.LOGGERS)]


def render(outdir: str, name: str, pdf_path: str, identifier: str, book: bool) -> tuple[float, list[str]]:
    """Typeset the print HTML ``name`` (in a worker process); return the seconds it took and the
    warnings of the libraries that typeset it, for the builder to log (a warning fails the build).

    WeasyPrint names each image after its address (an MD5 of the URL), so the HTML is read from
    ``VIRTUAL_ROOT``, which a fetcher (WeasyPrint's documented way) maps to the build folder: two
    folders give the same bytes. WeasyPrint can restart the page counter only on a page given by
    its number, so the book's front matter is typeset alone first to count its pages; PDF page
    labels (i, ii... then 1, 2...) make a reader's page numbers match the printed ones."""
    import pikepdf
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher

    set_up_weasyprint()
    start = time.perf_counter()
    folder = Path(outdir).resolve().as_uri() + "/"

    class FromBuildFolder(URLFetcher):
        def fetch(self, url, headers=None):
            return super().fetch(url.replace(VIRTUAL_ROOT, folder, 1), headers)

    source = Path(outdir, name).read_text("utf-8")
    with Recorder() as messages:
        html = HTML(string=source, base_url=VIRTUAL_ROOT + name, url_fetcher=FromBuildFolder())
        fonts = FontConfiguration()
        body_from_1 = []
        if book:
            # The front matter, with only the anchors its contents point to (hidden, as the pages
            # are): computing the styles of every page would take a tenth of the book's time.
            cover_to_contents, _, _ = source.partition("<main>")
            anchors = "".join(f'<span id="{anchor}"></span>' for anchor in re.findall(r'href="#([^"]+)"', cover_to_contents))
            front_matter = HTML(string=f"{cover_to_contents}<main>{anchors}</main></body></html>",
                                base_url=VIRTUAL_ROOT + name, url_fetcher=FromBuildFolder())
            front = len(front_matter.render(font_config=fonts, stylesheets=[CSS(string="main { display: none }")]).pages)
            body_from_1 = [CSS(string=f"@page :nth({front + 1}) {{ counter-reset: page 1; }}", font_config=fonts)]
        html.write_pdf(
            pdf_path, font_config=fonts, stylesheets=body_from_1, pdf_identifier=identifier.encode(), **PDF_OPTIONS)
    if book:
        with pikepdf.open(pdf_path, allow_overwriting_input=True) as pdf:
            labels = [0, pikepdf.Dictionary(S=pikepdf.Name.r), front, pikepdf.Dictionary(S=pikepdf.Name.D)]
            pdf.Root.PageLabels = pikepdf.Dictionary(Nums=pikepdf.Array(labels))
            pdf.Root.PageMode = pikepdf.Name.UseOutlines  # readers open with the bookmarks shown
            pdf.save(pdf_path, deterministic_id=True)
    return time.perf_counter() - start, messages


@cache
def covered_characters() -> frozenset[int]:
    from fontTools.ttLib import TTFont

    covered = set()
    for path in FONTS_DIR.glob("*.[ot]tf"):
        with TTFont(path, lazy=True) as font:
            covered.update(font.getBestCmap())
    return frozenset(covered)


def unprintable(html: Path) -> list[str]:
    """The characters of a page that no bundled font can print (white space aside)."""
    from bs4 import BeautifulSoup

    text = BeautifulSoup(html.read_text("utf-8"), "html.parser").get_text()
    covered = covered_characters()
    return sorted({char for char in text if not char.isspace() and ord(char) not in covered and ord(char) >= 0x20})


def read_if_there(path: Path) -> bytes:
    return path.read_bytes() if path.is_file() else b""  # a missing one WeasyPrint reports (render)


def tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
        if path.is_file():
            digest.update(path.relative_to(folder).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


class PdfBuilder(SingleFileHTMLBuilder):
    name = "pdf"
    epilog = "The PDFs are in %(outdir)s."
    search = False

    #: the document being printed on its own, or None while printing the book
    standalone: str | None = None

    def get_theme_config(self) -> tuple[str, dict]:
        return "companion-print", {}

    def get_target_uri(self, docname: str, typ: str | None = None) -> str:
        if docname == self.standalone:
            return docname + self.out_suffix  # where its print HTML is written
        if self.standalone is None and (docname in self.in_book or docname not in self.env.all_docs):
            return super().get_target_uri(docname, typ)
        return absolute(self.config, docname + ".html")

    def get_relative_uri(self, from_: str, to: str, typ: str | None = None) -> str:
        if self.standalone is not None and to == self.standalone:
            return ""  # a link within the page printed on its own
        return self.get_target_uri(to, typ)

    def separate_documents(self) -> list[str]:
        only = self.config.pdf_profiles_only  # `make check` prints the profiles it checks, no other
        return sorted(doc for doc in self.env.found_docs if is_profile(doc) and (not only or doc in only))

    def get_doc_context(self, docname: str, body: str, metatags: str) -> dict:
        # Not SingleFileHTMLBuilder's: it renders a sidebar's whole table of contents for every page, so the PDF
        # step grew with the square of the profiles. The theme reads ``config``; sphinxext-opengraph, title and meta.
        return {
            "body": body, "metatags": metatags, "meta": None, "config": self.config,
            "title": self.env.titles[docname].astext() if self.standalone else self.config.pdf_title,
            "standalone": self.standalone is not None,
            "book_contents": self.book_contents,
            # Sphinx's format_date honours SOURCE_DATE_EPOCH, so the date is the commit's.
            "date": format_date("%Y-%m-%dT%H:%M:%SZ", language="en"),
            "date_text": format_date("%-d %B %Y", language="en"),
        }

    def write_documents(self, _docnames) -> None:
        self.prepare_writing(self.env.all_docs.keys())
        self.in_book = book_documents(self.env, self.config.root_doc)  # once: others are linked on the site
        book = self.assemble_doctree()
        self.env.toc_secnumbers = self.assemble_toc_secnumbers()
        self.env.toc_fignumbers = self.assemble_toc_fignumbers()
        shape_chapters(book)
        make_ids_unique(book, self.config.root_doc)
        print_addresses(book)
        self.book_contents = self.render_partial(contents(book))["fragment"]
        self.write_print_html(BASENAME, book)
        for docname in self.separate_documents():
            self.standalone = docname
            page = self.env.get_and_resolve_doctree(docname, self, tags=self.tags)
            print_addresses(page)
            self.write_print_html(docname, page)
        self.standalone = None

    def add_css_file(self, filename: str, **kwargs) -> None:
        """The print theme's stylesheets, Pygments' and ``pdf_css_files`` only: those other extensions
        add are for screens (sphinx-design's media queries and animations, each a WeasyPrint warning)."""
        name = posixpath.basename(filename)
        listed = {posixpath.basename(entry if isinstance(entry, str) else entry[0]) for entry in self.config.pdf_css_files}
        if (THEME_DIR / "static" / name).is_file() or name == "pygments.css" or name in listed:
            super().add_css_file(filename, **kwargs)

    def write_print_html(self, name: str, doctree: nodes.document) -> None:
        """Write one print HTML file. Its pictures are copied to ``_images/`` (by ``finish``) and
        addressed from there, as ``write_doc_serialized`` has them for the site."""
        self.post_process_images(doctree)
        self.write_doc(name, doctree)

    def finish(self) -> None:
        super().finish()
        outdir = Path(self.outdir)
        jobs = [(self.config.root_doc, BASENAME)] + [(doc, doc) for doc in self.separate_documents()]
        shared = tree_digest(outdir / "_static") + RENDERING
        cache_path = outdir / CACHE_FILE
        cached = json.loads(cache_path.read_text()) if cache_path.is_file() else {}
        pending = []
        for docname, stem in jobs:
            html = outdir / f"{stem}.html"
            pdf = outdir / f"{stem}.pdf"
            source = html.read_bytes()
            # The pictures it shows, not every one: a replaced portrait renders its profile and the book again.
            pictures = sorted(set(re.findall(rb'src="(?:\.\./)*_images/([^"]+)"', source)))
            shown = b"".join(name + read_if_there(outdir / "_images" / name.decode()) for name in pictures)
            key = hashlib.sha256(source + shown + shared.encode()).hexdigest()
            kept = cached.get(stem)
            if not isinstance(kept, dict) or kept["key"] != key or not pdf.is_file():
                # Kept with the PDF, so an unchanged one still reports what it cannot print.
                kept = cached[stem] = {"key": key, "missing": unprintable(html)}
                # The digest of its sources identifies the PDF, so the same sources give the same bytes.
                book = docname == self.config.root_doc
                pending.append((stem, (str(outdir), f"{stem}.html", str(pdf), key[:32], book)))
            if kept["missing"]:  # a warning: the build fails (-W)
                listed = ", ".join(f"{char} (U+{ord(char):04X})" for char in kept["missing"])
                logger.warning(f"no bundled font can print {listed}; add a Noto font for that script to "
                               "_ext/print_theme/static/fonts/ and print.css", location=docname, type="pdf")
        stylesheets = self.check_stylesheets()
        # tests/test_reproducible_pdfs.py renders them in a shuffled order: no PDF may depend on what
        # its worker process rendered before it.
        if seed := os.environ.get("PDF_SHUFFLE_SEED"):
            random.Random(seed).shuffle(pending)
        logger.info(f"pdf: rendering {len(pending)} of {len(jobs)} PDFs ({len(jobs) - len(pending)} unchanged)")
        if pending:
            start = time.perf_counter()
            # Workers started afresh, not forked from this process: a fork starts with this
            # process's memory (the environment and the book's tree, 0.45 GB at 1,000 profiles)
            # beside its own layout, and with whatever state this process holds.
            fresh = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(max_workers=min(len(pending), os.cpu_count() or 1), mp_context=fresh) as pool:
                futures = {stem: pool.submit(render, *arguments) for stem, arguments in pending}
                seconds = {}
                for stem, future in futures.items():
                    seconds[stem], messages = future.result()
                    # Kept with the PDF, so an unchanged one still fails the build; a stylesheet's is said once.
                    cached[stem]["warnings"] = [self.readable(text) for text in messages if text not in stylesheets]
            book_seconds = seconds.pop(BASENAME, 0.0)
            # The benchmark (tests/benchmark.py) reads this line.
            logger.info(f"pdf timings: book {book_seconds:.2f} s, {len(seconds)} separate PDFs "
                        f"{sum(seconds.values()):.2f} s, wall {time.perf_counter() - start:.2f} s")
        for docname, stem in jobs:
            # The book is no one page's: its warnings name its print HTML.
            where = "" if stem == docname else f" ({outdir / stem}.html)"
            for text in sorted(set(cached[stem].get("warnings", []))):
                logger.warning(f"typesetting {stem}.pdf{where}: {text}", location=docname if stem == docname else None, type="pdf")
        cache_path.write_text(json.dumps(cached, indent=1, sort_keys=True))

    def check_stylesheets(self) -> set[str]:
        """Log what WeasyPrint ignores in each stylesheet of the print HTML, with the stylesheet's file
        (a worker sees only the document); return those messages, which every document repeats."""
        from weasyprint import CSS

        found = set()
        for stylesheet in self._css_files:
            name = stylesheet.filename.partition("?")[0]
            built = Path(self.outdir, name)
            if "://" in name or not built.is_file():
                continue
            source = THEME_DIR / "static" / built.name
            with Recorder() as messages:
                CSS(filename=built)
            for text in messages:
                path = source if source.is_file() else built
                if line := re.search(r" at (\d+):\d+", text):  # WeasyPrint's line:column
                    logger.warning(text, location=f"{path}:{line.group(1)}", type="pdf")
                else:
                    logger.warning(f"{path}: {text}", type="pdf")
            found.update(messages)
        return found

    def readable(self, message: str) -> str:
        """WeasyPrint's message with each address it reads from (``VIRTUAL_ROOT``) as the file it
        concerns: a picture's source, else the file in the build folder."""
        folder = Path(self.outdir).resolve().as_uri() + "/"
        for source, copied in self.images.items():
            for root in (VIRTUAL_ROOT, folder):
                message = message.replace(f"{root}{self.imagedir}/{copied}", source)
        return message.replace(VIRTUAL_ROOT, folder)


def setup(app: Sphinx) -> dict:
    for text in ("pdf_title", "pdf_subtitle", "pdf_subject"):
        app.add_config_value(text, "", "env", types=[str])
    # pdf_css_files: Sphinx reads it instead of html_css_files, so the site's stylesheets stay off
    # paper (print.css styles the PDFs).
    app.add_config_value("pdf_css_files", [], "env", types=[list])
    # The profiles whose own PDFs this build prints (page names); empty, as in `make`, for every one.
    app.add_config_value("pdf_profiles_only", [], "html", types=[list])
    app.add_html_theme("companion-print", str(THEME_DIR))
    app.add_builder(PdfBuilder)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
