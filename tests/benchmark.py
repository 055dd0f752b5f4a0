"""Speed and size of the build at 10, 100 and 1,000 profiles (``make bench``; prints figures).

For each N, a copy of the project with N synthetic profiles (beside the ten real ones;
tests/synthetic.py) is built by the project's own Makefile, and the script prints: the clean
build time and peak memory of each format (one environment, as in ``make``: the site's build
reads the sources for all three) and of ``make`` as a whole, the rebuild after editing one profile
(the site alone, and ``make`` as a whole) and after renaming one (the site alone), a no-op
``make``, the live preview through ``make serve`` (from saving a profile to the served page
showing it, and to the open tab in Chromium showing it), the first visit's compressed bytes, and
the output sizes.
Then, for each figure, how it grows with N (the exponent of a power-law fit). Usage:

    make bench                      # N = 10, 100, 1000
    make bench SIZES="10 100"       # fewer sizes
    make bench SIZES=1000 ONLY=preview   # the live preview alone (its first build is the site's)
    make bench ONLY=search          # the search alone (below)

The search is measured on a copy of its own whose synthetic profiles are prose (sentences of the
real profiles, varied: synthetic.populate(prose=True)), since one repeated sentence would keep any
index small: the compressed bytes a first one-word query transfers in Chromium (Pagefind's files
and the search page's script), and Pagefind's index time.
"""

from __future__ import annotations

import gzip
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "_ext"), str(ROOT / "tests")]

import synthetic  # noqa: E402
from conftest import PROJECT_FILES  # noqa: E402
from test_preview import Preview, free_port  # noqa: E402

VENV = ROOT / ".venv"
FORMATS = ("html", "pdf", "epub")


def timed(command: list[str], cwd: Path) -> tuple[float, float, str]:
    """Wall seconds, peak memory (MB, of the largest process), output."""
    start = time.perf_counter()
    result = subprocess.run(["/usr/bin/time", "-f", "%M", *command], cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if result.returncode:
        sys.exit(f"failed: {' '.join(command)}\n{result.stdout}\n{result.stderr}")
    peak_kb = int(result.stderr.strip().splitlines()[-1])
    return wall, peak_kb / 1024, result.stdout + result.stderr


def make(project: Path, *targets: str) -> list[str]:
    return ["make", "--no-print-directory", f"VENV={VENV}", "SPHINXOPTS=-W --keep-going -n", *targets]


def edit(page: Path, sentence: str) -> None:
    time.sleep(0.05)  # an edit within the file system's clock tick of the last build looks older to make
    page.write_text(page.read_text("utf-8") + f"\n{sentence}\n", "utf-8")


def retitle(page: Path, title: str) -> None:
    """A new name for the profile of ``page`` (its title, shown on the gallery and its neighbours)."""
    time.sleep(0.05)
    page.write_text(re.sub(r"(?m)^name: .*$", f"name: {title}", page.read_text("utf-8"), count=1), "utf-8")


def edits(project: Path, page: Path, command: list[str], change=None) -> float:
    """The median wall time of three changes of ``page`` (a sentence added, unless ``change`` is
    given), each followed by ``command``."""
    samples = []
    for attempt in range(3):
        if change:
            change(page, attempt)
        else:
            edit(page, f"A sentence for the benchmark ({attempt}).")
        samples.append(timed(command, project)[0])
    return sorted(samples)[1]


def preview(project: Path, page: Path) -> dict[str, float]:
    """``make serve`` as a contributor runs it, three saves of ``page``: the median time from the
    save to the served page showing it, and to the open tab showing it (reloaded by itself)."""
    from browser_site import chromium

    server = Preview(project, free_port())
    address = page.relative_to(project).with_suffix(".html").as_posix()

    def shows(sentence: str) -> bool:
        try:
            return sentence in server.get(address)
        except (OSError, urllib.error.URLError):
            return False

    try:
        server.wait_for(lambda: "Preview at " in server.text(), "first build", timeout=1800)
        served, reloaded = [], []
        with chromium() as browser:
            tab = browser.new_page()
            tab.goto(server.url + address)
            for attempt in range(3):
                sentence = f"A sentence saved in the preview ({attempt})."
                time.sleep(0.5)  # the previous build's writing is over
                start = time.perf_counter()
                page.write_text(page.read_text("utf-8") + f"\n{sentence}\n", "utf-8")
                server.wait_for(lambda: shows(sentence), "saved page", timeout=300, every=0.01)
                served.append(time.perf_counter() - start)
                tab.wait_for_function(f"() => document.body && document.body.textContent.includes({sentence!r})", timeout=300_000, polling=10)
                reloaded.append(time.perf_counter() - start)
        return {"preview (make serve): save to served page s": statistics.median(served),
                "preview (make serve): save to reloaded tab s": statistics.median(reloaded)}
    finally:
        server.stop()


def compressed_kb(path: Path) -> float:
    return len(gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)) / 1024


