"""Issue 7: a build forked from the build server (_ext/build_server.py) is a new ``sphinx-build``
in all but its start-up: same files, same messages and exit status, stopped by the same signals,
and never run with code or data older than the project's."""

from __future__ import annotations

import importlib.util
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import sphinx
from test_incremental import edit_text
from test_trust import first_difference


@pytest.fixture
def served(project: Path):
    """A copy of the project, whose build server is stopped at the end."""
    yield project
    subprocess.run([sys.executable, project / "_ext" / "build_server.py", "--stop"], check=True)


def server_socket(project: Path) -> Path:
    spec = importlib.util.spec_from_file_location("copy_build_server", project / "_ext" / "build_server.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.socket_path()


def processes() -> dict[int, tuple[int, int, str]]:
    """Every process: pid -> (parent, group, state), from /proc."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        found[int(stat.parent.name)] = (int(fields[1]), int(fields[2]), fields[0])
    return found


def test_builds_through_the_server_equal_new_processes(served):
    first = sphinx(served, warm=True)
    assert first.returncode == 0, first.stdout + first.stderr
    server = server_socket(served).stat().st_ino
    edit_text(served / "profiles")
    again = sphinx(served, warm=True)
    assert again.returncode == 0, again.stdout + again.stderr
    assert server_socket(served).stat().st_ino == server, "the second build started a new server"
    clean_project = served.parent / "clean"
    shutil.copytree(served, clean_project, ignore=shutil.ignore_patterns("_build"))
    clean = sphinx(clean_project)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    difference = first_difference(served / "_build" / "html", clean_project / "_build" / "html")
    assert not difference, difference


def test_a_mistake_is_reported_to_the_caller_with_file_and_line(served):
    page = served / "profiles" / "liu-yong.md"
    page.write_text(page.read_text("utf-8") + "\nSee [the missing page](no-such-page.md).\n", "utf-8")
    result = sphinx(served, warm=True)
    assert result.returncode == 1
    assert "liu-yong.md:" in result.stderr and "no-such-page" in result.stderr, result.stderr


def test_a_changed_vocabulary_is_read_by_a_new_server(served):
    """The schema reads the vocabulary when it is imported: a server kept from before the change
    would still accept a sector that is no longer in it."""
    assert sphinx(served, warm=True).returncode == 0
    server = server_socket(served).stat().st_ino
    vocabulary = served / "_data" / "profile_vocabulary.yaml"
    vocabulary.write_text(vocabulary.read_text("utf-8").replace("  - local administration\n", ""), "utf-8")
    result = sphinx(served, warm=True)
    assert result.returncode != 0
    assert "liu-yong.md" in result.stderr and "local administration" in result.stderr, result.stderr
    assert server_socket(served).stat().st_ino != server


def test_a_signal_to_the_caller_stops_the_build_and_its_workers(served):
    assert sphinx(served, warm=True).returncode == 0  # the server is up
    out = served / "_build"
    caller = subprocess.Popen(
        [sys.executable, served / "_ext" / "build_server.py", "-q", "-b", "pdf", "-d", out / "doctrees" / "pdf", served, out / "pdf"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    command = f"{served}/_ext/build_server.py\0--serve\0"
    server = next(pid for pid in processes() if command in Path(f"/proc/{pid}/cmdline").read_text())
    deadline = time.monotonic() + 30
    while not (builds := [pid for pid, (parent, _, state) in processes().items() if parent == server and state != "Z"]):
        assert time.monotonic() < deadline and caller.poll() is None, "no build started"
        time.sleep(0.05)
    time.sleep(2)  # rendering the PDFs, in worker processes
    caller.send_signal(signal.SIGTERM)
    assert caller.wait(timeout=30) == 128 + signal.SIGTERM
    deadline = time.monotonic() + 30
    while left := [pid for pid, (_, group, state) in processes().items() if group == builds[0] and state != "Z"]:
        assert time.monotonic() < deadline, f"still running after the caller stopped: {left}"
        time.sleep(0.1)
