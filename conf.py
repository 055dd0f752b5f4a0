"""Sphinx settings for the Mission Driven Bureaucrats companion.

Settings only: behaviour lives in the extensions under ``_ext/`` (one concern each), data in
``_data/``. Every build runs with ``-W --keep-going -n`` (see the Makefile): a warning fails it.
"""

import os
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).parent
sys.path.insert(0, str(ROOT / "_ext"))

BOOK = yaml.safe_load((ROOT / "_data" / "book.yaml").read_text(encoding="utf-8"))

# -- Project information ------------------------------------------------------------------------

project = f"{BOOK['title']}: the companion"
author = "The companion editors"
# Dates shown to readers come from the last commit (the Makefile exports SOURCE_DATE_EPOCH),
# never from the clock, so two builds of one commit are identical.
_build_time = time.gmtime(int(os.environ.get("SOURCE_DATE_EPOCH", "0")) or None)
copyright = f"{BOOK['year']}–{_build_time.tm_year} {BOOK['author']} (the book); the companion editors (this site)"
release = version = time.strftime("%Y.%m.%d", _build_time)
language = "en"

# -- General configuration ----------------------------------------------------------------------

extensions = [
    "myst_parser",
    "sphinx_design",
    "foreign_text",
    "profiles",
    "book_pages",
    "content_guard",
    "downloads",
    "pdf_builder",
    "design_flatten",
    "epub_builder",
    "cover",
    "incremental",
    "site_meta",
    "site_files",
    "theme_a11y",
    "navigation",
    "lean_pages",
    "csp",
    "template_cache",
]

root_doc = "index"
# Only publication sources are Sphinx documents.
exclude_patterns = [
    "_build",
    "_ext",
    "_data",
    "_templates",
    ".*",  # .venv, .git, .ci, .github, caches
    "tests",
    "node_modules",
    "README.md",
    "CONTRIBUTING.md",
]
templates_path = ["_templates"]
nitpicky = True
# Every entry says why it is ignored; nothing is ignored yet.
nitpick_ignore = []
# The book is small: sections are not numbered, headings carry the structure.
numfig = False

# -- Options for MyST ---------------------------------------------------------------------------

myst_enable_extensions = ["colon_fence", "attrs_block", "attrs_inline", "deflist", "substitution"]
myst_heading_anchors = 3
# Book facts are written once, in _data/book.yaml, and used on pages as {{ isbn13 }} etc.
myst_substitutions = {key: str(value) for key, value in BOOK.items()}

# -- Options for checking contributed content (_ext/content_guard.py) --------------------------

# Hosts linked with http:// because they serve no https (each checked by hand; give the reason).
content_guard_http_only_hosts = {
    "pakistanviews.org": "2016 report on Batool Asadi; the site is not known to serve https",
    "www.chinahush.com": "2009 post on petitioning in China; the site is not known to serve https",
}
content_guard_max_image_kb = 500

# -- Options for the profiles (_ext/profiles.py) ------------------------------------------------

profiles_dir = "profiles"
profiles_contribute_doc = "contribute"

# -- Options for the external link check (make linkcheck) -------------------------------------

linkcheck_retries = 3
linkcheck_timeout = 30
linkcheck_rate_limit_timeout = 120
# The buying links of _data/buy.yaml are built from the ISBN, so they are checked, not ignored.
# Amazon often answers automated requests with 503 "Service Unavailable" and a robot check. Sphinx
# reports a 503 as "ignored: service unavailable", neither working nor broken, so the check still
# runs where the network allows, and any other error (a 404 for an address a store does not know)
# fails it. A robot check answered with 200 passes without proving the page: look at it by hand.
linkcheck_ignore = [
    # Goodreads blocks automated requests (403).
    r"https://www\.goodreads\.com/.*",
]

# -- Options for HTML output (Furo) -------------------------------------------------------------

