"""Live preview (``make serve``): the site rebuilt on every save, and the open pages reloaded.

One Sphinx application stays warm in this process, so a save re-reads only the changed page (a
new ``sphinx-build`` per save, as sphinx-autobuild runs, first spends about a second starting up).
``watchfiles`` reports saves; ``http.server`` serves the site, adding to every page a script that
asks ``/_preview/build`` for a build newer than its own (the answer waits until there is one), and
reloads as soon as it comes. What can wait is done once the saves stop for IDLE_MS, not in a
build nor while the open pages reload: a full collection of the garbage (0.15 s at 1,000 profiles,
which Python would otherwise start every second or third build) and pickling the environment
(``Snapshot``).
A mistake is printed (file, line, field, fix) and the last good pages stay served. A change to what
is loaded once (``conf.py``, an extension, a template, the vocabulary) restarts the process
(``os.execv``), so no module is re-imported by hand. Stop it with Ctrl+C.
"""

import argparse
import contextlib
import copyreg
import functools
import gc
import os
import pickle
import signal
import sys
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

from sphinx.application import ENV_PICKLE_FILENAME, Sphinx
from sphinx.environment import BuildEnvironment
from watchfiles import DefaultFilter, watch

# Read once by a running process: a change to any of these restarts the preview.
LOADED_ONCE = ("conf.py", "_ext/", "_templates/", "_data/profile_vocabulary.yaml")
# How long a save's file events may keep coming before the build starts: an editor's save is over
# within a few milliseconds; watchfiles' default, 50, made a save wait about 0.1 s for its build.
SETTLE_MS = 20
# How long without a save before the preview does what can wait (longer than a reload of the page).
IDLE_MS = 2000
IGNORED_DIRS = {"_build", "tests", "tools", *DefaultFilter.ignore_dirs}
# Added to every page, with the number of the build it shows: it asks for a newer build, and asks
# again when the answer is the same (no build within WAIT seconds). While the process restarts the
# request fails, and the page asks again half a second later. A hidden tab holds no request open
# (a browser opens at most six at a time to one server), and asks again when shown.
RELOAD_SCRIPT = """<script>(async (build) => { for (;;) {
  if (document.hidden) await new Promise((shown) => document.addEventListener("visibilitychange", shown, { once: true }));
  const hidden = new AbortController(), drop = () => hidden.abort();
  document.addEventListener("visibilitychange", drop);
  const latest = await fetch("/_preview/build?after=" + build, { cache: "no-store", signal: hidden.signal }).then((answer) => answer.text(), () => null);
  document.removeEventListener("visibilitychange", drop);
  if (latest && latest !== build) return location.reload();
  if (!latest && !document.hidden) await new Promise((wait) => setTimeout(wait, 500));
} })("BUILD");</script>"""
WAIT = 25  # seconds a request for a newer build is held open


class Snapshot:
    """The environment on disk, pickled while the contributor reads rather than in every build.

    Sphinx pickles its environment at each build, after reading and before writing any page, for
    the next process to start from: 0.19 s of the 0.56 s a save's build took at 1,000 profiles. A
    warm process needs no file, so during a build Sphinx is handed the environment as pickled after
    an earlier build (a pickle of those bytes, which loads as that environment): a process that
    starts from it re-reads the pages saved since, as after any interrupted build. ``save`` pickles
    the environment afresh, once the saves stop and before the process restarts or stops.
    Python's ``copyreg`` is public; that Sphinx pickles the environment once a build is not
    (ARCHITECTURE.md, internals). The reduction is registered during builds only: ``copy`` reads
    the same table.
    """

    def __init__(self) -> None:
        self.pickled: bytes | None = None  # the environment after the last build ``save`` followed
        self.whole_on_disk = False  # whether the last build had Sphinx pickle the environment itself

    @contextlib.contextmanager
    def handed_to_sphinx(self):
        self.whole_on_disk = False
        copyreg.pickle(BuildEnvironment, self.reduce)
        try:
            yield
        finally:
            del copyreg.dispatch_table[BuildEnvironment]

    def reduce(self, env: BuildEnvironment) -> tuple:
        if self.pickled is None:  # nothing pickled yet by this process: the environment itself
            self.whole_on_disk = True
            return env.__reduce_ex__(pickle.HIGHEST_PROTOCOL)
        return pickle.loads, (self.pickled,)

    def save(self, app: Sphinx) -> None:
        path = Path(app.doctreedir, ENV_PICKLE_FILENAME)
        if self.whole_on_disk:  # a first build: Sphinx has pickled it (spares 0.17 s at 1,000 profiles)
            self.pickled = path.read_bytes()
            return
        pickled = pickle.dumps(app.env, pickle.HIGHEST_PROTOCOL)
        saving = path.with_suffix(".saving")
        saving.write_bytes(pickled)
        saving.replace(path)  # a process stopped while writing leaves the last whole file
        self.pickled = pickled


