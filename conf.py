"""Sphinx settings for the Mission Driven Bureaucrats companion.

Settings only: behaviour lives in the extensions under ``_ext/`` (one concern each), data in
``_data/``. Every build runs with ``-W --keep-going -n`` (see the Makefile): a warning fails it.
"""

import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import yaml

ROOT = Path(__file__).parent
sys.path.insert(0, str(ROOT / "_ext"))
import locations  # noqa: E402  (where pages and downloads are: one home for the rules)

BOOK = yaml.safe_load((ROOT / "_data" / "book.yaml").read_text(encoding="utf-8"))

# -- Project information ------------------------------------------------------------------------

project = f"{BOOK['title']}: the companion"
# The editors' one name, in every format and citation (profiles name them so in `contributors`).
author = "The companion editors"
# Dates shown to readers come from the last commit (the Makefile exports SOURCE_DATE_EPOCH),
# never from the clock, so two builds of one commit are identical.
_build_time = time.gmtime(int(os.environ.get("SOURCE_DATE_EPOCH", "0")) or None)
# The book's year is its own; only the companion's years (from its first edition, 2026) run on.
COMPANION_FIRST_YEAR = 2026
_companion_years = "–".join(dict.fromkeys([str(COMPANION_FIRST_YEAR), str(max(_build_time.tm_year, COMPANION_FIRST_YEAR))]))
copyright = f"{BOOK['year']} {BOOK['author']} (the book); {_companion_years} {author} (this companion)"
release = version = time.strftime("%Y.%m.%d", _build_time)
language = "en"

# -- General configuration ----------------------------------------------------------------------

extensions = [
    # Published extensions: each does one job a publication needs, configured below
    # (sphinxext-opengraph too, which _ext/site_meta.py sets up quietly).
    "myst_parser",
    "sphinx_design",
    "sphinx_sitemap",
    "notfound.extension",
    "sphinx_last_updated_by_git",
    "sphinx_reredirects",
    # Ours (_ext/), where no package does the job; ARCHITECTURE.md lists what each hooks. Each
    # sets up what it builds on, and none relies on this order.
    "compat",
    "foreign_text",
    "profiles",
    "book_pages",
    "content_guard",
    "downloads",
    "citations",
    "pdf_builder",
    "design_flatten",
    "epub_builder",
    "artwork",
    "incremental",
    "site_meta",
    "site_theme",
    "search",
    "csp",
]

root_doc = "index"
# Only publication sources are Sphinx documents.
exclude_patterns = [
    "_build",
    "_ext",
    "tools",
    "_data",
    "_templates",
    ".*",  # .venv, .git, .ci, caches
    ".github",  # the issue form and the pull-request template are Markdown, not pages
    "tests",
    "node_modules",
    "README.md",
    "CONTRIBUTING.md",
    "ARCHITECTURE.md",
]
templates_path = ["_templates"]
nitpicky = True
# Every entry says why it is ignored; nothing is ignored yet.
nitpick_ignore = []
# Every entry says why it is not a failure.
suppress_warnings = [
    # A build outside a git checkout (a copy of the sources, a release archive) has no commit
    # dates: its pages show none, which is right, not a mistake.
    "git.subprocess_error",
]
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
# Furo opens its drawers (narrow screens) with labels the keyboard cannot reach: this makes them
# buttons (companion.css hides a closed drawer, taking its links out of the Tab order).
html_js_files = [("drawers.js", {"defer": "defer"})]
html_copy_source = False
html_show_sourcelink = False
# The day each page's source, or a data file it reads, was last committed
# (sphinx-last-updated-by-git), in Furo's footer and the sitemap.
html_last_updated_fmt = "%-d %B %Y"
# Every profile is checked against the vocabulary, but a change to it changes no profile's text.
git_exclude_patterns = ["_data/profile_vocabulary.yaml"]
# In UTC, not the building machine's time zone, so that every machine writes the same pages.
git_last_updated_timezone = "UTC"
# The sidebar lists the book's pages; the profiles are reached from their gallery (_ext/site_theme).
navigation_maxdepth = 1
html_sidebars = {
    "**": [
        "sidebar/brand.html",
        "sidebar/search.html",
        "sidebar/scroll-start.html",
        "sidebar/navigation.html",
        "sidebar/downloads.html",
        "sidebar/contributors.html",
        "sidebar/scroll-end.html",
    ]
}
REPOSITORY = "https://github.com/mission-driven-bureaucrats/companion/"
html_theme_options = {
    "light_css_variables": {
        "color-brand-primary": "#8a3b12",
        "color-brand-content": "#8a3b12",
    },
    "dark_css_variables": {
        "color-brand-primary": "#f0a875",
        "color-brand-content": "#f0a875",
    },
    # "Edit this page" at the top of every page with a source.
    "source_repository": REPOSITORY,
    "source_branch": "main",
    "source_directory": "",
    "top_of_page_buttons": ["edit"],
}

# -- Options for search (_ext/search.py, Pagefind) ---------------------------------------------

# The index's folder in the site (the search page loads only the parts of it a query needs).
search_bundle = "pagefind"
# Text on the pages that is no word of theirs: heading anchors ("#"), the monogram's initials.
search_exclude_selectors = [".headerlink", ".no-search"]
# Pagefind answers with WebAssembly: the search page's Content Security Policy allows it (_ext/csp.py).
csp_webassembly_pages = ["search.html"]

# -- Options for the files beside the pages: sitemap, 404 page, redirects ------------------------

