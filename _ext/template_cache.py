"""Compiled page templates are kept between builds.

Sphinx compiles the theme's Jinja templates (Furo's, ours, the print theme's) afresh in every
process: 0.5 s of a one-page rebuild at 100 profiles, under cProfile (which slows it). Jinja's
own bytecode cache keeps them beside the build environment; a template whose source changed is
compiled again (Jinja checks a digest of it).
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import FileSystemBytecodeCache
from sphinx.application import Sphinx


def cache_templates(app: Sphinx) -> None:
    templates = getattr(app.builder, "templates", None)
    environment = getattr(templates, "environment", None)
    if environment is not None:  # builders that render pages (the HTML family)
        folder = Path(app.doctreedir, "templates")
        folder.mkdir(parents=True, exist_ok=True)
        environment.bytecode_cache = FileSystemBytecodeCache(str(folder))


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", cache_templates)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
