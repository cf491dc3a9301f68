"""Every labelled equation in a chapter is followed by a cell that checks it.

The convention (see the notation chapter): a check cell is a code cell
whose first line is ``# checks: eq-a`` (or ``# checks: eq-a, eq-b``), placed
after the equation, and it asserts something.
"""

import json
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
# A MyST display-math label: "$$ (eq-name)" on the closing line, or a
# ":label: eq-name" option of a {math} directive.
LABEL = re.compile(r"\$\$\s*\((eq-[\w-]+)\)|:label:\s*(eq-[\w-]+)")
CHECKS = re.compile(r"^#\s*checks:\s*(.+)$")
ASSERTS = re.compile(r"\bassert\b|np\.testing\.assert_")


def _cells(path):
    return json.loads(path.read_text())["cells"]


def labels_and_checks(path):
    """(label, cell index) pairs defined, and label -> check cell indices."""
    defined, checked = [], {}
    for i, cell in enumerate(_cells(path)):
        src = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            for match in LABEL.finditer(src):
                defined.append((match.group(1) or match.group(2), i))
        elif cell["cell_type"] == "code" and src.strip():
            first = src.strip().splitlines()[0]
            found = CHECKS.match(first)
            if found and ASSERTS.search(src):
                for name in re.split(r"[,\s]+", found.group(1).strip()):
                    checked.setdefault(name, []).append(i)
    return defined, checked


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_every_labelled_equation_has_a_later_check_cell(path):
    defined, checked = labels_and_checks(path)
    missing = [
        label
        for label, where in defined
        if not any(i > where for i in checked.get(label, []))
    ]
    assert not missing, f"{path.name}: no check cell after {missing}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_check_cells_name_existing_labels(path):
    defined, checked = labels_and_checks(path)
    unknown = sorted(set(checked) - {label for label, _ in defined})
    assert not unknown, f"{path.name}: check cells name unknown {unknown}"


def test_the_label_test_finds_a_missing_check(tmp_path):
    nb = {
        "cells": [
            {"cell_type": "markdown", "source": ["$$\nx = 1\n$$ (eq-x)"]},
            {"cell_type": "code", "source": ["x = 1"]},
        ]
    }
    path = tmp_path / "bad.ipynb"
    path.write_text(json.dumps(nb))
    defined, checked = labels_and_checks(path)
    assert defined == [("eq-x", 0)] and checked == {}
