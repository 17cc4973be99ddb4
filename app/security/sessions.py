"""Sessions and tokens that end (SPEC §7).

Each user has a `session_version`. The browser session and every JWT (access and refresh)
carry the version they were issued under; a request whose version is not the user's current
one is anonymous (browser) or 401 (API). The version goes up when the user logs out, and when
their password, their roles or their active flag change — through the UI, the API, the CLI or
anything else that flushes an AppUser — so all their sessions and tokens end at once.
(Logging out therefore ends the user's sessions on every device: a cookie copied before
/logout/ opens nothing afterwards.)
"""

from __future__ import annotations

from flask import Flask, g, has_request_context, session
from flask_appbuilder.security.sqla.models import User
from flask_login import user_logged_in, user_logged_out
from sqlalchemy import event, inspect, select, update
from sqlalchemy.orm import Session

from app.extensions import db
from app.security.models import AppUser

SESSION_KEY = "_sv"
CLAIM = "sv"
# Changes of these end every session and token of the user.
ENDING_ATTRIBUTES = ("password", "active", "roles")


def _current_version(user) -> int:
    return int(getattr(user, "session_version", 0) or 0)


def browser_session_is_current(user) -> bool:
    return session.get(SESSION_KEY) == _current_version(user)


def token_is_current(user, claims: dict) -> bool:
    return claims.get(CLAIM) == _current_version(user)


def claims_for(identity) -> dict:
    """Extra JWT claims at login and refresh: the user's current session version."""
    try:
        user = db.session.get(AppUser, int(identity))
    except (TypeError, ValueError):
        return {}
    return {CLAIM: _current_version(user)} if user is not None else {}


def _stamp_session(_sender, user, **_extra) -> None:
    session[SESSION_KEY] = _current_version(user)


def _end_sessions_on_logout(_sender, user, **_extra) -> None:
    if user is None or not getattr(user, "id", None):
        return
    db.session.execute(update(AppUser).where(AppUser.id == user.id)
                       .values(session_version=AppUser.session_version + 1))
    db.session.commit()
    session.pop(SESSION_KEY, None)


def _changed(user: User) -> bool:
    state = inspect(user)
    return any(state.attrs[name].history.has_changes() for name in ENDING_ATTRIBUTES)


@event.listens_for(Session, "before_flush")
def _end_sessions_on_change(session_, _context, _instances) -> None:
    """FAB's own views and APIs load users as its base `User` class, which does not map our
    column: the version goes up by an UPDATE of the row, whichever class holds it."""
    for obj in list(session_.dirty):
        if not isinstance(obj, User) or obj.id is None or not _changed(obj):
            continue
        session_.connection().execute(
            update(AppUser.__table__).where(AppUser.__table__.c.id == obj.id)
            .values(session_version=AppUser.__table__.c.session_version + 1))
        if isinstance(obj, AppUser):
            session_.expire(obj, ["session_version"])
        if has_request_context() and getattr(getattr(g, "user", None), "id", None) == obj.id:
            # One's own password change keeps this session (the others end).
            g._own_session_version_changed = True


def _restamp_own_session(response):
    if g.pop("_own_session_version_changed", False) and getattr(g, "user", None) is not None:
        version = db.session.execute(select(AppUser.session_version).where(
            AppUser.id == g.user.id)).scalar()
        if version is not None and SESSION_KEY in session:
            session[SESSION_KEY] = version
    return response


def init_sessions(app: Flask) -> None:
    user_logged_in.connect(_stamp_session, app)
    user_logged_out.connect(_end_sessions_on_logout, app)
    app.after_request(_restamp_own_session)
