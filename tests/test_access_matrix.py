"""Every endpoint the app registers × every demo user and anonymous, against a kept table.

The table (tests/access_table.json) is the reviewed expectation: who may reach each endpoint.
A new endpoint without an entry fails; so does a loosened or tightened permission. After a
deliberate change, regenerate with `UPDATE_ACCESS_TABLE=1 pytest tests/test_access_matrix.py`
and review the diff of the JSON file like code.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from tests.conftest import PASSWORD

TABLE = Path(__file__).with_name("access_table.json")
USERS = ["anonymous", "admin", "pemohon", "kasubag.umum", "kasi.pdsi", "kabid.dalak", "it.budi",
         "pimpinan"]
# Endpoints that end the session or are served by Flask itself.
SKIP = {"static", "appbuilder.static", "AuthDBView.logout"}
UNKNOWN_ID = "999999"


def concrete(rule, app=None) -> str:
    """A URL for the rule with harmless values: unknown ids, the view's own action names."""
    def value(match):
        name = match.group(2)
        converter = match.group(1) or ""
        if name == "name" and app is not None and _first_action(app, rule):
            return _first_action(app, rule)
        if "int" in converter or name in ("pk", "attachment_id", "id"):
            return UNKNOWN_ID
        if name in ("filename",):
            return "x.txt"
        if name in ("locale",):
            return "id"
        if name in ("version",):
            return "v1"
        return "zz"
    return re.sub(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>", value, rule.rule)


def _first_action(app, rule) -> str | None:
    view = next((v for v in app.appbuilder.baseviews
                 if v.__class__.__name__ == rule.endpoint.split(".")[0]), None)
    return sorted(view.actions)[0] if view is not None and getattr(view, "actions", None) else None


def classify(response) -> str:
    if response.status_code in (401, 403):
        return "denied"
    if response.status_code in (301, 302) and "/login/" in response.headers.get("Location", ""):
        return "denied"
    return "allowed"


def sessions(app, api):
    clients = {"anonymous": (app.test_client(), {})}
    for username in USERS[1:]:
        client = app.test_client()
        rv = client.post("/login/", data={"username": username, "password": PASSWORD})
        assert rv.status_code == 302
        token = api(username).headers
        clients[username] = (client, token)
    return clients


def measure(app, api) -> dict[str, list[str]]:
    clients = sessions(app, api)
    result: dict[str, list[str]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        if rule.endpoint in SKIP:
            continue
        method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"OPTIONS", "HEAD"})[0]
        url = concrete(rule, app)
        key = f"{method} {rule.rule}"
        allowed = []
        for username in USERS:
            client, headers = clients[username]
            is_api = rule.rule.startswith("/api/")
            kwargs = {"headers": headers if is_api else {}}
            if method in ("POST", "PUT"):
                kwargs["json" if is_api else "data"] = {}
            if rule.rule.endswith("/action_post"):
                kwargs["data"] = {"action": _first_action(app, rule) or "zz", "rowid": UNKNOWN_ID}
            response = client.open(url, method=method, **kwargs)
            assert response.status_code < 500 or rule.endpoint == "health.health", (
                key, username, response.status_code)
            if classify(response) == "allowed":
                allowed.append(username)
        result[key] = allowed
    return result


def test_every_endpoint_for_every_user_matches_the_table(app, api, backend):
    actual = measure(app, api)
    if os.environ.get("UPDATE_ACCESS_TABLE") and backend == "sqlite":
        TABLE.write_text(json.dumps(actual, indent=1, sort_keys=True) + "\n")
    expected = json.loads(TABLE.read_text())
    missing = sorted(set(actual) - set(expected))
    assert not missing, f"endpoints without an entry in {TABLE.name}: {missing}"
    gone = sorted(set(expected) - set(actual))
    assert not gone, f"entries for endpoints that no longer exist: {gone}"
    differences = {k: {"expected": expected[k], "actual": actual[k]}
                   for k in actual if expected[k] != actual[k]}
    assert not differences, json.dumps(differences, indent=1)


# Written by hand, so the generated table cannot drift unnoticed.
HAND_CHECKS = [
    ("pemohon", "GET /unitview/list/", False),
    ("pemohon", "GET /api/v1/absence/", False),
    ("kasubag.umum", "GET /api/v1/absence/", True),
    ("pimpinan", "POST /api/v1/improvement_request/<int:pk>/actions/<action>", False),
    ("pemohon", "POST /api/v1/improvement_request/<int:pk>/actions/<action>", True),
    ("it.budi", "POST /api/v1/checklist_round/<int:pk>/actions/submit", True),
    ("kasi.pdsi", "POST /api/v1/checklist_round/<int:pk>/actions/submit", False),
    ("pemohon", "PUT /api/v1/incident/<pk>", True),  # own report only: checked on the row
    ("pimpinan", "POST /outboxview/action_post", False),
    ("pemohon", "GET /checklist/", False),
    ("anonymous", "GET /health", True),
    ("anonymous", "GET /improvementrequestview/list/", False),
    ("admin", "GET /securitylogview/list/", True),
    ("kasi.pdsi", "GET /securitylogview/list/", False),
]


@pytest.mark.parametrize("username,key,allowed", HAND_CHECKS)
def test_hand_checks_agree_with_the_table(username, key, allowed):
    assert (username in json.loads(TABLE.read_text())[key]) is allowed
