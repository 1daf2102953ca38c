import os

import pytest

from xinfang.testing.factories import OrgTree, make_org_tree

REQUIRED_MARKERS = {
    "browser": os.environ.get("XINFANG_REQUIRE_BROWSER") == "1",
    # LibreOffice converting every generated document to PDF.
    "slow": os.environ.get("XINFANG_REQUIRE_OFFICE") == "1",
}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """In CI a skipped browser or LibreOffice test is a failure: the program must be there."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped:
        for marker, required in REQUIRED_MARKERS.items():
            if required and item.get_closest_marker(marker):
                report.outcome = "failed"
                report.longrepr = (
                    f"{marker} test skipped, but XINFANG_REQUIRE_{marker.upper()}=1: {report.longrepr}"
                )


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):  # type: ignore[no-untyped-def]
    """Tests log in hundreds of users; the production hasher's deliberate slowness only costs time here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def tree(db: None) -> OrgTree:
    return make_org_tree()


@pytest.fixture(autouse=True)
def fresh_case_index():  # type: ignore[no-untyped-def]
    """Each test's database is rolled back (and SQLite reuses ids): the process's similar-case
    index must not remember another test's cases."""
    from xinfang.analysis.case_index import forget_case_index

    forget_case_index()
    yield
    forget_case_index()
