"""Propose a profile from the browser: GitHub's issue form, and the page a maintainer makes of it.

``python tools/issue_form.py [BODY]`` (``make profile-from-issue ISSUE=body.md``) reads the
body of a submitted "Propose a profile" issue from the file BODY, or from standard input (``gh
issue view 42 --json body --jq .body | make profile-from-issue``), and writes
``profiles/<slug>.md``: front matter that passes the schema, the contributor's text with each
``[1]`` turned into a citation of the first source. It never overwrites a page, uses no network,
and a mistake is reported with the line of the issue body and the form's question it concerns.

:func:`form` is the form itself, from the schema (:mod:`profile_schema`): its questions' help
and whether each is required come from the schema's fields, its dropdowns from the closed lists
of ``_data/profile_vocabulary.yaml``. ``make repo-files`` (``tools/repo_files.py``) writes it to
``.github/ISSUE_TEMPLATE/``, and ``tests/test_contribute.py`` checks that the committed form is
the one it writes, so the two cannot drift. No package reads GitHub's issue-form bodies (they are Markdown with a ``###``
heading per question), and the page's fields are ours.
"""

from __future__ import annotations

import argparse
import re
import sys
import typing
from dataclasses import dataclass, field
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import new_profile  # noqa: E402
from new_profile import PROFILES, Refused, profile_schema  # noqa: E402

NO_RESPONSE = "_No response_"  # what GitHub writes for a question left empty
FIELDS = profile_schema.Profile.model_fields
# The schema's fields the form does not ask about, and why.
NOT_ASKED = {
    "status": "the maintainer's call: `sketch` when three or more sources are all cited, else `outline`",
    "image": "a portrait needs the person's consent and a licence: a pull request, not a form",
    "posts": "an editor adds each post with the dates its sources give, from the text",
    "last_reviewed": "added only by an editor who has checked the page against its sources",
}


@dataclass(frozen=True)
class Question:
    """One question of the form: ``key`` is the schema's field (``a.b`` for a nested one), or a
    name of the form's own (the page's text, the confirmation)."""

    key: str
    label: str
    kind: str = "input"  # input, textarea, dropdown, checkboxes
    help: str | None = None  # else the schema's description of the field
    placeholder: str | None = None
    options: tuple[str, ...] = ()
    required: bool | None = None  # else as the schema says

    def schema_field(self):
        first, _, rest = self.key.partition(".")
        info = FIELDS.get(first)
        if info is not None and rest:
            return profile_schema.NESTED[first].model_fields[rest]
        return info

    def is_required(self) -> bool:
        if self.required is not None:
            return self.required
        info, top = self.schema_field(), FIELDS[self.key.partition(".")[0]]
        # Required in the form where the schema needs a value: not for a field that may be null
        # (`role: null` says no source states one) or that belongs to an optional group.
        return top.is_required() and info.is_required() and type(None) not in typing.get_args(top.annotation)

    def description(self) -> str:
        text = self.help or self.schema_field().description
        return text[0].upper() + text[1:] + ("" if text.endswith(".") else ".")


SOURCES_EXAMPLE = """https://example.org/news/2024/05/new-district-officer
Report on the new district officer
The Example Times
2024-05-09

https://example.gov/annual-report-2023
Annual report 2023
Ministry of Example
2023"""

QUESTIONS = (
    Question("name", "Name"),
    Question("name_native.text", "Name in the person's own script", help="only where a source writes it in that script, e.g. بتول اسدی; leave it empty otherwise"),
    Question("name_native.lang", "Language of that name", placeholder="ur"),
    Question("role", "Role", help="their role or title, as a source gives it; leave it empty if no source states one"),
    Question("organisation", "Organisation"),
    Question("country", "Country"),
    Question("region", "Region", "dropdown", options=profile_schema.REGIONS, help="world region (World Bank regions)"),
    Question("sector", "Sector", "dropdown", options=profile_schema.SECTORS, help="field of work"),
    Question("area", "Area", help="only where no source names an organisation: the place or field of work a source gives instead"),
    Question("summary", "One-sentence summary", "textarea"),
    Question(
        "sources",
        "Sources",
        "textarea",
        help="every public page the facts come from, one after another with an empty line between them; for each, "
        "four lines: the full address (https://...), the title, the publisher, and the date (YYYY, YYYY-MM or YYYY-MM-DD; "
        "leave it out if the page has none). The first source is [1], the second [2], and so on",
        placeholder=SOURCES_EXAMPLE,
        required=True,  # the schema allows none for an outline; a proposal gives its sources
    ),
    Question(
        "text",
        "What the sources say",
        "textarea",
        help="what public sources say about their work, in your own words (never copy a sentence). Follow each fact "
        "with the number of its source in square brackets, like this: [1] or [1, 2]. Never guess: where little is "
        "public, write little",
        required=True,
    ),
    Question("contributors", "How to credit you", help="your name as the page should credit you, written `Family, Given`; leave it empty to be credited as the companion editors", required=False),
    Question(
        "confirmation",
        "Public sources only",
        "checkboxes",
        help="the companion publishes only facts that a reader can check",
        options=("Every fact I give comes from a public source I cite above.",),
        required=True,
    ),
)


