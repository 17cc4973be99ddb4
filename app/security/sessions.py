"""Sessions and tokens that end (SPEC §7).

- Logging out ends that browser session: its random id goes on the user's list of ended
  sessions (kept on the user's row, which every request reads anyway), so a copy of the cookie
  opens nothing afterwards. The user's other devices stay logged in.
- A password change or reset, deactivation, or a change of roles or groups ends every session
  and token of the user: each user has a `session_version`, carried by the browser session and
  every JWT (access and refresh); a request under an older version is anonymous (browser) or
  401 (API). The version goes up for any such change, whichever way it is made — the UI, FAB's
  security API, the CLI — because it is read from the session's own changes before each flush.
"""

from __future__ import annotations

import json
import secrets
import time

from flask import Flask, current_app, g, has_request_context, session
from flask_appbuilder.security.sqla.models import Group, User
from flask_login import user_logged_in, user_logged_out
from sqlalchemy import event, inspect, select, update
from sqlalchemy.orm import Session

from app.extensions import db
from app.security.models import AppUser

SESSION_KEY = "_sv"
SESSION_ID = "_sid"
CLAIM = "sv"
# Changes of these end every session and token of the user.
ENDING_ATTRIBUTES = ("password", "active", "roles", "groups")
_users = AppUser.__table__


def _current_version(user) -> int:
    return int(getattr(user, "session_version", 0) or 0)


def _ended(listed: str | None) -> list[list]:
    """The ended sessions [[id, until], ...] still within their lifetime."""
    try:
        return [entry for entry in json.loads(listed or "[]") if entry[1] > time.time()]
    except (TypeError, ValueError, IndexError):
        return []


def browser_session_is_current(user) -> bool:
    if session.get(SESSION_KEY) != _current_version(user):
        return False
    sid = session.get(SESSION_ID)
    return sid is None or all(entry[0] != sid for entry in _ended(user.ended_sessions))


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
    session[SESSION_ID] = secrets.token_urlsafe(16)


def _end_this_session(_sender, user, **_extra) -> None:
    sid = session.pop(SESSION_ID, None)
    session.pop(SESSION_KEY, None)
    if sid is None or user is None or not getattr(user, "id", None):
        return
    # Take the row's write lock first (PostgreSQL: this row; SQLite: the database), so two
    # logouts of one user at once both land on the list.
    db.session.execute(update(_users).where(_users.c.id == user.id)
                       .values(ended_sessions=_users.c.ended_sessions))
    listed = db.session.execute(select(_users.c.ended_sessions)
                                .where(_users.c.id == user.id)).scalar()
    lifetime = current_app.permanent_session_lifetime.total_seconds()
    entries = [*_ended(listed), [sid, time.time() + lifetime]]
    db.session.execute(update(_users).where(_users.c.id == user.id)
                       .values(ended_sessions=json.dumps(entries)))
    db.session.commit()


def _changed(obj, names) -> bool:
    state = inspect(obj)
    return any(name in state.attrs and state.attrs[name].history.has_changes()
               for name in names)


def _affected_users(session_) -> set[int]:
    """Users whose password, active flag, roles or groups change in this flush — directly, or
    through a group whose roles or members change (FAB gives a user their groups' roles)."""
    ids: set[int] = set()
    for obj in session_.dirty:
        if isinstance(obj, User) and obj.id is not None and _changed(obj, ENDING_ATTRIBUTES):
            ids.add(obj.id)
        elif isinstance(obj, Group):
            state = inspect(obj)
            members = state.attrs.users.history
            ids |= {u.id for u in (*members.added, *members.deleted) if u.id is not None}
            if state.attrs.roles.history.has_changes():
                ids |= {u.id for u in obj.users if u.id is not None}
    for obj in session_.deleted:
        if isinstance(obj, Group):
            ids |= {u.id for u in obj.users if u.id is not None}
    return ids


@event.listens_for(Session, "before_flush")
def _end_sessions_on_change(session_, _context, _instances) -> None:
    """FAB's own views and APIs load users as its base `User` class, which does not map our
    column: the version goes up by an UPDATE of the row, whichever class holds it."""
    ids = _affected_users(session_)
    if not ids:
        return
    session_.connection().execute(update(_users).where(_users.c.id.in_(ids))
                                  .values(session_version=_users.c.session_version + 1))
    for obj in session_.identity_map.values():
        if isinstance(obj, AppUser) and obj.id in ids:
            session_.expire(obj, ["session_version"])
    me = getattr(getattr(g, "user", None), "id", None) if has_request_context() else None
    if me in ids:
        g._own_session_version_changed = True  # one's own password change keeps this session


def _restamp_own_session(response):
    if g.pop("_own_session_version_changed", False) and getattr(g, "user", None) is not None:
        version = db.session.execute(select(_users.c.session_version).where(
            _users.c.id == g.user.id)).scalar()
        if version is not None and SESSION_KEY in session:
            session[SESSION_KEY] = version
    return response


def init_sessions(app: Flask) -> None:
    user_logged_in.connect(_stamp_session, app)
    user_logged_out.connect(_end_this_session, app)
    app.after_request(_restamp_own_session)
