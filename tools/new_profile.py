"""Create a new profile page: ``make profile NAME="Jane Doe" [SLUG=jane-doe]``.

Writes ``profiles/<slug>.md`` from ``new_profile.md.tmpl``, with every field of the schema
(:mod:`profile_schema`) and its explanation as a comment. The page is a valid ``outline`` at
once: it builds and appears in the gallery, and says plainly what is still to be added. A name
without Latin letters needs an explicit ``--slug``. An existing file is never overwritten.
"""

import argparse
import datetime
import os
import string
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "_ext"))
import locations  # noqa: E402
import profile_schema  # noqa: E402

PROFILES = Path(__file__).parent.parent / locations.PROFILES
# The page around the fields: what to write, and an example of a source.
TEMPLATE = string.Template(Path(__file__).with_name("new_profile.md.tmpl").read_text("utf-8"))
TO_BE_ADDED = "To be added"


def template(name: str) -> str:
    fields = profile_schema.Profile.model_fields
    values = {
        "name": name,
        "role": TO_BE_ADDED,
        "organisation": TO_BE_ADDED,
        "country": TO_BE_ADDED,
        "region": None,
        "sector": None,
        "summary": f"{name}: a profile to be written from public sources.",
        "status": "outline",
        "sources": [],
        "contributors": [TO_BE_ADDED],
    }
    examples = {
        "name_native": "{text: 王芳, lang: zh-Hans}",
        "area": "Balochistan",
        "posts": "[{title: Deputy Commissioner, start: 2023-09, reported: 2024-05}]",
        # Only after an editor has checked every fact against its sources: never by default.
        "last_reviewed": datetime.date.today().isoformat(),
        "image": "{src: jane-doe.jpg, alt: Jane Doe at her desk, credit: Photographer, licence: CC BY 4.0}",
    }
    lines = []
    for field, info in fields.items():
        lines.append(f"# {field}: {info.description}{'' if info.is_required() else ' (optional)'}")
        if field in values:
            value = yaml.safe_dump({field: values[field]}, allow_unicode=True, default_flow_style=True, width=1000).strip()
            lines.append(value[1:-1] if value.startswith("{") else value)
        else:
            lines.append(f"# {field}: {examples[field]}")
    return TEMPLATE.substitute(fields="\n".join(lines), name=name)


def shown(path: Path) -> str:
    """``path`` as the user would type it: from the current folder if it is inside it."""
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative


class Refused(Exception):
    """A page that is not written, with the reason and what to do instead."""


def choose_slug(name: str, slug: str | None, give_slug: str) -> str:
    """The page's file name without ``.md``: ``slug`` if given, else made from ``name``.
    ``give_slug`` says how to give one (``SLUG=...`` for make, ``--slug ...`` for a tool)."""
    slug = slug or profile_schema.slugify(name)
    if not slug:
        raise Refused(f'"{name}" has no Latin letters to make a file name from; give one: {give_slug.format(slug="family-name-given-name")}')
    if not profile_schema.SLUG.match(slug):
        raise Refused(f"`{slug}` is not a slug; use lowercase letters, digits and hyphens, e.g. {profile_schema.slugify(slug) or 'jane-doe'}")
    return slug


def create(path: Path, text: str, give_slug: str) -> None:
    """Write a new profile page at ``path``, which must not exist: a contributor's page is never
    overwritten. ``text`` has passed the schema (the callers check it first)."""
    data, problems = profile_schema.check(text)
    assert data and not problems, problems
    try:
        with path.open("x", encoding="utf-8") as file:
            file.write(text)
    except FileExistsError:
        raise Refused(f"{shown(path)} exists already; nothing was written. Edit it, or choose another {give_slug.format(slug='...')}") from None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", help='the person\'s name, e.g. "Jane Doe"')
    parser.add_argument("--slug", help="file name without .md (needed for names without Latin letters)")
    args = parser.parse_args(argv)
    name = args.name.strip()
    if not name:
        sys.exit('make profile: give the name, e.g. make profile NAME="Jane Doe"')
    try:
        slug = choose_slug(name, args.slug, f'make profile NAME="{name}" SLUG={{slug}}')
        path = PROFILES / f"{slug}.md"
        create(path, template(name), "SLUG={slug}")  # the template itself is always valid
    except Refused as refused:
        sys.exit(f"make profile: {refused}")
    print(f"Created {shown(path)}: fill in its fields, then preview it with `make serve`.")


if __name__ == "__main__":
    main()
