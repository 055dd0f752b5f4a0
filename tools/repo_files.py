"""The files GitHub reads about the repository, written from the project's data: ``make repo-files``.

* ``CITATION.cff`` ("Cite this repository"; Zotero reads it too): the companion as conf.py names
  it (title, editors, address, repository), with the book as its reference, the same item as the
  book's citation on About (``citations.book_item`` from ``_data/book.yaml``). No version or date:
  they would change with every commit, and the committed file must equal what this writes.
* ``.github/ISSUE_TEMPLATE/propose-a-profile.yml``: the "Propose a profile" form, from the
  profile schema (``issue_form.form``).
* ``.github/ISSUE_TEMPLATE/config.yml``: the chooser's link to the contributor guide.

``tests/test_contribute.py`` checks that the committed files are what this writes, and validates
them against the published schemas. conf.py is read with no host's address in the environment,
so the files name the project's own address wherever they are written.
"""

from __future__ import annotations

import os
import runpy
import sys
from pathlib import Path
from unittest import mock

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "_ext"))
sys.path.insert(0, str(ROOT / "tools"))
import issue_form  # noqa: E402
from citations import book_item  # noqa: E402

ADDRESS_VARIABLES = ("READTHEDOCS_CANONICAL_URL", "SITE_URL")
HEADER = "# Written by `make repo-files` (tools/repo_files.py) from {source}: edit those, not this file.\n"


def settings() -> dict:
    """conf.py's settings, as a build with no host's address (READTHEDOCS_CANONICAL_URL, SITE_URL)
    sees them."""
    environment = {key: value for key, value in os.environ.items() if key not in ADDRESS_VARIABLES}
    with mock.patch.dict(os.environ, environment, clear=True):
        return runpy.run_path(str(ROOT / "conf.py"))


def citation(conf: dict) -> dict:
    """CITATION.cff (Citation File Format 1.2.0): the companion, and the book it accompanies."""
    book = book_item(conf["BOOK"])
    family, _, given = conf["BOOK"]["author_sorted"].partition(", ")
    return {
        "cff-version": "1.2.0",
        "message": "To cite the companion, please use these details; to cite the book, its reference below.",
        "type": "dataset",  # CFF knows software and datasets: a publication's sources are the latter
        "title": conf["project"],
        "abstract": conf["pdf_subject"],
        "authors": [{"name": conf["author"]}],
        "url": conf["html_baseurl"],
        "repository-code": conf["REPOSITORY"],
        "keywords": ["public administration", "public servants", "bureaucracy", "profiles"],
        "references": [{
            "type": "book",
            "title": book["title"],
            "authors": [{"family-names": family, "given-names": given}],
            "publisher": {"name": book["publisher"]},
            "year": book["issued"]["date-parts"][0][0],
            "isbn": book["ISBN"],
            "url": conf["BOOK"]["website_url"],
        }],
    }


def issue_config(guide: str) -> dict:
    return {
        "blank_issues_enabled": True,
        "contact_links": [{
            "name": "Contributor guide",
            "url": guide,
            "about": "How to propose or improve a profile, the rule for sources, and any other question about contributing.",
        }],
    }


def dump(data: dict) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def files() -> dict[Path, str]:
    """Each file, by path, with the text it should have."""
    conf = settings()
    guide = conf["html_baseurl"] + "contribute.html"
    templates = ROOT / ".github" / "ISSUE_TEMPLATE"
    return {
        ROOT / "CITATION.cff": HEADER.format(source="_data/book.yaml and conf.py") + dump(citation(conf)),
        templates / "propose-a-profile.yml": HEADER.format(source="the profile schema (_ext/profile_schema.py, _data/profile_vocabulary.yaml)") + dump(issue_form.form(guide)),
        templates / "config.yml": HEADER.format(source="conf.py (the site's address)") + dump(issue_config(guide)),
    }


def main() -> None:
    for path, text in files().items():
        if not path.is_file() or path.read_text("utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, "utf-8")
            print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
