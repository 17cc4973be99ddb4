"""Schemathesis against the app's own OpenAPI document: no input gives a server error (issue #7).

It runs on a database of its own (random deletes and creates must not touch the other tests'
rows), with a bounded number of examples per operation, as the Admin (who may call every
operation) and as a Pemohon — FAB's security API for users and roles included (issue 14).
"""

from __future__ import annotations

import pytest
import schemathesis
from flask_migrate import upgrade
from hypothesis import HealthCheck, given, settings

from app.extensions import db
from tests.conftest import PASSWORD, make_app

EXAMPLES = 4


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory):
    path = tmp_path_factory.mktemp("fuzz") / "fuzz.db"
    app = make_app(f"sqlite:///{path}", PROPAGATE_EXCEPTIONS=False,
                   ATTACHMENT_FOLDER=str(tmp_path_factory.mktemp("fuzz-attachments")))
    with app.app_context():
        upgrade()
        from app.security.roles import sync_all_roles
        from seeds.loader import load_demo

        sync_all_roles()
        load_demo()
        db.session.remove()
    return app


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
