"""The pictures that carry the title, drawn with Pillow from one design: the cover
(``_static/cover.png``, the ePub's), the social card (``_static/social-card.png``, for link
previews) and, on the site, a small cover (``_static/cover-web.png``, 5 KB) for the sidebar and the
directive ``{book-cover}``. Drawn at the start of a build from the title and the bundled fonts, so
no picture falls out of step with the text; the same inputs give the same bytes. Each picture
records what it was drawn from (a PNG text chunk), and is drawn again only when that changed:
drawing them took about 0.5 s of every build, however little it had to do. (The favicons, which
have no text, are files in ``_static/``, in the cover's colours.)
"""

import hashlib
import textwrap
from pathlib import Path

import PIL
from docutils import nodes
from PIL import Image, ImageDraw, ImageFont, PngImagePlugin, features
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective
from sphinx.util.osutil import relative_uri

from locations import SITE_BUILDERS

FONTS = Path(__file__).parent / "print_theme" / "static" / "fonts"
BACKGROUND, TITLE, ACCENT, TEXT = "#2b1a10", "#fbf4ec", "#f0a875", "#e9dccf"
# Each picture: its name, its size, and whether it is reduced to 32 colours.
IMAGES = (("cover.png", (1600, 2400), False), ("social-card.png", (1200, 630), False))
FACES = ("NotoSerif-Bold.ttf", "NotoSerif-Italic.ttf", "NotoSans-Regular.ttf")
# Twice the size it is shown at, in 32 colours: 5 KB where the full cover is 100 KB.
WEB_COVER, WEB_COVER_SIZE = "cover-web.png", (360, 540)
DRAWN_FROM = "drawn-from"  # the PNG text chunk that records a picture's inputs


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
            pen.text((margin, y), line, font=ImageFont.truetype(str(FONTS / face), size_px), fill=colour)
            y += int(size_px * 1.25)
        y += int(size_px * 0.9)
    return image


def inputs(texts: tuple[str, ...]) -> str:
    """A digest of what the pictures are drawn from: the texts, the fonts, this design, and Pillow
    with the libraries that shape, draw and compress them. Sixteen hex digits: the small cover,
    which every page loads, carries it too."""
    libraries = [features.version(name) for name in ("freetype2", "raqm", "zlib")]
    digest = hashlib.sha256(repr((texts, PIL.__version__, libraries)).encode())
    for source in (Path(__file__), *(FONTS / face for face in FACES)):
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def drawn_from(path: Path) -> str | None:
    try:
        with Image.open(path) as picture:
            return picture.info.get(DRAWN_FROM)  # read with the header (``text`` decodes the picture)
    except OSError:  # not there, or not a picture
        return None


def draw_images(app: Sphinx) -> None:
    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    texts = (app.config.html_title, app.config.pdf_subtitle, app.config.cover_byline)
    pictures = IMAGES
    if app.builder.name in SITE_BUILDERS:  # the ePub would list an unused file
        pictures += ((WEB_COVER, WEB_COVER_SIZE, True),)
    for leftover in static.glob("*.drawing"):  # of a build stopped while drawing
        leftover.unlink()
    digest = inputs(texts)
    record = PngImagePlugin.PngInfo()
    record.add_text(DRAWN_FROM, digest)
    for name, size, reduced in pictures:
        if drawn_from(static / name) == digest:
            continue
        picture = draw(size, *texts)
        if reduced:
            picture = picture.convert("P", palette=Image.Palette.ADAPTIVE, colors=32)
        # Whole or not at all: a picture cut short by a stopped build would still carry its digest.
        drawing = static / f"{name}.drawing"
        picture.save(drawing, format="PNG", optimize=True, pnginfo=record)
        drawing.replace(static / name)


class book_cover(nodes.General, nodes.Element):
    """The small cover in a page of the site; the ePub and the PDFs have a cover of their own."""


class BookCover(SphinxDirective):
    def run(self) -> list[nodes.Node]:
        return [book_cover()]


def visit_book_cover(self, node: book_cover) -> None:
    # Written here, not as an image node: Sphinx would look for the picture among the sources. The
    # cover is the companion's, not the book's, and its text alternative and caption say so.
    if self.builder.name in SITE_BUILDERS:
        config, (width, height) = self.builder.config, (size // 2 for size in WEB_COVER_SIZE)
        src = relative_uri(self.builder.get_target_uri(self.builder.current_docname), f"_static/{WEB_COVER}")
        alt = f"A cover drawn for this companion, not the publisher's jacket: {config.html_title}. {config.pdf_subtitle}. {config.cover_byline}."
        self.body.append(
            f'<figure class="book-cover"><img src="{src}" alt="{self.attval(alt)}" width="{width}" height="{height}">'
            '<figcaption aria-hidden="true">Cover drawn for this companion</figcaption></figure>\n'
        )
    raise nodes.SkipNode


def setup(app: Sphinx) -> dict:
    app.setup_extension("pdf_builder")  # the cover shows pdf_subtitle
    app.add_config_value("cover_byline", "", "html", types=[str])
    app.connect("builder-inited", draw_images)
    app.add_directive("book-cover", BookCover)
    app.add_node(book_cover, html=(visit_book_cover, None))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
