"""Profiles of public servants as typed content: contributors write front matter and prose, never layout.

A page in ``profiles/`` is validated against :mod:`profile_schema` while it is read (every problem of
the run reported as ``profiles/<file>.md:<line>: ERROR: <field>: <what>; <what to do>``), and its
front matter becomes the title and a header; outlines get an invitation to contribute. Also the
role ``{cite}`key``` (numbered links to the page's Sources, built from ``sources``), the directive
``{profile-gallery}`` and the directive ``{profile-schema}`` (the contributor guide's field table).
Validated data is kept with the page's metadata (``env.metadata[docname]["profile"]``, where MyST
keeps front matter), which Sphinx saves, merges after parallel reading and drops with the page;
with it a fingerprint of the front matter it came from, so that the gallery validates again only
the profiles whose front matter changed since they were read.
"""

import hashlib
import re
from pathlib import Path
from typing import NamedTuple

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective, SphinxRole

import foreign_text
import profile_schema
from locations import PROFILES, SITE_BUILDERS, is_profile, link, profile_pdf, site_only

logger = logging.getLogger(__name__)

STATUS_LABELS = {
    "outline": "Outline: few other public sources found yet",
    "sketch": "Sketch: short and sourced",
    "full": "Full profile",
}
FILTERS = (("region", "Region"), ("sector", "Sector"), ("status", "Status"))
# The gallery's groups, by status, in this order (a group without profiles is left out).
GROUPS = {"full": "Full profiles", "sketch": "Sketches: short and sourced", "outline": "Help write these profiles"}
NOT_YET_KNOWN = "not yet known"
ROLE_NOT_STATED = "not stated in our sources"
MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]<>#+!|])")


# -- A profile's data ------------------------------------------------------------------------------


def profile_data(env: BuildEnvironment, docname: str) -> dict | None:
    """The page's validated front matter; None if it is no profile or its front matter is broken."""
    return env.metadata.get(docname, {}).get("profile")


def fingerprint(text: str) -> str:
    """A short digest of a page's front matter (``text`` is the whole page) and of the vocabulary
    it was checked against: a changed vocabulary makes every profile's kept data out of date, also
    for a gallery read before the profiles in the same build."""
    yaml_text, _ = profile_schema.split_front_matter(text)
    digest = hashlib.blake2b(profile_schema.VOCABULARY_SOURCE, digest_size=16)
    digest.update((yaml_text or "").encode())
    return digest.hexdigest()


def gallery_data(env: BuildEnvironment, docname: str, path: Path) -> dict | None:
    """A profile's validated front matter for the gallery: as kept when the page was read, while
    its front matter is the same (validating every profile again made each re-read of the gallery
    grow with the profiles: 10 s at 1,000), else validated from its file (a page not read yet in a
    clean build, or edited and about to be read again)."""
    text = path.read_text("utf-8")
    kept = env.metadata.get(docname, {})
    if kept.get("profile") is not None and kept.get("front-matter") == fingerprint(text):
        return kept["profile"]
    return profile_schema.check(text)[0]


def report(path: str, problem: profile_schema.Problem) -> None:
    logger.error(f"{problem.field}: {problem.message}", location=f"{path}:{problem.line}", type="profiles")


# -- Reading: front matter → validated data and a title -------------------------------------------


def read_front_matter(app: Sphinx, docname: str, source: list[str]) -> None:
    """Validate the front matter and replace it by the title, keeping every line number."""
    if not is_profile(docname):
        return
    env, text = app.env, source[0]
    path = env.doc2path(docname, base=False)
    env.note_dependency(profile_schema.VOCABULARY_FILE)  # a profile is checked against it: re-read when it changes
    data, problems = profile_schema.check(text)
    stem = docname.rsplit("/", 1)[-1]
    if not profile_schema.SLUG.match(stem):
        suggestion = profile_schema.slugify(stem) or "a-latin-slug"
        problems.append(profile_schema.Problem(1, "file name", f"`{stem}.md` is not a slug; rename the file to `{suggestion}.md` (lowercase letters, digits and hyphens)"))
    for problem in problems:
        report(path, problem)
    env.metadata[docname]["profile"] = data if not problems else None
    env.metadata[docname]["front-matter"] = fingerprint(text)

    yaml_text, line_count = profile_schema.split_front_matter(text)
    title = (data or {}).get("name") or stem
    if yaml_text is not None:
        heading = "# " + MARKDOWN_SPECIALS.sub(r"\\\1", title)
        source[0] = heading + "\n" * line_count + text.split("\n", line_count)[-1]


