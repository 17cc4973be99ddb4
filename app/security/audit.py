"""User and role changes into the security log, from FAB's own signals (issue #7)."""

from __future__ import annotations

from flask_appbuilder.security import signals

from app.extensions import db
from app.security.models import SecurityLog
from app.timeutil import utcnow

_EVENTS = {
    "user_created": signals.user_created, "user_updated": signals.user_updated,
    "user_deleted": signals.user_deleted, "role_created": signals.role_created,
    "role_updated": signals.role_updated, "role_deleted": signals.role_deleted,
}


def _receiver(name: str):
    def receive(sender, event=None, **kwargs):
        model = getattr(event, "model", None)
        by = getattr(event, "triggered_by", None)
        changes = getattr(event, "changes", None)
        # Names of changed fields only: never a password hash in the log.
        detail = f"{model!r}" + (f" changes={sorted(changes)}" if changes else "")
        try:
            db.session.add(SecurityLog(event=name, username=getattr(by, "username", None),
                                       detail=detail[:2000], created_at=utcnow()))
            db.session.commit()
        except Exception:  # never break the admin's change because of the log
            db.session.rollback()
    receive.__name__ = f"log_{name}"
    return receive


_RECEIVERS = {event: _receiver(event) for event in _EVENTS}


def connect_audit() -> None:
    for event, signal in _EVENTS.items():
        signal.connect(_RECEIVERS[event], weak=False)
