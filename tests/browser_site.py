"""The built site as a reader gets it: served on 127.0.0.1 under its public path (the path of
``html_baseurl``, e.g. ``/companion/``), with the 404 page for any missing address as hosts do,
and opened in headless Chromium (Debian's, driven by Playwright) with every request to another
host blocked. Used by tests/test_browser.py and the Lighthouse benchmark (tests/lighthouse.py)."""

from __future__ import annotations

import functools
import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
# Headless, and nothing of its own on the network (updates, sync, safe browsing).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NODE_MODULES = ROOT / "node_modules"
HOST = "127.0.0.1"


def site_path(html: Path) -> str:
    """The public path of the site (``/companion/``), from the landing page's canonical address."""
    canonical = BeautifulSoup((html / "index.html").read_text("utf-8"), "html.parser").find("link", rel="canonical")
    return urlsplit(canonical["href"]).path.rsplit("/", 1)[0] + "/"


class Handler(SimpleHTTPRequestHandler):
    """Serves the site under its public path; anything else gets 404.html with status 404."""

    prefix = "/"

    def log_message(self, format, *args):  # quiet: pytest shows failures, not every request
        pass

    def send_head(self):
        path = urlsplit(self.path).path
        if not path.startswith(self.prefix):
            return self.not_found()
        self.path = "/" + self.path[len(self.prefix) :]
        local = Path(self.translate_path(self.path))
        if not (local.is_file() or (local / "index.html").is_file()):
            return self.not_found()
        return super().send_head()

    def not_found(self):
        page = Path(self.directory) / "404.html"
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        return None


@dataclass
class Site:
    html: Path
    origin: str
    path: str

    def url(self, page: str = "") -> str:
        return self.origin + self.path + page

    def pages(self) -> list[str]:
        """Every HTML page, as a path under the site (downloads aside)."""
        return sorted(p.relative_to(self.html).as_posix() for p in self.html.rglob("*.html"))


@contextmanager
def serve(html: Path) -> Iterator[Site]:
    path = site_path(html)
    handler = functools.partial(type("SiteHandler", (Handler,), {"prefix": path}), directory=str(html))
    server = ThreadingHTTPServer((HOST, 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Site(html, f"http://{HOST}:{server.server_address[1]}", path)
    finally:
        server.shutdown()
        server.server_close()


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about") or parts.hostname == HOST


@dataclass
class Load:
    """What loading one page fetched: every response, blocked requests, failures and errors."""

    responses: list = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def watch(self, page) -> None:
        page.on("response", lambda response: self.responses.append(response))
        page.on("requestfailed", lambda request: self.failed.append(f"{request.url}: {request.failure}"))
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("console", lambda message: message.type == "error" and self.errors.append(f"{message.text} ({message.location['url']})"))

    def problems(self) -> list[str]:
        bad = [f"{r.status} {r.url}" for r in self.responses if r.status >= 400]
        return [f"blocked {url}" for url in self.blocked] + self.failed + bad + self.errors


def open_page(context, url: str) -> tuple[object, Load]:
    """A new tab in ``context`` with ``url`` loaded, the network quiet, and what it fetched;
    a request to any other host is aborted and recorded."""
    load = Load()
    page = context.new_page()

    def route(route):
        if is_local(route.request.url):
            route.continue_()
        else:
            load.blocked.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    load.watch(page)
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    return page, load


@contextmanager
def chromium() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