def check_duplicates(app: Sphinx, env: BuildEnvironment) -> None:
    """Two profiles of one person, or two files that differ only in spelling, fail the build."""
    seen: dict[str, str] = {}
    for docname in sorted(env.metadata):
        data = profile_data(env, docname)
        if not data:
            continue
        for key in (profile_schema.slugify(data["name"]), data["name"].casefold()):
            if key in seen and seen[key] != docname:
                lines = Path(env.doc2path(docname)).read_text("utf-8").splitlines()
                line = next((number for number, text in enumerate(lines, 1) if text.startswith("name:")), 1)
                other = env.doc2path(seen[key], base=False)
                report(env.doc2path(docname, base=False), profile_schema.Problem(line, "name", f"`{data['name']}` is also profiled in {other}; merge the two pages into one"))
                break
            seen[key] = docname


# -- The page: header, outline notice and sources ----------------------------------------------


def doc_link(target: str, text: str) -> addnodes.pending_xref:
    """A link to another page that every builder resolves in its own way."""
    xref = addnodes.pending_xref("", refdomain="std", reftype="doc", reftarget="/" + target, refexplicit=True, refwarn=True)
    xref += nodes.inline(text, text)
    return xref


class monogram(nodes.General, nodes.Element):
    """Initials in a circle where there is no portrait: on the site only, and hidden from screen
    readers, which have the name already."""


def initials(data: dict) -> monogram:
    """The first letter of each word of the name but lower-case particles ("de"), at most three,
    in the subject's own script where the page gives it (kept apart by a zero-width non-joiner,
    so that letters of a joining script such as Arabic stay separate)."""
    native = data.get("name_native")
    words = (native["text"] if native else data["name"]).split()
    letters = [word[0] for word in words if not word[0].islower()]
    text = ("\u200c" if native else "").join(letters[:2] + letters[-1:] if len(letters) > 3 else letters)
    # Not searchable: "ly" is no word of Liu Yong's page.
    return monogram("", foreign_text.make(text, native["lang"]) if native else nodes.Text(text), classes=["profile-monogram", "no-search"])


def visit_monogram(self, node: monogram) -> None:
    if self.builder.name not in SITE_BUILDERS:
        raise nodes.SkipNode
    self.body.append(self.starttag(node, "span", "", **{"aria-hidden": "true"}))


def depart_monogram(self, node: monogram) -> None:
    self.body.append("</span>")


def header(docname: str, data: dict) -> nodes.container:
    box = nodes.container(classes=["profile-header"], docname=docname)
    if image := data.get("image"):
        figure = nodes.figure(ids=["portrait"], classes=["profile-portrait"])  # a captioned figure needs an id
        figure += nodes.image(uri=image["src"], alt=image["alt"])
        credit = f"{image['credit']}, {image['licence']}"
        figure += nodes.caption(credit, credit)
        box += figure
    else:
        box += initials(data)
    if native := data.get("name_native"):
        box += nodes.paragraph("", "", foreign_text.make(native["text"], native["lang"]), classes=["profile-native-name"])
    box += nodes.paragraph(data["summary"], data["summary"], classes=["profile-standfirst"])
    facts = nodes.definition_list(classes=["profile-facts"])
    for label, values in at_a_glance(data):
        # The separator is hidden on the site, but a page's text (search results quote it) reads "Role: ...".
        term = nodes.term("", label, nodes.inline(": ", ": ", classes=["visually-hidden"]))
        facts += nodes.definition_list_item("", term, nodes.definition("", *(nodes.paragraph(value, value) for value in values)))
    box += facts
    status = STATUS_LABELS[data["status"]]
    box += nodes.paragraph("", "", nodes.inline(status, status, classes=["profile-status", f"profile-status-{data['status']}"]))
    return box


