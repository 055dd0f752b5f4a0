"""The ePub builder, finished like a real book, accessible and byte-for-byte reproducible.

Replaces Sphinx's ``epub`` builder with a subclass that

* declares its accessibility in the package document, as EPUB Accessibility 1.1 asks: the
  schema.org properties and the conformance claim of ``epub_accessibility`` (``conf.py``), with
  the access mode ``visual`` and the feature ``alternativeText`` added when a page shows a picture
  (every picture has a text alternative: ``content_guard`` fails the build otherwise);
* gives every XHTML page ``lang`` and ``xml:lang`` (Sphinx's ePub pages have neither, and
  reading systems and screen readers take the language from them);
* gives the navigation document's ``<nav epub:type="toc">`` the matching role, ``doc-toc``;
* holds only the book's pages (``downloads.book_documents``), and links the others (the
  contributor guide, the style guide) on the site;
* marks the cover image with ``properties="cover-image"``, how EPUB 3 reading systems find the
  cover (Sphinx writes only the EPUB 2 ``<meta name="cover">``);
* writes the zip with every entry dated from ``SOURCE_DATE_EPOCH`` (the last commit), so two
  builds of one commit give the same file;
* names the files of the manifest after their paths rather than in the order they were met,
  which differs between a clean and an incremental build.

No setting of Sphinx adds metadata to ``content.opf`` or attributes to the navigation
document: the builder renders them from fixed templates, all read from one folder
(``template_dir``). So ``epub_templates/`` holds Sphinx's two templates with our additions
(marked in each), its NCX template by inclusion, and the two fixed files of the EPUB container
(``mimetype``, ``META-INF/container.xml``) as Sphinx ships them.
"""

from __future__ import annotations

import hashlib
import html
import os
import time
from pathlib import Path
from zipfile import ZIP_DEFLATED, ZIP_STORED, ZipFile, ZipInfo

from sphinx.application import Sphinx
from sphinx.builders.epub3 import Epub3Builder

from downloads import book_documents

ZIP_EPOCH = 315532800  # 1980-01-01, the earliest date a zip entry can hold


class BookEpubBuilder(Epub3Builder):
    template_dir = Path(__file__).parent / "epub_templates"

    @property
    def html_tag(self) -> str:
        """The ``<html>`` of every page (Sphinx's, with the language)."""
        lang = html.escape(self.config.epub_language)
        return f'<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="{lang}" xml:lang="{lang}">'

    def get_target_uri(self, docname: str, typ: str | None = None) -> str:
        # A page the ePub does not hold (downloads.book_documents) is linked on the site.
        if docname in book_documents(self.env, self.config.root_doc) or docname not in self.env.all_docs:
            return super().get_target_uri(docname, typ)
        return self.config.html_baseurl.rstrip("/") + "/" + docname + ".html"

    def write_doc(self, docname: str, doctree) -> None:
        if docname in book_documents(self.env, self.config.root_doc):
            super().write_doc(docname, doctree)

    def get_relative_uri(self, from_: str, to: str, typ: str | None = None) -> str:
        target = self.get_target_uri(to, typ)
        return target if "://" in target else super().get_relative_uri(from_, to, typ)

    def make_id(self, name: str) -> str:
        return "epub-" + hashlib.sha1(name.encode()).hexdigest()[:12]

    def content_metadata(self) -> dict:
        metadata = super().content_metadata()
        declared = {prop: list(values) for prop, values in self.config.epub_accessibility.items()}
        # The environment's images are those of every page (the cover is not one of them), so a
        # clean and an incremental build declare the same.
        if self.env.images:
            for prop, value in (("schema:accessMode", "visual"), ("schema:accessibilityFeature", "alternativeText")):
                if value not in declared.setdefault(prop, []):
                    declared[prop].append(value)
        metadata["accessibility"] = declared
        metadata["cover_href"] = self.config.epub_cover[0] if self.config.epub_cover else None
        return metadata

    def build_content(self) -> None:
        # Sphinx lists the cover page last when it writes it now, in file order when a previous
        # build left it: start from a clean build's state.
        Path(self.outdir, self.coverpage_name).unlink(missing_ok=True)
        super().build_content()

    def build_epub(self) -> None:
        stamp = time.gmtime(max(int(os.environ.get("SOURCE_DATE_EPOCH", ZIP_EPOCH)), ZIP_EPOCH))[:6]
        names = ["mimetype", "META-INF/container.xml", "content.opf", "toc.ncx", *self.files]
        with ZipFile(Path(self.outdir, self.config.epub_basename + ".epub"), "w") as epub:
            for name in names:
                entry = ZipInfo(name, date_time=stamp)
                entry.compress_type = ZIP_STORED if name == "mimetype" else ZIP_DEFLATED
                entry.external_attr = 0o644 << 16
                epub.writestr(entry, Path(self.outdir, name).read_bytes())


def setup(app: Sphinx) -> dict:
    app.add_builder(BookEpubBuilder, override=True)
    # Property → values, written as <meta property="..."> in content.opf (see conf.py).
    app.add_config_value("epub_accessibility", {}, "epub", types=[dict])
    return {"parallel_read_safe": True, "parallel_write_safe": True}
