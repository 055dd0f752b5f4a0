"""Issue 25: contributing from the browser.

* the issue form "Propose a profile" and the chooser's config.yml are what ``make repo-files``
  writes from the schema, valid against GitHub's published schemas, and follow the schema: its
  dropdowns are the closed lists, every field is asked or said why not;
* a saved issue body becomes a profile page that passes the schema and builds, with one command
  (from a file or standard input); it never overwrites a page, and a wrong answer is reported with
  its line in the body and its question;
* the pull-request check: the problem matcher, applied to the real output of the build (as the
  workflow runs it) of a project with broken profiles, as GitHub's runner applies it, makes one
  annotation of every message, on the right file and line; the job summary links the Read the
  Docs preview and the changed profile's page and PDF in it, and lists every problem;
* CITATION.cff is what the generator writes from the book's data and conf.py, and valid.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, copy_project, sphinx

sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / ".github"))
import issue_form  # noqa: E402
import pr_summary  # noqa: E402
import profile_schema  # noqa: E402
import repo_files  # noqa: E402
from citations import book_item  # noqa: E402

CHECK_JSONSCHEMA = str(Path(sys.executable).parent / "check-jsonschema")
TEMPLATES = ROOT / ".github" / "ISSUE_TEMPLATE"
FORM = TEMPLATES / "propose-a-profile.yml"
ISSUE_BODY = Path(__file__).parent / "fixtures" / "propose-a-profile-issue.md"
WORKFLOW = ROOT / ".github" / "workflows" / "check-pages.yml"


def check_jsonschema(schema: str, *paths: Path) -> subprocess.CompletedProcess:
    return subprocess.run([CHECK_JSONSCHEMA, "--builtin-schema", f"vendor.{schema}", *map(str, paths)], capture_output=True, text=True)


# -- The files GitHub reads: generated, and valid ----------------------------------------------------


def test_the_committed_repo_files_are_what_make_repo_files_writes():
    files = repo_files.files()
    assert {path.relative_to(ROOT).as_posix() for path in files} == {"CITATION.cff", ".github/ISSUE_TEMPLATE/propose-a-profile.yml", ".github/ISSUE_TEMPLATE/config.yml"}
    for path, text in files.items():
        assert path.read_text("utf-8") == text, f"{path.relative_to(ROOT)} differs from what its data gives: run `make repo-files`"


@pytest.mark.parametrize(("schema", "path", "break_it"), [
    ("github-issue-forms", FORM, lambda data: data["body"][1].update(type="radio")),
    ("github-issue-config", TEMPLATES / "config.yml", lambda data: data["contact_links"][0].pop("url")),
    ("citation-file-format", ROOT / "CITATION.cff", lambda data: data.pop("authors")),
])
def test_valid_against_the_published_schema(tmp_path, schema, path, break_it):
    result = check_jsonschema(schema, path)
    assert result.returncode == 0, result.stdout + result.stderr
    # The same check turns down a broken copy, so it checks something.
    data = yaml.safe_load(path.read_text("utf-8"))
    break_it(data)
    broken = tmp_path / path.name
    broken.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    assert check_jsonschema(schema, broken).returncode != 0


def test_the_form_follows_the_schema():
    form = yaml.safe_load(FORM.read_text("utf-8"))
    questions = {item["id"]: item for item in form["body"] if "id" in item}
    assert [item["attributes"]["options"] for item in form["body"] if item["type"] == "dropdown"] == [list(profile_schema.REGIONS), list(profile_schema.SECTORS)]
    # Every field of the schema is asked, or the tool says why not.
    asked = {q.key.partition(".")[0] for q in issue_form.QUESTIONS} & set(profile_schema.Profile.model_fields)
    assert asked and asked.isdisjoint(issue_form.NOT_ASKED)
    assert asked | set(issue_form.NOT_ASKED) == set(profile_schema.Profile.model_fields)
    required = {key for key, item in questions.items() if item.get("validations", {}).get("required")}
    assert required == {"name", "country", "summary", "sources", "text"}, "required where the schema needs a value (an organisation may be null, with an area)"
    # The confirmation cannot be left unticked.
    [confirmation] = [item for item in form["body"] if item["type"] == "checkboxes"]
    assert [option["required"] for option in confirmation["attributes"]["options"]] == [True]
    assert "public source" in confirmation["attributes"]["options"][0]["label"]
    # Labels are what the body's headings are read by: one each.
    labels = [item["attributes"]["label"] for item in form["body"] if "label" in item["attributes"]]
    assert len(labels) == len(set(labels)) == len(issue_form.QUESTIONS)


def test_config_points_other_questions_to_the_contributor_guide():
    config = yaml.safe_load((TEMPLATES / "config.yml").read_text("utf-8"))
    [link] = config["contact_links"]
    assert link["url"] == repo_files.settings()["html_baseurl"] + "contribute.html"
    assert (ROOT / "contribute.md").is_file()


def test_citation_cff_cites_the_companion_and_the_book_as_about_does():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text("utf-8"))
    conf = repo_files.settings()
    assert (cff["title"], cff["authors"], cff["url"]) == (conf["project"], [{"name": conf["author"]}], conf["html_baseurl"])
    [book] = cff["references"]
    about = book_item(yaml.safe_load((ROOT / "_data" / "book.yaml").read_text("utf-8")))
    assert (book["title"], book["isbn"], book["publisher"]["name"], book["year"]) == (about["title"], about["ISBN"], about["publisher"], about["issued"]["date-parts"][0][0])
    assert book["authors"] == [{"family-names": "Honig", "given-names": "Dan"}]


# -- From an issue to a page ------------------------------------------------------------------------


def from_issue(project: Path, *args: str, body: str | None = None) -> subprocess.CompletedProcess:
    """`make profile-from-issue` in ``project``, as a maintainer runs it."""
    return subprocess.run(["make", "-s", "profile-from-issue", f"VENV={ROOT / '.venv'}", *args], cwd=project, input=body, capture_output=True, text=True)


def test_a_saved_issue_body_becomes_a_page_that_passes_the_schema_and_builds(project):
    result = from_issue(project, f"ISSUE={ISSUE_BODY}")
    assert result.returncode == 0, result.stdout + result.stderr
    page = project / "profiles" / "jane-example.md"
    text = page.read_text("utf-8")
    data, problems = profile_schema.check(text)
    assert data and not problems, problems
    assert data["name_native"] == {"text": "ジェーン・エグザンプル", "lang": "ja"}
    assert (data["region"], data["sector"], data["status"]) == ("East Asia and Pacific", "local administration", "sketch")
    assert [(s["key"], s["publisher"], s.get("date")) for s in data["sources"]] == [
        ("the-example-times-2021", "The Example Times", "2021-03-04"),
        ("example-district-administration-2022", "Example District Administration", "2022"),
        ("example-radio", "Example Radio", None),
    ]
    assert data["contributors"] == ["Example, Contributor"] and data.get("last_reviewed") is None  # an editor's, after checking
    # [1, 3] became a citation, after the full stop; a Markdown link stayed a link.
    assert "anyone who asked.{cite}`the-example-times-2021,example-radio`" in text
    assert "[annual report](https://example.gov/annual-report-2022)" in text and "[1" not in text
    build = sphinx(project)
    assert build.returncode == 0, build.stdout + build.stderr
    html = (project / "_build" / "html" / "profiles" / "jane-example.html").read_text("utf-8")
    assert "opened the district&#39;s records to the public" in html or "opened the district's records to the public" in html


def test_the_body_can_come_from_standard_input_and_no_page_is_overwritten(project):
    made = from_issue(project, body=ISSUE_BODY.read_text("utf-8"))
    assert made.returncode == 0, made.stderr
    page = project / "profiles" / "jane-example.md"
    page.write_text(page.read_text("utf-8").replace("District Officer", "Edited by hand"), "utf-8")
    again = from_issue(project, body=ISSUE_BODY.read_text("utf-8"))
    assert again.returncode != 0 and "exists already" in again.stderr and "--slug" in again.stderr
    assert "Edited by hand" in page.read_text("utf-8"), "a page is never overwritten"


def line_of(text: str, fragment: str) -> int:
    [number] = [n for n, line in enumerate(text.splitlines(), 1) if fragment in line]
    return number


def test_wrong_answers_are_reported_with_their_line_and_question_and_nothing_is_written(tmp_path):
    body = (ISSUE_BODY.read_text("utf-8")
            .replace("East Asia and Pacific", "Asia")
            .replace("\n2022\n", "\nin 2022\n")
            .replace("[1, 3]", "[4]")
            .replace("- [X] Every", "- [ ] Every"))
    path = tmp_path / "issue.md"
    path.write_text(body, "utf-8")
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "issue_form.py"), str(path), "--into", str(tmp_path)], capture_output=True, text=True)
    assert result.returncode != 0
    problems = [line for line in result.stderr.splitlines() if line.startswith(f"{path}:")]
    assert problems == [
        f"{path}:{line_of(body, 'Asia')}: Region: `Asia` is not allowed; did you mean `East Asia and Pacific`?",
        f"{path}:{body.splitlines().index('https://example.gov/annual-report-2022') + 1}: Sources: source 2: date: `in 2022` is not a valid date; write it as YYYY-MM-DD (when it was published: YYYY, YYYY-MM or YYYY-MM-DD)",
        f"{path}:{line_of(body, '[4]')}: What the sources say: [4] names no source: there are 3; number them as in Sources, from [1]",
        f"{path}:{line_of(body, '- [ ] Every')}: Public sources only: the confirmation is not ticked; every fact must come from a cited public source",
    ], result.stderr
    assert "No page was written" in result.stderr and not list(tmp_path.glob("*-*.md"))


def test_a_body_that_is_not_the_form_is_turned_away(tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "issue_form.py"), "--into", str(tmp_path)], input="Please add Jane.", capture_output=True, text=True)
    assert result.returncode != 0 and "<stdin>:1: " in result.stderr and "not a \"Propose a profile\" form" in result.stderr


# -- The pull-request check: every problem on its line -------------------------------------------------


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    """(project, output, expected): the output of `make`'s site build in a copy of the project
    with mistakes at known lines of two profiles, and the (file, line) of each mistake."""
    project = copy_project(tmp_path_factory.mktemp("matcher"))
    expected = set()
    # Front matter: the schema's messages (relative paths, from our extension).
    liu = project / "profiles" / "liu-yong.md"
    text = re.sub(r"^region: .*$", "region: Asia", liu.read_text("utf-8"), count=1, flags=re.MULTILINE)
    text = re.sub(r"^organisation: (.*)$", r"organisation: \1\norganization: typo", text, count=1, flags=re.MULTILINE)
    liu.write_text(text, "utf-8")
    expected |= {("profiles/liu-yong.md", line_of(text, "region: Asia")), ("profiles/liu-yong.md", line_of(text, "organization: typo"))}
    # The text: an unknown citation key (ours), a broken reference and a skipped heading level
    # (Sphinx's and MyST's own warnings, which name the file by its absolute path).
    uma = project / "profiles" / "uma-mahadevan.md"
    text = uma.read_text("utf-8") + "\n\nSee {doc}`no-such-page` too.{cite}`no-such-source`\n\n#### A heading two levels down\n"
    uma.write_text(text, "utf-8")
    expected |= {("profiles/uma-mahadevan.md", line_of(text, "no-such-page")), ("profiles/uma-mahadevan.md", line_of(text, "#### A heading"))}
    result = subprocess.run(["make", f"VENV={ROOT / '.venv'}", "_build/work/.stamps/html"], cwd=project, capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"})
    assert result.returncode != 0, "the broken profiles fail the build"
    return project, result.stdout + result.stderr, expected


def test_the_matcher_makes_one_annotation_of_every_message_on_its_file_and_line(broken):
    project, output, expected = broken
    messages = [line for line in output.splitlines() if re.search(r": (ERROR|WARNING|CRITICAL): ", line)]
    assert len(messages) >= len(expected) >= 4, output
    found = pr_summary.annotations(output, root=project)
    assert len(found) == len(messages), "one annotation per message"
    assert all(item.file and item.line for item in found), found
    assert {(item.file, item.line) for item in found} == expected, output
    # Each annotation says what the message says, without the file, line and level.
    for item, message in zip(found, messages):
        assert message.endswith(item.message) and not item.message.startswith(("ERROR", "WARNING"))


def test_the_matcher_is_valid_for_the_runner_and_added_before_the_checks():
    config = pr_summary.json.loads(pr_summary.MATCHER.read_text("utf-8"))
    [matcher] = config["problemMatcher"]
    # What the runner checks when it loads a matcher (IssueMatcherConfig.Validate).
    assert matcher["owner"] and matcher["severity"] in ("error", "warning", "notice")
    [pattern] = matcher["pattern"]
    groups = re.compile(pattern["regexp"]).groups
    assert all(0 < pattern[key] <= groups for key in ("file", "line", "message"))
    steps = yaml.safe_load(WORKFLOW.read_text("utf-8"))["jobs"]["check"]["steps"]
    runs = [step.get("run", "") for step in steps]
    order = [next(i for i, run in enumerate(runs) if needle in run) for needle in (
        f"::add-matcher::{pr_summary.MATCHER.relative_to(ROOT).as_posix()}", "make check", "make 2>&1", ".github/pr_summary.py")]
    assert order == sorted(order), "the matcher, then the fast checks, then the full build, then the summary"
    assert steps[order[-1]]["if"] == "${{ !cancelled() }}", "the summary is written when the build fails too"


def test_the_summary_links_the_preview_and_the_profile_pdf_and_lists_every_problem(broken):
    project, output, _ = broken
    text = pr_summary.summary(output, 42, "mission-driven-bureaucrats", "owner/companion", "abc123", ["profiles/liu-yong.md", "conf.py"], failed=True, root=project)
    preview = "https://mission-driven-bureaucrats--42.org.readthedocs.build/en/42/"
    assert f"<{preview}>" in text
    assert f"Liu Yong: [its page]({preview}profiles/liu-yong.html) and [its PDF]({preview}downloads/profiles/liu-yong.pdf)" in text
    found = pr_summary.annotations(output, root=project)
    rows = [line for line in text.splitlines() if line.startswith("| [`")]
    assert found and len(rows) == len(found)
    for item in found:
        assert f"(https://github.com/owner/companion/blob/abc123/{item.file}#L{item.line})" in text
