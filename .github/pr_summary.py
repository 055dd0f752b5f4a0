"""The job summary of a pull request's check (.github/workflows/check-pages.yml): where to see the
pull request's preview on Read the Docs, each changed profile's page and PDF in it, and every
problem the build reported, linked to its line (GitHub shows at most ten error annotations per
step; the summary lists them all).

The problems are read from the build's log with the problem matcher the workflow gives GitHub
(``.github/sphinx-problems.json``), applied as GitHub's runner applies it (:func:`annotations`),
so the summary lists what the pull request's annotations show. The standard library only: it runs
with the container's Python, after a failed build too.

    python .github/pr_summary.py --log build.log --pr 42 --project mission-driven-bureaucrats \\
        --repository owner/name --sha <commit> --failed profiles/jane-doe.md ... >> "$GITHUB_STEP_SUMMARY"
"""

from __future__ import annotations

import argparse
import json
import re
from dataclasses import dataclass
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "_ext"))
import locations  # noqa: E402  (which pages are profiles, and where their pages and PDFs are)

ROOT = Path(__file__).resolve().parent.parent
MATCHER = Path(__file__).with_name("sphinx-problems.json")
COLOUR = re.compile(r"\x1b\[[0-9;]*m?")  # the runner strips colour codes before matching


@dataclass(frozen=True)
class Annotation:
    file: str | None  # relative to the repository; None where GitHub would drop it
    line: int | None
    message: str


def annotations(log: str, root: Path = ROOT, matcher: Path = MATCHER) -> list[Annotation]:
    """What GitHub makes of ``log`` with the problem matcher: each line that the (single-line)
    pattern matches becomes one annotation, its file made relative to the repository at ``root``
    (a relative path is taken from the workspace, the repository's root), and dropped if no such
    file exists there, as the runner does."""
    [config] = json.loads(matcher.read_text("utf-8"))["problemMatcher"]
    [pattern] = config["pattern"]
    regexp = re.compile(pattern["regexp"])
    found = []
    for line in log.splitlines():
        match = regexp.search(COLOUR.sub("", line))
        if not match or not match[pattern["message"]].strip():
            continue
        file = match[pattern["file"]] if "file" in pattern else None
        number = match[pattern["line"]] if "line" in pattern else None
        if file:
            path = (root / file).resolve()
            file = path.relative_to(root.resolve()).as_posix() if path.is_file() and path.is_relative_to(root.resolve()) else None
        found.append(Annotation(file, int(number) if number else None, match[pattern["message"]]))
    return found


def preview_address(project: str, pr: int) -> str:
    """Read the Docs' address of a pull request's preview build."""
    return f"https://{project}--{pr}.org.readthedocs.build/en/{pr}/"


def profile_name(path: Path) -> str:
    """The ``name:`` of a page's front matter; its file name where it has none."""
    match = re.search(r"\A---\n(?:.*\n)*?name:[ \t]*(.+?)[ \t]*\n", path.read_text("utf-8") if path.is_file() else "")
    return match[1].strip("\"'") if match else path.stem


def summary(log: str, pr: int, project: str, repository: str, sha: str, changed: list[str], failed: bool, root: Path = ROOT) -> str:
    preview = preview_address(project, pr)
    lines = [
        "## The preview",
        "",
        f"Read the Docs builds the site of this pull request at <{preview}>, a few minutes after each push "
        "(when the build below passes; the project's pull-request builds must be turned on).",
        "",
    ]
    profiles = [Path(path) for path in changed if path.endswith(".md") and locations.is_profile(path.removesuffix(".md"))]
    if profiles:
        lines += ["The profiles this pull request adds or changes:", ""]
        for path in profiles:
            docname = path.with_suffix("").as_posix()
            page, pdf = preview + locations.page(docname), preview + locations.profile_pdf(docname)
            lines.append(f"- {profile_name(root / path)}: [its page]({page}) and [its PDF]({pdf})")
        lines.append("")
    found = annotations(log, root)
    if found:
        lines += [f"## What to fix ({len(found)})", "", "Each is also marked on its line under **Files changed**.", ""]
        lines += ["| where | what is wrong, and what to do |", "| --- | --- |"]
        for item in found:
            if item.file:
                where = f"{item.file}:{item.line}" if item.line else item.file
                link = f"https://github.com/{repository}/blob/{sha}/{item.file}" + (f"#L{item.line}" if item.line else "")
                cell = f"[`{where}`]({link})"
            else:
                cell = "(the build)"
            lines.append(f"| {cell} | {item.message.replace('|', chr(92) + '|')} |")
    elif failed:
        lines += ["## What to fix", "", "The build failed without naming a file and line: its log, above, says why."]
    else:
        lines += ["## Checks", "", "Every check passed, and every format built."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--log", type=Path, required=True, help="the build's output")
    parser.add_argument("--pr", type=int, required=True)
    parser.add_argument("--project", required=True, help="the Read the Docs project's slug")
    parser.add_argument("--repository", required=True, help="owner/name on GitHub")
    parser.add_argument("--sha", required=True, help="the commit the links to lines point at")
    parser.add_argument("--failed", action="store_true", help="the build failed")
    parser.add_argument("changed", nargs="*", help="the files the pull request adds or changes")
    args = parser.parse_args()
    log = args.log.read_text("utf-8", errors="replace") if args.log.is_file() else ""
    print(summary(log, args.pr, args.project, args.repository, args.sha, args.changed, args.failed), end="")


if __name__ == "__main__":
    main()
