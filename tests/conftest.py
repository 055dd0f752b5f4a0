"""Shared fixtures: the real publication, built once per test session by `make`, and copies of
the project for tests that feed the build a broken file."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from browser_site import chromium, serve

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "_ext"))

BASENAME = "mission-driven-bureaucrats-companion"
SPHINX_BUILD = str(Path(sys.executable).parent / "sphinx-build")
PROJECT_FILES = shutil.ignore_patterns(".venv", "_build", ".git", "tests", "__pycache__", ".pytest_cache", "node_modules")


@dataclass
class Build:
    root: Path
    log: str
    process_group: int  # make's, with every process it started

    @property
    def html(self) -> Path:
        return self.root / "html"

    @property
    def pdf(self) -> Path:
        return self.html / "downloads" / f"{BASENAME}.pdf"

    @property
    def epub(self) -> Path:
        return self.html / "downloads" / f"{BASENAME}.epub"

    def profile_pdf(self, slug: str) -> Path:
        return self.html / "downloads" / "profiles" / f"{slug}.pdf"

    def pages(self) -> list[Path]:
        """Every HTML page of the site (Sphinx's generated index page aside)."""
        return sorted(p for p in self.html.rglob("*.html") if p.name != "genindex.html")

    def soup(self, page: str) -> BeautifulSoup:
        return BeautifulSoup((self.html / page).read_text("utf-8"), "html.parser")


@pytest.fixture(scope="session")
def build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """Every format, built by `make` into a temporary folder, exactly as a contributor builds it."""
    out = tmp_path_factory.mktemp("build")
    make = subprocess.Popen(["make", f"BUILDDIR={out}", "all"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    log, _ = make.communicate()
    assert make.returncode == 0, log
    return Build(out, log, make.pid)


def profile_slugs() -> list[str]:
    slugs = sorted(p.stem for p in (ROOT / "profiles").glob("*.md") if p.stem != "index")
    # Tests parametrized by profile would otherwise be skipped, and loops over them check nothing.
    assert slugs, f"no profile in {ROOT / 'profiles'}"
    return slugs


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project's sources to break on purpose, committed to a repository of its own,
    so that its pages are dated from their last commit as the real checkout's are."""
    return copy_project(tmp_path)


def copy_project(folder: Path) -> Path:
    """The project's sources copied into ``folder``/project and committed there (``project``)."""
    copy = folder / "project"
    shutil.copytree(ROOT, copy, ignore=PROJECT_FILES)
    git = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false"]
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "A copy of the project"]):
        subprocess.run(git + command, cwd=copy, check=True)
    return copy


def sphinx(source: Path, builder: str = "html", *options: str) -> subprocess.CompletedProcess:
    """Build ``source`` with the project's options (warnings are errors) and any ``options``
    (e.g. ``-D name=value``); returns the process.

    Dates come from a fixed SOURCE_DATE_EPOCH, as the Makefile takes them from the last commit."""
    out = source / "_build"
    return subprocess.run(
        [SPHINX_BUILD, "-W", "--keep-going", "-n", "-q", "--no-color", *options, "-b", builder, "-d", str(out / "doctrees"), str(source), str(out / builder)],
        capture_output=True,
        text=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1732838400"},
    )


def still_running(group: int, grace: float = 10) -> bool:
    """Whether a process of ``group`` is still there after ``grace`` seconds (one that has just
    been stopped takes a moment to be reaped)."""
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return False
        time.sleep(0.1)
    return True


# -- The site in Chromium (tests/browser_site.py), once per module that asks ------------------------


@pytest.fixture(scope="module")
def site(build):
    with serve(build.html) as served:
        yield served


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched
