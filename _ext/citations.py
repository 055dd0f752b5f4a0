"""How to cite a profile, and the book: a suggested citation, and the same as files.

* Every **profile** shows its suggested citation: the editors of the page (its ``contributors``),
  its title (the person's name), the companion's title (``project``), the page's address on the
  site (``html_baseurl``) and the day its facts were last reviewed (``last_reviewed``). On the site
  it is a "Cite this profile" section at the end of the page, with links to the same citation as
  BibTeX (``.bib``), RIS (``.ris``) and CSL-JSON (``.json``) files, written beside the page
  (``profiles/<slug>.bib``...). In the PDFs and the ePub it follows the page's header, so that a
  profile's own PDF carries it on its first page; there is nothing to download there.
* Every profile page of the site carries the **Highwire Press** ``citation_*`` tags that Zotero's
  "Embedded Metadata" translator and Google Scholar read: ``citation_title``, one
  ``citation_author`` per editor, ``citation_publication_date`` (the day last reviewed, as
  YYYY/MM/DD), ``citation_inbook_title`` (the companion: Zotero then saves a book section, where
  ``citation_title`` alone would make it guess a journal article), ``citation_publisher``,
  ``citation_public_url``, ``citation_pdf_url`` (the profile's own PDF) and ``citation_language``.
* The directive ``{book-citation}`` shows **the book's** citation, from ``_data/book.yaml``, with
  its three files on the site, written beside the page that shows it.

A profile is cited as a chapter of the companion (CSL ``chapter``, RIS ``CHAP``, BibTeX
``@incollection``), the book as a book. Names are written as given: a name written "Family,
Given" is split there, any other is kept whole (a group such as "Companion editors", or a name
whose order we do not know), since a wrong split is worse than none.

The three formats are written here, not with a library: each is a handful of fixed fields in a
fixed syntax (CSL-JSON is plain JSON), and the tests read them with the published parsers
(bibtexparser, rispy, citeproc-py), which a writer from the same library would not check.
No published Sphinx extension writes the citation of a page itself (sphinxcontrib-bibtex cites other
works, from .bib files).
"""

from __future__ import annotations

import datetime
import html
import json
import posixpath
from dataclasses import dataclass
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective
from sphinx.util.osutil import relative_uri

import foreign_text
from book_pages import load_data
from downloads import FOLDER, has_own_pdf
from profile_schema import slugify
from profiles import is_profile
from site_meta import SITE_BUILDERS, absolute

# File suffix → the format's name, as the links show it.
FORMATS = {".bib": "BibTeX", ".ris": "RIS", ".json": "CSL-JSON"}
# What each kind of work is called in each format.
TYPES = {
    "chapter": {"csl": "chapter", "ris": "CHAP", "bibtex": "incollection"},
    "book": {"csl": "book", "ris": "BOOK", "bibtex": "book"},
}
BIBTEX_SPECIALS = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$",
    "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}


@dataclass(frozen=True)
class Work:
    """What a citation says, whatever its format."""

    key: str  # the citation key, and the name of its files
    kind: str  # a key of TYPES
    title: str
    authors: tuple[str, ...]
    publisher: str
    issued: tuple[int, ...]  # (year,) or (year, month, day)
    container: str | None = None  # the book a chapter is in
    url: str | None = None
    isbn: str | None = None
    pages: int | None = None
    language: str | None = None


def split_name(name: str) -> dict[str, str]:
    """A CSL name: "Family, Given" split there, any other kept whole."""
    family, comma, given = name.partition(", ")
    return {"family": family, "given": given} if comma else {"literal": name}


# -- The suggested citation -------------------------------------------------------------------------