# sphinx-sitemap: every page at its canonical address, with the day of its last commit.
sitemap_url_scheme = "{link}"
sitemap_show_lastmod = True
sitemap_excludes = ["search.html", "genindex.html", "404.html"]
# sphinx-notfound-page: 404.html links from the site's root path, so it works at any depth.
notfound_urls_prefix = urlsplit(html_baseurl).path.rstrip("/") + "/"
notfound_context = {
    "title": "Page not found",
    "body": (
        "<h1>Page not found</h1>\n<p>There is no page at this address. It may have moved, or the "
        "link may be mistyped.</p>\n<p>Start again from <a href=\"" + notfound_urls_prefix + "index.html\">the home "
        "page</a>, or <a href=\"" + notfound_urls_prefix + "search.html\">search the companion</a>.</p>"
    ),
}
# sphinx-reredirects: an old address → its new page, kept in _data/redirects.yaml (a renamed
# profile adds a line there, so links to its old address still lead to it).
redirects = yaml.safe_load((ROOT / "_data" / "redirects.yaml").read_text(encoding="utf-8")) or {}
redirect_html_template_file = "_templates/redirect.html"

# -- Options for link previews (sphinxext-opengraph) and search engines (_ext/site_meta.py) ------

ogp_site_url = html_baseurl
ogp_site_name = BOOK["title"]
ogp_image = "_static/social-card.png"  # drawn by _ext/artwork.py
ogp_image_alt = f"{BOOK['title']}: the companion. Profiles of mission-driven public servants."
ogp_social_cards = {"enable": False}  # our own card, drawn once, not one per page
ogp_custom_meta_tags = ['<meta name="twitter:card" content="summary_large_image" />']
# What search results and link previews say of the pages the build makes (search, 404).
site_description = f"Profiles of public servants around the world, companion to {BOOK['title']}"

# -- Options for PDF output (_ext/pdf_builder.py, WeasyPrint) ------------------------------------

# The companion, not the book: a reference manager files the PDF under this title and `author`.
pdf_title = project
pdf_subtitle = "Profiles of mission-driven public servants"
pdf_subject = "Profiles of public servants around the world, companion to " + BOOK["title"]

# -- Options for the cover and the social card (_ext/artwork.py; the favicons are in _static/) ------

cover_byline = f"A companion to the book by {BOOK['author']}"

# -- Options for ePub output ----------------------------------------------------------------------

# The downloads' names and folder are set once, in _ext/locations.py (the Makefile publishes them there).
epub_basename = locations.BASENAME
epub_title = f"{BOOK['title']}: the companion"
epub_author = author
epub_publisher = author
epub_copyright = copyright
epub_language = language
# epub_identifier must equal epub_uid (else epubcheck NCX-001) and be an XML name.
epub_identifier = epub_uid = "mission-driven-bureaucrats-companion"
epub_scheme = ""
epub_description = pdf_subject
# Links stay links: reading systems follow them (footnotes would repeat every source's address).
epub_show_urls = "no"
# Sphinx requires a contributor (else it names one "unknown"); the editors are the creator, and
# the package document names a contributor only where it is someone else (_ext/epub_templates/).
epub_contributor = author
epub_use_index = False
# The landing page's toctree is hidden on the site (Furo shows it in the sidebar); the ePub needs it.
epub_tocscope = "includehidden"
epub_cover = ("_static/cover.png", "epub-cover.html")  # drawn by _ext/artwork.py
# Files the ePub pages never reference (epubcheck reports them as unused).
epub_exclude_files = [
    "_static/basic.css", "_static/minus.png", "_static/plus.png",  # Sphinx's, unused by our pages
    "_static/social-card.png", "_static/gallery-filters.js",  # the site's, not the book's
    "_static/search.js", "_static/search.css",  # the site's search page
    ".buildinfo.bak",  # Sphinx keeps the previous .buildinfo when the settings change
    "sitemap.xml",  # sphinx-sitemap writes one for every builder; the site's is the one published
    *(f"{old}.html" for old in redirects),  # sphinx-reredirects' pages, for the site
]

# -- Options for the ePub's accessibility (_ext/epub_builder.py) -----------------------------------

# What content.opf declares, as EPUB Accessibility 1.1 asks (DAISY Ace checks it in `make test`).
# Only what is true of this ePub: it has no page list (no print edition's page numbers), no audio,
# video or flashing content, and its pictures, when a profile has one, carry text alternatives (the
# builder then adds the access mode "visual" and the feature "alternativeText").
epub_accessibility = {
    "schema:accessMode": ["textual"],
    "schema:accessModeSufficient": ["textual"],
    "schema:accessibilityFeature": [
        "structuralNavigation",  # headings mark every section
        "tableOfContents",  # the navigation document
        "readingOrder",  # the spine follows the pages' order
        "displayTransformability",  # no fixed layout: the reader's fonts, sizes and colours apply
    ],
    "schema:accessibilityHazard": ["none"],
    "schema:accessibilitySummary": [
        "This ePub was checked against WCAG 2.1 Level AA with DAISY Ace, an automated checker, "
        "and against the EPUB specification with EPUBCheck; it has not been audited by hand. It "
        "has a table of contents and headings to navigate by, its reading order follows the "
        "pages, and it declares its language and that of each name written in another script. "
        "Text is reflowable, so fonts, sizes and colours can be changed. It has no page numbers "
        "from a print edition, and no sound, video or flashing content."
    ],
    "dcterms:conformsTo": ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"],
    # Who evaluated it, which a claim of conformance must say: the editors themselves, with the checkers above.
    "a11y:certifiedBy": [author],
}
