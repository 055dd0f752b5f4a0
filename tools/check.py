"""``make check``: the checks a profile edit can break, in well under a minute.

`make check` first builds the site and the ePub as `make` does (incrementally, warnings as
errors), so every page's front matter is checked against the schema and its Markdown by the
content guard, each problem reported with file and line. Then this script

1. picks the profiles to check: those named (``make check PROFILES="slug ..."``), else those
   changed since the last commit (``git status``), else every profile;
2. prints their PDFs, with the project's options (warnings as errors), but not the companion PDF,
   which is most of `make`'s time and grows with every profile: the book of this ``-b pdf`` build
   is the first profile checked (``root_doc``), so every other page is outside its contents, and
   that warning (``toc.not_included``) alone is quieted here (the site's build reports it);
3. checks each profile's own pages in the three formats: its site page (its name as the heading,
   the link to its PDF), its PDF (its name on the first page) and its chapter of the ePub.

`make` builds and publishes every format; `make test` is the whole gate.
"""

import argparse
import runpy
import shlex
import subprocess
import sys
import zipfile
from pathlib import Path

import pypdf
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "_ext"))
import locations  # noqa: E402
import profile_schema  # noqa: E402

PROFILES = ROOT / locations.PROFILES


def changed_profiles() -> list[str]:
    """The profiles added or edited since the last commit (none outside a git checkout)."""
    try:
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=all", "--", locations.PROFILES],
            cwd=ROOT, capture_output=True, text=True, check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return []
    paths = {ROOT / line[3:].split(" -> ")[-1].strip('"') for line in status.splitlines()}
    return sorted(path.stem for path in paths if path.parent == PROFILES and path.suffix == ".md" and path.stem != "index" and path.is_file())


def build_pdfs(slugs: list[str], work: Path, sphinx_build: str, options: str) -> bool:
    suppressed = [*runpy.run_path(str(ROOT / "conf.py"))["suppress_warnings"], "toc.not_included"]
    command = [
        sphinx_build, *shlex.split(options), "-j", "auto", "-b", "pdf",
        "-D", f"root_doc=profiles/{slugs[0]}",
        "-D", "pdf_profiles_only=" + ",".join(f"profiles/{slug}" for slug in slugs),
        "-D", "suppress_warnings=" + ",".join(suppressed),
        "-d", str(work / "doctrees-check"), str(ROOT), str(work / "check"),
    ]
    return subprocess.run(command, cwd=ROOT).returncode == 0


def problems(slug: str, work: Path, epub: Path) -> list[str]:
    """What is missing from the profile's own pages, each naming its file."""
    data, found = profile_schema.check((PROFILES / f"{slug}.md").read_text("utf-8"))
    if found:  # the site's build has reported them with their lines
        return [f"profiles/{slug}.md: its front matter is not valid"]
    name, wrong = data["name"], []
    docname = f"{locations.PROFILES}/{slug}"
    page = work / "html" / locations.page(docname)
    soup = BeautifulSoup(page.read_text("utf-8"), "html.parser") if page.is_file() else None
    if soup is None or name not in soup.find("h1").get_text():
        wrong.append(f"{page}: the site page does not carry the heading {name!r}")
    elif soup.find("a", href=locations.link(docname, locations.profile_pdf(docname))) is None:
        wrong.append(f"{page}: the site page does not link to its PDF")
    pdf = work / "check" / f"{docname}.pdf"
    if not pdf.is_file() or name not in " ".join(pypdf.PdfReader(pdf).pages[0].extract_text().split()):
        wrong.append(f"{pdf}: the PDF does not show {name!r} on its first page")
    with zipfile.ZipFile(epub) as book:
        chapter = f"profiles/{slug}.xhtml"
        if chapter not in book.namelist() or name not in book.read(chapter).decode("utf-8"):
            wrong.append(f"{epub}: the ePub has no chapter {chapter} with {name!r}")
    return wrong


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--work", type=Path, required=True, help="the Makefile's work folder (WORK)")
    parser.add_argument("--sphinx-build", default="sphinx-build")
    parser.add_argument("--options", default="-W --keep-going -n -q", help="the Makefile's SPHINXOPTS")
    parser.add_argument("slugs", nargs="*", help="the profiles to check (default: those changed since the last commit)")
    args = parser.parse_args()
    work = args.work if args.work.is_absolute() else ROOT / args.work

    named = [slug.removeprefix("profiles/").removesuffix(".md") for slug in args.slugs]
    unknown = [slug for slug in named if not (PROFILES / f"{slug}.md").is_file() or slug == "index"]
    if unknown:
        print(f"make check: no profile {', '.join(unknown)}; name files of profiles/ without .md, e.g. PROFILES=batool-asadi", file=sys.stderr)
        return 1
    slugs = named or changed_profiles() or sorted(p.stem for p in PROFILES.glob("*.md") if p.stem != "index")
    print(f"make check: {', '.join(slugs)}", flush=True)
    if not build_pdfs(slugs, work, args.sphinx_build, args.options):
        return 1
    [epub] = (work / "epub").glob("*.epub")
    wrong = [problem for slug in slugs for problem in problems(slug, work, epub)]
    for problem in wrong:
        print(f"make check: {problem}", file=sys.stderr)
    if not wrong:
        print(f"make check: each profile's site page, PDF and ePub chapter are right; the PDFs are in {work / 'check' / 'profiles'}")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
