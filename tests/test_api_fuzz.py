"""Schemathesis against the app's own OpenAPI document: no input gives a server error (issue #7).

Each caller runs on its own copy of the seeded database (random deletes and creates must not
touch other tests' rows, nor the next caller's), with a bounded number of examples per
operation, as the Admin (who may call every operation) and as a Pemohon — FAB's security API for users and roles included (issue 14).
"""

from __future__ import annotations

import shutil

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.conftest import PASSWORD, make_app

EXAMPLES = 4


@pytest.fixture
def fuzz_app(sqlite_template, tmp_path):
    """A copy of the seeded SQLite template for each caller: the Admin's run may take the
    Admin role or the password away from `admin` (FAB's security API), which would refuse
    the next run's schema (seen once as a 403)."""
    path = tmp_path / "fuzz.db"
    shutil.copyfile(sqlite_template, path)
    return make_app(f"sqlite:///{path}", PROPAGATE_EXCEPTIONS=False,
                    ATTACHMENT_FOLDER=str(tmp_path / "attachments"))


def token(app, username: str) -> str:
    rv = app.test_client().post("/api/v1/security/login", json={
        "username": username, "password": PASSWORD, "provider": "db"})
    return rv.json["access_token"]


def run_operation(operation, caller: dict, failures: list[str]) -> None:
    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(operation.as_strategy())
    def check(case):
        response = case.call_wsgi(headers=caller)
        if response.status_code >= 500:
            failures.append(f"{operation.method.upper()} {operation.path} "
                            f"-> {response.status_code} {case.path_parameters} "
                            f"{case.query} {str(case.body)[:200]}")

    check()


@pytest.mark.parametrize("username", ["admin", "pemohon"])
def test_no_server_errors_for_any_generated_input(fuzz_app, username):
    headers = {"Authorization": f"Bearer {token(fuzz_app, 'admin')}"}
    schema = schemathesis.from_wsgi("/api/v1/_openapi", fuzz_app, headers=headers)
    caller = {"Authorization": f"Bearer {token(fuzz_app, username)}"}
    failures: list[str] = []
    for result in schema.get_all_operations():
        run_operation(result.ok(), caller, failures)
    assert not failures, "\n".join(sorted(set(failures))[:30])
