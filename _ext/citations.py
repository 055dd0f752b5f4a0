"""How to cite a profile (as a chapter of the companion) and the book: the suggested citation,
the same as BibTeX, RIS and CSL-JSON files on the site, and a profile's Highwire Press tags.
Each citation is one CSL-JSON item, from which every other form is derived. The formats are
written here, a few fixed fields each: the tests read them with the published parsers, which a
writer from the same library would not check. No Sphinx extension cites the page itself.
"""

import datetime
import html
import json
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective
from sphinx.util.i18n import format_date

import foreign_text
from book_pages import load_data
from locations import SITE_BUILDERS, absolute, is_profile, page, profile_pdf, site_only
from profile_schema import slugify
from profiles import profile_data

BIBTEX_SPECIALS = str.maketrans({
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$",
    "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
})


def csl_name(name: str) -> dict[str, str]:
    """A name written "Family, Given" is split there; any other is kept whole (a group, or a name
    whose order we do not know), since a wrong split is worse than none."""
    family, comma, given = name.partition(", ")
    return {"family": family, "given": given} if comma else {"literal": name}


def as_written(name: dict[str, str]) -> str:
    """A CSL name as the source wrote it."""
    return name.get("literal") or f"{name['family']}, {name['given']}"


def full_date(item: dict, separator: str) -> str | None:
    """The day the item was issued, its parts joined by ``separator``; None when only the year is known."""
    parts = item["issued"]["date-parts"][0]
    return separator.join(f"{part:02d}" for part in parts) if len(parts) == 3 else None


def last_changed(env, docname: str) -> datetime.date:
    """The day the page last changed: the date of its last commit, which sphinx-last-updated-by-git
    keeps for the footer ("Last updated on"), so the citation and the footer agree; outside a git
    checkout, the edition's date (the build's SOURCE_DATE_EPOCH)."""
    stamp = (env.git_last_updated.get(docname) or (None,))[0]  # (timestamp, shows source link)
    if stamp is None:
        return datetime.date.fromisoformat(format_date("%Y-%m-%d", language="en"))
    moment = datetime.datetime.fromtimestamp(int(stamp), datetime.timezone.utc)
    return moment.astimezone(env.config.git_last_updated_timezone).date()


def profile_item(env, docname: str, data: dict) -> dict:
    config, changed = env.config, last_changed(env, docname)
    return {
        "id": docname.rsplit("/", 1)[-1],
        "type": "chapter",
        "title": data["name"],
        "author": [csl_name(name) for name in data["contributors"]],
        "container-title": config.project,
        "publisher": config.author,
        # A profile changes as sources are found: cited as of its last change, the date its page shows.
        "issued": {"date-parts": [[changed.year, changed.month, changed.day]]},
        "URL": absolute(config, page(docname)),  # the page on the site, whatever the format being built
        "language": config.language,
    }


def book_item(book: dict) -> dict:
    return {
        "id": slugify(book["title"]),
        "type": "book",
        "title": f"{book['title']}: {book['subtitle']}",
        "author": [csl_name(book["author_sorted"])],
        "publisher": book["publisher"],
        "issued": {"date-parts": [[book["year"]]]},
        "ISBN": book["isbn13"],
        "number-of-pages": book["pages"],
    }


def citation_text(item: dict, *, printed: bool = False) -> nodes.paragraph:
    """The citation as a reader copies it. Its address is a link, but on paper: there the print
    theme would print it a second time, after the link, and hyphenate it as English (text of no
    language, ``zxx``, is never hyphenated)."""
    names = [as_written(name) for name in item["author"]]
    date = item["issued"]["date-parts"][0]
    line = nodes.paragraph(classes=["citation-text"])
    line += nodes.Text((names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]) + ". ")
    if item["type"] == "chapter":
        changed = datetime.date(*date)
        line += nodes.Text(f"“{item['title']}.” In ")
        line += nodes.emphasis(item["container-title"], item["container-title"])
        line += nodes.Text(f". Last updated {changed.day} {changed:%B %Y}. ")
        url = item["URL"]
        line += foreign_text.make(url, "zxx") if printed else nodes.reference(url, url, refuri=url)
        line += nodes.Text(".")
    else:
        line += nodes.emphasis(item["title"], item["title"])
        line += nodes.Text(f". {item['publisher']}, {date[0]}. ISBN {item['ISBN']}.")
    return line


def file_links(stem: str) -> nodes.paragraph:
    """Links to the files of a citation, written beside the page as ``stem`` and a suffix."""
    line = nodes.paragraph("", "The same for a reference manager: ", classes=["citation-files"])
    for index, (suffix, label) in enumerate([(".bib", "BibTeX"), (".ris", "RIS"), (".json", "CSL-JSON")]):
        if index:
            line += nodes.Text(", ")
        text = f"{label} ({suffix})"
        line += nodes.reference(text, text, refuri=stem + suffix, internal=True)
    return line


def ris(item: dict) -> str:
    lines = [("TY", "CHAP" if item["type"] == "chapter" else "BOOK")]
    lines += [("AU", as_written(name)) for name in item["author"]]
    lines += [("TI", item["title"]), ("T2", item.get("container-title")), ("PB", item["publisher"])]
    lines += [("PY", item["issued"]["date-parts"][0][0]), ("DA", full_date(item, "/")), ("SN", item.get("ISBN"))]
    lines += [("UR", item.get("URL")), ("LA", item.get("language")), ("ER", "")]
    return "".join(f"{tag}  - {value}\n" for tag, value in lines if value is not None)


