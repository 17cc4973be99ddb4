"""Checklist and incident panels on the home page of IT officers and the Kasi, and this month's
compliance for the supervisors' summary (SPEC §4)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

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


# Rounds whose outcome is settled; a scheduled or open round does not count yet.
SETTLED = ("done", "late", "missed")


@dataclass(frozen=True)
class Compliance:
    """This month's rounds so far by how they ended (SOP 9.4.1: 08.00 and 13.00 WITA)."""

    done: int
    late: int
    missed: int

    @property
    def total(self) -> int:
        return self.done + self.late + self.missed

    def percent(self, state: str) -> int | None:
        return round(100 * getattr(self, state) / self.total) if self.total else None


def month_compliance(day) -> Compliance:
    """The rounds of `day`'s month up to `day`, counted by state in one query."""
    counts = dict(db.session.execute(
        select(ChecklistRound.status, func.count())
        .where(ChecklistRound.date.between(day.replace(day=1), day),
               ChecklistRound.status.in_(SETTLED))
        .group_by(ChecklistRound.status)
    ).all())
    return Compliance(**{state: counts.get(state, 0) for state in SETTLED})
