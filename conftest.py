"""Project-wide pytest hooks: a run in which no test passed is a failure."""

import os

_passed = 0

# Chapters that time code: their measurements mean nothing beside other
# tests, so a parallel (pytest-xdist) run leaves them out. `make test`
# runs serially and executes them.
SERIAL_ONLY = ("why_backward.ipynb",)


def pytest_collection_modifyitems(config, items):
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return
    timed = [item for item in items if item.path.name in SERIAL_ONLY]
    if timed:
        config.hook.pytest_deselected(items=timed)
        items[:] = [item for item in items if item not in timed]


def pytest_runtest_logreport(report):
    global _passed
    if report.when == "call" and report.passed:
        _passed += 1


def pytest_sessionfinish(session, exitstatus):
    # pytest exits 0 when every test was skipped; that proves nothing.
    if exitstatus == 0 and _passed == 0:
        session.exitstatus = 5
