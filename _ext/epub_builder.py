"""The ePub builder (replaces Sphinx's ``epub``), finished like a book, accessible and reproducible.

It adds the metadata of EPUB Accessibility 1.1 (``epub_accessibility``), the EPUB 3 cover image, ``lang``
and ``role="doc-toc"``, holds only the book's pages (``downloads.book_documents``) and writes the same zip
for the same commit. No setting adds these: ``epub_templates/`` holds Sphinx's templates, ours marked in them.
"""

import hashlib
import html
import os
import time
from pathlib import Path
from zipfile import ZIP_DEFLATED, ZIP_STORED, ZipFile, ZipInfo

from sphinx.application import Sphinx
from sphinx.builders.epub3 import Epub3Builder

from downloads import book_documents
from locations import absolute

ZIP_EPOCH = 315532800  # 1980-01-01, the earliest date a zip entry can hold


class BookEpubBuilder(Epub3Builder):
    template_dir = Path(__file__).parent / "epub_templates"

    def prepare_writing(self, docnames) -> None:
        lang = html.escape(self.config.epub_language)  # on every page's <html>, where Sphinx writes none
        self.html_tag = Epub3Builder.html_tag.replace(">", f' lang="{lang}" xml:lang="{lang}">')
        self.in_book = book_documents(self.env, self.config.root_doc)  # once: others are linked on the site
        super().prepare_writing(docnames)

    def get_target_uri(self, docname: str, typ: str | None = None) -> str:
        if docname in self.env.all_docs and docname not in self.in_book:
            return absolute(self.config, docname + ".html")
        return super().get_target_uri(docname, typ)

    def write_doc(self, docname: str, doctree) -> None:
        if docname in self.in_book:
            super().write_doc(docname, doctree)

    def get_relative_uri(self, from_: str, to: str, typ: str | None = None) -> str:
        target = self.get_target_uri(to, typ)
        return target if "://" in target else super().get_relative_uri(from_, to, typ)

    def make_id(self, name: str) -> str:
        # After the file's path, not the order Sphinx meets the files in, which an incremental build changes.
        return "epub-" + hashlib.sha1(name.encode()).hexdigest()[:12]

    def content_metadata(self) -> dict:
        declared = {prop: list(values) for prop, values in self.config.epub_accessibility.items()}
        # Pictures (content_guard makes sure each has a text alternative) add these two. The environment's
        # images are every page's but not the cover, so a clean and an incremental build declare the same.
        if self.env.images:
            for prop, value in (("schema:accessMode", "visual"), ("schema:accessibilityFeature", "alternativeText")):
                if value not in declared.setdefault(prop, []):
                    declared[prop].append(value)
        return {**super().content_metadata(), "accessibility": declared}

    def build_content(self) -> None:
        # Sphinx lists the cover page last if it writes it now, in file order if a build left it: start clean.
        Path(self.outdir, self.coverpage_name).unlink(missing_ok=True)
        super().build_content()

    def build_epub(self) -> None:
        stamp = time.gmtime(max(int(os.environ.get("SOURCE_DATE_EPOCH", ZIP_EPOCH)), ZIP_EPOCH))[:6]
        with ZipFile(Path(self.outdir, self.config.epub_basename + ".epub"), "w") as epub:
            for name in ["mimetype", "META-INF/container.xml", "content.opf", "toc.ncx", *self.files]:
                entry = ZipInfo(name, date_time=stamp)
                entry.compress_type = ZIP_STORED if name == "mimetype" else ZIP_DEFLATED
                entry.external_attr = 0o644 << 16
                epub.writestr(entry, Path(self.outdir, name).read_bytes())


def setup(app: Sphinx) -> dict:
    app.add_builder(BookEpubBuilder, override=True)
    # Property → values, written as <meta property="..."> in content.opf (see conf.py).
    app.add_config_value("epub_accessibility", {}, "epub", types=[dict])
    return {"parallel_read_safe": True, "parallel_write_safe": True}
