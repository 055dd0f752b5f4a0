"""A Content Security Policy on every page of the site.

The policy lets a page load scripts, styles, images and fonts only from the site itself, and run
no inline script but the theme's own (allowed by its hash), so even markup that slipped past
``content_guard.py`` could neither run code nor pull anything from elsewhere. It is a ``<meta>``
tag, since static hosts (GitHub Pages, Read the Docs) set no headers of ours.

The hashes are taken from the pages as written, after every other change to them: Furo's inline
script and style carry values from the settings, so a hash of the template would go stale.
Inline ``style`` attributes stay allowed (``style-src-attr``): Furo's icons use them, and they
cannot run code.
"""

from __future__ import annotations

import base64
import hashlib
import re

from sphinx.application import Sphinx

import written_pages

# Inline blocks the browser runs: scripts without src (JSON-LD is data, not run) and styles.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/ld\+json)[^>]*>(.*?)</script>", re.DOTALL)
INLINE_STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.DOTALL)
POLICY_TAG = re.compile(r'\s*<meta http-equiv="Content-Security-Policy"[^>]*>')
CHARSET = re.compile(r'<meta charset="utf-8"\s*/?>', re.IGNORECASE)


def digest(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def policy(page: str) -> str:
    scripts = " ".join(sorted({digest(block) for block in INLINE_SCRIPT.findall(page)}))
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


def add_policy(app: Sphinx, exception: Exception | None) -> None:
    # Not in the live preview, which is served from this machine only (written_pages.py).
    if exception or not written_pages.runs_passes(app):
        return
    # A page keeps its policy until Sphinx writes it again: the other passes leave its inline
    # scripts and styles alone.
    _, fresh = written_pages.scan(app)
    for path in fresh:
        written = path.read_text("utf-8")
        page = POLICY_TAG.sub("", written)
        tag = f'<meta http-equiv="Content-Security-Policy" content="{policy(page)}">'
        page = CHARSET.sub(lambda match, tag=tag: f"{match.group(0)}\n    {tag}", page, count=1)
        if page != written:
            path.write_text(page, "utf-8")


def setup(app: Sphinx) -> dict:
    app.setup_extension("written_pages")
    # After the other extensions that rewrite the written pages (lean_pages.py, site_files.py).
    app.connect("build-finished", add_policy, priority=990)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