class Builds:
    """The warm application and the number of the latest build, which open pages ask for."""

    def __init__(self, source: Path, out: Path) -> None:
        self.source, self.out = source, out
        # Unique across restarts of the process, so a page from before a restart reloads too.
        self.prefix = f"{os.getpid()}.{time.time_ns()}"
        self.count = 0
        self.newer = threading.Condition()  # notified when a build has written its pages
        self.app: Sphinx | None = None
        self.assets: tuple[list, list] = ([], [])  # the stylesheets and scripts every page loads
        self.snapshot = Snapshot()
        self.waiting = False  # a build's garbage and environment wait for the saves to stop

    @property
    def latest(self) -> str:
        return f"{self.prefix}.{self.count}"

    def after(self, build: str) -> str:
        """The latest build, once it is not ``build`` (or WAIT seconds have passed)."""
        with self.newer:
            self.newer.wait_for(lambda: self.latest != build, timeout=WAIT)
            return self.latest

    def announce(self, app: Sphinx, exception: Exception | None) -> None:
        """The open pages reload (after a build that wrote its pages)."""
        if exception is None:
            with self.newer:
                self.count += 1
                self.newer.notify_all()

    def start_again(self, app: Sphinx) -> None:
        """What Sphinx keeps from one build to the next of an application, which a second build
        would wrongly carry over (sphinx-build never builds twice)."""
        # A stylesheet or script a page adds for itself (html-page-context) is also kept for every
        # page of the next build: the preview would load the coupon's script on every page.
        app.registry.css_files[:], app.registry.js_files[:] = (list(files) for files in self.assets)
        # Every picture written since the process started, which the builder copies again at each
        # build (a thousand portraits at every save); they are in place, and a page written again
        # notes its own anew.
        app.builder.images.clear()

    def build(self) -> None:
        start = time.perf_counter()
        self.waiting = False  # until this build is over, its environment is not one to keep
        gc.disable()
        try:
            if self.app is None:
                self.app = Sphinx(
                    self.source, self.source, self.out / "html", self.out / "doctrees", "html",
                    status=None, warning=sys.stderr, parallel=0,
                    tags=["preview"],  # extensions skip what only the published site needs
                )
                self.assets = list(self.app.registry.css_files), list(self.app.registry.js_files)
                # Before every other handler: the pages and their pictures are written; what is
                # left (the search index, the sitemap) is no part of the page on screen.
                self.app.connect("build-finished", self.announce, priority=1)
            else:
                self.start_again(self.app)
            with self.snapshot.handed_to_sphinx():
                self.app.build()
        except Exception as error:  # noqa: BLE001 - any failure is the contributor's to see
            print(f"preview: the build failed: {error}\n  Fix it and save again; the last good pages stay served.", file=sys.stderr, flush=True)
            # A fresh application for the next save; Sphinx has deleted its environment after the
            # failure, so that one reads every page again.
            self.app = None
            return
        finally:
            gc.enable()
        self.waiting = True
        if self.app.statuscode:
            print("preview: the problems above need fixing (the pages show what could be built)", file=sys.stderr, flush=True)
        print(f"preview: rebuilt in {time.perf_counter() - start:.2f} s", flush=True)

    def when_idle(self) -> None:
        """What waits for the saves to stop (and for the process to restart or stop)."""
        if not self.waiting:
            return
        gc.collect()
        try:
            self.snapshot.save(self.app)
        except Exception as error:  # noqa: BLE001 - the preview goes on; only a restart reads more
            print(f"preview: the environment could not be saved ({error}); a restart will read more pages", file=sys.stderr, flush=True)
        self.waiting = False


class Handler(SimpleHTTPRequestHandler):
    builds: Builds

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        pass  # a line per request would bury the build's messages

    def do_GET(self) -> None:
        path, _, query = self.path.partition("?")
        if path == "/_preview/build":
            build = parse_qs(query).get("after", [""])[0]
            self.send_bytes(self.builds.after(build).encode(), "text/plain")
        elif (page := Path(self.translate_path(path))).is_dir() and (page / "index.html").is_file() and path.endswith("/"):
            self.send_page(page / "index.html")
        elif page.suffix == ".html" and page.is_file():
            self.send_page(page)
        else:
            super().do_GET()

    def send_bytes(self, body: bytes, content_type: str) -> None:
        try:
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the page was closed or hidden while it waited for a build

    def send_page(self, page: Path) -> None:
        script = RELOAD_SCRIPT.replace("BUILD", self.builds.latest) + "</body>"
        self.send_bytes(page.read_bytes().replace(b"</body>", script.encode(), 1), "text/html; charset=utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=Path("."))
    parser.add_argument("--out", type=Path, default=Path("_build/work/serve"))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    source = args.source.resolve()

    builds = Builds(source, args.out.resolve())
    builds.build()
    builds.when_idle()  # the saves to come are handed this environment
    handler = functools.partial(type("PreviewHandler", (Handler,), {"builds": builds}), directory=str(builds.out / "html"))
    server = ThreadingHTTPServer((args.host, args.port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"Preview at http://{args.host}:{args.port}/ (Ctrl+C stops it)", flush=True)

    # A stop asked of the process ends it as Ctrl+C does: keeping the environment of the last
    # build that ended, if it has not been saved yet.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        for changes in watch(source, watch_filter=DefaultFilter(ignore_dirs=IGNORED_DIRS), step=SETTLE_MS,
                             rust_timeout=IDLE_MS, yield_on_timeout=True):
            if not changes:
                builds.when_idle()
                continue
            paths = [Path(path).resolve() for _, path in changes]
            ours = [path.relative_to(source).as_posix() for path in paths if path.is_relative_to(source)]
            if any(path.startswith(LOADED_ONCE) for path in ours):
                print("preview: settings, extensions or templates changed: restarting", flush=True)
                builds.when_idle()
                server.server_close()
                os.execv(sys.executable, [sys.executable, *sys.argv])
            builds.build()
    except KeyboardInterrupt:
        # make passes a stop on to the process as well: a second one must not cut the save short.
        for stop in (signal.SIGINT, signal.SIGTERM):
            signal.signal(stop, signal.SIG_IGN)
        builds.when_idle()
    return 0


if __name__ == "__main__":
    sys.exit(main())