def names_in_text(names: tuple[str, ...]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def day(issued: tuple[int, ...]) -> str:
    date = datetime.date(*issued)
    return f"{date.day} {date:%B %Y}"


def citation_text(work: Work, *, printed: bool = False) -> nodes.paragraph:
    """The citation as a reader copies it. Its address is a link, but on paper: there the print
    theme would print it a second time, after the link, and hyphenate it as English (text of no
    language, ``zxx``, is never hyphenated)."""
    line = nodes.paragraph(classes=["citation-text"])
    line += nodes.Text(names_in_text(work.authors) + ". ")
    if work.kind == "chapter":
        line += nodes.Text(f"“{work.title}.” In ")
        line += nodes.emphasis(work.container, work.container)
        line += nodes.Text(f". Last reviewed {day(work.issued)}. ")
        line += foreign_text.make(work.url, "zxx") if printed else nodes.reference(work.url, work.url, refuri=work.url)
        line += nodes.Text(".")
    else:
        line += nodes.emphasis(work.title, work.title)
        line += nodes.Text(f". {work.publisher}, {work.issued[0]}. ISBN {work.isbn}.")
    return line


def file_links(here: str, path: str) -> nodes.paragraph:
    """Links from the page ``here`` to the files of the citation at ``path`` (no suffix)."""
    line = nodes.paragraph(classes=["citation-files"])
    line += nodes.Text("The same for a reference manager: ")
    for index, (suffix, label) in enumerate(FORMATS.items()):
        if index:
            line += nodes.Text(", ")
        text = f"{label} ({suffix})"
        line += nodes.reference(text, text, refuri=relative_uri(here, path + suffix), internal=True)
    return line


# -- The files ---------------------------------------------------------------------------------------


def csl_json(work: Work) -> str:
    item = {
        "id": work.key,
        "type": TYPES[work.kind]["csl"],
        "title": work.title,
        "author": [split_name(name) for name in work.authors],
        "container-title": work.container,
        "publisher": work.publisher,
        "issued": {"date-parts": [list(work.issued)]},
        "URL": work.url,
        "ISBN": work.isbn,
        "number-of-pages": work.pages,
        "language": work.language,
    }
    return json.dumps([{key: value for key, value in item.items() if value is not None}], ensure_ascii=False, indent=2) + "\n"


def ris(work: Work) -> str:
    lines = [("TY", TYPES[work.kind]["ris"])]
    lines += [("AU", name) for name in work.authors]
    lines += [("TI", work.title), ("T2", work.container), ("PB", work.publisher), ("PY", str(work.issued[0]))]
    if len(work.issued) == 3:
        lines.append(("DA", "{:04d}/{:02d}/{:02d}".format(*work.issued)))
    lines += [("SN", work.isbn), ("UR", work.url), ("LA", work.language), ("ER", "")]
    return "".join(f"{tag}  - {value}\n" for tag, value in lines if value is not None)


def bibtex_text(text: str) -> str:
    return "".join(BIBTEX_SPECIALS.get(char, char) for char in text)


def bibtex(work: Work) -> str:
    # A name written whole is braced, so BibTeX takes it as one (a group, or an unknown order);
    # a chapter's title is a person's name, braced so that no style changes its case.
    authors = " and ".join(bibtex_text(name) if ", " in name else "{" + bibtex_text(name) + "}" for name in work.authors)
    title = bibtex_text(work.title)
    fields = [
        ("author", authors),
        ("title", "{" + title + "}" if work.kind == "chapter" else title),
        ("booktitle", work.container and bibtex_text(work.container)),
        ("publisher", bibtex_text(work.publisher)),
        ("year", str(work.issued[0])),
        ("date", "-".join(f"{part:02d}" for part in work.issued) if len(work.issued) == 3 else None),
        ("isbn", work.isbn),
        ("pagetotal", work.pages and str(work.pages)),
        ("url", work.url),
    ]
    body = "".join(f"  {name} = {{{value}}},\n" for name, value in fields if value is not None)
    return f"@{TYPES[work.kind]['bibtex']}{{{work.key},\n{body}}}\n"


def write_files(folder: Path, work: Work) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for suffix, text in ((".bib", bibtex(work)), (".ris", ris(work)), (".json", csl_json(work))):
        Path(folder, work.key + suffix).write_text(text, "utf-8")


# -- Profiles ----------------------------------------------------------------------------------------


def site_address(app: Sphinx, docname: str) -> str:
    """The page's address on the site, whatever the format being built."""
    return absolute(app, docname + ".html")


def profile_work(app: Sphinx, docname: str, data: dict) -> Work:
    return Work(
        key=docname.rsplit("/", 1)[-1],
        kind="chapter",
        title=data["name"],
        authors=tuple(data["contributors"]),
        publisher=app.config.author,
        issued=tuple(int(part) for part in data["last_reviewed"].split("-")),
        container=app.config.project,
        url=site_address(app, docname),
        language=app.config.language,
    )


class ProfileCitation(SphinxPostTransform):
    """On the site, a "Cite this profile" section ends the page; elsewhere the citation follows
    the header, on the first page of the profile's PDF. (The header names its page: the PDF
    builder resolves the whole book at once.)"""

    default_priority = 900

    def run(self) -> None:
        site = self.app.builder.name in SITE_BUILDERS
        for header in list(self.document.findall(lambda node: isinstance(node, nodes.container) and "profile-header" in node["classes"])):
            docname = header["docname"]
            work = profile_work(self.app, docname, self.env.profile_data[docname])
            if site:
                section = nodes.section(ids=["cite-this-profile"], classes=["citation-panel"])
                section += nodes.title("Cite this profile", "Cite this profile")
                section += citation_text(work)
                section += file_links(self.app.builder.get_target_uri(docname), docname)
                header.parent += section
            else:
                line = citation_text(work, printed=self.app.builder.name == "pdf")
                line.insert(0, nodes.strong("Cite this profile: ", "Cite this profile: "))
                header.parent.insert(header.parent.index(header) + 1, nodes.container("", line, classes=["citation-panel"]))


def highwire_tags(app: Sphinx, docname: str, work: Work) -> str:
    tags = [("citation_title", work.title)]
    tags += [("citation_author", name) for name in work.authors]
    tags += [
        ("citation_publication_date", "/".join(f"{part:02d}" for part in work.issued)),
        ("citation_inbook_title", work.container),
        ("citation_publisher", work.publisher),
        ("citation_public_url", work.url),
    ]
    if has_own_pdf(app.config, docname):
        tags.append(("citation_pdf_url", absolute(app, f"{FOLDER}/{docname}.pdf")))
    tags.append(("citation_language", work.language))
    return "".join(f'    <meta name="{name}" content="{html.escape(value)}">\n' for name, value in tags)


# -- The book ----------------------------------------------------------------------------------------


def book_work(book: dict) -> Work:
    return Work(
        key=slugify(book["title"]),
        kind="book",
        title=f"{book['title']}: {book['subtitle']}",
        authors=(book["author_sorted"],),
        publisher=book["publisher"],
        issued=(book["year"],),
        isbn=book["isbn13"],
        pages=book["pages"],
    )


class BookCitation(SphinxDirective):
    """``{book-citation}``: the book's suggested citation, and its files on the site. (Each format
    reads the sources into an environment of its own, so the site's alone gets the links.)"""

    def run(self) -> list[nodes.Node]:
        work = book_work(load_data(self.env, "book"))
        box = nodes.container(classes=["citation-panel", "book-citation"])
        box += citation_text(work)
        if self.env.app.builder.name in SITE_BUILDERS:
            box += file_links(self.env.docname, posixpath.join(posixpath.dirname(self.env.docname), work.key))
        return [box]


# -- On the site: the tags and the files -------------------------------------------------------------


def page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: nodes.document | None) -> None:
    if app.builder.name not in SITE_BUILDERS:
        return
    folder = Path(app.outdir, pagename).parent
    if is_profile(app.config, pagename) and (data := app.env.profile_data.get(pagename)):
        work = profile_work(app, pagename, data)
        context["metatags"] += highwire_tags(app, pagename, work)
        write_files(folder, work)
    if doctree and any("book-citation" in box["classes"] for box in doctree.findall(nodes.container)):
        write_files(folder, book_work(app.config.html_context["book"]))


def setup(app: Sphinx) -> dict:
    app.add_directive("book-citation", BookCitation)
    app.add_post_transform(ProfileCitation)
    app.connect("html-page-context", page_context)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