def first_visit_kb(site: Path) -> float:
    """The landing page with every stylesheet and script it links, compressed as a host sends them."""
    landing = site / "index.html"
    linked = set(re.findall(r'(?:href|src)="([^"#?]+\.(?:css|js))', landing.read_text("utf-8")))
    return compressed_kb(landing) + sum(compressed_kb(site / ref) for ref in linked if (site / ref).is_file())


def size_mb(path: Path) -> float:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files) / 1e6


def heaviest_page_kb(site: Path) -> tuple[str, float]:
    """The largest page with the local styles, scripts and images it references."""
    best = ("", 0.0)
    for page in site.rglob("*.html"):
        html = page.read_text("utf-8")
        total = len(html.encode())
        for ref in set(re.findall(r'(?:href|src)="([^"#?]+\.(?:css|js|png|svg|jpg))', html)):
            asset = (page.parent / ref).resolve()
            total += asset.stat().st_size if asset.is_file() else 0
        if total > best[1]:
            best = (page.relative_to(site).as_posix(), total)
    return best[0], best[1] / 1e3


SEARCH_WORD = "budget"


def search_figures(count: int) -> dict[str, float]:
    from browser_site import chromium, open_page, serve

    with tempfile.TemporaryDirectory(prefix=f"bench-search-{count}-") as temp:
        project = Path(temp) / "project"
        shutil.copytree(ROOT, project, ignore=PROJECT_FILES)
        synthetic.populate(project, count, prose=True)
        _, _, log = timed(make(project, "_build/work/.stamps/html"), project)
        site = project / "_build" / "work" / "html"
        figures = {"search: Pagefind index s": float(re.search(r"Pagefind indexed \d+ pages in ([\d.]+) s", log).group(1))}
        with serve(site) as served, chromium() as browser:
            context = browser.new_context()
            page, load = open_page(context, served.url(f"search.html?q={SEARCH_WORD}"))
            page.wait_for_function("() => / found /.test(document.getElementById('pagefind-status').textContent)", timeout=120_000)
            page.wait_for_load_state("networkidle")
            # Pagefind's files are gzip-compressed already; a host compresses the scripts.
            query = [min(len(body), len(gzip.compress(body, 6, mtime=0))) for r in load.responses
                     if ("/pagefind/" in r.url or "/search.js" in r.url) and (body := r.body())]
            context.close()
        figures["search: first query, compressed KB"] = sum(query) / 1024
        figures["search: Pagefind bundle MB"] = size_mb(site / "pagefind")
    print(f"  N={count}: " + "; ".join(f"{name} {value:.2f}" for name, value in figures.items()), flush=True)
    return figures


