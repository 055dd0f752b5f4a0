"""Turns away Markdown that would break the publication or inject markup into it.

Contributors' pages become a public website, so each page is checked as it is read, and each
problem fails the build as ``<file>:<line>: ERROR: <what is wrong>; <what to do>``: raw HTML (it
could carry scripts; layout comes from directives), ``javascript:``, ``data:`` and ``vbscript:``
links (also where the parser would print one as text), ``http://`` links to hosts not listed in
``content_guard_http_only_hosts``, images without alt text or over ``content_guard_max_image_kb``.
Broken links and missing images are Sphinx's own warnings, errors here (``-W -n``).
"""

import re
from pathlib import Path
from urllib.parse import urlsplit

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.util import logging

logger = logging.getLogger(__name__)

FORBIDDEN_SCHEMES = ("javascript", "data", "vbscript")
UNSAFE_LINK = "a `{scheme}:` link is not allowed; link to a web page (https://...) or to another page of the site"
# A Markdown link or autolink that the parser prints as plain text instead of a link (all of
# these but data: images, which become nodes and are checked with the other links).
FORBIDDEN_LINK = re.compile(r"(?:\]\(\s*|<)(javascript|vbscript|data)(?!:image/(?:gif|png|jpeg|webp);):", re.IGNORECASE)


def check_source(app: Sphinx, docname: str, source: list[str]) -> None:
    path = app.env.doc2path(docname, base=False)
    for number, line in enumerate(source[0].splitlines(), start=1):
        for match in FORBIDDEN_LINK.finditer(line):
            logger.error(UNSAFE_LINK.format(scheme=match.group(1).lower()), location=f"{path}:{number}", type="content")


class ContentGuard(SphinxTransform):
    # After MyST has made its nodes, before Sphinx collects images (doctree-read).
    default_priority = 880

    def apply(self) -> None:
        self.path = self.env.doc2path(self.env.docname, base=False)
        self.lines = Path(self.env.doc2path(self.env.docname)).read_text("utf-8").splitlines()
        for raw in list(self.document.findall(nodes.raw)):
            snippet = raw.astext().strip().splitlines()[0][:60] if raw.astext().strip() else ""
            self.problem(raw, f"raw HTML is not allowed (`{snippet}`); use Markdown or a directive (a card, a figure, an admonition) for layout")
            raw.parent.remove(raw)
        for reference in self.document.findall(nodes.reference):
            self.check_address(reference, reference.get("refuri", ""))
        for image in self.document.findall(nodes.image):
            self.check_image(image)

    def check_address(self, node: nodes.Element, address: str) -> None:
        parts = urlsplit(address.strip())
        scheme = parts.scheme.lower()
        if scheme in FORBIDDEN_SCHEMES:
            self.problem(node, UNSAFE_LINK.format(scheme=scheme), address)
        elif scheme == "http" and parts.hostname not in self.config.content_guard_http_only_hosts:
            secure = "https" + address.strip()[4:]
            self.problem(node, f"`{address}` is not encrypted; write `{secure}` (or, if the site has no https, add its host to content_guard_http_only_hosts in conf.py with the reason)", address)

    def check_image(self, image: nodes.image) -> None:
        uri = image.get("uri", "")
        name = uri.rsplit("/", 1)[-1]
        if not image.get("alt", "").strip():
            self.problem(image, f"the image `{name}` has no alt text; describe what it shows, e.g. ![Jane Doe at her desk]({name})", name)
        if urlsplit(uri).scheme:
            self.check_address(image, uri)
            return
        # MyST gives the address relative to the source folder, docutils relative to the page.
        here = Path(self.env.doc2path(self.env.docname)).parent
        path = next((p for p in (Path(self.env.srcdir) / uri, here / uri) if p.is_file()), None)
        limit = self.config.content_guard_max_image_kb
        if path and path.stat().st_size > limit * 1024:
            self.problem(image, f"the image `{name}` is {path.stat().st_size // 1024} KB, over {limit} KB; resize it (1600 px wide is plenty) or save it as a compressed JPEG or WebP", name)

    def problem(self, node: nodes.Node, message: str, written: str = "") -> None:
        """Report at the node's line; MyST leaves some inline nodes without one, so look for
        what was ``written`` in the source, then take the nearest ancestor's line."""
        line = node.line or next((number for number, text in enumerate(self.lines, 1) if written and written in text), None)
        while node is not None and line is None:
            line, node = node.line, node.parent
        logger.error(message, location=f"{self.path}:{line or 1}", type="content")


def setup(app: Sphinx) -> dict:
    app.add_config_value("content_guard_http_only_hosts", {}, "env", types=[dict])
    app.add_config_value("content_guard_max_image_kb", 500, "env", types=[int])
    app.add_transform(ContentGuard)
    app.connect("source-read", check_source)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
