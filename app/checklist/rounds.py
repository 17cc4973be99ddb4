"""FM-02 rounds: made for each slot of a working day, opened, missed, filled in (SOP 9.4.1).

Every function takes `now` so a whole working day can be run in seconds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from app.checklist import calendar, calendar_rules
from app.checklist.models import CheckItem, ChecklistEntry, ChecklistRound
from app.checklist.probes import ProbeSpec, run_probes
from app.checklist.schemas import VALUE_MAX, entry_errors
from app.extensions import db, upsert_insert
from app.messages import gettext
from app.notify.models import JobState
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


def _insert_rounds(day: dt.date) -> int:
    """The day's slots as `scheduled` rounds, those not there yet; the caller commits."""
    created = 0
    for slot in slots():
        result = db.session.execute(
            upsert_insert(ChecklistRound).values(date=day, slot=slot, status="scheduled",
                                                 version=1, created_at=wita_to_utc(day, "00:00"))
            .on_conflict_do_nothing(index_elements=["date", "slot"])
            .returning(ChecklistRound.id)  # rowcount is -1 here on PostgreSQL
        )
        created += len(result.all())
    return created


def ensure_rounds(day: dt.date) -> int:
    """Create the day's rounds if it is a working day; safe when several processes race."""
    if not calendar.is_working_day(day):
        return 0
    created = _insert_rounds(day)
    db.session.commit()
    return created


# SPEC §4: every working-day slot since the first round counts, so a day on which the clock
# did not run (server down, cron stopped) gets its rounds on the next pass, where
# `refresh_states` turns them `missed`. One pass fills at most CATCH_UP_DAYS calendar days,
# oldest first, continuing where the last pass stopped (the `checklist_catch_up` job state
# holds the last day done), so a long outage is filled over a few passes and no pass holds a
# long transaction. Inserts skip existing rounds: passes may run at once, and again.
CATCH_UP_DAYS = 31
CATCH_UP_STATE = "checklist_catch_up"


def catch_up(now: dt.datetime) -> int:
    """Create the missing working-day rounds since the last pass, up to today (WITA)."""
    today = to_wita(now).date()
    start = _catch_up_start(today)
    if start > today:
        return 0
    end = min(today, start + dt.timedelta(days=CATCH_UP_DAYS - 1))
    holidays = calendar.holidays_between(start, end)
    created, day = 0, start
    while day <= end:
        if calendar_rules.is_working_day(day, holidays):
            created += _insert_rounds(day)
        day += dt.timedelta(days=1)
    db.session.commit()
    _advance_catch_up(end, now)
    return created


def _catch_up_start(today: dt.date) -> dt.date:
    """The day after the last one caught up; else the first round's day; else today."""
    done = db.session.execute(
        select(JobState.detail).where(JobState.name == CATCH_UP_STATE)).scalar()
    if done:
        return dt.date.fromisoformat(done) + dt.timedelta(days=1)
    first = db.session.execute(select(func.min(ChecklistRound.date))).scalar()
    return min(first, today) if first else today


def _advance_catch_up(day: dt.date, now: dt.datetime) -> None:
    """Record `day` as caught up; never moves back (a pass run as of an earlier `now`)."""
    state = JobState.__table__
    db.session.execute(
        upsert_insert(JobState).values(name=CATCH_UP_STATE, last_run_at=now,
                                       detail=day.isoformat())
        .on_conflict_do_update(index_elements=["name"],
                               set_={"detail": day.isoformat(), "last_run_at": now},
                               where=state.c.detail < day.isoformat())
    )
    db.session.commit()


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
        .order_by(ChecklistRound.id)  # one lock order for passes running at once
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
    """Make and move on today's rounds as the clock would (an explicit action, never a page view:
    the officer's "open this round" button when the clock has not run)."""
    day = to_wita(now).date()
    ensure_rounds(day)
    refresh_states(now, day)
    return rounds_of(day)


def shown_status(rnd: ChecklistRound, now: dt.datetime) -> str:
    """A round's state as of `now`, read without writing: the clock may not have moved it yet."""
    if rnd.status in FINAL:
        return rnd.status
    return status_at(rnd.date, rnd.slot, now)


@dataclass
class SlotOfDay:
    """One check slot of a day as a page shows it: its round, or the calendar's promise of one
    (SPEC §4: a page reads; rounds are made by the clock)."""

    slot: str
    status: str
    round: ChecklistRound | None = None


def slots_of(day: dt.date, now: dt.datetime) -> list[SlotOfDay]:
    """The day's rounds by slot, a working day's missing ones from the calendar; no writes."""
    found = {rnd.slot: rnd for rnd in rounds_of(day)}
    wanted = set(found)
    if calendar.is_working_day(day):
        wanted |= set(slots())
    return [SlotOfDay(slot, shown_status(found[slot], now), found[slot]) if slot in found
            else SlotOfDay(slot, status_at(day, slot, now)) for slot in sorted(wanted)]


def active_items() -> list[CheckItem]:
    return list(db.session.execute(
        select(CheckItem).where(CheckItem.active.is_(True)).order_by(CheckItem.order, CheckItem.id)
    ).scalars())


def validate_entries(entries, items: list[CheckItem],
                     suggested: dict[int, str | None] | None = None) -> dict[int, dict]:
    """One entry per active item; a fault, or a probe's fault overridden, needs a note; at
    least one item checked (SPEC §4). Messages per field."""
    parsed, errors = entry_errors(entries, items, suggested or {})
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
    parsed = validate_entries(entries, active_items(),
                              {e.item_id: e.suggested_result for e in rnd.entries})
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


def probe_round(rnd: ChecklistRound, now: dt.datetime, again: bool = False) -> int:
    """Run the items' automatic probes once per round when it opens (the clock), or `again` on
    an officer's "Periksa ulang"; results are suggestions for the officer (SPEC §4)."""
    if (rnd.probed_at is not None and not again) or rnd.status in FINAL:
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
