"""Issue 7: the live preview (`make serve`, _ext/preview.py) keeps one Sphinx warm between saves,
and starts a fresh one, with the project's modules imported afresh, when what they read changes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

# Saves, one by one, as the file watcher reports them; in a process of its own, since the
# project copy's extensions are modules of the same names as the project's.
SAVES = """
import sys
from pathlib import Path
project = Path(sys.argv[1])
sys.path.insert(0, str(project / "_ext"))
from preview import WarmBuilder

warm = WarmBuilder(project, project / "_build" / "preview", quiet=True)
warm()
first = warm.app
page = project / "profiles" / "uma-mahadevan.md"
page.write_text(page.read_text("utf-8") + "\\nA sentence saved in the preview.\\n", "utf-8")
warm(changed_paths=[page])
print("same application:", warm.app is first)
vocabulary = project / "_data" / "profile_vocabulary.yaml"
vocabulary.write_text(vocabulary.read_text("utf-8").replace("  - local administration\\n", ""), "utf-8")
warm(changed_paths=[vocabulary])
print("same application:", warm.app is first)
"""


def test_the_preview_shows_a_save_and_rereads_a_changed_vocabulary(project: Path):
    result = subprocess.run([sys.executable, "-c", SAVES, str(project)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:2] == ["same application: True", "same application: False"], result.stdout
    page = (project / "_build" / "preview" / "html" / "profiles" / "uma-mahadevan.html").read_text("utf-8")
    assert "A sentence saved in the preview." in page
    # The schema reads the vocabulary when it is imported: an old import would still accept it.
    assert "liu-yong.md" in result.stderr and "local administration" in result.stderr, result.stderr
