"""Schema-valid synthetic profiles, for the benchmark and the incremental-build tests.

They are plainly fictitious ("Synthetic person 0042", example.org sources) and vary like real
ones: length, a portrait on every third page, names in several scripts.
"""

from __future__ import annotations

import random
from pathlib import Path

from PIL import Image

import profile_schema

NATIVE = [("ur", "مصنوعی شخص"), ("hi", "कृत्रिम व्यक्ति"), ("zh-Hans", "合成人物"), ("ar", "شخص اصطناعي"), (None, None)]
SENTENCE = "This synthetic public servant stands in for a real one, so that the build can be measured at scale."


def profile(number: int, rng: random.Random, folder: Path) -> str:
    lang, native = NATIVE[number % len(NATIVE)]
    name = f"Synthetic person {number:04d}"
    lines = [
        "---",
        f"name: {name}",
        *([f"name_native: {{text: {native} {number}, lang: {lang}}}"] if lang else []),
        "role: Budget officer",
        "organisation: Ministry of Examples",
        "country: Exampleland",
        f"region: {profile_schema.REGIONS[number % len(profile_schema.REGIONS)]}",
        f"sector: {profile_schema.SECTORS[number % len(profile_schema.SECTORS)]}",
        f"summary: A synthetic profile, number {number}, made to measure the build.",
        "status: sketch",
        "sources:",
        "  - key: report",
        f"    title: Synthetic report {number}",
        f"    url: https://example.org/report/{number}",
        "    publisher: Example Press",
        "    date: 2024-05-01",
    ]
    if number % 3 == 0:
        portrait = f"synthetic-{number:04d}.png"
        Image.new("RGB", (240, 300), (rng.randrange(256), rng.randrange(256), rng.randrange(256))).save(folder / portrait)
        lines += ["image:", f"  src: {portrait}", f"  alt: A plain coloured square standing in for a portrait of {name}", "  credit: Generated", "  licence: CC0"]
    lines += ["contributors: [Benchmark]", "last_reviewed: 2026-11-29", "---", ""]
    for section in range(rng.randint(2, 6)):
        lines += [f"## Part {section + 1}", "", " ".join([SENTENCE] * rng.randint(2, 12)) + "{cite}`report`", ""]
    return "\n".join(lines)


def populate(project: Path, count: int, *, seed: int = 7) -> list[Path]:
    """Write ``count`` synthetic profiles into ``project/profiles``, beside the real ones."""
    folder = project / "profiles"
    rng = random.Random(seed)
    pages = []
    for number in range(count):
        page = folder / f"synthetic-person-{number:04d}.md"
        page.write_text(profile(number, rng, folder), "utf-8")
        pages.append(page)
    return pages