def measure(count: int) -> dict[str, float]:
    if os.environ.get("ONLY") == "search":
        return search_figures(count)
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix=f"bench-{count}-") as temp:
        project = Path(temp) / "project"
        shutil.copytree(ROOT, project, ignore=PROJECT_FILES)
        pages = synthetic.populate(project, count)
        if os.environ.get("ONLY") == "preview":
            figures.update(preview(project, pages[count // 2]))
            print(f"  N={count}: " + "; ".join(f"{name} {value:.2f}" for name, value in figures.items()), flush=True)
            return figures
        work = project / "_build" / "work"
        # Clean builds in new processes, as on a fresh machine (and so /usr/bin/time sees their memory).
        # One environment serves the three, as in `make`: the first (the site) reads every source.
        for fmt in FORMATS:
            wall, peak, log = timed(make(project, f"_build/work/.stamps/{fmt}"), project)
            figures[f"clean {fmt} s"], figures[f"clean {fmt} peak MB"] = wall, peak
            if fmt == "pdf":
                match = re.search(r"pdf timings: book ([\d.]+) s, (\d+) separate PDFs ([\d.]+) s, wall ([\d.]+) s", log)
                figures["companion PDF s"], figures["profile PDFs s (CPU)"] = float(match.group(1)), float(match.group(3))
        figures["clean make (publish) s"] = timed(make(project, "all"), project)[0]
        figures["clean make, every format s"] = sum(figures[f"clean {fmt} s"] for fmt in FORMATS) + figures["clean make (publish) s"]
        figures["clean make, peak MB"] = max(figures[f"clean {fmt} peak MB"] for fmt in FORMATS)

        edited = pages[count // 2]
        figures["edit: site only s"] = edits(project, edited, make(project, "_build/work/.stamps/html"))
        renamed = pages[count // 2 + 1]
        figures["rename: site only s"] = edits(project, renamed, make(project, "_build/work/.stamps/html"),
                                               lambda page, attempt: retitle(page, f"Renamed person {attempt}"))
        edit(edited, "And one for make as a whole.")
        wall, _, log = timed(make(project, "all"), project)
        figures["edit: make s"] = wall
        figures["edit: PDFs re-rendered"] = float(re.search(r"rendering (\d+) of", log).group(1))
        figures["no-op make s"] = min(timed(make(project, "all"), project)[0] for _ in range(3))

        figures.update(preview(project, edited))

        site = project / "_build" / "html"
        figures["first visit, compressed KB"] = first_visit_kb(site)
        figures["median page HTML, compressed KB"] = statistics.median(compressed_kb(page) for page in site.rglob("*.html"))
        figures["site MB"] = size_mb(site)
        figures["companion PDF MB"] = size_mb(work / "pdf" / "mission-driven-bureaucrats-companion.pdf")
        figures["ePub MB"] = size_mb(work / "epub" / "mission-driven-bureaucrats-companion.epub")
        page, kb = heaviest_page_kb(site)
        figures["largest page with resources KB"] = kb
        print(f"  N={count}: largest page {page}", flush=True)
    figures.update(search_figures(count))
    # Each size as soon as it is measured: the largest takes long.
    print(f"  N={count}: " + "; ".join(f"{name} {value:.2f}" for name, value in figures.items()), flush=True)
    return figures


def exponent(sizes: list[int], values: list[float]) -> float:
    """Slope of log(value) against log(N): 1 is linear growth."""
    points = [(math.log(n), math.log(v)) for n, v in zip(sizes, values) if v > 0]
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / sum((x - mean_x) ** 2 for x, _ in points)


def main() -> None:
    sizes = [int(n) for n in os.environ.get("SIZES", "10 100 1000").split()]
    print(f"Benchmark on {os.cpu_count()} cores; sizes {sizes}", flush=True)
    results = {n: measure(n) for n in sizes}
    names = list(results[sizes[0]])
    print(f"\n| figure | {' | '.join(f'N={n}' for n in sizes)} | growth exponent |")
    print(f"| --- | {' | '.join('---' for _ in sizes)} | --- |")
    for name in names:
        values = [results[n][name] for n in sizes]
        growth = f"{exponent(sizes, values):.2f}" if len(sizes) > 1 and "no-op" not in name else ""
        print(f"| {name} | {' | '.join(f'{v:.2f}' for v in values)} | {growth} |")


if __name__ == "__main__":
    main()
