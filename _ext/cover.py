"""The cover image (``_static/cover.png``, the ePub cover) and the social card
(``_static/social-card.png``, the picture link previews show), drawn with Pillow.

They are drawn at the start of a build from the book's title and the bundled fonts, so there is
no binary to keep in step with the text; the same inputs give the same bytes. Each image carries
a digest of what it was drawn from, and is drawn again only when that changes (drawing and
compressing them took about half a second of every rebuild).
"""

from __future__ import annotations

import hashlib
import os
import textwrap
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, PngImagePlugin
from sphinx.application import Sphinx

FONTS = Path(__file__).parent / "print_theme" / "static" / "fonts"
BACKGROUND, TITLE, ACCENT, TEXT = "#2b1a10", "#fbf4ec", "#f0a875", "#e9dccf"
IMAGES = {"cover.png": (1600, 2400), "social-card.png": (1200, 630)}
FACES = ("NotoSerif-Bold.ttf", "NotoSerif-Italic.ttf", "NotoSans-Regular.ttf")
DIGEST_KEY = "drawn-from"


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
        (title, FACES[0], TITLE, 150, 14),
        (subtitle, FACES[1], ACCENT, 70, 30),
        (byline, FACES[2], TEXT, 52, 44),
    ):
        size_px = int(px * scale)
        for line in textwrap.wrap(text, chars):
            pen.text((margin, y), line, font=font(face, size_px), fill=colour)
            y += int(size_px * 1.25)
        y += int(size_px * 0.9)
    return image


# The drawing code as loaded (a changed design draws the images again).
DRAWING = Path(__file__).read_bytes()


def inputs_digest(texts: tuple[str, ...]) -> str:
    """What both images are drawn from: the texts, the drawing code and the fonts."""
    digest = hashlib.sha256(repr(texts).encode() + DRAWING)
    for face in FACES:
        digest.update((FONTS / face).read_bytes())
    return digest.hexdigest()


def drawn_from(path: Path) -> str | None:
    try:
        with Image.open(path) as image:  # the text chunks before the pixels, not the pixels
            return image.info.get(DIGEST_KEY)
    except OSError:
        return None


def draw_images(app: Sphinx) -> None:
    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    texts = (app.config.html_title, app.config.pdf_subtitle, app.config.cover_byline)
    inputs = inputs_digest(texts)
    for name, size in IMAGES.items():
        digest = f"{inputs} {size[0]}x{size[1]}"
        if drawn_from(static / name) != digest:
            info = PngImagePlugin.PngInfo()
            info.add_text(DIGEST_KEY, digest)
            # Written whole, then renamed: a file cut short would still carry its digest (a text
            # chunk before the pixels) and never be drawn again.
            partial = static / f"{name}.partial"
            draw(size, *texts).save(partial, format="PNG", optimize=True, pnginfo=info)
            os.replace(partial, static / name)


def setup(app: Sphinx) -> dict:
    app.add_config_value("cover_byline", "", "html", types=[str])
    app.connect("builder-inited", draw_images)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
