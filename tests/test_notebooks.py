"""Committed notebooks are clean, and the chapter template works as one.

Clean means: no outputs, no execution counts, the kernelspec ``python3``
and no widget state, so diffs show only what an author wrote and every
machine runs the notebook with its own Python. ``make clean-notebooks``
(nbstripout) fixes all but the kernelspec.
"""

import json
import pathlib
import re
import shutil
import subprocess
import sys

import pytest
from test_labels import labels_and_checks

ROOT = pathlib.Path(__file__).resolve().parent.parent
SKIP_DIRS = {"_build", "node_modules"}
NOTEBOOKS = sorted(
    [
        *ROOT.glob("*.ipynb"),
        *(
            path
            for top in ROOT.iterdir()
            if top.is_dir()
            and top.name[0] not in "._"
            and top.name not in SKIP_DIRS
            for path in top.rglob("*.ipynb")
            if ".ipynb_checkpoints" not in path.parts
        ),
    ]
)
TEMPLATE = ROOT / "templates" / "chapter.ipynb"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
BIN = pathlib.Path(sys.executable).parent


def problems(nb: dict) -> list[str]:
    """What makes a notebook unclean, one message per fault."""
    found = []
    name = nb.get("metadata", {}).get("kernelspec", {}).get("name")
    if name != "python3":
        found.append(f"kernelspec name is {name!r}, not 'python3'")
    if "widgets" in nb.get("metadata", {}):
        found.append("notebook metadata holds widget state")
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        if cell.get("outputs"):
            found.append(f"cell {i} has outputs")
        if cell.get("execution_count") is not None:
            found.append(f"cell {i} has an execution count")
        if WIDGET_STATE in json.dumps(cell.get("metadata", {})):
            found.append(f"cell {i} metadata holds widget state")
    return found


def test_there_are_notebooks_to_check():
    assert TEMPLATE in NOTEBOOKS
    assert any(p.parent.name == "chapters" for p in NOTEBOOKS)


@pytest.mark.parametrize(
    "path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT))
)
def test_committed_notebook_is_clean(path):
    found = problems(json.loads(path.read_text()))
    assert not found, f"{path.name}: {found}; run `make clean-notebooks`"


def _dirty_notebook() -> dict:
    nb = json.loads(TEMPLATE.read_text())
    code = next(c for c in nb["cells"] if c["cell_type"] == "code")
    code["execution_count"] = 3
    code["outputs"] = [
        {"output_type": "stream", "name": "stdout", "text": ["hello\n"]}
    ]
    nb["metadata"]["widgets"] = {WIDGET_STATE: {"state": {}}}
    nb["metadata"]["kernelspec"]["name"] = "my-env"
    return nb


def test_the_cleanliness_test_finds_each_fault():
    found = problems(_dirty_notebook())
    assert len(found) == 4, found


def test_nbstripout_cleans_all_but_the_kernelspec(tmp_path):
    path = tmp_path / "dirty.ipynb"
    path.write_text(json.dumps(_dirty_notebook()))
    # The command `make clean-notebooks` runs, on one file.
    subprocess.run([BIN / "nbstripout", "--keep-id", path], check=True)
    cleaned = json.loads(path.read_text())
    assert problems(cleaned) == ["kernelspec name is 'my-env', not 'python3'"]
    kept = json.loads(TEMPLATE.read_text())
    for before, after in zip(kept["cells"], cleaned["cells"]):
        assert before["source"] == after["source"]
        assert before.get("metadata") == after.get("metadata")


def test_template_has_the_chapter_skeleton():
    cells = json.loads(TEMPLATE.read_text())["cells"]
    text = "\n".join("".join(c["source"]) for c in cells)
    for heading in (
        "## Overview",
        "## Limitations",
        "## Summary",
        "## Exercises",
    ):
        assert heading in text
    assert text.count("```{exercise}") >= 3
    assert "```{solution-start}" in text and "```{solution-end}" in text
    assert "default_rng(SEED)" in "".join(cells[1]["source"])


def _chapter_from_template(name: str) -> str:
    """The template as CONTRIBUTING.md says to adapt it: every "template"
    in labels (chapter-template, template-..., eq-template-..., ...) and
    glue names (template_...) becomes the chapter's name."""
    text = TEMPLATE.read_text()
    text = re.sub(r"(?<=[-(])template(?=[-)])", name, text)
    return text.replace("template_", name.replace("-", "_") + "_")


def test_template_labels_are_all_checked(tmp_path):
    path = tmp_path / "new_chapter.ipynb"
    path.write_text(_chapter_from_template("new-chapter"))
    assert not re.search(r"[-(]template[-)]|template_", path.read_text())
    defined, checked = labels_and_checks(path)
    assert defined, "the template shows a labelled equation"
    for label, where in defined:
        assert any(i > where for i in checked.get(label, [])), label
    assert set(checked) <= {label for label, _ in defined}


def test_a_chapter_made_from_the_template_builds(tmp_path):
    """A one-chapter book with the project's own _config.yml builds with
    warnings as errors, executing the chapter."""
    book = tmp_path / "book"
    (book / "chapters").mkdir(parents=True)
    for name in ("_config.yml", "references.bib"):
        shutil.copy(ROOT / name, book / name)
    # What _config.yml points at: the local extension, vendored MathJax.
    for name in ("_ext", "_vendor"):
        shutil.copytree(ROOT / name, book / name)
    (book / "intro.md").write_text("# A test book\n")
    (book / "_toc.yml").write_text(
        "format: jb-book\nroot: intro\noptions:\n  numbered: true\n"
        "chapters:\n  - file: chapters/new_chapter\n"
    )
    chapter = book / "chapters" / "new_chapter.ipynb"
    chapter.write_text(_chapter_from_template("new-chapter"))
    run = subprocess.run(
        [
            BIN / "jupyter-book",
            "build",
            book,
            "--warningiserror",
            "--keep-going",
        ],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    html = book / "_build" / "html" / "chapters" / "new_chapter.html"
    page = html.read_text()
    assert "eq-new-chapter-sigmoid-prime" in page
    assert "The sigmoid and its derivative" in page  # the caption
