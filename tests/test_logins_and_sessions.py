"""Logins behind a proxy, sessions and tokens that end, privilege changes in the log (issue 14).

The app here is as production runs it behind the documented nginx: TRUSTED_PROXIES=1, CSRF on,
the failed-login limit on (10 failures in 5 minutes per name and per address). Client addresses
are played by sending X-Forwarded-For, as nginx passes it on.
"""

from __future__ import annotations

import os
import re
import stat

import pytest
from flask_appbuilder.security.sqla.models import Role
from sqlalchemy import select, update

from app.extensions import db
from app.security.models import AppUser, SecurityLog
from tests.conftest import PASSWORD, make_app
from tests.helpers import DEMO_USERS

NGINX = "127.0.0.1"  # every request reaches the app from the proxy



# These tests end users' sessions and tokens: the tokens other tests keep are dead after.
pytestmark = pytest.mark.usefixtures("fresh_tokens")


@pytest.fixture()
def office(app, database_url):
    app = make_app(database_url, WTF_CSRF_ENABLED=True, LOGIN_LIMIT_ENABLED=True,
                   TRUSTED_PROXIES=1)
    yield app
    with app.app_context():
        app.extensions["layanan_login_limits"]["limiter"].storage.reset()
        db.session.remove()


def from_address(address: str) -> dict:
    return {"environ_base": {"REMOTE_ADDR": NGINX}, "headers": {"X-Forwarded-For": address}}


def form_login(app, username: str, password: str, address: str = "10.20.0.1"):
    client = app.test_client()
    page = client.get("/login/", **from_address(address)).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    rv = client.post("/login/", data={"username": username, "password": password,
                                      "csrf_token": token}, **from_address(address))
    return client, rv


def api_login(app, username: str, password: str, address: str = "10.20.0.1", refresh=False):
    return app.test_client().post("/api/v1/security/login", json={
        "username": username, "password": password, "provider": "db", "refresh": refresh},
        **from_address(address))


def test_the_whole_office_logs_in_at_eight_from_behind_one_proxy(office):
    for username in DEMO_USERS:  # 20 people through the form in a minute
        _client, rv = form_login(office, username, PASSWORD, address="10.20.0.1")
        assert rv.status_code == 302 and "/login" not in rv.headers["Location"], username
    for username in DEMO_USERS:  # and through the API
        assert api_login(office, username, PASSWORD, address="10.20.0.1").status_code == 200


def test_ten_failures_block_that_address_on_the_form_and_the_api(office, ctx):
    before = db.session.execute(select(SecurityLog.id).order_by(SecurityLog.id.desc())
                                .limit(1)).scalar() or 0
    for n in range(10):
        _client, rv = form_login(office, "pemohon2", f"salah-{n}-abcdef", address="10.20.0.66")
        assert rv.status_code == 302  # back to the form, not yet blocked
    _client, rv = form_login(office, "pemohon", PASSWORD, address="10.20.0.66")
    assert rv.status_code == 429
    assert "Terlalu banyak percobaan masuk yang gagal" in rv.get_data(as_text=True)
    rv = api_login(office, "pemohon", PASSWORD, address="10.20.0.66")
    assert rv.status_code == 429 and "Terlalu banyak" in rv.get_json()["message"]
    # Another address logs in, even as the same person whose name was tried.
    _client, rv = form_login(office, "pemohon", PASSWORD, address="10.20.0.67")
    assert rv.status_code == 302 and "/login" not in rv.headers["Location"]
    rows = db.session.execute(select(SecurityLog.event, SecurityLog.ip).where(
        SecurityLog.ip.in_(["10.20.0.66", "10.20.0.67"]))).all()
    assert ("login_failure", "10.20.0.66") in rows and ("login_blocked", "10.20.0.66") in rows
    assert ("login_success", "10.20.0.67") in rows
    assert not any(ip == NGINX for _event, ip in db.session.execute(
        select(SecurityLog.event, SecurityLog.ip).where(SecurityLog.id > before)))


def test_the_api_login_is_limited_per_name_from_many_addresses(office):
    codes = [api_login(office, "it.sari", "bukan-sandinya-1", address=f"10.30.0.{n}").status_code
             for n in range(1, 11)]
    assert codes == [401] * 10
    # The right password from an eleventh address: the name is blocked for a while.
    assert api_login(office, "it.sari", PASSWORD, address="10.30.0.11").status_code == 429
    # Someone else from those addresses is not.
    assert api_login(office, "it.budi", PASSWORD, address="10.30.0.1").status_code == 200


