"""The whole-book PDF, typeset in parts and joined, so its memory stays flat as the book grows.

WeasyPrint keeps a whole document in memory until it is written: a book of 1,000 profiles took
3.3 GB and 410 s in one piece. ``pdf_builder.py`` therefore writes the book as a front part
(cover, title page, contents) and body parts of ``pdf_book_part_size`` documents each, and this
module, in a worker process, typesets them one after another and joins them with pikepdf (qpdf):

* **page numbers** run on: the body's pages are numbered from 1, each part's counter starting
  where the previous part ended; the front's pages are labelled i, ii, iii... (PDF page labels),
  as in a printed book, so the contents can take any number of pages;
* **the contents** are typeset last, with the page numbers the body parts gave each heading;
* **links between parts** are written as ``pdf-part:#id`` addresses, and become links to the
  named destination ``id`` once the parts are joined;
* **bookmarks** are gathered from every part and nested by their level across parts;
* **an unchanged part is not typeset again**: each part's PDF is kept with a digest of its HTML,
  styles, fonts, this code and its first page number. An edit re-typesets the edited part; if
  that part's length changes, every later part (their first pages move) and the contents too.
"""

from __future__ import annotations

import gc
import hashlib
import json
import re
import warnings
from pathlib import Path

# How a link to a heading in another part is written (pdf_builder.link_across_parts).
PART_LINK = "pdf-part:#"
PX_TO_PT = 0.75
# How every PDF of the publication is written (the book's parts and the separate documents).
PDF_OPTIONS = {"uncompressed_pdf": False, "optimize_images": True}
CONTENTS_LINK = re.compile(r'(<a class="reference internal" href="' + re.escape(PART_LINK) + r'([^"]+)")')


def digest(*texts: str) -> str:
    value = hashlib.sha256()
    for text in texts:
        value.update(text.encode())
    return value.hexdigest()


def typeset(html_path: Path, html: str, first_page: int, pdf_path: Path, identifier: str, font_config) -> dict:
    """Typeset one part, starting at page ``first_page``; write its PDF; return what joining needs."""
    from weasyprint import CSS, HTML

    counter = CSS(string=f"@page :first {{ counter-reset: page {first_page}; }}", font_config=font_config)
    document = HTML(string=html, base_url=str(html_path)).render(font_config=font_config, stylesheets=[counter])
    found = {
        "pages": len(document.pages),
        # The first page an anchor is on (a section's box is on every page the section spans).
        "anchors": {anchor: number for number, page in reversed(list(enumerate(document.pages))) for anchor in page.anchors},
        # Where each bookmark points, in PDF points from the page's bottom left.
        "bookmarks": [
            [level, label, number, x * PX_TO_PT, (page.height - y) * PX_TO_PT, state]
            for number, page in enumerate(document.pages)
            for level, label, (x, y), state in page.bookmarks
        ],
    }
    document.write_pdf(str(pdf_path), pdf_identifier=identifier.encode(), **PDF_OPTIONS)
    del document
    gc.collect()  # the part's boxes, before the next part is laid out
    return found


def number_contents(front: str, pages: dict[str, int]) -> str:
    """The front part with each contents entry's page number (``pages``: anchor → number)."""

    def numbered(match: re.Match) -> str:
        return f'{match[1]} data-page="{pages[match[2]]}"'

    return CONTENTS_LINK.sub(numbered, front)


def outline(book, bookmarks: list[list]) -> None:
    """Nest the bookmarks of every part by level (a level-3 heading after a level-1 one goes
    under it), as WeasyPrint does within one document."""
    import pikepdf

    with book.open_outline() as tree:
        parents: list[tuple[int, pikepdf.OutlineItem]] = []  # (level, item), deepest last
        for level, label, page, x, top, state in bookmarks:
            while parents and parents[-1][0] >= level:
                parents.pop()
            item = pikepdf.OutlineItem(label, page, pikepdf.PageLocation.XYZ, left=x, top=top)
            item.is_closed = state == "closed"
            (parents[-1][1].children if parents else tree.root).append(item)
            parents.append((level, item))


def link_parts(book) -> None:
    """Links to another part's headings become links to their named destinations."""
    import pikepdf

    for page in book.pages:
        for annotation in page.obj.get("/Annots", []):
            action = annotation.get("/A")
            if action is not None and str(action.get("/URI", "")).startswith(PART_LINK):
                anchor = str(action.URI)[len(PART_LINK) :]
                annotation.A = pikepdf.Dictionary(S=pikepdf.Name.GoTo, D=pikepdf.String(anchor))


