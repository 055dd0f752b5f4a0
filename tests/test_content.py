"""Issue 4: the content says what the book's website says, and every fact is sourced."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from conftest import ROOT, profile_slugs

import profile_schema

SEED = next((ROOT.parent / "shared" / "seed").glob("*.txt")).read_text("utf-8")
ENDORSEMENTS = yaml.safe_load((ROOT / "_data" / "endorsements.yaml").read_text("utf-8"))
BUY = yaml.safe_load((ROOT / "_data" / "buy.yaml").read_text("utf-8"))
BOOK = yaml.safe_load((ROOT / "_data" / "book.yaml").read_text("utf-8"))


def profiles() -> dict[str, dict]:
    result = {}
    for slug in profile_slugs():
        data, problems = profile_schema.check((ROOT / "profiles" / f"{slug}.md").read_text("utf-8"))
        assert data, problems
        result[slug] = data
    return result


PROFILES = profiles()


def seed_endorsements() -> list[tuple[str, str]]:
    """(quotation, attribution) for every endorsement line of the seed, quotes stripped."""
    found = []
    for line in SEED.splitlines():
        match = re.fullmatch(r"[“\"](.*)[”\"]—(.*)", line)
        if match:
            found.append((match.group(1), match.group(2)))
    return found


def test_all_ten_endorsements_match_the_seed_character_for_character(build):
    seed = seed_endorsements()
    assert len(seed) == 10 == len(ENDORSEMENTS)
    for entry, (quotation, attribution) in zip(ENDORSEMENTS, seed):
        assert entry["text"] == quotation
        assert f"{entry['name']}, {entry['affiliation']}" == attribution
    page = build.soup("endorsements.html")
    quotes = page.select("blockquote.endorsement")
    assert len(quotes) == 10
    for block, (quotation, attribution) in zip(quotes, seed):
        assert block.find("p").get_text() == quotation
        assert block.select_one(".attribution").get_text().lstrip("—– ") == attribution


def test_landing_page_shows_a_selection_of_endorsements(build):
    shown = build.soup("index.html").select("blockquote.endorsement")
    featured = [entry for entry in ENDORSEMENTS if entry.get("featured")]
    assert 0 < len(shown) == len(featured) < 10


def test_every_retailer_named_in_the_seed_is_linked_from_buy(build):
    page = build.soup("buy.html")
    links = {a.get_text(): a["href"] for a in page.select(".buy-outlets a")}
    for outlet in ("Amazon US", "Amazon UK", "Amazon Netherlands", "Amazon Singapore", "Oxford University Press"):
        assert outlet in SEED and outlet in links, outlet
    for name, host in (("Amazon US", "www.amazon.com"), ("Amazon UK", "www.amazon.co.uk"), ("Amazon Netherlands", "www.amazon.nl"), ("Amazon Singapore", "www.amazon.sg")):
        assert urlsplit(links[name]).netloc == host
        assert links[name].endswith("/dp/" + BOOK["isbn10"])
    assert "amongst other outlets" in page.get_text()


def test_discount_code_and_prices_match_the_seed(build):
    offer = BUY["offer"]
    assert f"{offer['discount']} code {offer['code']} at {offer['seller']} ({', '.join(offer['prices'])})" in SEED
    text = " ".join(build.soup("buy.html").get_text().split()).replace("\u2019", "'")  # the label's apostrophe is typographic
    assert f"{offer['code']} at {offer['seller']} ({', '.join(offer['prices'])})" in text
    assert "offer published on the book's website" in text


def test_bibliographic_facts_on_the_landing_page(build):
    text = " ".join(build.soup("index.html").get_text().split())
    for fact in ("Oxford University Press, 2024", "ISBN 978-0-19-764120-0", "264 pages", "Dan Honig", BOOK["subtitle"]):
        assert fact in text, fact


@pytest.mark.parametrize("slug", [slug for slug, data in PROFILES.items() if data["status"] == "sketch"])
def test_sketch_profiles_have_three_cited_sources_and_enough_text(build, slug):
    data = PROFILES[slug]
    assert len(data["sources"]) >= 3
    source = (ROOT / "profiles" / f"{slug}.md").read_text("utf-8")
    body = source.split("\n---\n", 1)[1]
    cited = {key.strip() for group in re.findall(r"\{cite\}`([^`]+)`", body) for key in group.split(",")}
    assert {s["key"] for s in data["sources"]} <= cited, "every listed source is cited"
    words = len(re.sub(r"\{cite\}`[^`]+`", "", body).split())
    assert 400 <= words <= 900, words
    page = build.soup(f"profiles/{slug}.html")
    targets = {a["href"].lstrip("#") for a in page.select("sup.cite a")}
    ids = {li["id"] for li in page.select(".profile-sources li")}
    assert targets and targets <= ids, "every citation resolves to an entry of Sources"
    assert "our reading" in page.get_text(), "the page marks its interpretation as ours"


def test_names_and_roles_follow_the_books_website():
    for data in PROFILES.values():
        assert data["name"] in SEED, data["name"]
    assert PROFILES["batool-asadi"]["role"] == "Assistant Commissioner"
    assert PROFILES["batool-asadi"]["name_native"] == {"text": "بتول اسدی", "lang": "ur"}
    assert "name_native" not in PROFILES["liu-yong"] or PROFILES["liu-yong"]["name_native"] is None


def test_spelling_variants_and_changed_titles_are_stated(build):
    batool = " ".join(build.soup("profiles/batool-asadi.html").get_text().split())
    assert "Sadaf Batool Assadi" in batool and "Deputy Commissioner" in batool
    assert "Uma Mahadevan Dasgupta" in build.soup("profiles/uma-mahadevan.html").get_text()
    assert "General Manager of Human Resources" in " ".join(build.soup("profiles/judy-parfitt.html").get_text().split())


def test_outline_pages_stay_short_and_invite(build):
    outline = [slug for slug, data in PROFILES.items() if data["status"] == "outline"]
    assert sorted(outline) == ["casey-joseph-roberts", "labanya-margaret", "liu-yong", "preetam-ponnappa", "tathiana-chaves-de-souza"]
    for slug in outline:
        page = build.soup(f"profiles/{slug}.html")
        assert page.select_one(".profile-invitation")
        assert "Context" in [h.get_text().strip("#¶ ") for h in page.find_all("h2")]
        body = (ROOT / "profiles" / f"{slug}.md").read_text("utf-8").split("\n---\n", 1)[1]
        assert len(body.split()) < 250, slug


def test_no_unconfirmed_detail_is_published():
    """Details facts.md marks uncertain or as another person's must not appear."""
    text = " ".join(Path(ROOT / "profiles" / f"{slug}.md").read_text("utf-8") for slug in PROFILES)
    for detail in ("sistahspace", "Koosina Mane", "1992", "Sudan Tribune", "Casey B. Roberts", "actress", "刘勇"):
        assert detail not in text, detail