def at_a_glance(data: dict) -> list[tuple[str, list[str]]]:
    """The facts at a glance, each label with its values (the header shows them, search results too)."""
    reviewed = data.get("last_reviewed")
    facts = []
    for label, values in (
        ("Role", [data["role"] or ROLE_NOT_STATED]),
        ("Organisation", [data["organisation"]]),
        ("Area", [data.get("area")]),
        ("Country", [data["country"]]),
        # Each post with only the dates its sources give (a start, an end, a year it was reported).
        ("Posts", [profile_schema.post_text(post) for post in data.get("posts") or []]),
        # Only where an editor has checked the facts; the citation is dated by the page's last change.
        ("Facts checked", [profile_schema.spoken_date(reviewed) if reviewed else None]),
    ):
        if values := [value for value in values if value]:
            facts.append((label, values))
    return facts


def invitation(config, text: str, link_text: str, **attributes) -> nodes.paragraph:
    """``text`` and a link to the contributor guide: for outlines, on their pages and in the gallery."""
    link = doc_link(config.profiles_contribute_doc, link_text)
    return nodes.paragraph("", "", nodes.Text(text), link, nodes.Text("."), **attributes)


def sources_section(data: dict) -> nodes.section:
    entries = nodes.enumerated_list(enumtype="arabic")
    for source in data["sources"]:
        line = nodes.paragraph("", "", nodes.reference(source["title"], source["title"], refuri=source["url"]))
        line += nodes.Text(". " + ", ".join(filter(None, [source["publisher"], source.get("date")])) + ".")
        entries += nodes.list_item("", line, ids=[f"source-{source['key']}"])
    title = nodes.title("Sources", "Sources")
    return nodes.section("", title, entries, ids=["sources"], names=["sources"], classes=["profile-sources"])


class ProfilePage(SphinxTransform):
    """Adds the header (on the site with a link to the page's own PDF) and the outline notice, moves
    the "About this profile" note out of the last section (it is not part of "our reading"), and
    adds the Sources section to a profile page."""

    default_priority = 500

    def apply(self) -> None:
        data = profile_data(self.env, self.env.docname) if is_profile(self.env.docname) else None
        sections = list(self.document.findall(nodes.section))
        if not data or not sections:
            return
        top, docname = sections[0], self.env.docname
        additions = [header(docname, data)]
        pdf = nodes.reference("", "Download this profile (PDF)", refuri=link(docname, profile_pdf(docname)))
        additions[0] += site_only(nodes.paragraph("", "", pdf, classes=["download-link"]))
        if data["status"] == "outline":
            text = " of this public servant, written by Dan Honig and Sarah Thompson. This companion has found few other public sources about their work, so this page is short and says only what those sources say. If you know their work from a public source, "
            title = nodes.title("Help write this profile", "Help write this profile")
            notice = invitation(self.config, text, "contribute to this profile")
            notice[0:0] = website_profiles(self.config, "publishes a profile")
            additions.append(nodes.admonition("", title, notice, classes=["profile-invitation"]))
        top[1:1] = additions
        for note in list(top.findall(lambda node: isinstance(node, nodes.admonition) and "profile-about" in node["classes"])):
            note.parent.remove(note)
            top += note
        if data["sources"]:
            top += sources_section(data)


def cited(text: str, keys: list[str]) -> list[tuple[str, int | None]]:
    """Each key cited in ``{cite}`text``` with its number in the Sources list (None: no such source)."""
    return [(key, keys.index(key) + 1 if key in keys else None) for key in (part.strip() for part in text.split(","))]


