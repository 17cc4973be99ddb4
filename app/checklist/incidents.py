"""SIM incidents (SOP 9.1.2): anyone reports, IT officers record the handling and resolve."""

from __future__ import annotations

import datetime as dt

from app.checklist.models import Incident
from app.checklist.schemas import action_taken_problem
from app.extensions import db
from app.messages import gettext
from app.security import access
from app.security import roles as R


class IncidentError(Exception):
    def __init__(self, status: int, message: str, errors: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.errors = status, message, errors or {}


def note_recorder(incident: Incident, user) -> None:
    """SOP 9.1.2: IT officers record incidents on the checklist form; the first officer who
    reports or handles one is its recorder ("Dicatat oleh")."""
    if incident.recorded_by_id is None and access.has_role(user, R.PETUGAS_IT):
        incident.recorded_by_id = user.id


def resolve(incident: Incident, user, action_taken, now: dt.datetime) -> Incident:
    if not access.has_role(user, R.PETUGAS_IT, R.KASI):
        raise IncidentError(403, gettext("Only IT officers or the Kasi PDSI resolve incidents."))
    if incident.status == "resolved":
        raise IncidentError(409, gettext("This incident has already been resolved."))
    problem = action_taken_problem(action_taken)
    if problem:
        raise IncidentError(400, gettext("Please check your input."), {"action_taken": problem})
    incident.action_taken = action_taken.strip()
    incident.recorded_by_id = user.id
    incident.resolved_at = now
    incident.status = "resolved"
    db.session.commit()
    return incident
