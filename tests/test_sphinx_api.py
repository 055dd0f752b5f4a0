"""Issue 22: our extensions use no Sphinx interface deprecated for removal (``SphinxTransform.app``,
``BuildEnvironment.app``, ``Builder.app`` and the like). Sphinx raises ``RemovedInSphinx11Warning``
as a PendingDeprecationWarning, which Python hides and ``-W`` does not turn into an error: here it is
one, for warnings raised from our modules, while every format is built (the newest-Sphinx job runs
this test on the newest release, where the next deprecations appear first)."""

import subprocess
import sys

from conftest import ROOT

BUILD = """
import sys, warnings
from sphinx.cmd.build import main
from sphinx.deprecation import RemovedInSphinx11Warning
warnings.filterwarnings("error", category=RemovedInSphinx11Warning, module=sys.argv[1])
for builder in ("html", "epub", "pdf"):
    if main(["-W", "-q", "-b", builder, "-d", sys.argv[3] + "/doctrees", sys.argv[2], sys.argv[3] + "/" + builder]):
        sys.exit(f"{builder} failed")
"""


def build_every_format(project) -> subprocess.CompletedProcess:
    ours = "|".join(sorted(path.stem for path in (ROOT / "_ext").glob("*.py")))
    return subprocess.run([sys.executable, "-c", BUILD, f"^({ours})$", str(project), str(project / "_build")],
                          capture_output=True, text=True)


def test_no_deprecated_sphinx_interface_in_our_extensions(project):
    result = build_every_format(project)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_deprecated_interface_would_fail_it(project):
    """The check can fail: an extension that reads ``SphinxTransform.app`` breaks the build."""
    profiles = project / "_ext" / "profiles.py"
    text = profiles.read_text("utf-8")
    profiles.write_text(text.replace("        sections = list(self.document.findall(nodes.section))",
                                     "        self.app  # deprecated\n        sections = list(self.document.findall(nodes.section))", 1), "utf-8")
    result = build_every_format(project)
    assert result.returncode != 0 and "RemovedInSphinx11Warning" in result.stdout + result.stderr
