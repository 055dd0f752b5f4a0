"""Issue 7: a build forked from the build server (_ext/build_server.py) is a new ``sphinx-build``
in all but its start-up: same files, same messages and exit status, stopped by the same signals,
and never run with code or data older than the project's."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import sphinx
from test_incremental import edit_text, incremental_differs_from_clean


@pytest.fixture
def served(project: Path):
    """A copy of the project, whose build server is stopped at the end."""
    yield project
    subprocess.run([sys.executable, project / "_ext" / "build_server.py", "--stop"], check=True)


def through_server(project: Path, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, project / "_ext" / "build_server.py", *arguments], capture_output=True, text=True)


def processes() -> dict[int, tuple[int, int, str, str]]:
    """Every process: pid -> (parent, group, state, command line), from /proc."""
    found = {}
    for folder in Path("/proc").glob("[0-9]*"):
        try:
            fields = (folder / "stat").read_text().rsplit(")", 1)[1].split()
            command = (folder / "cmdline").read_text()
        except OSError:  # ended meanwhile
            continue
        found[int(folder.name)] = (int(fields[1]), int(fields[2]), fields[0], command)
    return found


def server_pid(project: Path) -> int | None:
    command = f"{project}/_ext/build_server.py\0--serve\0"
    return next((pid for pid, (_, _, state, line) in processes().items() if line.endswith(command) and state != "Z"), None)


def test_builds_through_the_server_equal_new_processes(served):
    assert through_server(served, "--version").returncode == 0  # starts the server
    server = server_pid(served)
    difference = incremental_differs_from_clean(served, edit_text, warm=True)
    assert not difference, difference
    assert server is not None and server_pid(served) == server, "a build started a new server"


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
    server = server_pid(served)
    vocabulary = served / "_data" / "profile_vocabulary.yaml"
    vocabulary.write_text(vocabulary.read_text("utf-8").replace("  - local administration\n", ""), "utf-8")
    result = sphinx(served, warm=True)
    assert result.returncode != 0
    assert "liu-yong.md" in result.stderr and "local administration" in result.stderr, result.stderr
    assert server_pid(served) not in (None, server)


def test_builds_side_by_side_after_a_change_all_get_the_new_server(served):
    """make -j after an extension changed: the old server stops at the first caller; the
    callers queued behind it find the new one."""
    assert through_server(served, "--version").returncode == 0
    server = server_pid(served)
    extension = served / "_ext" / "theme_a11y" / "__init__.py"  # in a folder of its own
    extension.write_text(extension.read_text("utf-8") + "\n", "utf-8")
    out = served / "_build"
    callers = [
        subprocess.Popen([sys.executable, served / "_ext" / "build_server.py", "-q", "-b", builder, "-d", out / "doctrees" / builder, served, out / builder], stderr=subprocess.PIPE, text=True)
        for builder in ("html", "epub", "dirhtml")
    ]
    for caller in callers:
        assert caller.wait(timeout=300) == 0, caller.stderr.read()
    assert server_pid(served) not in (None, server)


def test_a_signal_to_the_caller_stops_the_build_and_its_workers(served):
    assert through_server(served, "--version").returncode == 0
    server = server_pid(served)
    out = served / "_build"
    caller = subprocess.Popen(
        [sys.executable, served / "_ext" / "build_server.py", "-q", "-b", "pdf", "-d", out / "doctrees" / "pdf", served, out / "pdf"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )

    def build_group() -> list[int]:
        """The build and its workers, once it has some (the PDFs render in worker processes)."""
        live = processes()
        builds = [pid for pid, (parent, _, state, _) in live.items() if parent == server and state != "Z"]
        group = [pid for pid, (_, group, state, _) in live.items() if builds and group == builds[0] and state != "Z"]
        return group if len(group) > 1 else []

    deadline = time.monotonic() + 120
    while not (group := build_group()):
        assert time.monotonic() < deadline and caller.poll() is None, caller.stdout.read()
        time.sleep(0.05)
    caller.send_signal(signal.SIGTERM)
    assert caller.wait(timeout=30) == 128 + signal.SIGTERM
    deadline = time.monotonic() + 30
    while left := [pid for pid, (_, _, state, _) in processes().items() if pid in group and state != "Z"]:
        assert time.monotonic() < deadline, f"still running after the caller stopped: {left}"
        time.sleep(0.1)


def test_make_builds_through_the_server(served):
    """The Makefile's own command (WARM=1, as on a contributor's machine; the tests run without)."""
    result = subprocess.run(["make", f"VENV={Path(sys.executable).parent.parent}", "WARM=1", "_build/work/.stamps/html"], cwd=served, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "_ext/build_server.py" in result.stdout and server_pid(served) is not None
    assert (served / "_build" / "work" / "html" / "profiles" / "liu-yong.html").is_file()
