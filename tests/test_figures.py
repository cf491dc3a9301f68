"""Every figure in a chapter has a caption and alt text; plot-only code is
folded away.

A figure cell is a code cell that calls ``plt.show()``. Its metadata must
give MyST-NB a caption (``mystnb.figure.caption``) and alt text
(``mystnb.image.alt``); when it asserts nothing, it only draws, and its
code is hidden behind a button with the ``hide-input`` tag.
"""

import json
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))


def figure_cells(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    for i, cell in enumerate(cells):
        src = "".join(cell["source"])
        if cell["cell_type"] == "code" and "plt.show()" in src:
            yield i, src, cell.get("metadata", {})


def problems(path):
    found = []
    for i, src, meta in figure_cells(path):
        mystnb = meta.get("mystnb", {})
        caption = mystnb.get("figure", {}).get("caption", "").strip()
        alt = mystnb.get("image", {}).get("alt", "").strip()
        if not caption:
            found.append(f"cell {i}: no mystnb.figure.caption")
        if not alt:
            found.append(f"cell {i}: no mystnb.image.alt")
        plot_only = "assert" not in src
        if plot_only and "hide-input" not in meta.get("tags", []):
            found.append(f"cell {i}: plot-only cell without hide-input")
    return found


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_figures_have_captions_alt_text_and_folded_code(path):
    found = problems(path)
    assert not found, f"{path.name}: " + "; ".join(found)


def test_the_figure_test_finds_a_bare_plot(tmp_path):
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "metadata": {},
                "source": ["plt.plot([1, 2])\n", "plt.show()"],
            }
        ]
    }
    path = tmp_path / "bare.ipynb"
    path.write_text(json.dumps(nb))
    assert len(problems(path)) == 3