class CiteRole(SphinxRole):
    """``{cite}`key``` or ``{cite}`key1,key2```: numbered links to the page's Sources."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        data = profile_data(self.env, self.env.docname)
        path = self.env.doc2path(self.env.docname, base=False)
        if data is None:
            if is_profile(self.env.docname):
                return [], []  # the front matter is broken; that is reported already
            report(path, profile_schema.Problem(self.lineno, "cite", "{cite} cites a profile's sources and works on profile pages only; link the source directly here"))
            return [], []
        keys = [source["key"] for source in data["sources"]]
        marks = nodes.superscript(classes=["cite"])
        for key, number in cited(self.text, keys):
            if number is None:
                known = ", ".join(f"`{k}`" for k in keys) or "none yet"
                report(path, profile_schema.Problem(self.lineno, "cite", f"no source has the key `{key}`; add it to `sources` in the front matter, or cite one of: {known}"))
                continue
            if len(marks):
                marks += nodes.Text(",")
            marks += nodes.reference(str(number), str(number), refid=f"source-{key}", reftitle=f"Source {number}")
        return [marks], []


# -- The gallery -----------------------------------------------------------------------------------


class gallery_filters(nodes.General, nodes.Element):
    """The region, sector and status filters (HTML only; hidden until the script runs)."""


class filterable(nodes.container):
    """A card, or a group of cards, carrying the values the filters match."""


def gallery_key(data: dict | None) -> tuple:
    """Where a profile stands in the gallery: by status (GROUPS), then by name; a broken one last."""
    return (list(GROUPS).index(data["status"]), data["name"]) if data else (len(GROUPS), "")


def group_heading(config, status: str) -> list[nodes.Node]:
    """The group's heading (a heading of the page on the site), and for outlines the invitation."""
    heading = nodes.rubric(GROUPS[status], GROUPS[status], classes=["profile-group-name"], ids=[f"profiles-{status}"])
    heading["heading-level"] = 2
    # Wrapped, so that in the PDF it does not set the running head (print.css takes a page's own
    # headings for it): the gallery's pages are headed "Profiles", not by the last group begun.
    heading = nodes.container("", heading, classes=["profile-group-heading"])
    if status != "outline":
        return [heading]
    text = " of each of these public servants, written by Dan Honig and Sarah Thompson. This companion has found few other public sources about their work, so each page here is short and says only what those sources say. If you know more from a public source, "
    notice = invitation(config, text, "help write their profiles", classes=["profile-group-invitation"])
    notice[0:0] = website_profiles(config, "publishes a profile")
    return [heading, notice]


def website_profiles(config, link_text: str) -> list[nodes.Node]:
    """"The book's website <publishes a profile>", linked to the website's list of profiles."""
    url = config.html_context["book"]["profiles_url"]
    return [nodes.Text("The book’s website "), nodes.reference(link_text, link_text, refuri=url)]


def placing(data: dict) -> str:
    """Role, organisation (or the area given instead) and country, leaving out what no source states."""
    return ", ".join(filter(None, (data["role"], data["organisation"] or data.get("area"), data["country"])))


class Card(NamedTuple):
    """A profile as its gallery card shows it: the name, placing and summary as read (typographic
    quotes and all); the values the filters match; the name as given, and in its own script
    (text, language), which the initials are taken from. Hashable: it keys the written cards."""

    docname: str
    name: str
    placing: str
    summary: str
    filters: tuple[tuple[str, str], ...]
    given_name: str
    native_name: tuple[str, str] | None


class profile_card(nodes.General, nodes.Element):
    """A card while its text is read (its name, placing and summary as paragraphs, which Sphinx's
    smart quotes change): ``CardText`` makes it a ``Card`` of its grid."""


class profile_grid(nodes.container):
    """A group's cards, as data (``cards``), not as nodes. The site's cards (monogram, link,
    boxes) are made as the gallery is written (``visit_profile_grid``), the ePub's and the PDFs'
    lines of a list by ``GalleryAsLists``. Sphinx writes the gallery again whenever it writes a
    profile the gallery lists (every save in the live preview), and each post-transform walks
    every node of its tree: a node for each card cost 0.06 s a save at 1,000 profiles, a tree of
    every card's parts seconds."""


def card(docname: str, data: dict) -> profile_card:
    """A card whose text is still to be read (paragraphs, which ``CardText`` takes the text of)."""
    native = data.get("name_native")
    return profile_card(
        "",
        *(nodes.paragraph(text, text) for text in (data["name"], placing(data), data["summary"])),
        docname=docname,
        filters=tuple((key, data[key] or NOT_YET_KNOWN) for key, _ in FILTERS),
        given_name=data["name"],
        native_name=(native["text"], native["lang"]) if native else None,
    )


class CardText(SphinxTransform):
    """Each grid keeps its cards as data, with their name, placing and summary as read (after
    Sphinx's smart quotes, 750, have changed their paragraphs), and drops the paragraphs: the text
    is the profiles' own, which their pages show and the search indexes there."""

    default_priority = 760

    def apply(self) -> None:
        for grid in self.document.findall(profile_grid):
            grid["cards"] = [
                Card(card["docname"], *(child.astext() for child in card.children), card["filters"], card["given_name"], card["native_name"])
                for card in grid.children
            ]
            grid.clear()


