"""The cover image (``_static/cover.png``, the ePub cover) and the social card
(``_static/social-card.png``, the picture link previews show), drawn with Pillow.

They are drawn at the start of each build from the book's title and the bundled fonts, so
there is no binary to keep in step with the text; the same inputs give the same bytes.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from sphinx.application import Sphinx

FONTS = Path(__file__).parent / "print_theme" / "static" / "fonts"
BACKGROUND, TITLE, ACCENT, TEXT = "#2b1a10", "#fbf4ec", "#f0a875", "#e9dccf"
IMAGES = {"cover.png": (1600, 2400), "social-card.png": (1200, 630)}


def font(name: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONTS / name), size)


def draw(size: tuple[int, int], title: str, subtitle: str, byline: str) -> Image.Image:
    width, height = size
    scale = width / 1600 if height > width else width / 1200 * 0.62
    image = Image.new("RGB", size, BACKGROUND)
    pen = ImageDraw.Draw(image)
    margin = int(width * 0.09)
    y = int(height * (0.22 if height > width else 0.16))
    pen.rectangle([margin, y - int(40 * scale), margin + int(180 * scale), y - int(28 * scale)], fill=ACCENT)
    for text, face, colour, px, chars in (
        (title, "NotoSerif-Bold.ttf", TITLE, 150, 14),
        (subtitle, "NotoSerif-Italic.ttf", ACCENT, 70, 30),
        (byline, "NotoSans-Regular.ttf", TEXT, 52, 44),
    ):
        size_px = int(px * scale)
        for line in textwrap.wrap(text, chars):
            pen.text((margin, y), line, font=font(face, size_px), fill=colour)
            y += int(size_px * 1.25)
        y += int(size_px * 0.9)
    return image


def draw_images(app: Sphinx) -> None:
    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    for name, size in IMAGES.items():
        draw(size, app.config.html_title, app.config.pdf_subtitle, app.config.cover_byline).save(static / name, optimize=True)


def setup(app: Sphinx) -> dict:
    app.add_config_value("cover_byline", "", "html", types=[str])
    app.connect("builder-inited", draw_images)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
