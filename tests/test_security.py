"""Login, CSRF, headers, sessions, password policy, deploy check, security log (issue #7)."""

from __future__ import annotations

import re

import pytest
from flask_appbuilder.cli import fab
from sqlalchemy import select

from app.extensions import db
from app.security.models import SecurityLog
from tests.conftest import PASSWORD, login, make_app
from tests.workflow_helpers import request_in


def test_security_headers_and_script_nonces(client):
    rv = client.get("/login/")
    csp = rv.headers["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    scripts = re.findall(r"<script[^>]*>", rv.get_data(as_text=True))
    assert scripts and all(f'nonce="{nonce}"' in tag for tag in scripts)
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert rv.headers["X-Content-Type-Options"] == "nosniff"
    assert rv.headers["X-Frame-Options"] == "DENY"
    assert rv.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert client.get("/login/").headers["Content-Security-Policy"] != csp  # fresh nonce


def test_session_cookie_flags_and_idle_expiry(client):
    rv = client.post("/login/", data={"username": "pemohon", "password": PASSWORD})
    cookie = rv.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Expires=" in cookie


def test_logout_ends_the_session(login_as):
    client = login_as("pemohon")
    assert client.get("/improvementrequestview/list/").status_code == 200
    client.get("/logout/")
    assert client.get("/improvementrequestview/list/").status_code == 302


def test_logins_are_in_the_security_log(client, ctx):
    client.post("/login/", data={"username": "pemohon2", "password": "bukan-sandinya-1"})
    login(client, "pemohon2")
    events = db.session.execute(select(SecurityLog.event).where(
        SecurityLog.username == "pemohon2")).scalars().all()
    assert "login_failure" in events and "login_success" in events


def test_api_ignores_the_browser_session(login_as):
    client = login_as("kasi.pdsi")
    assert client.get("/api/v1/improvement_request/").status_code == 401


def test_password_policy_applies_to_every_way_a_user_is_made(app, ctx):
    sm = app.appbuilder.sm
    role = sm.find_role("Pemohon")
    assert sm.add_user("lemah", "L", "Emah", "lemah@test.local", role, password="pendek") is False
    assert sm.add_user("lemah", "L", "Emah", "lemah@test.local", role,
                       password="lemah12345678") is False  # contains the username
    # FAB's own command group (the test runner knows only the app's commands by name).
    result = app.test_cli_runner().invoke(fab, [
        "create-user", "--role", "Pemohon", "--username", "lemah2", "--firstname", "L",
        "--lastname", "E", "--email", "lemah2@test.local", "--password", "abc"])
    assert "No such command" not in result.output, result.output
    assert sm.find_user(username="lemah2") is None, result.output


def test_check_deploy_fails_on_defaults_and_passes_when_safe(database_url, tmp_path):
    with pytest.raises(RuntimeError, match="SECRET_KEY kurang dari 32 karakter"):
        make_app(database_url, SECRET_KEY="dev-only-change-me")  # refused at start
    generated = make_app(database_url, SECRET_KEY=None, INSTANCE_PATH=str(tmp_path))
    result = generated.test_cli_runner().invoke(args=["check-deploy"])
    assert result.exit_code == 1 and "SECRET_KEY dibuat otomatis" in result.output
    safe = make_app(database_url, SECRET_KEY="k" * 48, SESSION_COOKIE_SECURE=True,
                    MAIL_SERVER="smtp.denpasarkota.go.id", APP_BASE_URL="https://layanan.test",
                    WTF_CSRF_ENABLED=True)
    safe.config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://layanan@db/layanan"
    result = safe.test_cli_runner().invoke(args=["check-deploy"])
    assert result.exit_code == 0, result.output


@pytest.fixture()
def strict_app(database_url):
    """The production guards on: CSRF and the failed-login limit."""
    app = make_app(database_url, WTF_CSRF_ENABLED=True, LOGIN_LIMIT_ENABLED=True,
                   LOGIN_FAILURE_LIMIT="5 per minute")
    yield app
    with app.app_context():
        app.extensions["layanan_login_limits"]["limiter"].storage.reset()


def test_login_is_rate_limited_in_indonesian(strict_app):
    client = strict_app.test_client()
    codes = []
    for _ in range(7):
        page = client.get("/login/").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        data = {"username": "pemohon2", "password": "salah-lagi-123"}
        if token:
            data["csrf_token"] = token.group(1)
        rv = client.post("/login/", data=data)
        codes.append(rv.status_code)
    assert codes[-1] == 429, codes
    assert "Terlalu banyak percobaan masuk yang gagal" in rv.get_data(as_text=True)


def test_workflow_form_needs_a_csrf_token(strict_app, ctx):
    req = request_in("pending_unit_approval")
    client = strict_app.test_client()
    page = client.get("/login/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/login/", data={"username": "kabid.pelayanan", "password": PASSWORD,
                                 "csrf_token": token})
    rv = client.post(f"/improvementrequestview/act/{req.id}/unit_approve", data={})
    assert rv.status_code == 400
    show = client.get(f"/improvementrequestview/show/{req.id}").get_data(as_text=True)
    form_token = re.search(r'name="csrf_token" value="([^"]+)"', show).group(1)
    rv = client.post(f"/improvementrequestview/act/{req.id}/unit_approve",
                     data={"csrf_token": form_token})
    assert rv.status_code == 302


def test_a_proxys_basic_auth_header_leaves_the_browser_session_in_charge(login_as):
    """Only a bearer token is a token: a Basic header added by a proxy must not turn a logged-in
    browser into an anonymous API client (reports and prints share one gate)."""
    kasi = login_as("kasi.pdsi")
    basic = {"Authorization": "Basic eDp5"}
    report = kasi.get("/reports/overdue.xlsx?from=2026-01-01&to=2026-12-31", headers=basic)
    assert report.status_code == 200 and report.mimetype.endswith("spreadsheetml.sheet")
    form = kasi.get("/print/checklist/2026-12-01.pdf", headers=basic)
    assert form.status_code == 200 and form.mimetype == "application/pdf"