def list_entry(card: Card) -> nodes.list_item:
    """A card as a line of a list: its linked name, then where they work and the summary."""
    line = nodes.paragraph("", "", doc_link(card.docname, card.name), nodes.Text(f": {card.placing}. {card.summary}"))
    return nodes.list_item("", line)


class ProfileGallery(SphinxDirective):
    """The gallery, built from the profiles' front matter (from their files where they have not
    been read with it: this page may be read before them; ``gallery_data``): cards with
    filters (``GalleryAsLists`` makes them lists as the PDF and the ePub are written). With it a
    hidden table of contents in the gallery's order, so that each page's previous and next links,
    the PDF and the ePub follow it."""

    def run(self) -> list[nodes.Node]:
        self.env.metadata[self.env.docname]["profile-gallery"] = True
        listed = []
        for path in sorted(Path(self.env.srcdir, PROFILES).glob("*.md")):
            if is_profile(docname := f"{PROFILES}/{path.stem}"):
                data = gallery_data(self.env, docname, path)
                listed.append((gallery_key(data), docname, data))
        listed.sort(key=lambda entry: entry[:2])
        docnames = [docname for _, docname, _ in listed]
        toctree = addnodes.toctree(
            parent=self.env.docname, entries=[(None, docname) for docname in docnames], includefiles=docnames,
            maxdepth=-1, caption=None, glob=False, hidden=True, includehidden=False, numbered=0, titlesonly=False,
        )
        self.set_source_info(toctree)
        groups: dict[str, list[tuple[str, dict]]] = {}
        for _, docname, data in listed:
            if data:
                groups.setdefault(data["status"], []).append((docname, data))
        profiles = [data for members in groups.values() for _, data in members]
        result: list[nodes.Node] = [gallery_filters(options={key: sorted({data[key] or NOT_YET_KNOWN for data in profiles}) for key, _ in FILTERS})]
        for status, members in groups.items():
            grid = profile_grid("", *(card(*member) for member in members), classes=["profile-grid"])
            result.append(filterable("", *group_heading(self.config, status), grid, classes=["profile-group"], filters={}))
        return [*result, nodes.compound("", toctree, classes=["toctree-wrapper"])]


class GalleryAsLists(SphinxPostTransform):
    """In the PDF and the ePub, which cannot filter, the gallery's groups of cards become lists
    under their headings. Before references are resolved (10), so each name links as its format does."""

    default_priority = 5
    builders = ("epub", "pdf")

    def run(self) -> None:
        for form in list(self.document.findall(gallery_filters)):
            form.parent.remove(form)
        for group in list(self.document.findall(lambda node: isinstance(node, filterable) and "profile-group" in node["classes"])):
            at = group.parent.index(group)
            group.parent[at:at + 1] = [
                nodes.bullet_list("", *map(list_entry, child["cards"]), classes=["profile-list"]) if isinstance(child, profile_grid) else child
                for child in group.children
            ]