html_theme = "furo"
html_title = BOOK["title"]
html_short_title = BOOK["title"]
# The site's public address: one setting, read from the host's environment where there is one.
# (An empty variable counts as unset.)
html_baseurl = (
    os.environ.get("READTHEDOCS_CANONICAL_URL")
    or os.environ.get("SITE_URL")
    or "https://mission-driven-bureaucrats.github.io/companion/"
)
html_static_path = ["_static"]
html_context = {"book": BOOK}
html_css_files = ["companion.css"]
html_copy_source = False
html_show_sourcelink = False
html_last_updated_fmt = None
# The sidebar lists the book's pages; the profiles are reached from their gallery (_ext/navigation.py).
navigation_maxdepth = 1
html_sidebars = {
    "**": [
        "sidebar/brand.html",
        "sidebar/search.html",
        "sidebar/scroll-start.html",
        "sidebar/navigation.html",
        "sidebar/downloads.html",
        "sidebar/scroll-end.html",
    ]
}
html_theme_options = {
    "light_css_variables": {
        "color-brand-primary": "#8a3b12",
        "color-brand-content": "#8a3b12",
    },
    "dark_css_variables": {
        "color-brand-primary": "#f0a875",
        "color-brand-content": "#f0a875",
    },
}

# -- Options for the downloads (_ext/downloads.py) ----------------------------------------------

# File names of the whole-book PDF and ePub; per-profile PDFs are named after their page.
downloads_basename = "mission-driven-bureaucrats-companion"

# -- Options for PDF output (_ext/pdf_builder.py, WeasyPrint) ------------------------------------

pdf_basename = downloads_basename
pdf_title = BOOK["title"]
pdf_subtitle = "The companion: profiles of mission-driven public servants"
pdf_subject = "Profiles of public servants around the world, companion to " + BOOK["title"]
# Documents that also get a PDF of their own (each profile page).
pdf_separate_documents = ["profiles/*"]
pdf_separate_exclude = ["profiles/index"]
# The book is typeset in parts of this many documents and joined (_ext/pdf_book.py): a part's
# memory grows with its length, an edit re-typesets the part it is in (and the parts after it, if
# it changes the part's page count), and each part embeds its own subset of the fonts (smaller
# parts: faster edits, a bigger file). 100 keeps the real book in one part.
pdf_book_part_size = 100

# -- Options for the cover and the social card (_ext/cover.py) ----------------------------------

cover_byline = f"A companion to the book by {BOOK['author']}"

# -- Options for site metadata (_ext/site_meta.py) ----------------------------------------------

# "Edit this page" leads here, followed by the page's source path (the repository's default branch).
site_edit_url = "https://github.com/mission-driven-bureaucrats/companion/edit/main/"
# What search results and link previews say of a page that has no summary or text of its own.
site_description = pdf_subject

# -- Options for ePub output ----------------------------------------------------------------------

epub_basename = downloads_basename
epub_title = f"{BOOK['title']}: the companion"
epub_author = author
epub_publisher = author
epub_copyright = copyright
epub_language = language
# epub_identifier must equal epub_uid (else epubcheck NCX-001) and be an XML name.
epub_identifier = epub_uid = "mission-driven-bureaucrats-companion"
epub_scheme = ""
epub_description = pdf_subject
epub_show_urls = "footnote"
epub_use_index = False
# The landing page's toctree is hidden on the site (Furo shows it in the sidebar); the ePub needs it.
epub_tocscope = "includehidden"
epub_cover = ("_static/cover.png", "epub-cover.html")  # drawn by _ext/cover.py
# Files the ePub pages never reference (epubcheck reports them as unused).
epub_exclude_files = [
    "_static/basic.css", "_static/minus.png", "_static/plus.png",  # Sphinx's, unused by our pages
    "_static/social-card.png", "_static/gallery-filters.js",  # the site's, not the book's
    ".buildinfo.bak",  # Sphinx keeps the previous .buildinfo when the settings change
]
