"""Speed and size of the build at 10, 100 and 1,000 profiles (``make bench``; prints figures).

For each N, a copy of the project with N synthetic profiles (beside the ten real ones;
tests/synthetic.py) is built by the project's own Makefile, and the script prints: the clean
build time and peak memory of each format, the incremental rebuild after editing one profile (the
site alone, through the build server and in a new process, and ``make`` as a whole), the warm
live-preview rebuild, a no-op ``make``, and the output sizes. Then, for each figure, how it grows
with N (the exponent of a power-law fit). Usage:

    make bench                      # N = 10, 100, 1000
    make bench SIZES="10 100"       # fewer sizes
"""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "_ext"), str(ROOT / "tests")]

import synthetic  # noqa: E402
from conftest import PROJECT_FILES  # noqa: E402
from preview import WarmBuilder  # noqa: E402

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


def make(project: Path, *targets: str, warm: bool = True) -> list[str]:
    """``make`` in ``project``; ``warm=False`` starts a new sphinx-build per format instead of
    forking from the build server (_ext/build_server.py)."""
    return ["make", "--no-print-directory", f"VENV={VENV}", "SPHINXOPTS=-W --keep-going -n", f"WARM={int(warm) or ''}", *targets]


def edit(page: Path, sentence: str) -> None:
    time.sleep(0.05)  # an edit within the file system's clock tick of the last build looks older to make
    page.write_text(page.read_text("utf-8") + f"\n{sentence}\n", "utf-8")


def stop_server(project: Path) -> None:
    subprocess.run([VENV / "bin" / "python", project / "_ext" / "build_server.py", "--stop"], check=True)


def edits(project: Path, page: Path, command: list[str], *, cold_server: bool = False) -> float:
    """The median wall time of three edits of ``page``, each followed by ``command``
    (``cold_server``: with no build server running before each)."""
    samples = []
    for attempt in range(3):
        if cold_server:
            stop_server(project)
        edit(page, f"A sentence for the benchmark ({attempt}).")
        samples.append(timed(command, project)[0])
    return sorted(samples)[1]


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


def measure(count: int) -> dict[str, float]:
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix=f"bench-{count}-") as temp:
        project = Path(temp) / "project"
        shutil.copytree(ROOT, project, ignore=PROJECT_FILES)
        pages = synthetic.populate(project, count)
        try:
            work = project / "_build" / "work"
            # Clean builds in new processes, as on a fresh machine (and so /usr/bin/time sees their memory).
            for fmt in FORMATS:
                wall, peak, log = timed(make(project, f"_build/work/.stamps/{fmt}", warm=False), project)
                figures[f"clean {fmt} s"], figures[f"clean {fmt} peak MB"] = wall, peak
                if fmt == "pdf":
                    match = re.search(r"pdf timings: book ([\d.]+) s, (\d+) separate PDFs ([\d.]+) s, wall ([\d.]+) s", log)
                    figures["book PDF s"], figures["profile PDFs s (CPU)"] = float(match.group(1)), float(match.group(3))
            figures["clean make (publish) s"] = timed(make(project, "all", warm=False), project)[0]

            site_only = make(project, "_build/work/.stamps/html")
            edited = pages[count // 2]
            figures["edit: site only, first s"] = edits(project, edited, site_only, cold_server=True)
            figures["edit: site only s"] = edits(project, edited, site_only)
            figures["edit: site only, new process s"] = edits(project, edited, make(project, "_build/work/.stamps/html", warm=False))
            edit(edited, "And one for make as a whole.")
            wall, _, log = timed(make(project, "all"), project)
            figures["edit: make s"] = wall
            figures["edit: PDFs re-rendered"] = float(re.search(r"rendering (\d+) of", log).group(1))
            figures["no-op make s"] = min(timed(make(project, "all"), project)[0] for _ in range(3))

            # In a process of its own: extensions are modules, loaded once per process and project.
            preview = subprocess.run([sys.executable, __file__, "preview", str(project), str(edited)], capture_output=True, text=True, check=True)
            figures["preview: save to page s"] = float(preview.stdout.split()[-1])

            site = project / "_build" / "html"
            figures["site MB"] = size_mb(site)
            figures["book PDF MB"] = size_mb(work / "pdf" / "mission-driven-bureaucrats-companion.pdf")
            figures["ePub MB"] = size_mb(work / "epub" / "mission-driven-bureaucrats-companion.epub")
            page, kb = heaviest_page_kb(site)
            figures["largest page with resources KB"] = kb
            print(f"  N={count}: largest page {page}", flush=True)
        finally:  # the server of this copy of the project
            stop_server(project)
    # Each size as soon as it is measured: the largest takes long.
    print(f"  N={count}: " + "; ".join(f"{name} {value:.2f}" for name, value in figures.items()), flush=True)
    return figures


def preview(project: Path, edited: Path) -> float:
    """The median of three saves of ``edited`` to the page rewritten by the warm preview."""
    warm = WarmBuilder(project, project / "_build" / "preview", quiet=True)
    warm()
    samples = []
    for attempt in range(3):
        edited.write_text(edited.read_text("utf-8") + f"\nA live edit, {attempt}.\n", "utf-8")
        start = time.perf_counter()
        warm(changed_paths=[edited])
        samples.append(time.perf_counter() - start)
    return sorted(samples)[1]


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
    if sys.argv[1:2] == ["preview"]:
        print(preview(Path(sys.argv[2]), Path(sys.argv[3])))
    else:
        main()
