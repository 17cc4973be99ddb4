"""Fixtures: per database backend (SQLite and PostgreSQL) a seeded template, and for each test
module a fresh copy of it with its own app; logins by role; the browser."""

from __future__ import annotations

import datetime as dt
import gc
import os
import resource
import shutil
import threading
import time
import uuid

import psycopg
import pytest
from aiosmtpd.controller import Controller
from flask.testing import FlaskClient
from flask_migrate import upgrade
from playwright.sync_api import sync_playwright
from sqlalchemy import text
from werkzeug.serving import make_server

from app import create_app
from app.checklist import calendar
from app.extensions import db
from app.security.roles import sync_all_roles
from config import TestConfig
from seeds.loader import load_demo

PASSWORD = "Denpasar#2026"
MEMORY_LOG = os.path.join(os.path.dirname(os.path.dirname(__file__)), "test-artifacts",
                          "memory-by-module.txt")


# --- the run itself: memory per module, and a quick exit ------------------------------------

_last_module = {"name": None, "started": time.monotonic()}


def _log_module_done() -> None:
    if _last_module["name"] is None:
        return
    os.makedirs(os.path.dirname(MEMORY_LOG), exist_ok=True)
    with open(MEMORY_LOG, "a") as log:
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        log.write(f"{time.monotonic() - _last_module['started']:8.1f} s  {peak_mb:6d} MB  "
                  f"{_last_module['name']}\n")


def pytest_runtest_setup(item):
    """The run's peak memory after each test module, with the module's time, in
    test-artifacts/memory-by-module.txt: the whole run peaked near 6 GB on 2 December 2026;
    this says which modules keep what."""
    module = item.nodeid.split("::", 1)[0]
    if module != _last_module["name"]:
        _log_module_done()
        _last_module.update(name=module, started=time.monotonic())


def pytest_sessionfinish(session, exitstatus):
    _log_module_done()


def pytest_unconfigure(config):
    """Everything is reported by now. Python's last garbage collection over the run's heap
    took minutes after the summary (seen on 2 December 2026): the objects left are frozen
    out of it, so the process ends when the tests do."""
    gc.freeze()
PG_ADMIN_DSN = os.environ.get(
    "TEST_PG_DSN", "postgresql://layanan:layanan@127.0.0.1:5432/postgres"
)
BACKENDS = ["sqlite", "postgresql"]


def _pg_url(name: str) -> str:
    base = PG_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    return f"{base}/{name}"


def create_pg_database() -> tuple[str, str]:
    name = f"layanan_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name, _pg_url(name)


def drop_pg_database(name: str) -> None:
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _seed(url: str, tmp_path_factory, sqlite: bool) -> None:
    seeder = make_app(url, ATTACHMENT_FOLDER=str(tmp_path_factory.mktemp("template-files")))
    with seeder.app_context():
        upgrade()
        sync_all_roles()
        load_demo()
        if sqlite:  # everything into the main file before it is copied
            db.session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        db.session.remove()
        db.engine.dispose()  # PostgreSQL copies a template only while nobody is connected


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> str:
    """The seeded SQLite database every SQLite copy starts from (the journeys' too)."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    _seed(f"sqlite:///{path}", tmp_path_factory, sqlite=True)
    return str(path)


@pytest.fixture(scope="session", params=BACKENDS)
def seeded_template(request, tmp_path_factory):
    """One migrated and seeded database per backend, made once; every test module works on
    its own copy of it (`database_url`), so no module sees another's rows."""
    if request.param == "sqlite":
        yield "sqlite", request.getfixturevalue("sqlite_template")
        return
    source, url = create_pg_database()
    _seed(url, tmp_path_factory, sqlite=False)
    yield request.param, source
    drop_pg_database(source)


@pytest.fixture(scope="session")
def database_location(seeded_template, tmp_path_factory):
    """Where this backend's working database lives: one URL for the whole session, so the
    apps made for it stay valid; `database_url` puts a fresh copy there for every module."""
    backend, _source = seeded_template
    if backend == "sqlite":
        path = tmp_path_factory.mktemp("sqlite") / "test.db"
        yield backend, str(path), f"sqlite:///{path}"
        return
    name = f"layanan_test_{uuid.uuid4().hex[:10]}"
    yield backend, name, _pg_url(name)
    drop_pg_database(name)


@pytest.fixture(scope="module")
def database_url(seeded_template, database_location):
    """This test module's own database: a fresh copy of the seeded template."""
    backend, target, url = database_location
    _close_connections(url)
    _TOKENS.clear()  # minted against the previous module's rows
    if backend == "sqlite":
        draft = f"{target}.copy"
        shutil.copyfile(seeded_template[1], draft)
        for leftover in (f"{target}-wal", f"{target}-shm"):
            if os.path.exists(leftover):
                os.unlink(leftover)
        os.replace(draft, target)  # a new file: nothing still open writes into it
    else:
        with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{target}" TEMPLATE "{seeded_template[1]}"')
    yield url


_APPS: list = []  # every app the tests make, to close their connections before a reset


def _close_connections(url: str) -> None:
    for made in _APPS:
        if made.config["SQLALCHEMY_DATABASE_URI"] == url:
            with made.app_context():
                db.session.remove()
                db.engine.dispose()