def form(guide: str) -> dict:
    """The issue form, as GitHub's schema for issue forms describes it; ``guide`` is the address
    of the contributor guide."""
    body = [{
        "type": "markdown",
        "attributes": {"value": (
            "Propose a profile of a mission-driven public servant. Everything you write here is public, and "
            "a maintainer turns it into a page of the companion, which you can then improve in a pull request. "
            f"The [contributor guide]({guide}) says what makes a good profile."
        )},
    }]
    for question in QUESTIONS:
        attributes: dict = {"label": question.label, "description": question.description()}
        if question.kind == "checkboxes":
            attributes["options"] = [{"label": option, "required": True} for option in question.options]
            body.append({"type": "checkboxes", "id": question.key, "attributes": attributes})
            continue
        if question.kind == "dropdown":
            attributes["options"] = list(question.options)
        if question.placeholder:
            attributes["placeholder"] = question.placeholder
        body.append({
            "type": question.kind,
            "id": question.key.replace(".", "-"),
            "attributes": attributes,
            "validations": {"required": question.is_required()},
        })
    return {
        "name": "Propose a profile",
        "description": "A public servant whose work public sources describe: the facts, and where they come from.",
        "title": "Profile: ",
        "labels": ["profile"],
        "body": body,
    }


# -- A submitted form's body --------------------------------------------------------------------


class FormError(Exception):
    """What is wrong with a submitted form, each problem with its line in the body."""

    def __init__(self, problems: list[tuple[int, str, str]]):
        super().__init__(problems)
        self.problems = problems


@dataclass
class Answers:
    values: dict[str, str] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)  # where each answer starts in the body


def read_body(body: str) -> Answers:
    """The answers of a submitted form, by question key. GitHub writes each question's label as a
    ``###`` heading and the answer below it (``_No response_`` for none)."""
    by_label = {question.label: question for question in QUESTIONS}
    answers, current, lines = Answers(), None, []

    def close():
        if current:
            # The answer's first line is where its line numbers count from.
            blank = next((i for i, line in enumerate(lines) if line.strip()), 0)
            answers.lines[current.key] += blank
            text = "\n".join(lines[blank:]).rstrip()
            answers.values[current.key] = "" if text.strip() == NO_RESPONSE else text

    for number, line in enumerate(body.replace("\r\n", "\n").split("\n"), 1):
        heading = re.fullmatch(r"### (.+?)\s*", line)
        if heading and heading[1] in by_label:
            close()
            current, lines = by_label[heading[1]], []
            answers.lines[current.key] = number + 1
        elif current:
            lines.append(line)
    close()
    missing = [q.label for q in QUESTIONS if q.key not in answers.values]
    if missing:
        raise FormError([(1, "form", f"this is not a \"Propose a profile\" form: no `### {missing[0]}` question; give the issue's body as GitHub shows it")])
    return answers


def read_sources(answers: Answers) -> tuple[list[dict], list[tuple[int, str, str]]]:
    """The sources, keyed as the page cites them: ``publisher-year``."""
    text, start = answers.values["sources"], answers.lines["sources"]
    blocks, problems, sources, current = [], [], [], []
    for offset, line in enumerate(text.split("\n")):
        if line.strip():
            current.append((start + offset, line.strip()))
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    keys: set[str] = set()
    for number, block in enumerate(blocks, 1):
        values = [re.sub(r"^(?:[-*]|\d+[.)])\s+", "", value) for _, value in block]  # a list marker, if one was typed
        line = block[0][0]
        if len(values) not in (3, 4) or not values[0].startswith(("https://", "http://")):
            problems.append((line, "sources", f"source {number} has {len(values)} lines; give four, each on its own line: the address (https://...), the title, the publisher, the date (or three without a date), and an empty line before the next source"))
            continue
        url, title, publisher, *date = values
        year = re.match(r"\d{4}", date[0]) if date else None
        base = "-".join(profile_schema.slugify(publisher).split("-")[:3]) or "source"
        key = unique = f"{base}-{year[0]}" if year else base
        for n in range(2, len(blocks) + 2):
            if unique not in keys:
                break
            unique = f"{key}-{n}"
        keys.add(unique)
        source = {"key": unique, "title": title, "url": url, "publisher": publisher} | ({"date": date[0]} if date else {})
        sources.append(source | {"line": line})
    return sources, problems


# [1] or [1, 2], but not a Markdown link's [text](address), and the punctuation after it: the
# citation follows its sentence's full stop directly, as on every page.
CITATION = re.compile(r"\s*\[(\d+(?:\s*,\s*\d+)*)\](?!\()([.,;:!?]?)")