def link_cards(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """On the site, the page the cards are linked from (doctree-resolved, which hands over the
    builder, where a post-transform would have to reach for it)."""
    if app.builder.name in SITE_BUILDERS:
        for grid in doctree.findall(profile_grid):
            grid["page"] = docname


def add_assets(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: nodes.document | None) -> None:
    """Profiles and galleries load their styles (the site and the ePub: no other page pays for
    them), galleries on the site their filters' script."""
    gallery = app.env.metadata.get(pagename, {}).get("profile-gallery")
    if (gallery or is_profile(pagename)) and app.builder.name in (*SITE_BUILDERS, "epub"):
        app.add_css_file("profiles.css", priority=900)  # after companion.css (800), which it builds on
    if gallery and app.builder.name in SITE_BUILDERS:
        app.add_js_file("gallery-filters.js", loading_method="defer")


def visit_filterable(self, node: filterable) -> None:
    data = {f"data-{key}": value for key, value in node["filters"].items()}
    self.body.append(self.starttag(node, "div", "", **data))


def depart_filterable(self, node: filterable) -> None:
    self.body.append("</div>\n")


# The site's cards already written, by format, page and card (which holds all a card shows); kept
# across the builds of one process (the live preview).
written_cards: dict[tuple, str] = {}


def site_card(card: Card, refuri: str) -> filterable:
    """The card as the site shows it: the monogram, then the name linked to the page (as Sphinx
    resolves a link to a document), the placing and the summary."""
    link = nodes.reference("", "", nodes.inline(card.name, card.name, classes=["doc"]), internal=True, refuri=refuri)
    native = dict(zip(("text", "lang"), card.native_name)) if card.native_name else None
    item = filterable(classes=["profile-card"], filters=dict(card.filters))
    item += initials({"name": card.given_name, "name_native": native})
    item += nodes.container(
        "",
        nodes.paragraph("", "", link, classes=["profile-card-name"]),
        nodes.paragraph(card.placing, card.placing, classes=["profile-card-role"]),
        nodes.paragraph(card.summary, card.summary, classes=["profile-card-summary"]),
        classes=["profile-card-body"],
    )
    return item


def visit_profile_grid(self, node: profile_grid) -> None:
    """The grid and its cards, each written once for each page it is on while it is unchanged."""
    self.visit_container(node)
    for card in node["cards"]:
        key = (self.builder.name, node["page"], card)
        if key not in written_cards:
            start = len(self.body)
            site_card(card, self.builder.get_relative_uri(node["page"], card.docname)).walkabout(self)
            written_cards[key] = "".join(self.body[start:])
            del self.body[start:]
        self.body.append(written_cards[key])
    self.depart_container(node)
    raise nodes.SkipNode


def visit_gallery_filters(self, node: gallery_filters) -> None:
    """A form the script reveals; without JavaScript the gallery is a plain grouped list."""
    parts = ['<form class="profile-filters" hidden aria-label="Filter the profiles">']
    for key, label in FILTERS:
        parts.append(f'<label>{label} <select name="{key}"><option value="">All</option>')
        # Values as the vocabulary writes them ("local administration"), shown capitalised.
        parts.extend(f'<option value="{self.attval(value)}">{self.encode(value[:1].upper() + value[1:])}</option>' for value in node["options"][key])
        parts.append("</select></label>")
    parts.append('<p class="profile-filter-count" role="status" aria-live="polite"></p></form>\n')
    self.body.append("".join(parts))
    raise nodes.SkipNode


def gallery_outdated(app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]) -> list[str]:
    """A profile added, removed or with new front matter re-reads the gallery pages, which list
    every profile; an edit of a profile's text alone does not."""

    def front_matter_changed(docname: str) -> bool:
        data, _ = profile_schema.check(Path(env.doc2path(docname)).read_text("utf-8"))
        return data != profile_data(env, docname)

    touched = added | removed | {docname for docname in changed if is_profile(docname) and front_matter_changed(docname)}
    if any(is_profile(docname) for docname in touched):
        return sorted(docname for docname, metadata in env.metadata.items() if metadata.get("profile-gallery"))
    return []


# -- The contributor guide's field table -----------------------------------------------------------


class ProfileSchemaTable(SphinxDirective):
    """The front-matter fields, straight from the schema, as a Markdown table."""

    def run(self) -> list[nodes.Node]:
        rows = ["| Field | Required | What to write |", "| --- | --- | --- |"]
        for name, info in profile_schema.Profile.model_fields.items():
            rows.append(f"| `{name}` | {'yes' if info.is_required() else 'no'} | {info.description} |")
        table, *_ = self.parse_text_to_nodes("\n".join(rows))
        table["classes"].append("profile-schema")
        return [table]


def setup(app: Sphinx) -> dict:
    app.setup_extension("foreign_text")  # names in their own script
    app.add_config_value("profiles_contribute_doc", "contribute", "env", types=[str])
    app.connect("source-read", read_front_matter)
    app.connect("env-get-outdated", gallery_outdated)
    app.connect("env-check-consistency", check_duplicates)
    app.connect("doctree-resolved", link_cards)
    app.connect("html-page-context", add_assets)
    app.add_transform(ProfilePage)
    app.add_transform(CardText)
    app.add_post_transform(GalleryAsLists)
    app.add_role("cite", CiteRole())
    app.add_directive("profile-gallery", ProfileGallery)
    app.add_directive("profile-schema", ProfileSchemaTable)
    app.add_node(filterable, html=(visit_filterable, depart_filterable))
    app.add_node(profile_grid, html=(visit_profile_grid, None))
    app.add_node(monogram, html=(visit_monogram, depart_monogram))
    app.add_node(gallery_filters, html=(visit_gallery_filters, None))
    # env_version 8: the gallery's cards are data of its grids, so environments saved with the
    # earlier cards are read afresh.
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": 8}
