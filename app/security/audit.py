"""Every user, role and permission change into the security log, with its actor (SPEC §8).

Read from the session itself before each flush, so every path is covered — the admin UI,
FAB's security REST API, the CLI, a script — and the log row is written in the same
transaction as the change. A login's own bookkeeping (last login, counters) is not a change.
"""

from __future__ import annotations

from flask import g, has_request_context, request
from flask_appbuilder.security.sqla.models import Group, Role, User
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from app.security.models import SecurityLog
from app.timeutil import utcnow

# Written by the login itself or by us; not a change anyone made to a user.
BOOKKEEPING = {"last_login", "login_count", "fail_login_count", "changed_on", "changed_by_fk",
               "created_on", "created_by_fk", "session_version", "ended_sessions", "changed_by",
               "created_by"}

# The name of every event the log holds, as the log page shows it: English msgids, read in the
# reader's language through the catalogue.
EVENT_LABELS = {
    "login_success": _l("Signed in"),
    "login_failure": _l("Sign-in failed"),
    "login_blocked": _l("Sign-in blocked (too many failures)"),
    "user_created": _l("User created"),
    "user_updated": _l("User details changed"),
    "user_roles_changed": _l("User's roles changed"),
    "user_deactivated": _l("User deactivated"),
    "user_activated": _l("User activated"),
    "password_changed": _l("Password changed"),
    "user_deleted": _l("User deleted"),
    "role_created": _l("Role created"),
    "role_updated": _l("Role changed"),
    "role_permissions_changed": _l("Role's permissions changed"),
    "role_deleted": _l("Role deleted"),
    "group_created": _l("Group created"),
    "group_changed": _l("Group changed (roles or members)"),
    "group_deleted": _l("Group deleted"),
    "absence_recorded": _l("Absence recorded"),
    "absence_changed": _l("Absence changed"),
    "absence_withdrawn": _l("Absence withdrawn"),
    "absence_ended": _l("Absence ended"),
    "kabid_absent_decision": _l("Kasi PDSI's decision while the Kabid Dalak was absent"),
    "one_click_decision": _l("Decision taken from an email link"),
    "one_click_refused": _l("Email decision link refused"),
    "letterhead_logo": _l("Letterhead emblem changed"),
}


def event_label(code: str) -> str:
    """The event's name; an event this table does not know is named as such, not by its code."""
    label = EVENT_LABELS.get(code)
    return str(label) if label is not None else gettext("Other event (%(code)s)", code=code)


def _actor() -> str | None:
    if not has_request_context():
        return "(baris perintah)"
    user = getattr(g, "user", None)
    return getattr(user, "username", None)


def _ip() -> str | None:
    return request.remote_addr if has_request_context() else None


def _label(obj) -> str:
    """A user by username, a permission as 'can_x pada View', anything else by name."""
    if hasattr(obj, "username"):
        return obj.username
    if getattr(obj, "permission", None) is not None:
        return f"{obj.permission.name} pada {obj.view_menu.name}"
    return str(getattr(obj, "name", obj))


def _names(objects) -> str:
    return ", ".join(sorted(_label(o) for o in objects)) or "-"


def _collection_change(obj, name: str, label: str = "") -> str | None:
    """'<label> ditambah X; dicabut Y' for a collection the flush changes, else None."""
    history = inspect(obj).attrs[name].history
    if not (history.added or history.deleted):
        return None
    return f"{label}ditambah {_names(history.added)}; dicabut {_names(history.deleted)}"


def _user_events(user: User) -> list[tuple[str, str]]:
    state = inspect(user)
    changed = {attr.key for attr in state.attrs if attr.history.has_changes()} - BOOKKEEPING
    subject = f"{user.username} (#{user.id})"
    events = [("user_roles_changed", f"{subject}: {change}")
              for change in (_collection_change(user, "roles", "peran "),
                             _collection_change(user, "groups", "grup ")) if change]
    if "active" in changed:
        events.append(("user_activated" if user.active else "user_deactivated", subject))
    if "password" in changed:
        events.append(("password_changed", subject))
    rest = changed - {"roles", "groups", "active", "password"}
    if rest:
        events.append(("user_updated", f"{subject}: {', '.join(sorted(rest))}"))
    return events


def _role_events(role: Role) -> list[tuple[str, str]]:
    events = []
    renamed = inspect(role).attrs.name.history
    if renamed.has_changes():
        events.append(("role_updated", f"{renamed.deleted[0] if renamed.deleted else '-'} → "
                                       f"{role.name}"))
    change = _collection_change(role, "permissions")
    if change:
        events.append(("role_permissions_changed", f"{role.name}: {change}"))
    return events


def _group_events(group: Group) -> list[tuple[str, str]]:
    parts = [change for change in (_collection_change(group, "roles", "peran "),
                                   _collection_change(group, "users", "anggota "))
             if change]
    return [("group_changed", f"{group.name}: " + "; ".join(parts))] if parts else []


# What is logged of each kind of security object: made, changed, removed.
CREATED = {
    User: lambda obj: [("user_created", f"{obj.username}: peran {_names(obj.roles)}")],
    Role: lambda obj: [("role_created", obj.name)],
    Group: lambda obj: [("group_created", f"{obj.name}: peran {_names(obj.roles)}")],
}
CHANGED = {User: _user_events, Role: _role_events, Group: _group_events}
DELETED = {
    User: lambda obj: [("user_deleted", f"{obj.username} (#{obj.id})")],
    Role: lambda obj: [("role_deleted", obj.name)],
    Group: lambda obj: [("group_deleted", obj.name)],
}


def _events(objects, handlers) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for obj in objects:
        handler = next((h for kind, h in handlers.items() if isinstance(obj, kind)), None)
        if handler is not None:
            rows += handler(obj)
    return rows


@event.listens_for(Session, "before_flush")
def _log_security_changes(session, _context, _instances) -> None:
    rows = (_events(session.new, CREATED) + _events(session.dirty, CHANGED)
            + _events(session.deleted, DELETED))
    if not rows:
        return
    actor, ip, now = _actor(), _ip(), utcnow()
    for name, detail in rows:
        session.add(SecurityLog(event=name, username=actor, ip=ip, detail=detail[:2000],
                                created_at=now))
