"""Foundation: the factory, login, language, menu per role, 403/redirect (issue #2)."""

from __future__ import annotations

import re

import pytest

from app import create_app
from config import TestConfig
from tests.conftest import PASSWORD, login

DEMO_USERS = ["admin", "pemohon", "pemohon2", "kabid.pelayanan", "kasubag.umum", "kasi.pdsi",
              "kabid.dalak", "it.budi", "it.sari", "pimpinan"]


def routes(app) -> list[tuple[str, str]]:
    return sorted((rule.rule, method) for rule in app.url_map.iter_rules()
                  for method in rule.methods - {"HEAD", "OPTIONS"})


def test_create_app_twice_keeps_views_apart(database_url):
    first = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url)
    before = routes(first)
    second = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url)
    assert first.appbuilder is not second.appbuilder
    assert first.appbuilder.baseviews is not second.appbuilder.baseviews
    assert routes(first) == before  # the second app added nothing to the first
    assert routes(second) == before
    # No URL and method is served by two views (one would shadow the other).
    assert len(before) == len(set(before)), [r for r in before if before.count(r) > 1]


@pytest.mark.parametrize("username", DEMO_USERS)
def test_each_demo_user_logs_in(client, username):
    login(client, username)
    page = client.get("/")
    assert page.status_code == 200
    assert "Keluar" in page.get_data(as_text=True)


def test_wrong_password_is_refused_in_indonesian(client):
    rv = client.post("/login/", data={"username": "pemohon", "password": "salah-sekali-1"},
                     follow_redirects=True)
    assert "Gagal masuk" in rv.get_data(as_text=True)


def test_login_page_is_indonesian_and_english_is_available(client):
    page = client.get("/login/").get_data(as_text=True)
    assert "Masuk" in page and "Kata Sandi" in page and "Nama Pengguna" in page
    client.get("/lang/en")
    page = client.get("/login/").get_data(as_text=True)
    assert "Password" in page and "Kata Sandi" not in page


def test_list_page_and_menu_in_indonesian(login_as):
    client = login_as("kasi.pdsi")
    page = client.get("/improvementrequestview/list/").get_data(as_text=True)
    for word in ("Permintaan", "Penyempurnaan", "Nomor Permintaan", "Status", "Keluar"):
        assert word in page, word


def test_anonymous_is_sent_to_login(client):
    rv = client.get("/improvementrequestview/list/")
    assert rv.status_code == 302 and "/login/" in rv.headers["Location"]


def test_user_without_permission_gets_403(login_as):
    client = login_as("pemohon")
    assert client.get("/unitview/list/").status_code == 403
    assert client.get("/checklistroundview/list/").status_code == 403


# Role × menu entry: what each demo user's menu shows (labels in Indonesian).
MENU_LABELS = {
    "improvement": "Penyempurnaan Sistem IT (FM-01)",
    "support": "Dukungan Petugas IT (FM-03)",
    "absence": "Ketidakhadiran Pejabat",
    "rounds": "Putaran Checklist",
    "incidents": "Gangguan SIM",
    "units": "Unit Kerja",
    "holidays": "Hari Libur dan Cuti Bersama",
    "users": "Daftar Pengguna",
}
MENU_TABLE = {
    "admin": {"improvement", "support", "absence", "rounds", "incidents", "units", "holidays",
              "users"},
    "pemohon": {"improvement", "support", "incidents"},
    "kabid.pelayanan": {"improvement", "support", "absence", "incidents"},
    "kasi.pdsi": {"improvement", "support", "absence", "rounds", "incidents"},
    "kabid.dalak": {"improvement", "support", "absence", "rounds", "incidents"},
    "it.budi": {"improvement", "support", "rounds", "incidents"},
    "pimpinan": {"improvement", "support", "absence", "rounds", "incidents"},
}


@pytest.mark.parametrize("username", sorted(MENU_TABLE))
def test_menu_shows_exactly_what_roles_allow(login_as, username):
    page = login_as(username).get("/").get_data(as_text=True)
    navbar = re.search(r"<header.*?</header>", page, re.S).group(0)
    shown = {key for key, label in MENU_LABELS.items() if label in navbar}
    assert shown == MENU_TABLE[username]


def test_demo_password_meets_policy():
    from app.security.passwords import password_problems

    assert password_problems(PASSWORD, "pemohon") == []
    assert password_problems("pendek1", "x")
    assert password_problems("pemohon12345", "pemohon")
