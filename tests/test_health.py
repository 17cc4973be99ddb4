"""`/health` answers without login: 200 when fit, 503 when the database or the clock is not."""

from __future__ import annotations

import datetime as dt

from app.extensions import db
from app.notify.models import JobState
from app.timeutil import utcnow
from tests.conftest import make_app
from tests.helpers import free_port


def _set_clock(moment):
    state = db.session.get(JobState, "run_due") or JobState(name="run_due")
    state.last_run_at = moment
    db.session.add(state)
    db.session.commit()


def test_healthy(client, ctx):
    _set_clock(utcnow())
    rv = client.get("/health")
    assert rv.status_code == 200, rv.json
    body = rv.json
    assert body["status"] == "ok" and body["checks"]["schema"] == "ok"
    assert isinstance(body["checks"]["outbox_backlog"], int)
    assert "password" not in rv.get_data(as_text=True)


def test_stale_clock_is_503(client, ctx):
    _set_clock(utcnow() - dt.timedelta(hours=2))
    rv = client.get("/health")
    assert rv.status_code == 503 and rv.json["checks"]["clock"] == "stale"
    _set_clock(utcnow())


def test_unreachable_database_is_503():
    app = make_app(f"postgresql+psycopg://layanan:layanan@127.0.0.1:{free_port()}/nothing",
                   SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"connect_timeout": 2}})
    rv = app.test_client().get("/health")
    assert rv.status_code == 503 and rv.json["checks"]["database"].startswith("unreachable")


def test_a_read_only_database_is_503(app, database_url, backend, ctx):
    """Reads work, every login and write would fail: not fit to serve (issue 14)."""
    _set_clock(utcnow())
    if backend == "sqlite":
        path = database_url.removeprefix("sqlite:///")
        read_only = make_app(f"sqlite:///file:{path}?mode=ro&uri=true")
    else:
        read_only = make_app(database_url, SQLALCHEMY_ENGINE_OPTIONS={
            "connect_args": {"options": "-c default_transaction_read_only=on"}})
    rv = read_only.test_client().get("/health")
    assert rv.status_code == 503, rv.get_data(as_text=True)
    assert rv.json["checks"]["database_write"].startswith("refused")


def test_an_empty_database_is_503_json(tmp_path):
    empty = tmp_path / "kosong.db"
    empty.touch()
    rv = make_app(f"sqlite:///{empty}").test_client().get("/health")
    assert rv.status_code == 503 and rv.is_json
    assert rv.json["checks"]["schema"].startswith("missing")