def join(paths: list[Path], bookmarks: list[list], front_pages: int, out: Path, language: str) -> None:
    """One PDF of the parts' pages, with every part's named destinations, the bookmarks, the
    links between parts, and the front part's document information."""
    import pikepdf

    def copied(destination):  # [page /XYZ left top zoom], its page the copy of the part's page
        items = destination.D if isinstance(destination, pikepdf.Dictionary) else destination
        return pikepdf.Array([book.copy_foreign(item) if getattr(item, "is_indirect", False) else item for item in items])

    book = pikepdf.Pdf.new()
    destinations = pikepdf.NameTree.new(book)
    parts = [pikepdf.Pdf.open(path) for path in paths]
    for part in parts:
        # Every destination of the part is carried over below, not only those its own links use
        # (what Pdf.add_pages_from keeps): the other parts link to them.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
            book.pages.extend(part.pages)
        if "/Names" in part.Root and "/Dests" in part.Root.Names:
            for name, destination in pikepdf.NameTree(part.Root.Names.Dests).items():
                destinations[name] = copied(destination)
    book.Root.Names = pikepdf.Dictionary(Dests=destinations.obj)
    outline(book, bookmarks)
    link_parts(book)
    book.trailer.Info = book.copy_foreign(parts[0].trailer.Info)  # title, author, dates...
    book.Root.Lang = pikepdf.String(language)
    book.Root.PageMode = pikepdf.Name.UseOutlines  # readers open with the bookmarks shown
    # The front's pages are i, ii, iii...; the body's 1, 2, 3..., as printed in their footers.
    labels = [0, pikepdf.Dictionary(S=pikepdf.Name.r), front_pages, pikepdf.Dictionary(S=pikepdf.Name.D)]
    book.Root.PageLabels = pikepdf.Dictionary(Nums=pikepdf.Array(labels))
    # Object streams keep the many small objects (links, destinations, bookmarks) compact, and the
    # identifier comes from the contents, so the same sources give the same bytes.
    book.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate, compress_streams=True, deterministic_id=True)
    for part in parts:
        part.close()


def render_book(front_path: str, part_paths: list[str], pdf_path: str, shared: str, language: str) -> float:
    """Typeset the book's parts (runs in a worker process) and join them into ``pdf_path``."""
    import time

    from weasyprint.text.fonts import FontConfiguration

    start = time.perf_counter()
    out = Path(pdf_path)
    folder = out.with_suffix(".parts")
    folder.mkdir(exist_ok=True)
    state_path = folder / "parts.json"
    state = json.loads(state_path.read_text()) if state_path.is_file() else {}
    font_config = FontConfiguration()
    front = Path(front_path).read_text("utf-8")

    def part(name: str, html_path: Path, html: str, first_page: int) -> dict:
        key = digest(html, shared, str(first_page))
        kept = state.get(name)
        if kept is None or kept["key"] != key or not (folder / f"{name}.pdf").is_file():
            # The part's own digest identifies its PDF, so a kept part equals a fresh one.
            kept = state[name] = {"key": key, **typeset(html_path, html, first_page, folder / f"{name}.pdf", key[:32], font_config)}
        return kept

    names, body, printed, first_page = [], [], {}, 1  # printed: anchor → the number on its page
    for number, path in enumerate(part_paths, 1):
        names.append(f"part-{number:03d}")
        body.append(part(names[-1], Path(path), Path(path).read_text("utf-8"), first_page))
        printed.update({anchor: first_page + page for anchor, page in body[-1]["anchors"].items()})
        first_page += body[-1]["pages"]
    contents = part("front", Path(front_path), number_contents(front, printed), 1)
    names.insert(0, "front")

    bookmarks, offset = [], 0
    for found in (contents, *body):
        bookmarks += [[level, label, offset + page, *rest] for level, label, page, *rest in found["bookmarks"]]
        offset += found["pages"]
    join([folder / f"{name}.pdf" for name in names], bookmarks, contents["pages"], out, language)
    for stale in set(state) - set(names):
        (folder / f"{stale}.pdf").unlink(missing_ok=True)
        del state[stale]
    state_path.write_text(json.dumps(state, sort_keys=True))
    return time.perf_counter() - start
