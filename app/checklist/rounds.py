"""FM-02 rounds: made for each slot of a working day, opened, missed, filled in (SOP 9.4.1).

Every function takes `now` so a whole working day can be run in seconds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from app.checklist import calendar
from app.checklist.models import CheckItem, ChecklistEntry, ChecklistRound
from app.checklist.probes import ProbeSpec, run_probes
from app.checklist.schemas import VALUE_MAX, entry_errors
from app.extensions import db, upsert_insert
from app.messages import gettext
from app.security import access
from app.security import roles as R
from app.timeutil import format_date, to_wita, wita_to_utc

FINAL = ("done", "late")


@dataclass
class ChecklistError(Exception):
    status: int
    message: str
    errors: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return self.message


def slots() -> list[str]:
    return [s.strip() for s in current_app.config["CHECKLIST_SLOTS"] if s.strip()]


def grace() -> dt.timedelta:
    return dt.timedelta(minutes=current_app.config["CHECKLIST_GRACE_MINUTES"])


def status_at(day: dt.date, slot: str, now: dt.datetime, submitted: bool = False) -> str:
    """The state of an unsubmitted round at `now` (SPEC §4); submitted rounds keep theirs."""
    start = wita_to_utc(day, slot)
    if now < start:
        return "scheduled"
    if now < start + grace():
        return "open"
    return "missed"


def submitted_status(rnd: ChecklistRound, now: dt.datetime) -> str:
    return "done" if now < wita_to_utc(rnd.date, rnd.slot) + grace() else "late"


def ensure_rounds(day: dt.date) -> int:
    """Create the day's rounds if it is a working day; safe when several processes race."""
    if not calendar.is_working_day(day):
        return 0
    created = 0
    for slot in slots():
        result = db.session.execute(
            upsert_insert(ChecklistRound).values(date=day, slot=slot, status="scheduled",
                                                 version=1, created_at=wita_to_utc(day, "00:00"))
            .on_conflict_do_nothing(index_elements=["date", "slot"])
            .returning(ChecklistRound.id)  # rowcount is -1 here on PostgreSQL
        )
        created += len(result.all())
    db.session.commit()
    return created


def refresh_states(now: dt.datetime, day: dt.date | None = None) -> dict[str, list[int]]:
    """Move unsubmitted rounds to open/missed as time passes; returns ids that changed.

    Each change is a conditional UPDATE, so of two processes only one sees a round go missed
    (and sends its notice).
    """
    day = day or to_wita(now).date()
    changed: dict[str, list[int]] = {"open": [], "missed": []}
    pending = db.session.execute(
        select(ChecklistRound.id, ChecklistRound.date, ChecklistRound.slot, ChecklistRound.status)
        .where(ChecklistRound.status.in_(("scheduled", "open")), ChecklistRound.date <= day)
    ).all()
    for rid, rdate, rslot, current in pending:
        target = status_at(rdate, rslot, now)
        if target == current:
            continue
        result = db.session.execute(
            update(ChecklistRound)
            .where(ChecklistRound.id == rid, ChecklistRound.status == current)
            .values(status=target, version=ChecklistRound.version + 1)
        )
        if result.rowcount and target in changed:
            changed[target].append(rid)
    db.session.commit()
    return changed


def rounds_of(day: dt.date) -> list[ChecklistRound]:
    return list(db.session.execute(
        select(ChecklistRound).where(ChecklistRound.date == day).order_by(ChecklistRound.slot)
        .options(selectinload(ChecklistRound.officer))
    ).scalars())


def open_today(now: dt.datetime) -> list[ChecklistRound]:
    """What an officer sees on opening today's checklist: rounds exist even if the clock stopped."""
    day = to_wita(now).date()
    ensure_rounds(day)
    refresh_states(now, day)
    return rounds_of(day)


def active_items() -> list[CheckItem]:
    return list(db.session.execute(
        select(CheckItem).where(CheckItem.active.is_(True)).order_by(CheckItem.order, CheckItem.id)
    ).scalars())


def validate_entries(entries, items: list[CheckItem]) -> dict[int, dict]:
    """One entry per active item; a fault needs a note (SPEC §4). Messages per field."""
    parsed, errors = entry_errors(entries, items)
    if errors:
        raise ChecklistError(400, gettext("Please check your input."), errors)
    return parsed


def submit_round(rnd: ChecklistRound, user, entries, now: dt.datetime,
                 expected_version: int | None = None) -> ChecklistRound:
    """Record the officer's results; a missed round filled in later becomes `late`."""
    if not access.has_role(user, R.PETUGAS_IT):
        raise ChecklistError(403, gettext("Only IT officers fill in the checklist."))
    if rnd.status in FINAL:
        raise ChecklistError(409, gettext("This round has already been filled in."))
    if now < wita_to_utc(rnd.date, rnd.slot):
        raise ChecklistError(409, gettext("The %(slot)s WITA round of %(day)s has not started yet.",
                                          slot=rnd.slot, day=format_date(rnd.date)))
    if expected_version is not None and expected_version != rnd.version:
        raise ChecklistError(409, gettext("This round was changed by another user. Reload."))
    parsed = validate_entries(entries, active_items())
    try:
        existing = {e.item_id: e for e in rnd.entries}
        for item_id, data in parsed.items():
            entry = existing.get(item_id)
            if entry is None:
                entry = ChecklistEntry(round=rnd, item_id=item_id)
                db.session.add(entry)
            for name, value in data.items():
                setattr(entry, name, value)
        rnd.officer_id = user.id
        rnd.submitted_at = now
        rnd.status = submitted_status(rnd, now)
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise ChecklistError(409, gettext("This round was filled in by another officer.")) \
            from None
    return rnd


def probe_round(rnd: ChecklistRound, now: dt.datetime) -> int:
    """Run the items' automatic probes once per round; results are suggestions (SPEC §4)."""
    if rnd.probed_at is not None or rnd.status in FINAL:
        return 0
    items = [item for item in active_items() if item.probe_kind]
    specs = [ProbeSpec(item.id, item.probe_kind, item.probe_target or "", item.probe_expect)
             for item in items]
    results = run_probes(specs, timeout=current_app.config.get("PROBE_TIMEOUT", 3.0),
                         total_timeout=current_app.config.get("PROBE_TOTAL_TIMEOUT", 10.0))
    existing = {e.item_id: e for e in rnd.entries}
    for result in results:
        entry = existing.get(result.key) or ChecklistEntry(round=rnd, item_id=result.key)
        db.session.add(entry)
        entry.suggested_result = result.result
        entry.suggested_value = (result.value or "")[:VALUE_MAX] or None
        entry.suggested_error = result.error
    rnd.probed_at = now
    try:
        db.session.commit()
    except StaleDataError:  # another process probed or submitted it meanwhile
        db.session.rollback()
        return 0
    return len(results)
