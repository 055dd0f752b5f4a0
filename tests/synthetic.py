"""Schema-valid synthetic profiles, for the benchmark and the incremental-build tests.

They are plainly fictitious ("Synthetic person 0042", example.org sources) and vary like real
ones: length, a portrait on every third page, names in several scripts. By default their text
repeats one sentence; ``prose=True`` (the search benchmark) gives text whose vocabulary grows as
real prose does: sentences of the real profiles, where some longer words are swapped for made-up
ones drawn with Zipf's law, so that each page brings a few new words (never published: benchmark
input only).
"""

from __future__ import annotations

import itertools
import random
import re
from pathlib import Path

from PIL import Image

import profile_schema

NATIVE = [("ur", "مصنوعی شخص"), ("hi", "कृत्रिम व्यक्ति"), ("zh-Hans", "合成人物"), ("ar", "شخص اصطناعي"), (None, None)]
SENTENCE = "This synthetic public servant stands in for a real one, so that the build can be measured at scale."
SYLLABLES = ["ka", "ro", "mi", "ten", "sa", "lo", "vi", "dur", "ne", "pa", "gel", "tu", "bri", "om", "sha", "ly"]
# Made-up words, ranked: the n-th is drawn with a weight of 1/n (Zipf's law).
WORDS = ["".join(parts) for parts in itertools.islice(itertools.product(SYLLABLES, repeat=3), 4000)]
WEIGHTS = list(itertools.accumulate(1 / rank for rank in range(1, len(WORDS) + 1)))


def real_sentences() -> list[str]:
    """The sentences of the real profiles' text, without Markdown's markup."""
    sentences = []
    for page in sorted((Path(__file__).resolve().parent.parent / "profiles").glob("*.md")):
        text = page.read_text("utf-8").split("\n---\n", 1)[-1]
        text = re.sub(r"\{cite\}`[^`]*`|^[#:].*$", "", text, flags=re.MULTILINE)  # citations, headings, directives' lines
        text = re.sub(r"\{lang\}`[\w-]+:([^`]*)`|\[([^\]]*)\]\([^)]*\)", r"\1\2", text)  # names in other scripts, links
        text = re.sub(r"[`*_{}\[\]<>#|\\]", "", text)
        sentences += [s.strip() for s in re.split(r"(?<=[.!?])\s+", " ".join(text.split())) if len(s.split()) > 4]
    return sentences


def varied(sentence: str, rng: random.Random) -> str:
    """``sentence`` with about one longer word in four swapped for a made-up one."""
    return " ".join(
        rng.choices(WORDS, cum_weights=WEIGHTS)[0] if len(word) > 6 and rng.random() < 0.25 else word
        for word in sentence.split()
    )


def profile(number: int, rng: random.Random, folder: Path, prose: list[str] | None = None) -> str:
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
        count = rng.randint(2, 12)
        text = " ".join(varied(rng.choice(prose), rng) for _ in range(count)) if prose else " ".join([SENTENCE] * count)
        lines += [f"## Part {section + 1}", "", text + "{cite}`report`", ""]
    return "\n".join(lines)


def populate(project: Path, count: int, *, seed: int = 7, prose: bool = False) -> list[Path]:
    """Write ``count`` synthetic profiles into ``project/profiles``, beside the real ones (with
    ``prose``, text drawn from the real profiles instead of one repeated sentence)."""
    folder = project / "profiles"
    rng = random.Random(seed)
    sentences = real_sentences() if prose else None
    pages = []
    for number in range(count):
        page = folder / f"synthetic-person-{number:04d}.md"
        page.write_text(profile(number, rng, folder, sentences), "utf-8")
        pages.append(page)
    return pages
