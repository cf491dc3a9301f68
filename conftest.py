"""Project-wide pytest hooks: a run in which no test passed is a failure."""

_passed = 0


def pytest_runtest_logreport(report):
    global _passed
    if report.when == "call" and report.passed:
        _passed += 1


def pytest_sessionfinish(session, exitstatus):
    # pytest exits 0 when every test was skipped; that proves nothing.
    if exitstatus == 0 and _passed == 0:
        session.exitstatus = 5
