"""Shared fixtures: the real publication, built once per test session by `make`, and copies of
the project for tests that feed the build a broken file."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "_ext"))

BASENAME = "mission-driven-bureaucrats-companion"
SPHINX_BUILD = str(Path(sys.executable).parent / "sphinx-build")
# `make` in a test starts a new sphinx-build per format, as in CI: a build server would outlive the
# test's temporary folder (test_build_server.py tests the server).
os.environ["WARM"] = ""
PROJECT_FILES = shutil.ignore_patterns(".venv", "_build", ".git", "tests", "__pycache__", ".pytest_cache", "node_modules")


@dataclass
class Build:
    root: Path
    log: str

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
    result = subprocess.run(["make", f"BUILDDIR={out}", "all"], cwd=ROOT, capture_output=True, text=True)
    log = result.stdout + result.stderr
    assert result.returncode == 0, log
    return Build(out, log)


def profile_slugs() -> list[str]:
    return sorted(p.stem for p in (ROOT / "profiles").glob("*.md") if p.stem != "index")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project's sources to break on purpose."""
    copy = tmp_path / "project"
    shutil.copytree(ROOT, copy, ignore=PROJECT_FILES)
    return copy


def sphinx(source: Path, builder: str = "html", *options: str, warm: bool = False) -> subprocess.CompletedProcess:
    """Build ``source`` with the project's options (warnings are errors) and any ``options``
    (e.g. ``-D name=value``); returns the process. ``warm``: through the project's build server
    (_ext/build_server.py) rather than a new ``sphinx-build``.

    Dates come from a fixed SOURCE_DATE_EPOCH, as the Makefile takes them from the last commit."""
    out = source / "_build"
    command = [sys.executable, str(source / "_ext" / "build_server.py")] if warm else [SPHINX_BUILD]
    return subprocess.run(
        [*command, "-W", "--keep-going", "-n", "-q", "--no-color", *options, "-b", builder, "-d", str(out / "doctrees" / builder), str(source), str(out / builder)],
        capture_output=True,
        text=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1732838400"},
    )
