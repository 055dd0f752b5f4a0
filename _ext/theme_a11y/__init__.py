"""Furo's drawers, fixed where they fail the keyboard tests of tests/test_browser.py.

On narrow screens the navigation and the contents slide in from drawers that Furo opens with
``<label>``\\ s, which the keyboard cannot reach, while the links of a closed drawer stay in the
Tab order, focused off screen. ``static/drawers.js`` makes each label a button (Enter or Space
opens its drawer and moves focus into it; Escape closes it and returns focus), and
``_static/companion.css`` hides a closed drawer, which takes its links out of the Tab order.
"""

from __future__ import annotations

import os
from pathlib import Path

from sphinx.application import Sphinx

from site_meta import SITE_BUILDERS


def add_static_folder(app: Sphinx, config) -> None:
    # At config-inited, so the saved settings match the next build's and nothing looks changed;
    # relative to the project, so two copies of it have the same settings (and .buildinfo).
    config.html_static_path.append(os.path.relpath(Path(__file__).parent / "static", app.confdir))


def add_drawers_script(app: Sphinx) -> None:
    if app.builder.name in SITE_BUILDERS:
        app.add_js_file("drawers.js", loading_method="defer")


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", add_static_folder)
    app.connect("builder-inited", add_drawers_script)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
