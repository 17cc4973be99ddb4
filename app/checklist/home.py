"""Checklist and incident panels on the home page of IT officers and the Kasi (SPEC §4)."""

from __future__ import annotations

from sqlalchemy import select

from app.checklist.models import ROUND_STATES, ChecklistRound, Incident
from app.extensions import db
from app.security import access
from app.security import roles as R


def home_panels(user, day) -> dict:
    if not access.has_role(user, R.PETUGAS_IT, R.KASI, R.ADMIN):
        return {}
    rounds = list(db.session.execute(
        select(ChecklistRound).where(ChecklistRound.date == day).order_by(ChecklistRound.slot)
    ).scalars())
    incidents = list(db.session.execute(
        select(Incident).where(Incident.status == "open").order_by(Incident.occurred_at.desc())
        .limit(20)
    ).scalars())
    return {"rounds_today": rounds, "open_incidents": incidents, "round_states": ROUND_STATES}
