"""Failed logins are limited per username and per client address (SPEC §7); successful ones never.

The whole office logs in at 08.00 from behind one nginx: a limit on every login POST per address
(FAB's own) would lock the eleventh person out. Here only failures count, on the login form and
the API login alike, and a blocked attempt answers 429 in Indonesian and goes into the security
log.

The counting is `limits`' fixed window (the library under Flask-Limiter). Its storage is named by
`RATELIMIT_STORAGE_URI`: by default `database://`, a table in the application's own database,
because every gunicorn worker and every app server already shares that database and the office
runs nothing else; `redis://host:6379` works too where a Redis is at hand. `memory://` counts per
process and suits a single-process development server only.
"""

from __future__ import annotations

import time

from flask import Flask, abort, current_app, g, request
from limits import parse
from limits.storage import Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy import case, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from app.security.models import LoginLimit

LOGIN_ENDPOINTS = ("AuthDBView.login", "SecurityApi.login")

login_limit = LoginLimit.__table__


class DatabaseStorage(Storage):
    """A `limits` storage in the application's database (`database://`): one row per key with
    its count and the end of its window; an increment is one upsert, atomic in PostgreSQL and
    SQLite alike, so several workers and servers count together."""

    STORAGE_SCHEME = ["database"]

    @property
    def base_exceptions(self):
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
        stmt = insert(login_limit).values(key=key, hits=amount, expires_at=now + expiry)
        live = login_limit.c.expires_at > now
        stmt = stmt.on_conflict_do_update(index_elements=["key"], set_={
            # A window that has passed starts again with this hit.
            "hits": _case(live, login_limit.c.hits + amount, amount),
            "expires_at": _case(live, login_limit.c.expires_at, now + expiry),
        }).returning(login_limit.c.hits)
        with db.engine.begin() as conn:
            return int(conn.execute(stmt).scalar_one())

    def get(self, key: str) -> int:
        with db.engine.connect() as conn:
            hits = conn.execute(select(login_limit.c.hits).where(
                login_limit.c.key == key, login_limit.c.expires_at > time.time())).scalar()
        return int(hits or 0)

    def get_expiry(self, key: str) -> float:
        with db.engine.connect() as conn:
            expires = conn.execute(select(login_limit.c.expires_at).where(
                login_limit.c.key == key)).scalar()
        return float(expires or time.time())

    def check(self) -> bool:
        with db.engine.connect() as conn:
            conn.execute(select(1))
        return True

    def reset(self) -> int | None:
        with db.engine.begin() as conn:
            return conn.execute(delete(login_limit)).rowcount

    def clear(self, key: str) -> None:
        with db.engine.begin() as conn:
            conn.execute(delete(login_limit).where(login_limit.c.key == key))


def _case(condition, then, otherwise):
    return case((condition, then), else_=otherwise)


def client_address() -> str:
    """The client's address as ProxyFix left it (TRUSTED_PROXIES hops trusted)."""
    return request.remote_addr or "-"


def _limiter() -> FixedWindowRateLimiter:
    state = current_app.extensions["layanan_login_limits"]
    return state["limiter"]


def _limit():
    return current_app.extensions["layanan_login_limits"]["limit"]


def _username_of_request() -> str:
    if request.is_json:
        data = request.get_json(silent=True)
        name = data.get("username") if isinstance(data, dict) else None
    else:
        name = request.form.get("username")
    return (name if isinstance(name, str) else "").strip().lower()[:128]


def record_failure(username: str | None) -> None:
    """A failed login counts against the name and the address."""
    if not current_app.config.get("LOGIN_LIMIT_ENABLED", True):
        return
    limiter, limit = _limiter(), _limit()
    limiter.hit(limit, "addr", client_address())
    name = (username or "").strip().lower()[:128]
    if name:
        limiter.hit(limit, "user", name)


def record_success(username: str) -> None:
    """A successful login starts the name's count afresh (the address keeps its count)."""
    if current_app.config.get("LOGIN_LIMIT_ENABLED", True):
        _limiter().clear(_limit(), "user", username.strip().lower()[:128])


def init_login_limits(app: Flask) -> None:
    uri = app.config.get("RATELIMIT_STORAGE_URI") or "database://"
    app.extensions["layanan_login_limits"] = {
        "limiter": FixedWindowRateLimiter(storage_from_string(uri)),
        "limit": parse(app.config.get("LOGIN_FAILURE_LIMIT", "10 per 5 minutes")),
    }

    @app.before_request
    def _refuse_blocked_logins():
        if request.method != "POST" or request.endpoint not in LOGIN_ENDPOINTS:
            return None
        if not app.config.get("LOGIN_LIMIT_ENABLED", True):
            return None
        limiter, limit = _limiter(), _limit()
        name = _username_of_request()
        blocked_by = None
        if not limiter.test(limit, "addr", client_address()):
            blocked_by = "alamat"
        elif name and not limiter.test(limit, "user", name):
            blocked_by = "nama pengguna"
        if blocked_by is None:
            return None
        from app.security.hardening import log_security_event

        log_security_event("login_blocked", name or None,
                           f"Diblokir per {blocked_by} setelah terlalu banyak kegagalan")
        g.login_blocked = True
        abort(429)
