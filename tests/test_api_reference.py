"""The API reference page documents every public name of bplib.

api.md must hold an ``automodule`` for every public module of bplib, and
the built page (``make test`` builds the book first) must have an entry
for every name in each module's ``__all__``.
"""

import importlib
import pathlib
import pkgutil
import re

import pytest

import bplib

ROOT = pathlib.Path(__file__).resolve().parent.parent
API_SOURCE = ROOT / "api.md"
API_PAGE = ROOT / "_build" / "html" / "api.html"
MODULES = sorted(
    info.name
    for info in pkgutil.iter_modules(bplib.__path__)
    if not info.name.startswith("_")
)


def test_api_source_documents_every_public_module():
    documented = set(
        re.findall(r"automodule::\s*bplib\.(\w+)", API_SOURCE.read_text())
    )
    missing = sorted(set(MODULES) - documented)
    assert not missing, f"api.md has no automodule for bplib.{missing}"


@pytest.mark.parametrize("module", MODULES)
def test_api_page_has_an_entry_for_every_public_name(module):
    assert API_PAGE.is_file(), "no built book: run `make book` first"
    page = API_PAGE.read_text(encoding="utf-8")
    names = importlib.import_module(f"bplib.{module}").__all__
    missing = [n for n in names if f'id="bplib.{module}.{n}"' not in page]
    assert not missing, f"api.html has no entry for {module}.{missing}"
