"""Create a new profile page: ``make profile NAME="Jane Doe" [SLUG=jane-doe]``.

Writes ``profiles/<slug>.md`` from ``new_profile.md.tmpl``, with every field of the schema
(:mod:`profile_schema`) and its explanation as a comment. The page is a valid ``outline`` at
once: it builds and appears in the gallery, and says plainly what is still to be added. A name
without Latin letters needs an explicit ``--slug``. An existing file is never overwritten.
"""

import argparse
import datetime
import string
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "_ext"))
import profile_schema  # noqa: E402

PROFILES = Path(__file__).parent.parent / "profiles"
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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", help='the person\'s name, e.g. "Jane Doe"')
    parser.add_argument("--slug", help="file name without .md (needed for names without Latin letters)")
    args = parser.parse_args(argv)
    name = args.name.strip()
    if not name:
        sys.exit('make profile: give the name, e.g. make profile NAME="Jane Doe"')
    slug = args.slug or profile_schema.slugify(name)
    if not slug:
        sys.exit(f'make profile: "{name}" has no Latin letters to make a file name from; give one: make profile NAME="{name}" SLUG=family-name-given-name')
    if not profile_schema.SLUG.match(slug):
        sys.exit(f"make profile: `{slug}` is not a slug; use lowercase letters, digits and hyphens, e.g. {profile_schema.slugify(slug) or 'jane-doe'}")
    path = PROFILES / f"{slug}.md"
    if path.exists():
        sys.exit(f"make profile: {path.relative_to(PROFILES.parent)} exists already; nothing was written. Edit it, or choose another SLUG=...")
    text = template(name)
    data, problems = profile_schema.check(text)
    assert data and not problems, problems  # the template itself must always be valid
    with path.open("x", encoding="utf-8") as file:
        file.write(text)
    print(f"Created {path.relative_to(PROFILES.parent)}: fill in its fields, then preview it with `make serve`.")


if __name__ == "__main__":
    main()
