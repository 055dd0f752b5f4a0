"""Where things are, said once: which pages are profiles, a page's address on the site, and where
the downloads live and what they are called. The extensions, ``tools/new_profile.py`` and the
Makefile's publishing step (``python _ext/locations.py publish``) and the pull-request summary
all ask here; it needs nothing but Python (the summary runs without the project's packages).
"""

import posixpath
import shutil
import sys
from pathlib import Path

# The folder of profile pages; its index.md is the gallery, every other page is a profile.
PROFILES = "profiles"
# The site's folder for the companion PDF, the ePub and every profile's PDF.
DOWNLOADS = "downloads"
# The companion PDF's and ePub's file name, without its suffix.
BASENAME = "mission-driven-bureaucrats-companion"
# The builders that make the website, and the same as an expression of Sphinx's ``only``.
SITE_BUILDERS = ("html",)
ON_SITE = "builder_html"


def is_profile(docname: str) -> bool:
    """Every page in ``profiles/`` but the gallery; each also has a PDF of its own."""
    return docname.startswith(PROFILES + "/") and docname != f"{PROFILES}/index"


def site_only(*children):
    """Content for the site alone (the PDFs and the ePub are the downloads it links): every format
    reads the same tree, and Sphinx drops this block as it writes the others."""
    from sphinx import addnodes  # here: the rest of this module needs no Sphinx

    return addnodes.only("", *children, expr=ON_SITE)


def page(docname: str) -> str:
    """The page's path on the site."""
    return docname + ".html"


def absolute(config, path: str) -> str:
    """The public address of ``path``, a file of the site."""
    return config.html_baseurl.rstrip("/") + "/" + path


def link(docname: str, path: str) -> str:
    """``path``, a file of the site, as a link from the page of ``docname``."""
    return posixpath.relpath(path, posixpath.dirname(page(docname)) or ".")


def companion(kind: str) -> str:
    """The companion's ``pdf`` or ``epub`` on the site."""
    return f"{DOWNLOADS}/{BASENAME}.{kind}"


def profile_pdf(docname: str) -> str:
    """A profile's own PDF on the site."""
    return f"{DOWNLOADS}/{docname}.pdf"


def publish(work: Path, site: Path) -> None:
    """Put the PDFs and the ePub that Sphinx wrote in ``work`` (its pdf/ and epub/ folders) where
    the site links them, in ``site``."""
    for kind in ("pdf", "epub"):
        target = site / companion(kind)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(work / kind / Path(companion(kind)).name, target)
    for pdf in sorted((work / "pdf" / PROFILES).glob("*.pdf")):
        target = site / profile_pdf(f"{PROFILES}/{pdf.stem}")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(pdf, target)


if __name__ == "__main__":
    if sys.argv[1:2] != ["publish"] or len(sys.argv) != 4:
        sys.exit("usage: python _ext/locations.py publish WORK_FOLDER SITE_FOLDER")
    publish(Path(sys.argv[2]), Path(sys.argv[3]))