def bibtex(item: dict) -> str:
    # A name written whole is braced, so BibTeX takes it as one (a group, or an unknown order);
    # a chapter's title is a person's name, braced so that no style changes its case.
    names = [as_written(name).translate(BIBTEX_SPECIALS) for name in item["author"]]
    braced = [text if "family" in name else f"{{{text}}}" for text, name in zip(names, item["author"])]
    title = item["title"].translate(BIBTEX_SPECIALS)
    fields = {
        "author": " and ".join(braced),
        "title": f"{{{title}}}" if item["type"] == "chapter" else title,
        "booktitle": item.get("container-title", "").translate(BIBTEX_SPECIALS) or None,
        "publisher": item["publisher"].translate(BIBTEX_SPECIALS),
        "year": item["issued"]["date-parts"][0][0],
        "date": full_date(item, "-"),
        "isbn": item.get("ISBN"),
        "pagetotal": item.get("number-of-pages"),
        "url": item.get("URL"),
    }
    body = "".join(f"  {name} = {{{value}}},\n" for name, value in fields.items() if value is not None)
    kind = "incollection" if item["type"] == "chapter" else "book"
    return f"@{kind}{{{item['id']},\n{body}}}\n"


def profile_headers(document: nodes.document) -> list[nodes.container]:
    """The profile headers of a page (the PDF builder resolves the whole book at once: each names its page)."""
    return [node for node in document.findall(nodes.container) if "profile-header" in node["classes"]]


class CitationSection(SphinxPostTransform):
    """On the site, a "Cite this profile" section ends the page, with links to the files."""

    default_priority = 900
    builders = SITE_BUILDERS

    def run(self) -> None:
        for header in profile_headers(self.document):
            docname = header["docname"]
            item = profile_item(self.env, docname, profile_data(self.env, docname))
            section = nodes.section(ids=["cite-this-profile"], classes=["citation-panel"], csl=item)
            section += nodes.title("Cite this profile", "Cite this profile")
            section += [citation_text(item), file_links(item["id"])]
            header.parent += section


class CitationLine(SphinxPostTransform):
    """In the ePub and the PDFs, the citation follows the header, on the first page of the profile's PDF."""

    default_priority = 900
    builders = ("epub",)
    printed = False

    def run(self) -> None:
        for header in profile_headers(self.document):
            docname = header["docname"]
            line = citation_text(profile_item(self.env, docname, profile_data(self.env, docname)), printed=self.printed)
            line.insert(0, nodes.strong("Cite this profile: ", "Cite this profile: "))
            panel = nodes.container("", line, classes=["citation-panel"])
            header.parent.insert(header.parent.index(header) + 1, panel)


class PrintedCitationLine(CitationLine):
    builders = ("pdf",)
    printed = True


class BookCitation(SphinxDirective):
    """``{book-citation}``: the book's suggested citation, and on the site its files."""

    def run(self) -> list[nodes.Node]:
        item = book_item(load_data(self.env, "book"))
        box = nodes.container(classes=["citation-panel", "book-citation"], csl=item)
        box += citation_text(item)
        box += site_only(file_links(item["id"]))  # the files are written beside the page
        return [box]


def highwire_tags(config, docname: str, item: dict) -> str:
    pdf = absolute(config, profile_pdf(docname)) if is_profile(docname) else None
    tags = [
        ("citation_title", item["title"]),
        *[("citation_author", as_written(name)) for name in item["author"]],
        ("citation_publication_date", full_date(item, "/")),
        # Zotero then saves a book section, where citation_title alone would make it guess a journal article.
        ("citation_inbook_title", item["container-title"]),
        ("citation_publisher", item["publisher"]),
        ("citation_public_url", item["URL"]),
        ("citation_pdf_url", pdf),
        ("citation_language", item["language"]),
    ]
    meta = '    <meta name="{}" content="{}">\n'
    return "".join(meta.format(name, html.escape(value)) for name, value in tags if value is not None)


def page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: nodes.document | None) -> None:
    """On the site, each citation a page shows (its panel carries it) is written beside the page,
    and a profile's is given as Highwire Press tags."""
    if app.builder.name not in SITE_BUILDERS or doctree is None:
        return
    folder = Path(app.outdir, pagename).parent
    for item in [node["csl"] for node in doctree.findall(nodes.Element) if "csl" in node]:
        if item["type"] == "chapter":
            context["metatags"] += highwire_tags(app.config, pagename, item)
        folder.mkdir(parents=True, exist_ok=True)
        csl_json = json.dumps([item], ensure_ascii=False, indent=2) + "\n"
        for suffix, text in ((".bib", bibtex(item)), (".ris", ris(item)), (".json", csl_json)):
            Path(folder, item["id"] + suffix).write_text(text, "utf-8")


def setup(app: Sphinx) -> dict:
    app.setup_extension("profiles")  # the profile headers it cites
    app.setup_extension("foreign_text")
    app.add_directive("book-citation", BookCitation)
    for transform in (CitationSection, CitationLine, PrintedCitationLine):
        app.add_post_transform(transform)
    # Its tags after the link previews' (sphinxext-opengraph, at the default 500).
    app.connect("html-page-context", page_context, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