@pytest.fixture(scope="session")
def backend(seeded_template) -> str:
    return seeded_template[0]


class IsolatedClient(FlaskClient):
    """Each request in its own app context (fresh `g` and session), as in production,
    even when the test itself holds an app context open to read the database."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def make_app(database_url: str, **overrides):
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, **overrides)
    app.test_client_class = IsolatedClient
    _APPS.append(app)
    return app


@pytest.fixture(scope="session")
def session_app(database_location, tmp_path_factory):
    """One app per backend for the whole session (making one costs time and memory)."""
    return make_app(database_location[2],
                    ATTACHMENT_FOLDER=str(tmp_path_factory.mktemp("attachments")))


@pytest.fixture(scope="module")
def app(session_app, database_url):
    """The app, on this module's fresh copy of the seeded database."""
    return session_app


@pytest.fixture()
def ctx(app):
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture()
def client(app):
    return app.test_client()


def login(client, username: str, password: str = PASSWORD):
    response = client.post("/login/", data={"username": username, "password": password})
    assert response.status_code == 302, f"login of {username} failed"
    return client


@pytest.fixture()
def login_as(app):
    """login_as("kasi.pdsi") -> a test client with that user's browser session."""

    def _login(username: str):
        return login(app.test_client(), username)

    return _login


_TOKENS: dict[tuple[int, str], str] = {}


@pytest.fixture()
def fresh_tokens():
    """For tests that end users' sessions and tokens: the tokens `api` keeps are dropped after.
    (A fixture, not an import: pytest loads this file as its own module.)"""
    yield
    _TOKENS.clear()


@pytest.fixture()
def api(app):
    """api("pemohon").post(path, json=...) with that user's JWT."""

    class Api:
        def __init__(self, username: str | None):
            self.client = app.test_client()
            self.headers = {}
            if username:
                key = (id(app), username)
                if key not in _TOKENS:
                    rv = self.client.post("/api/v1/security/login", json={
                        "username": username, "password": PASSWORD, "provider": "db"})
                    assert rv.status_code == 200, rv.get_data(as_text=True)
                    _TOKENS[key] = rv.json["access_token"]
                self.headers = {"Authorization": f"Bearer {_TOKENS[key]}"}

        def get(self, path, **kw):
            return self.client.get(path, headers=self.headers, **kw)

        def post(self, path, **kw):
            return self.client.post(path, headers=self.headers, **kw)

        def put(self, path, **kw):
            return self.client.put(path, headers=self.headers, **kw)

        def delete(self, path, **kw):
            return self.client.delete(path, headers=self.headers, **kw)

    return Api


@pytest.fixture()
def mail_to(app):
    """Point Flask-Mail at a port; returns a function that starts a real SMTP server there."""
    from tests.helpers import Inbox, free_port  # helpers import this module

    state = app.extensions["mail"]
    saved = (state.server, state.port)
    port = free_port()
    state.server, state.port = "127.0.0.1", port
    controllers = []

    def start() -> Inbox:
        inbox = Inbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=port)
        controller.start()
        controllers.append(controller)
        return inbox

    yield start
    for controller in controllers:
        controller.stop()
    state.server, state.port = saved


def next_working_day(app, after: dt.date | None = None, n: int = 1) -> dt.date:
    from app.timeutil import today_wita

    with app.app_context():
        return calendar.add_working_days(after or today_wita(), n)


# --- the browser (Debian's Chromium through Playwright) ---------------------------------

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def live(app, database_url, tmp_path_factory):
    """The app with CSRF on, served by a real server thread on 127.0.0.1."""
    served = make_app(database_url, WTF_CSRF_ENABLED=True,
                      ATTACHMENT_FOLDER=str(tmp_path_factory.mktemp("e2e-attachments")))
    server = make_server("127.0.0.1", 0, served, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", served
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield chromium
        chromium.close()


# --- browser journeys (issue 17) ----------------------------------------------------------

@pytest.fixture(params=["desktop", "phone"])
def viewport(request) -> str:
    """Each journey at 1366x768 and at 390x844 (tests/helpers.VIEWPORTS)."""
    return request.param


@pytest.fixture(scope="module")
def office(sqlite_template, tmp_path_factory):
    """The app with CSRF on, served on 127.0.0.1, on this module's own copy of the seeded
    SQLite database: the browser journeys (TESTING.md lets them run on one database; every
    other test runs on PostgreSQL too)."""
    path = tmp_path_factory.mktemp("journeys") / "office.db"
    shutil.copyfile(sqlite_template, path)
    served = make_app(f"sqlite:///{path}", WTF_CSRF_ENABLED=True,
                      ATTACHMENT_FOLDER=str(tmp_path_factory.mktemp("journey-attachments")))
    server = make_server("127.0.0.1", 0, served, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", served
    server.shutdown()
    with served.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="module")
def people(office, browser):
    """people(username, journey, viewport): that user logged in once in a browser of that
    size, kept for the module (a login per step would be most of a journey's time)."""
    from tests.helpers import Journey  # helpers import this module

    made = {}

    def person(username: str, journey: str, viewport: str):
        key = (username, viewport)
        if key not in made:
            made[key] = Journey(browser, office[0], username, journey, viewport)
        return made[key].into(journey)

    yield person
    for journey in made.values():
        journey.close()
