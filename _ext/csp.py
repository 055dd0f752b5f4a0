"""A Content Security Policy on every page of the site (no package does this for Sphinx).

A page may load scripts, styles, images and fonts only from the site, and run no inline script but
the theme's own, allowed by its hash: markup that slipped past ``content_guard`` could neither run
code nor pull anything in. A ``<meta>`` tag, since static hosts set no headers of ours; hashed from
the pages as written (Furo's inline script carries values from the settings). Inline ``style``
attributes stay allowed: Furo's icons use them, and they run no code. The live preview goes without.
Pages named in ``csp_webassembly_pages`` (the search page: Pagefind runs WebAssembly) may also
compile WebAssembly from the site's files (``'wasm-unsafe-eval'``), and no other page.
"""

import base64
import hashlib
import re
from pathlib import Path

from sphinx.application import Sphinx

from locations import SITE_BUILDERS

# Inline blocks the browser runs: scripts without src (JSON-LD is data, not run) and styles.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/ld\+json)[^>]*>(.*?)</script>", re.DOTALL)
INLINE_STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.DOTALL)
POLICY_TAG = re.compile(r'<meta http-equiv="Content-Security-Policy"[^>]*>')
CHARSET = re.compile(r'<meta charset="utf-8"\s*/?>', re.IGNORECASE)


def digest(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def policy(page: str, webassembly: bool = False) -> str:
    scripts = " ".join(sorted({digest(block) for block in INLINE_SCRIPT.findall(page)}))
    if webassembly:
        scripts = f"'wasm-unsafe-eval' {scripts}"
    styles = " ".join(sorted({digest(block) for block in INLINE_STYLE.findall(page)}))
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' {scripts}".strip(),
            f"style-src 'self' {styles}".strip(),
            "style-src-attr 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
        ]
    )


def with_policy(page: str, webassembly: bool = False) -> str:
    """``page`` with its policy tag just after the character set (replacing an older one)."""
    # The tag found by its text, then the white space before it removed: an expression starting
    # with white space tries every run of spaces of the page (a second a build at 1,000 profiles).
    while match := POLICY_TAG.search(page):
        page = page[: match.start()].rstrip() + page[match.end() :]
    tag = f'<meta http-equiv="Content-Security-Policy" content="{policy(page, webassembly)}">'
    return CHARSET.sub(lambda match: f"{match.group(0)}\n    {tag}", page, count=1)


def add_policy(app: Sphinx, exception: Exception | None) -> None:
    if exception or app.builder.name not in SITE_BUILDERS or app.tags.has("preview"):
        return
    outdir = Path(app.outdir)
    for path in outdir.rglob("*.html"):
        written = path.read_text("utf-8")
        webassembly = path.relative_to(outdir).as_posix() in app.config.csp_webassembly_pages
        if (page := with_policy(written, webassembly)) != written:
            path.write_text(page, "utf-8")


def setup(app: Sphinx) -> dict:
    app.add_config_value("csp_webassembly_pages", [], "html", types=[list])
    # Last: after every other extension that writes pages (sphinx-notfound-page, sphinx-reredirects).
    app.connect("build-finished", add_policy, priority=990)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
