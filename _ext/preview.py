"""Live preview (``make serve``): rebuild the site on every save and reload the browser.

sphinx-autobuild starts a new ``sphinx-build`` process for every change, and a cold Sphinx
spends about 0.7 s starting up before it reads a single page. Here one Sphinx application stays
warm between rebuilds: a save re-reads only the changed pages and writes only what they affect.
A change to ``conf.py``, an extension, a template or the vocabulary starts a fresh application,
with the project's modules imported afresh, since those are loaded once. sphinx-autobuild's file
watcher and browser-reloading server are reused as they are.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from sphinx.application import Sphinx

import build_server

# Loaded once by an application (its settings and templates) or by this process (what the
# project's modules read when imported): a change to one of these needs a new application, with
# the project's modules imported afresh.
SETTINGS = ("conf.py", "_templates/", *build_server.IMPORTED)


class WarmBuilder:
    """Builds ``source`` into ``out`` as HTML, keeping the Sphinx application between builds."""

    def __init__(self, source: Path, out: Path, *, quiet: bool = False) -> None:
        self.source, self.out, self.quiet = source.resolve(), out.resolve(), quiet
        self.app: Sphinx | None = None

    def start(self) -> Sphinx:
        for name, module in list(sys.modules.items()):
            if name != "__main__" and Path(getattr(module, "__file__", None) or "/").resolve().is_relative_to(self.source / "_ext"):
                del sys.modules[name]
        return Sphinx(
            self.source, self.source, self.out / "html", self.out / "doctrees", "html",
            status=None if self.quiet else sys.stdout, warning=sys.stderr, keep_going=True, parallel=0,
            tags=["preview"],  # extensions skip work only the published site needs
        )

    def __call__(self, *, changed_paths: Sequence[Path] = ()) -> None:
        relative = [p.resolve().relative_to(self.source).as_posix() for p in changed_paths if p.resolve().is_relative_to(self.source)]
        if self.app is None or any(path.startswith(SETTINGS) for path in relative):
            self.app = self.start()
        try:
            self.app.build()
        except Exception as error:  # keep serving the last good build; the error is on screen
            print(f"preview: the build failed ({error}); fix it and save again", file=sys.stderr)
            self.app = None
        else:
            if self.app.statuscode:
                print("preview: the build reported problems (above); the page shows the last build", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    import uvicorn
    from sphinx_autobuild.filter import IgnoreFilter
    from sphinx_autobuild.middleware import JavascriptInjectorMiddleware
    from sphinx_autobuild.server import RebuildServer
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.routing import Mount, WebSocketRoute
    from starlette.staticfiles import StaticFiles

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=Path("."))
    parser.add_argument("--out", type=Path, default=Path("_build/work/serve"))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)

    builder = WarmBuilder(args.source, args.out)
    builder()
    ignored = [".git", ".venv", "node_modules", "_build", "tests", ".pytest_cache", "__pycache__"]
    watcher = RebuildServer([args.source], IgnoreFilter([args.source / name for name in ignored], []), change_callback=builder)
    site = Starlette(
        routes=[
            WebSocketRoute("/websocket-reload", watcher, name="reload"),
            Mount("/", app=StaticFiles(directory=args.out / "html", html=True), name="static"),
        ],
        middleware=[Middleware(JavascriptInjectorMiddleware, ws_url=f"{args.host}:{args.port}")],
        lifespan=watcher.lifespan,
    )
    print(f"Preview at http://{args.host}:{args.port} (Ctrl+C stops it)")
    uvicorn.run(site, host=args.host, port=args.port, log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
