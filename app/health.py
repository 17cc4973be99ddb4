"""`GET /health`: no login, no data — is this server fit to serve? (issue #8)."""

from __future__ import annotations

import datetime as dt
import os

from flask import Blueprint, current_app, jsonify
from sqlalchemy import func, select, text

from app.extensions import db
from app.notify.models import JobState, Outbox
from app.timeutil import utcnow

bp = Blueprint("health", __name__)


def _schema_head() -> str | None:
    from alembic.script import ScriptDirectory

    directory = os.path.join(os.path.dirname(current_app.root_path), "migrations")
    return ScriptDirectory(directory).get_current_head()


def _fail(checks: dict, name: str, problem: str):
    db.session.rollback()
    checks[name] = problem
    return jsonify(status="error", checks=checks), 503


@bp.route("/health")
def health():
    """200 when this server can serve; 503 JSON naming the first thing that fails."""
    checks: dict[str, object] = {}
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as err:  # noqa: BLE001 — reported, not raised
        return _fail(checks, "database", f"unreachable: {type(err).__name__}")
    try:
        current = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:  # noqa: BLE001 — an empty or foreign database
        return _fail(checks, "schema", "missing: run `flask db upgrade`")
    head = _schema_head()
    if current != head:
        return _fail(checks, "schema", f"at {current}, head is {head}")
    checks["schema"] = "ok"
    try:
        # Every login and action writes: a database that takes reads only is not fit.
        if not _writable():
            return _fail(checks, "database_write", "refused: read-only")
        checks["database_write"] = "ok"
    except Exception as err:  # noqa: BLE001
        return _fail(checks, "database_write", f"refused: {type(err).__name__}")
    try:
        return _clock_and_outbox(checks)
    except Exception as err:  # noqa: BLE001
        return _fail(checks, "tables", f"unreadable: {type(err).__name__}")


def _writable() -> bool:
    """PostgreSQL says so without writing (a read-only setting or a standby); SQLite is asked
    for its write lock, which an anonymous probe holds for no time."""
    if db.session.get_bind().dialect.name == "postgresql":
        read_only, standby = db.session.execute(text(
            "SELECT current_setting('transaction_read_only'), pg_is_in_recovery()")).one()
        return read_only == "off" and not standby
    db.session.execute(text("UPDATE alembic_version SET version_num = version_num"))
    db.session.rollback()
    return True


def _clock_and_outbox(checks: dict):
    ok = True
    max_age = dt.timedelta(minutes=current_app.config.get("HEALTH_CLOCK_MAX_AGE_MINUTES", 10))
    state = db.session.get(JobState, "run_due")
    last = state.last_run_at if state else None
    checks["clock_last_run"] = last.isoformat() + "Z" if last else None
    clock_ok = last is not None and utcnow() - last <= max_age
    checks["clock"] = "ok" if clock_ok else "stale"
    ok &= clock_ok

    checks["outbox_backlog"] = db.session.execute(
        select(func.count()).select_from(Outbox).where(Outbox.status.in_(("queued", "sending")))
    ).scalar_one()
    oldest_failing = db.session.execute(
        select(func.min(Outbox.created_at)).where(Outbox.status.in_(("queued", "failed")),
                                                  Outbox.attempts > 0)
    ).scalar()
    checks["oldest_failing_mail"] = oldest_failing.isoformat() + "Z" if oldest_failing else None
    return jsonify(status="ok" if ok else "error", checks=checks), 200 if ok else 503
