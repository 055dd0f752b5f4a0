"""The one schema of a profile's front matter (:class:`Profile`), and messages that teach how to fix it.

The build validates every profile against it, the contributor guide prints it as a table and
``tools/new_profile.py`` writes its template from it. :func:`check` turns a page into the validated
data and a list of :class:`Problem`: line, field, what is wrong and what to do.
"""

import datetime
import difflib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, Optional
from urllib.parse import urlsplit

import yaml
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

VOCABULARY_FILE = Path(__file__).parent.parent / "_data" / "profile_vocabulary.yaml"
# As read when the process started (the live preview restarts when it changes).
VOCABULARY_SOURCE = VOCABULARY_FILE.read_bytes()
VOCABULARY = yaml.safe_load(VOCABULARY_SOURCE.decode("utf-8"))
REGIONS: tuple[str, ...] = tuple(VOCABULARY["regions"])
SECTORS: tuple[str, ...] = tuple(VOCABULARY["sectors"])
STATUSES = ("outline", "sketch", "full")
SUMMARY_MAX = 200
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*(\n|\Z)", re.DOTALL)


def _web_address(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in value:
        raise ValueError("not a web address")
    return value


def _partial_date(value: Any) -> str:
    text = value.isoformat() if isinstance(value, datetime.date) else str(value)
    if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", text):
        raise ValueError("not a date")
    parts = [int(p) for p in text.split("-")] + [1, 1]
    try:
        datetime.date(*parts[:3])
    except ValueError:  # a month 13 or a 30 February
        raise ValueError("not a date") from None
    return text


def _one_or_more(value: Any) -> Any:
    return value if isinstance(value, list) else [value]


WebAddress = Annotated[str, AfterValidator(_web_address)]
PartialDate = Annotated[str, BeforeValidator(_partial_date)]
Text = Annotated[str, Field(min_length=1)]
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")


def spoken_date(value: str) -> str:
    """``2023-09`` → ``September 2023``; a year stays a year, a day reads ``4 April 2016``."""
    year, *rest = (int(part) for part in value.split("-"))
    words = [MONTHS[rest[0] - 1], str(year)] if rest else [str(year)]
    return " ".join([str(rest[1]), *words] if len(rest) == 2 else words)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False, str_strip_whitespace=True)