def test_logout_ends_that_session_even_for_a_copied_cookie(office):
    client, rv = form_login(office, "kasubag.umum", PASSWORD)
    assert rv.status_code == 302
    phone, _rv = form_login(office, "kasubag.umum", PASSWORD, address="10.20.0.3")
    token = api_login(office, "kasubag.umum", PASSWORD).get_json()["access_token"]
    copied = client.get_cookie("session").value
    assert client.get("/absenceview/list/", **from_address("10.20.0.1")).status_code == 200
    client.get("/logout/", **from_address("10.20.0.1"))
    thief = office.test_client()
    thief.set_cookie("session", copied)
    rv = thief.get("/absenceview/list/", **from_address("10.20.0.9"))
    assert rv.status_code == 302 and "/login" in rv.headers["Location"]
    # The same person's other device and API token go on (only that session ended).
    assert phone.get("/absenceview/list/", **from_address("10.20.0.3")).status_code == 200
    rv = office.test_client().get("/api/v1/absence/",
                                  headers={"Authorization": f"Bearer {token}"})
    assert rv.status_code == 200


def test_a_password_reset_ends_every_session_and_token(office, ctx):
    browser, _rv = form_login(office, "it.budi", PASSWORD)
    other_browser, _rv = form_login(office, "it.budi", PASSWORD, address="10.20.0.2")
    tokens = api_login(office, "it.budi", PASSWORD, refresh=True).get_json()
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    refresh = {"Authorization": f"Bearer {tokens['refresh_token']}"}
    client = office.test_client()
    assert client.get("/api/v1/incident/", headers=bearer).status_code == 200
    budi = db.session.execute(select(AppUser).where(AppUser.username == "it.budi")).scalar_one()
    old_hash = budi.password
    admin_token = api_login(office, "admin", PASSWORD).get_json()["access_token"]
    try:
        rv = client.put(f"/api/v1/security/users/{budi.id}", json={"password": "Sandi-Baru-2026x"},
                        headers={"Authorization": f"Bearer {admin_token}"})
        assert rv.status_code == 200, rv.get_json()
        assert "Sandi-Baru-2026x" not in rv.get_data(as_text=True)  # never said back
        assert client.get("/api/v1/incident/", headers=bearer).status_code == 401
        assert client.post("/api/v1/security/refresh", headers=refresh).status_code == 401
        for session in (browser, other_browser):
            rv = session.get("/checklist/", **from_address("10.20.0.1"))
            assert rv.status_code == 302 and "/login" in rv.headers["Location"]
        assert api_login(office, "it.budi", "Sandi-Baru-2026x").status_code == 200
    finally:
        db.session.execute(update(AppUser).where(AppUser.id == budi.id).values(password=old_hash))
        db.session.commit()


def test_deactivation_and_a_role_change_end_sessions(office, ctx):
    token = api_login(office, "it.sari", PASSWORD).get_json()["access_token"]
    bearer = {"Authorization": f"Bearer {token}"}
    client = office.test_client()
    assert client.get("/api/v1/incident/", headers=bearer).status_code == 200
    sari = db.session.execute(select(AppUser).where(AppUser.username == "it.sari")).scalar_one()
    roles = list(sari.roles)
    sari.roles = roles + [db.session.execute(select(Role).where(Role.name == "Pemohon"))
                          .scalar_one()]
    db.session.commit()
    assert client.get("/api/v1/incident/", headers=bearer).status_code == 401
    token = api_login(office, "it.sari", PASSWORD).get_json()["access_token"]
    bearer = {"Authorization": f"Bearer {token}"}
    sari.roles = roles
    sari.active = False
    db.session.commit()
    try:
        assert client.get("/api/v1/incident/", headers=bearer).status_code == 401
    finally:
        sari.active = True
        db.session.commit()