def cite(answers: Answers, sources: list[dict]) -> tuple[str, set[str], list[tuple[int, str, str]]]:
    """The text with ``[1, 2]`` as ``{cite}`key1,key2```, the keys cited, and the numbers that
    name no source."""
    cited, problems, out = set(), [], []
    for offset, line in enumerate(answers.values["text"].split("\n")):
        def replace(match: re.Match) -> str:
            numbers = [int(n) for n in match[1].split(",")]
            wrong = [n for n in numbers if not 1 <= n <= len(sources)]
            if wrong:
                problems.append((answers.lines["text"] + offset, "text", f"[{wrong[0]}] names no source: there are {len(sources)}; number them as in Sources, from [1]"))
                return match[0]
            keys = [sources[n - 1]["key"] for n in numbers]
            cited.update(keys)
            return match[2] + "{cite}`" + ",".join(keys) + "`"

        out.append(CITATION.sub(replace, line))
    return "\n".join(out), cited, problems


def page(answers: Answers) -> tuple[str, str, list[dict], list[tuple[int, str, str]]]:
    """The page's Markdown, the status chosen with the reason for it, the sources, and what is
    wrong with the answers besides what the schema finds."""
    value = answers.values
    sources, problems = read_sources(answers)
    text, cited, more = cite(answers, sources)
    problems += more
    if not value["confirmation"].startswith(("- [X]", "- [x]")):
        problems.append((answers.lines["confirmation"], "confirmation", "the confirmation is not ticked; every fact must come from a cited public source"))
    uncited = [s["key"] for s in sources if s["key"] not in cited]
    if len(sources) >= 3 and not uncited:
        status, why = "sketch", f"{len(sources)} sources, all cited"
    else:
        status, why = "outline", "a sketch needs three sources or more, each cited in the text" + (f" (not cited: {', '.join(uncited)})" if uncited else "")
    data = {
        "name": value["name"],
        "name_native": {"text": value["name_native.text"], "lang": value["name_native.lang"]} if value["name_native.text"] or value["name_native.lang"] else None,
        "role": value["role"] or None,
        "organisation": value["organisation"] or None,
        "area": value["area"] or None,
        "country": value["country"],
        "region": value["region"] or None,
        "sector": value["sector"] or None,
        "summary": " ".join(value["summary"].split()),
        "status": status,
        "sources": [{k: v for k, v in s.items() if k != "line"} for s in sources],
        "contributors": [value["contributors"] or "Companion editors"],
    }
    front = {k: v for k, v in data.items() if v is not None or k in ("role", "organisation")}  # written even when empty
    assert list(front) == [k for k in FIELDS if k in front], "fields in the schema's order"
    yaml_text = yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=1000)
    heading = "" if text.lstrip().startswith("## ") else "## Their work\n\n"
    markdown = (
        f"---\n{yaml_text}---\n\n"
        "% Made from a \"Propose a profile\" issue (make profile-from-issue): check every fact against its\n"
        "% source before merging, and give the issue's number in the pull request.\n\n"
        f"{heading}{text.strip()}\n"
    )
    return markdown, f"status: {status} ({why})", sources, problems


def check_page(markdown: str, answers: Answers, sources: list[dict]) -> list[tuple[int, str, str]]:
    """The schema's verdict on the page, each problem placed on the form's question."""
    _, problems = profile_schema.check(markdown)
    placed = []
    for problem in problems:
        top, _, rest = problem.field.partition(".")
        if top == "sources" and rest.split(".")[0].isdigit():
            index = int(rest.split(".")[0])
            placed.append((sources[index]["line"], "sources", f"source {index + 1}: {rest.partition('.')[2] or 'source'}: {problem.message}"))
            continue
        key = f"{top}.{rest}" if top == "name_native" and rest else "name_native.text" if top == "name_native" else top
        placed.append((answers.lines.get(key, 1), key, problem.message))
    return placed


def label(key: str) -> str:
    return next((q.label for q in QUESTIONS if q.key == key), key)


def make_page(body: str, folder: Path, slug: str | None) -> tuple[Path, str]:
    answers = read_body(body)
    markdown, status, sources, problems = page(answers)
    problems += check_page(markdown, answers, sources)
    if problems:
        raise FormError(problems)
    slug = new_profile.choose_slug(answers.values["name"], slug, "--slug {slug}")
    path = folder / f"{slug}.md"
    new_profile.create(path, markdown, "--slug {slug}")
    return path, status


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("body", nargs="?", help="a file holding the issue's body; standard input without it")
    parser.add_argument("--slug", help="the page's file name without .md (default: from the name)")
    parser.add_argument("--into", type=Path, default=PROFILES, help="the folder of profiles (default: profiles/)")
    args = parser.parse_args(argv)
    name = args.body or "<stdin>"
    body = Path(args.body).read_text("utf-8") if args.body else sys.stdin.read()
    try:
        path, status = make_page(body, args.into, args.slug)
    except FormError as error:
        sys.exit("\n".join(f"{name}:{line}: {label(key)}: {message}" for line, key, message in sorted(error.problems)) + "\nNo page was written.")
    except Refused as refused:
        sys.exit(f"{name}: {refused}")
    print(f"Created {new_profile.shown(path)} ({status}). Check every fact against its source, then preview it with `make serve`.")


if __name__ == "__main__":
    main()