class NativeName(Strict):
    text: Text = Field(description="the name in its own script, as a source writes it")
    lang: str = Field(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", description="its BCP 47 language tag, e.g. `ur`, `hi`, `zh-Hans`")


class Source(Strict):
    key: str = Field(pattern=SLUG.pattern, description="short lowercase key that the text cites as {cite}`key`")
    title: Text = Field(description="the headline or title as the source prints it; a description of your own goes in square brackets, e.g. `\"[Interview with the director]\"`")
    url: WebAddress = Field(description="full web address, starting https://")
    publisher: Text = Field(description="who published it")
    date: Optional[PartialDate] = Field(None, description="when it was published: YYYY, YYYY-MM or YYYY-MM-DD")


class Image(Strict):
    src: Text = Field(description="path of the image file, next to the page")
    alt: Text = Field(description="what the image shows, for readers who cannot see it")
    credit: Text = Field(description="who made the image")
    licence: Text = Field(description="its licence, e.g. CC BY 4.0")


class Post(Strict):
    """A post and only the dates a source gives for it: no end is ever inferred."""

    title: Text = Field(description="the post, e.g. `Deputy Commissioner, Naseerabad`")
    start: Optional[PartialDate] = Field(None, description="when a source says it began: YYYY, YYYY-MM or YYYY-MM-DD")
    end: Optional[PartialDate] = Field(None, description="when a source says it ended (YYYY, YYYY-MM or YYYY-MM-DD); leave it out unless a source says so")
    reported: Annotated[list[PartialDate], BeforeValidator(_one_or_more)] = Field(default_factory=list, description="when a source shows the post held: YYYY, YYYY-MM or YYYY-MM-DD (one date, or a list)")


def post_text(post: dict) -> str:
    """``Deputy Commissioner, Naseerabad (from September 2023; reported in May 2024)``."""
    dates = [f"from {spoken_date(post['start'])}"] if post.get("start") else []
    dates += [f"until {spoken_date(post['end'])}"] if post.get("end") else []
    if reported := [spoken_date(day) for day in post.get("reported") or []]:
        dates.append(("reported on " if post["reported"][0].count("-") == 2 else "reported in ") + (reported[0] if len(reported) == 1 else ", ".join(reported[:-1]) + " and " + reported[-1]))
    return f"{post['title']} ({'; '.join(dates)})"


class Profile(Strict):
    """Front matter of a page in ``profiles/``."""

    name: Text = Field(description="the person's name, in Latin script, as public sources write it")
    name_native: Optional[NativeName] = Field(None, description="the name in its own script (`text`, `lang`), only where a source gives it")
    role: Optional[Text] = Field(description="their role or title, as a source gives it; where no source states one, write `role: null` and the page says it is not stated")
    organisation: Optional[Text] = Field(description="the organisation they serve, as a source names it; where no source names one, write `organisation: null` and give `area`")
    area: Optional[Text] = Field(None, description="where no source names an organisation: the place or field of work a source gives instead, e.g. `Balochistan` or `Social auditing in Karnataka`")
    country: Text = Field(description="the country")
    region: Optional[Literal[REGIONS]] = Field(None, description="world region, one of: " + ", ".join(REGIONS))
    sector: Optional[Literal[SECTORS]] = Field(None, description="field of work, one of: " + ", ".join(SECTORS))
    posts: list[Post] = Field(default_factory=list, description="posts with the dates sources give them (`title`, and any of `start`, `end`, `reported`), earliest first; never an end date no source gives")
    summary: str = Field(min_length=1, max_length=SUMMARY_MAX, description=f"one sentence of at most {SUMMARY_MAX} characters, shown in the gallery and to search engines")
    status: Literal[STATUSES] = Field(description="`outline` (little is known), `sketch` (sourced, short) or `full`")
    sources: list[Source] = Field(default_factory=list, description="where every fact comes from: `key`, `title`, `url`, `publisher`, `date`; at least one unless `status: outline`")
    image: Optional[Image] = Field(None, description="a portrait with `src`, `alt`, `credit` and `licence`")
    contributors: list[Text] = Field(min_length=1, description="who wrote or edited this page, named as its authors when it is cited; write a person as `Family, Given` for reference managers to sort")
    last_reviewed: Optional[datetime.date] = Field(None, description="only after an editor has checked every fact of the page against its sources: that day, YYYY-MM-DD (the page shows it; its citation is dated by its last change)")


NESTED = {"name_native": NativeName, "sources": Source, "image": Image, "posts": Post}


class FrontMatterLoader(yaml.SafeLoader):
    """YAML without implicit dates: a date stays text until the schema checks it, so a wrong
    one (30 February) is reported on its field instead of crashing the loader."""


FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class Problem:
    line: int
    field: str
    message: str


def split_front_matter(text: str) -> tuple[str | None, int]:
    """The YAML between the first two ``---`` lines and the number of lines they span."""
    match = FRONT_MATTER.match(text)
    if not match:
        return None, 0
    return match.group(1) or "", match.group(0).count("\n") + (0 if match.group(2) else 1)


def _key_lines(node: yaml.Node, path: tuple = ()) -> dict[tuple, int]:
    """Line (0-based, within the YAML) of every mapping key and sequence item, by path."""
    lines = {path: node.start_mark.line}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            lines.update(_key_lines(value, path + (key.value,)))
            lines[path + (key.value,)] = key.start_mark.line
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines.update(_key_lines(item, path + (index,)))
    return lines


def _closest(value: Any, choices: tuple[str, ...]) -> str:
    text = str(value).casefold()
    close = [c for c in choices if text and text in c.casefold()] or difflib.get_close_matches(str(value), choices, n=1, cutoff=0.6)
    return f"did you mean `{close[0]}`?" if close else "use one of: " + ", ".join(f"`{c}`" for c in choices)


def _explain(error: dict) -> str:
    """What is wrong and what to do, for one pydantic error."""
    loc, kind, value = error["loc"], error["type"], error.get("input")
    field = next((part for part in reversed(loc) if isinstance(part, str)), "")  # `reported`, not its item's index
    model = NESTED.get(loc[0], Profile) if len(loc) > 1 else Profile  # the model the field belongs to
    info = model.model_fields.get(field) if isinstance(field, str) else None
    about = f" ({info.description})" if info and info.description else ""
    if kind == "missing":
        return f"required field is missing; add `{field}:`{about}"
    if kind == "extra_forbidden":
        return f"unknown field; {_closest(field, tuple(model.model_fields))} Remove or rename it"
    if kind == "literal_error":
        choices = REGIONS if field == "region" else SECTORS if field == "sector" else STATUSES
        return f"`{value}` is not allowed; {_closest(value, choices)}"
    if kind == "string_too_long":
        return f"is {len(value)} characters, at most {error['ctx']['max_length']}; shorten it to one sentence"
    if kind in ("string_too_short", "too_short"):
        return f"is empty; fill it in{about}"
    if kind == "string_pattern_mismatch":
        return f"`{value}` has the wrong form; write{about}"
    if kind == "value_error" and "web address" in error["msg"]:
        return f"`{value}` is not a web address; write the full address, starting https://"
    if kind == "value_error" and "date" in error["msg"] or kind.startswith("date"):
        return f"`{value}` is not a valid date; write it as YYYY-MM-DD{about}"
    if kind in ("list_type", "model_type", "dict_type", "string_type", "model_attributes_type"):
        wanted = {"list_type": "a list (lines starting with `- `)", "string_type": "text"}.get(kind, "fields indented below it")
        return f"expected {wanted}, found `{value!r}`; write it as {wanted}{about}"
    return f"{error['msg']}; see the field table in contribute.md{about}"


def check(text: str) -> tuple[dict | None, list[Problem]]:
    """Validate the front matter of a profile page's Markdown ``text``."""
    yaml_text, _ = split_front_matter(text)
    if yaml_text is None:
        return None, [Problem(1, "front matter", "the page does not start with a `---` front matter block; copy the header of an existing profile or run `make profile NAME=\"...\"`")]
    yaml_start = 2  # the line after the opening ---
    # Parsed once: the tree gives each key's line, and the data is constructed from it.
    loader = FrontMatterLoader(yaml_text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = yaml_start + mark.line if mark else 1
        what = getattr(error, "problem", None) or str(error)
        return None, [Problem(line, "front matter", f"invalid YAML ({what}); check the indentation and put text containing `:` or `#` in quotes")]
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        return None, [Problem(1, "front matter", "must be a list of `field: value` lines; see the field table in contribute.md")]
    lines = _key_lines(node)
    problems = []
    try:
        profile = Profile.model_validate(data)
    except ValidationError as error:
        for item in error.errors():
            loc = tuple(item["loc"])
            known = next((loc[:i] for i in range(len(loc), 0, -1) if loc[:i] in lines), None)
            field = ".".join(str(part) for part in loc) or "front matter"
            problems.append(Problem(yaml_start + lines[known] if known else 1, field, _explain(item)))
        return None, problems
    if profile.status != "outline" and not profile.sources:
        problems.append(Problem(yaml_start + lines[("status",)], "sources", f"a `{profile.status}` profile needs at least one source; add the pages its facts come from, or set `status: outline`"))
    if profile.organisation is None and profile.area is None:
        problems.append(Problem(yaml_start + lines[("organisation",)], "organisation", "neither an organisation nor an `area` is given; name the organisation a source gives, or add `area:` with the place or field of work"))
    for index, post in enumerate(profile.posts):
        if not (post.start or post.end or post.reported):
            problems.append(Problem(yaml_start + lines[("posts", index)], f"posts.{index}", f"`{post.title}` has no date; add `start`, `end` or `reported` as a source dates it, or leave the post out"))
    keys = [source.key for source in profile.sources]
    for index, key in enumerate(keys):
        if key in keys[:index]:
            problems.append(Problem(yaml_start + lines[("sources", index)], f"sources.{index}.key", f"`{key}` is used twice; give each source its own key"))
    return (None if problems else profile.model_dump(mode="json")), problems


def slugify(name: str) -> str:
    """``Florence N. Kuteesa`` → ``florence-n-kuteesa``; empty for names with no Latin letters."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