# -- Issue 16: prose written for each person, and corrections a program can check ----------------

SHINGLE = 12  # words in a run
SHARED_RUNS_ALLOWED = 3  # e.g. a quoted definition of the book's argument may recur


def prose_words(slug: str) -> list[str]:
    """The lower-cased words of a profile's prose (no front matter, citation keys, link targets or
    comments); a word is a run of letters and digits, so "book's" is two."""
    _, line_count = profile_schema.split_front_matter((ROOT / "profiles" / f"{slug}.md").read_text("utf-8"))
    body = "\n".join((ROOT / "profiles" / f"{slug}.md").read_text("utf-8").split("\n")[line_count:])
    body = re.sub(r"^%.*$", "", body, flags=re.MULTILINE)
    body = re.sub(r"\{cite\}`[^`]*`", " ", body)
    body = re.sub(r"\]\([^)]*\)", "]", body)
    return re.findall(r"[^\W_]+", body.lower())


def shared_runs() -> dict[tuple[str, ...], list[str]]:
    """Every run of SHINGLE words that appears in two or more profiles, with those profiles."""
    where: dict[tuple[str, ...], set[str]] = {}
    for slug in profile_slugs():
        words = prose_words(slug)
        for run in {tuple(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}:
            where.setdefault(run, set()).add(slug)
    return {run: sorted(slugs) for run, slugs in where.items() if len(slugs) > 1}


def test_profiles_are_not_written_from_one_template():
    shared = shared_runs()
    listing = "\n".join(f"  {' '.join(run)!r}: {', '.join(slugs)}" for run, slugs in sorted(shared.items(), key=lambda item: item[1]))
    assert len(shared) <= SHARED_RUNS_ALLOWED, f"{len(shared)} runs of {SHINGLE} words appear in more than one profile (at most {SHARED_RUNS_ALLOWED}):\n{listing}"


def test_no_topic_is_given_as_a_role():
    """The website gives Preetam Ponnappa no title, only a topic: the role is stated as unknown,
    and the card names the topic once."""
    import profiles as rendering

    for slug, data in PROFILES.items():
        if data["role"] and data["organisation"]:
            assert data["role"].casefold() not in data["organisation"].casefold(), f"{slug}: the role repeats the organisation, a topic"
    data = PROFILES["preetam-ponnappa"]
    assert data["role"] is None
    card = rendering.card("profiles/preetam-ponnappa", data).astext()
    assert "Social auditing in Karnataka, India" in card and "Social auditing, Social" not in card
    facts = rendering.header("profiles/preetam-ponnappa", data).astext()
    assert f"Role: \n\n{rendering.ROLE_NOT_STATED}" in facts, facts


def profile_text(slug: str) -> str:
    return " ".join((ROOT / "profiles" / f"{slug}.md").read_text("utf-8").split())


def test_kuteesa_dates_are_the_sources_dates():
    """She held the Budget post until December 2004, and no source dates her start in it; the
    2006 article was written while she was Director, Budget (facts.md, Florence N. Kuteesa)."""
    text = profile_text("florence-n-kuteesa")
    assert "still Director" not in text
    assert "turning point" not in text, "the editors' framing belongs in 'our reading'"
    assert not [post for post in PROFILES["florence-n-kuteesa"]["posts"] if post["title"].startswith("Budget Director") and post["start"]], "no source dates her start as Budget Director"


FACTS = (ROOT.parent / "shared" / "research" / "facts.md").read_text("utf-8")


def test_each_organisation_is_written_as_a_source_gives_it():
    """An organisation is the book's website's or a sourced fact's, never our inference: facts.md
    leaves Batool Asadi's cadre uncertain, so no 'Government of Balochistan'."""
    sourced = " ".join(f"{SEED} {FACTS}".split()).casefold()
    for slug, data in ((slug, data) for slug, data in PROFILES.items() if data["organisation"]):
        organisation = re.sub(r"\s*\([^)]*\)$", "", data["organisation"])  # an abbreviation in brackets
        assert organisation.casefold() in sourced, f"{slug}: `{data['organisation']}` is in no source"
    assert "government" not in (PROFILES["batool-asadi"]["organisation"] or "").casefold()


def test_newman_quotes_the_websites_wording_as_written():
    """The website writes "(National Parks Service)"; the agency is the National Park Service, and
    no source dates the end of her post (facts.md, Captain Sara Newman)."""
    text = profile_text("captain-sara-newman")
    assert "(National Parks Service)" in SEED
    assert "(National Parks Service)" in text, "quote the website as it is written"
    assert "National Park Service" in text.replace("(National Parks Service)", "")
    assert not any(post["end"] for post in PROFILES["captain-sara-newman"]["posts"]), "no source gives an end"


# The sources facts.md could not re-verify or calls weak, by their site, and what a paragraph
# that cites one must say.
WEAK_SOURCES = {"theglobeandmail.com": "could not re-check", "thepleadersdiary.com": "weak source"}


def test_weak_sources_are_marked_where_they_are_cited():
    """facts.md could not re-verify the Globe and Mail article and calls the blog weak: a page
    that cites them says so in the same paragraph. They are found by address, whatever their key."""
    citations = {site: 0 for site in WEAK_SOURCES}
    for slug, data in PROFILES.items():
        body = (ROOT / "profiles" / f"{slug}.md").read_text("utf-8").split("\n---\n", 1)[1]
        for source in data["sources"]:
            host = urlsplit(source["url"]).hostname
            site = next((site for site in WEAK_SOURCES if host == site or host.endswith("." + site)), None)
            if site is None:
                continue
            citing = [
                paragraph for paragraph in body.split("\n\n")
                if source["key"] in {key.strip() for group in re.findall(r"\{cite\}`([^`]+)`", paragraph) for key in group.split(",")}
            ]
            assert citing, f"{slug}: {source['key']} is listed but cited nowhere, so nowhere marked"
            for paragraph in citing:
                assert WEAK_SOURCES[site] in paragraph, f"{slug}: a paragraph cites {source['key']} without saying `{WEAK_SOURCES[site]}`"
            citations[site] += len(citing)
    assert all(citations.values()), f"a weak source of facts.md is cited nowhere any more: {citations}; update WEAK_SOURCES"


def test_the_books_argument_is_cited_to_the_book_and_its_author():
    """What the book argues is cited to its website or the author's Page 99 Test post, not to a
    catalogue record or a membership page; the offer is the website's, not the publisher's."""
    landing = (ROOT / "index.md").read_text("utf-8")
    argument = landing.split("## What the book argues", 1)[1].split("\n## ", 1)[0]
    assert "<website_url>" in argument and "page99test.blogspot.com" in argument
    for weaker in ("goodreads", "afpol"):
        assert weaker not in argument, weaker
    for page in ("index.md", "buy.md"):
        text = (ROOT / page).read_text("utf-8")
        assert "publisher's discount offer" not in text, page
    assert "offer published on the book's website" in landing


def test_buying_links_are_built_from_the_isbn_and_link_checked():
    """The addresses are ours, built from the ISBN: buy.yaml says so, and `make linkcheck` checks
    every one (a form wrong for one country's store would send readers to an error page)."""
    import runpy

    comments = "\n".join(line for line in (ROOT / "_data" / "buy.yaml").read_text("utf-8").splitlines() if line.lstrip().startswith("#"))
    assert "built by us from the book's ISBN" in " ".join(comments.replace("#", " ").split())
    ignored = [re.compile(pattern) for pattern in runpy.run_path(str(ROOT / "conf.py"))["linkcheck_ignore"]]
    ids = {"isbn10": BOOK["isbn10"], "isbn13_digits": BOOK["isbn13"].replace("-", "")}
    for outlet in BUY["outlets"]:
        address = outlet["url"].format(**ids)
        assert not any(pattern.match(address) for pattern in ignored), f"{outlet['name']}: {address} is not link-checked"
