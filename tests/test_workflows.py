"""The GitHub workflows do what the README promises.

actionlint (run by ``make lint``) checks their syntax and expressions;
these tests check their intent: the test workflow runs the README's test
command with the browser tests pointed at the runner's Chrome, and the
pages workflow publishes the built book. Neither workflow has been run
from this repository (see the README).
"""

import pathlib
import re
import subprocess

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"


def _load(name: str) -> dict:
    workflow = yaml.safe_load((WORKFLOWS / name).read_text())
    # YAML 1.1 reads the key `on` as the boolean True.
    workflow["on"] = workflow.pop(True, workflow.get("on"))
    return workflow


def _steps(workflow: dict) -> list[dict]:
    return [s for job in workflow["jobs"].values() for s in job["steps"]]


def _runs(workflow: dict) -> list[str]:
    return [s["run"].strip() for s in _steps(workflow) if "run" in s]


def test_test_workflow_runs_the_readme_test_command_on_push_and_pr():
    workflow = _load("test.yml")
    assert {"push", "pull_request"} <= set(workflow["on"])
    readme = (ROOT / "README.md").read_text()
    assert re.search(r"^make test\b", readme, re.MULTILINE)
    assert _runs(workflow)[-1] == "make test"


def test_browser_tests_get_the_runners_chrome_before_make_test():
    runs = _runs(_load("test.yml"))
    env = [i for i, r in enumerate(runs) if "BOOK_BROWSER=" in r]
    assert env and "google-chrome" in runs[env[0]]
    assert '>> "$GITHUB_ENV"' in runs[env[0]]
    assert env[0] < runs.index("make test")


def test_pages_workflow_builds_and_publishes_the_html():
    workflow = _load("pages.yml")
    assert workflow["on"]["push"]["branches"] == ["main"]
    assert workflow["permissions"]["pages"] == "write"
    assert workflow["permissions"]["id-token"] == "write"
    assert "make book" in _runs(workflow)
    steps = _steps(workflow)
    upload = [s for s in steps if "upload-pages-artifact" in s.get("uses", "")]
    assert upload and upload[0]["with"]["path"] == "_build/html"
    assert any("deploy-pages" in s.get("uses", "") for s in steps)


@pytest.mark.parametrize("name", ["test.yml", "pages.yml"])
def test_actions_are_pinned_and_scripts_parse(name):
    for step in _steps(_load(name)):
        assert ("uses" in step) != ("run" in step), step
        if "uses" in step:
            assert re.fullmatch(r"[\w-]+/[\w-]+@v\d+", step["uses"]), step
        else:
            check = subprocess.run(
                ["bash", "-n"], input=step["run"], text=True
            )
            assert check.returncode == 0, step["run"]
