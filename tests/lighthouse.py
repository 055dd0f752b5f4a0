"""Benchmark (not a test): Lighthouse's four category scores for the landing page, the gallery and
a profile, the built site served on 127.0.0.1 as tests/browser_site.py serves it.

    make lighthouse            (builds the site first)

Lighthouse 12.2.3 (npm, package.json) runs Debian's Chromium (CHROME_PATH) with its default mobile
emulation and simulated throttling. The target is 100 in all four categories.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from browser_site import CHROMIUM, CHROMIUM_ARGS, NODE_MODULES, serve

PAGES = {"landing page": "index.html", "gallery": "profiles/index.html", "profile": "profiles/batool-asadi.html"}
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


def scores(url: str) -> tuple[dict[str, int], list[str]]:
    """The category scores, and the audits that cost points."""
    result = subprocess.run(
        [
            str(NODE_MODULES / ".bin" / "lighthouse"), url, "--quiet", "--output=json",
            f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={' '.join(CHROMIUM_ARGS)}",
        ],
        capture_output=True, text=True, check=True, env={**os.environ, "CHROME_PATH": CHROMIUM},
    )
    report = json.loads(result.stdout)
    figures = {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}
    failing = sorted(
        audit["id"]
        for category in report["categories"].values()
        for ref in category["auditRefs"]
        if ref["weight"] and (audit := report["audits"][ref["id"]])["score"] is not None and audit["score"] < 1
    )
    return figures, failing


def main(html: Path) -> None:
    with serve(html) as site:
        print(f"{'page':14}" + "".join(f"{name:>16}" for name in CATEGORIES))
        for label, page in PAGES.items():
            figures, failing = scores(site.url(page))
            print(f"{label:14}" + "".join(f"{figures[name]:>16}" for name in CATEGORIES) + (f"   (losing: {', '.join(failing)})" if failing else ""))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "_build" / "html")
