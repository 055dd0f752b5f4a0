"""The live preview as a contributor runs it: `make serve` in a copy of the project, saves to a
profile, the served page and a connected browser following them, and nothing left running."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

from bs4 import BeautifulSoup

from browser_site import chromium

from conftest import ROOT, still_running

VENV = ROOT / ".venv"
PAGE = "profiles/uma-mahadevan"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Preview:
    """`make serve` running in its own process group, its output collected as it comes."""

    def __init__(self, project: Path, port: int) -> None:
        self.url = f"http://127.0.0.1:{port}/"
        self.process = subprocess.Popen(
            ["make", "--no-print-directory", f"VENV={VENV}", "serve", f"PORT={port}"],
            cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
        )
        self.output: list[str] = []
        threading.Thread(target=lambda: self.output.extend(self.process.stdout), daemon=True).start()

    def text(self) -> str:
        return "".join(self.output)

    def wait_for(self, condition, what: str, timeout: float = 60, every: float = 0.1) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            assert self.process.poll() is None, f"make serve stopped ({what}):\n{self.text()}"
            assert time.monotonic() < deadline, f"no {what} after {timeout} s:\n{self.text()}"
            time.sleep(every)

    def get(self, path: str) -> str:
        with urllib.request.urlopen(self.url + path, timeout=10) as response:
            assert response.status == 200
            return response.read().decode("utf-8")

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)


def test_make_serve_follows_saves_reloads_the_browser_and_survives_a_mistake(project):
    page = project / f"{PAGE}.md"
    original = page.read_text("utf-8")
    preview = Preview(project, free_port())
    try:
        preview.wait_for(lambda: "Preview at " + preview.url in preview.text(), "first build")
        assert "Uma Mahadevan" in preview.get(f"{PAGE}.html")

        with chromium() as browser:
            tab = browser.new_page()
            tab.goto(preview.url + f"{PAGE}.html")
            # 1. A text edit: the served page shows it, and the open page reloads by itself, told
            #    by a request for a newer build that is answered only once there is one.
            latest = preview.get("_preview/build?after=")
            answer = []
            waiting = threading.Thread(target=lambda: answer.append(preview.get(f"_preview/build?after={latest}")))
            waiting.start()
            time.sleep(1)
            assert not answer, "a newer build was announced before any save"
            with tab.expect_navigation(timeout=60_000):
                page.write_text(original + "\nA sentence saved in the preview.\n", "utf-8")
            waiting.join(timeout=30)
            assert answer and answer[0] != latest
            assert "A sentence saved in the preview." in tab.content()

            # A hidden tab gives up its held request (a browser opens at most six to one server)
            # and asks again once shown.
            asked, dropped = [], []
            tab.on("request", lambda request: "/_preview/build" in request.url and asked.append(request.url))
            tab.on("requestfailed", lambda request: "/_preview/build" in request.url and dropped.append(request.url))
            hide = """(hidden) => { Object.defineProperty(document, "hidden", { value: hidden, configurable: true });
                                document.dispatchEvent(new Event("visibilitychange")); }"""
            with tab.expect_event("requestfailed", lambda request: "/_preview/build" in request.url, timeout=10_000):
                tab.evaluate(hide, True)
            tab.wait_for_timeout(1000)  # time for a request it should not make
            assert dropped and not asked, (dropped, asked)
            with tab.expect_request(lambda request: "/_preview/build" in request.url, timeout=10_000):
                tab.evaluate(hide, False)
            assert asked, "the tab did not ask again once shown"
            saved = preview.get(f"{PAGE}.html")
            assert "A sentence saved in the preview." in saved
            # As a build writes it: without the scripts other pages of the first build added for themselves.
            assert "coupon.js" not in saved and "gallery-filters.js" not in saved

        # 2. Broken front matter: the mistake is reported with file and line, and the server stays up.
        page.write_text(original.replace("status: sketch", "status: finished", 1), "utf-8")
        line = original.splitlines().index("status: sketch") + 1
        report = re.compile(rf"{PAGE}\.md:{line}: ERROR: status: .*finished")
        preview.wait_for(lambda: report.search(preview.text()), f"error report at {PAGE}.md:{line}")
        assert "Mission Driven Bureaucrats" in preview.get("index.html")

        # 3. The fix: the next build recovers.
        page.write_text(original + "\nA sentence after the fix.\n", "utf-8")
        preview.wait_for(lambda: "A sentence after the fix." in preview.get(f"{PAGE}.html"), "recovered page")

        # 4. A new name and summary: the gallery, whose cards the preview keeps written between
        #    saves, shows them in place of the old ones.
        renamed = original.replace("name: Uma Mahadevan", "name: Uma Mahadevan, retitled", 1)
        page.write_text(renamed.replace("summary: Uma Mahadevan, a senior", "summary: Uma Mahadevan, a changed senior", 1), "utf-8")
        preview.wait_for(lambda: "a changed senior" in preview.get("profiles/index.html"), "gallery with the new summary")
        cards = BeautifulSoup(preview.get("profiles/index.html"), "html.parser").select(".profile-card")
        [card] = [card for card in cards if card.find("a", href="uma-mahadevan.html")]
        assert card.select_one(".profile-card-name").get_text() == "Uma Mahadevan, retitled"
        assert card.select_one(".profile-card-summary").get_text().startswith("Uma Mahadevan, a changed senior")

        # 5. The vocabulary is read once per process: changing it restarts the preview, which
        #    then checks every profile against the new one.
        vocabulary = project / "_data" / "profile_vocabulary.yaml"
        vocabulary.write_text(vocabulary.read_text("utf-8").replace("  - local administration\n", ""), "utf-8")
        preview.wait_for(lambda: "restarting" in preview.text() and "liu-yong.md:" in preview.text(), "restart")
        preview.wait_for(lambda: preview.text().count("Preview at ") == 2, "restarted server")
        assert "Mission Driven Bureaucrats" in preview.get("index.html")
    finally:
        preview.stop()
    assert not still_running(preview.process.pid), "a process of make serve outlived it"
    assert "Traceback" not in preview.text(), preview.text()


def test_a_stopped_preview_starts_again_from_its_last_save(project):
    """The preview pickles its environment once the saves stop, or as it stops, not in every build
    (tools/preview.py, Snapshot): stopped at any moment, it starts again re-reading at most the
    pages saved since, never every page."""
    page = project / f"{PAGE}.md"
    original = page.read_text("utf-8")
    doctrees = project / "_build" / "work" / "serve" / "doctrees"

    def start_and_save(sentence: str, then) -> tuple[set[str], str]:
        """``make serve`` started again: the pages it read as it started and the page it served
        then; a save, its build over; then ``then`` to stop it."""
        since = time.time_ns()
        preview = Preview(project, free_port())
        try:
            preview.wait_for(lambda: "Preview at " in preview.text(), "first build")
            read = {path.relative_to(doctrees).with_suffix("").as_posix()
                    for path in doctrees.rglob("*.doctree") if path.stat().st_mtime_ns >= since}
            served = preview.get(f"{PAGE}.html")
            page.write_text(original + f"\n{sentence}\n", "utf-8")
            preview.wait_for(lambda: preview.text().count("preview: rebuilt in") == 2, "the save's build")
            assert sentence in preview.get(f"{PAGE}.html")
            then(preview)
        finally:
            if preview.process.poll() is None:
                preview.stop()
        assert not still_running(preview.process.pid), "a process of make serve outlived it"
        assert "Traceback" not in preview.text(), preview.text()
        return read, served

    def kill(preview: Preview) -> None:
        """At once, with no time to save the environment of the save's build."""
        os.killpg(preview.process.pid, signal.SIGKILL)
        preview.process.wait(timeout=30)

    read, _ = start_and_save("The first sentence saved.", kill)
    assert len(read) > 10, read  # the first start reads every page

    read, served = start_and_save("The second sentence saved.", Preview.stop)  # as Ctrl+C does
    assert read <= {PAGE}, "a killed preview should start again from the environment it had saved before"
    assert "The first sentence saved." in served

    read, served = start_and_save("The third sentence saved.", lambda preview: None)
    assert read == set(), "a stopped preview should start again from the environment of its last build"
    assert "The second sentence saved." in served