def test_a_group_with_a_role_ends_sessions_and_is_logged(office, ctx):
    """FAB gives a user the roles of their groups: joining one is a role change too."""
    token = api_login(office, "it.sari", PASSWORD).get_json()["access_token"]
    bearer = {"Authorization": f"Bearer {token}"}
    client = office.test_client()
    assert client.get("/api/v1/incident/", headers=bearer).status_code == 200
    sari = db.session.execute(select(AppUser.id).where(AppUser.username == "it.sari")).scalar()
    admin_role = db.session.execute(select(Role.id).where(Role.name == "Admin")).scalar()
    admin = {"Authorization": "Bearer " + api_login(office, "admin", PASSWORD).get_json()[
        "access_token"]}
    rv = client.post("/api/v1/security/groups/", headers=admin, json={
        "name": "Grup Uji Admin", "label": "Uji", "roles": [admin_role], "users": []})
    assert rv.status_code == 201, rv.get_json()
    group_id = rv.get_json()["id"]
    try:
        rv = client.put(f"/api/v1/security/groups/{group_id}", headers=admin,
                        json={"users": [sari]})
        assert rv.status_code == 200, rv.get_json()
        assert client.get("/api/v1/incident/", headers=bearer).status_code == 401
        detail = db.session.execute(select(SecurityLog.detail).where(
            SecurityLog.event == "group_changed").order_by(SecurityLog.id.desc())).scalars().first()
        assert "Grup Uji Admin" in detail and "it.sari" in detail
    finally:
        client.put(f"/api/v1/security/groups/{group_id}", headers=admin, json={"users": []})
        client.delete(f"/api/v1/security/groups/{group_id}", headers=admin)


def test_deep_json_and_an_email_alias_do_not_get_past_the_limit(office):
    deep = b"[" * 100_000
    rv = office.test_client().post("/api/v1/security/login", data=deep,
                                   content_type="application/json", **from_address("10.40.0.1"))
    assert rv.status_code == 400
    codes = []
    for n in range(10):  # the name and the email address are one account
        name = "kasubag.keuangan" if n % 2 else "nyoman.sudiarta@dpmptsp.denpasarkota.go.id"
        codes.append(api_login(office, name, f"salah-{n}-abcdef",
                               address=f"10.40.1.{n}").status_code)
    assert codes == [401] * 10
    rv = api_login(office, "kasubag.keuangan", PASSWORD, address="10.40.2.1")
    assert rv.status_code == 429


def test_privilege_changes_are_logged_with_their_actor_and_logins_are_not(office, ctx, api):
    before = db.session.execute(select(SecurityLog.id).order_by(SecurityLog.id.desc())
                                .limit(1)).scalar()
    form_login(office, "pimpinan", PASSWORD)
    pimpinan = db.session.execute(select(AppUser).where(AppUser.username == "pimpinan")
                                  ).scalar_one()
    admin_role = db.session.execute(select(Role).where(Role.name == "Admin")).scalar_one()
    roles = [r.id for r in pimpinan.roles]
    admin = api("admin")
    try:
        rv = admin.put(f"/api/v1/security/users/{pimpinan.id}", json={"roles": [admin_role.id]})
        assert rv.status_code == 200, rv.get_json()
    finally:
        admin.put(f"/api/v1/security/users/{pimpinan.id}", json={"roles": roles})
    rows = db.session.execute(select(SecurityLog).where(SecurityLog.id > before)
                              .order_by(SecurityLog.id)).scalars().all()
    events = [(r.event, r.username) for r in rows]
    assert ("user_roles_changed", "admin") in events
    granted = next(r for r in rows if r.event == "user_roles_changed")
    assert "pimpinan" in granted.detail and "ditambah Admin" in granted.detail
    assert not any(r.event == "user_updated" and r.username is None for r in rows)  # no noise
    page_client, _rv = form_login(office, "admin", PASSWORD)
    log = page_client.get("/securitylogview/list/", **from_address("10.20.0.1")).get_data(
        as_text=True)
    assert "Peran pengguna diubah" in log and "WITA" in log


def test_the_security_api_takes_no_browser_session(office):
    client, _rv = form_login(office, "admin", PASSWORD)
    rv = client.get("/api/v1/security/users/", **from_address("10.20.0.1"))
    assert rv.status_code == 401


def test_every_user_opens_their_own_profile(office):
    client, _rv = form_login(office, "pemohon", PASSWORD)
    rv = client.get("/users/userinfo/", **from_address("10.20.0.1"))
    assert rv.status_code == 200 and "Ni Luh Putu" in rv.get_data(as_text=True)


def test_without_a_secret_key_one_is_made_once_and_kept(database_url, tmp_path):
    first = make_app(database_url, SECRET_KEY=None, INSTANCE_PATH=str(tmp_path))
    second = make_app(database_url, SECRET_KEY=None, INSTANCE_PATH=str(tmp_path))
    key = first.config["SECRET_KEY"]
    assert len(key) >= 32 and key == second.config["SECRET_KEY"]
    assert key not in ("dev-only-change-me",)
    mode = stat.S_IMODE(os.stat(tmp_path / "secret_key").st_mode)
    assert mode == 0o600
    other = make_app(database_url, SECRET_KEY=None, INSTANCE_PATH=str(tmp_path / "lain"))
    assert other.config["SECRET_KEY"] != key
