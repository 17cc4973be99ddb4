"""The Kasi PDSI's "Mengetahui" on a day's FM-02 (SOP 9.4.1): a real act with who and when,
given once the day's rounds are settled; the print shows it only when given (SPEC §6)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.checklist import rounds
from app.checklist.models import ChecklistAcknowledgement
from app.checklist.rounds import ChecklistError
from app.extensions import db, upsert_insert
from app.messages import gettext
from app.security import access
from app.security import roles as R
from app.timeutil import format_date

# A day is ready for the Kasi when each of its rounds is filled in or missed.
SETTLED = ("done", "late", "missed")


def acknowledgement_of(day: dt.date) -> ChecklistAcknowledgement | None:
    return db.session.execute(
        select(ChecklistAcknowledgement).where(ChecklistAcknowledgement.date == day)
        .options(selectinload(ChecklistAcknowledgement.acknowledged_by))
    ).scalar_one_or_none()


def may_acknowledge(user) -> bool:
    return access.has_role(user, R.KASI)


def day_is_settled(day: dt.date, now: dt.datetime) -> bool:
    """Every slot of the day has its round, filled in or missed (as of `now`)."""
    found = rounds.slots_of(day, now)
    return bool(found) and all(s.round is not None and s.status in SETTLED for s in found)


def acknowledge(day: dt.date, user, now: dt.datetime) -> ChecklistAcknowledgement:
    """Record the Kasi's acknowledgement of `day`; of two at once, one wins (the other 409)."""
    if not may_acknowledge(user):
        raise ChecklistError(403, gettext("Only the Kasi PDSI acknowledges a day's checklist."))
    if not day_is_settled(day, now):
        raise ChecklistError(409, gettext(
            "The checklist of %(day)s can be acknowledged once each of its rounds is filled in "
            "or missed.", day=format_date(day)))
    inserted = db.session.execute(
        upsert_insert(ChecklistAcknowledgement)
        .values(date=day, acknowledged_by_id=user.id, acknowledged_at=now)
        .on_conflict_do_nothing(index_elements=["date"])
        .returning(ChecklistAcknowledgement.id)
    ).all()
    db.session.commit()
    if not inserted:
        raise ChecklistError(409, gettext("The checklist of %(day)s has already been "
                                          "acknowledged.", day=format_date(day)))
    return acknowledgement_of(day)
