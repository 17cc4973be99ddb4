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
from sqlalchemy import case, delete, func, or_, select
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db, upsert_insert
from app.security.hardening import log_security_event
from app.security.models import AppUser, LoginLimit

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
        stmt = upsert_insert(login_limit).values(key=key, hits=max(amount, 0), expires_at=now + expiry)
        live = login_limit.c.expires_at > now
        stmt = stmt.on_conflict_do_update(index_elements=["key"], set_={
            # A window that has passed starts again with this hit.
            "hits": case((live, login_limit.c.hits + amount), else_=max(amount, 0)),
            "expires_at": case((live, login_limit.c.expires_at), else_=now + expiry),
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
        try:
            data = request.get_json(silent=True)
        except RecursionError:
            data = None
        name = data.get("username") if isinstance(data, dict) else None
    else:
        name = request.form.get("username")
    return (name if isinstance(name, str) else "").strip().lower()[:128]


def _account_key(name: str) -> str | None:
    """One counter per account, whether it is typed as the username or the email address
    (FAB accepts both); a name that is no account counts under itself."""
    if not name:
        return None
    user_id = db.session.execute(select(AppUser.id).where(
        or_(func.lower(AppUser.username) == name, func.lower(AppUser.email) == name))
    ).scalars().first()
    return f"user:{user_id}" if user_id is not None else f"name:{name}"


def _enabled() -> bool:
    return bool(current_app.config.get("LOGIN_LIMIT_ENABLED", True))


def record_success() -> None:
    """A successful login takes back its own count, and starts the account's afresh: only
    failures are limited (SPEC §7). A failure stays counted from when it came in."""
    if not _enabled():
        return
    storage, limit = _limiter().storage, _limit()
    for key in g.pop("_login_limit_keys", ()):
        storage.incr(limit.key_for(*key), limit.get_expiry(), amount=-1)
        if key[0] == "account":
            storage.clear(limit.key_for(*key))


def init_login_limits(app: Flask) -> None:
    uri = app.config.get("RATELIMIT_STORAGE_URI") or "database://"
    app.extensions["layanan_login_limits"] = {
        "limiter": FixedWindowRateLimiter(storage_from_string(uri)),
        "limit": parse(app.config.get("LOGIN_FAILURE_LIMIT", "10 per 5 minutes")),
    }

    @app.before_request
    def _count_login_attempt():
        """Every attempt is counted as it comes in, per address and per account, and taken
        back if it succeeds; the eleventh within the window is refused (429)."""
        if request.method != "POST" or request.endpoint not in LOGIN_ENDPOINTS:
            return None
        if not _enabled():
            return None
        limiter, limit = _limiter(), _limit()
        name = _username_of_request()
        keys = [("addr", client_address())]
        account = _account_key(name)
        if account:
            keys.append(("account", account))
        counted, blocked_by = [], None
        for key in keys:
            if limiter.hit(limit, *key):
                counted.append(key)
            else:
                blocked_by = blocked_by or ("alamat" if key[0] == "addr" else "akun")
        if blocked_by is None:
            g._login_limit_keys = counted
            return None
        log_security_event("login_blocked", name or None,
                           f"Diblokir per {blocked_by} setelah terlalu banyak kegagalan")
        abort(429)
