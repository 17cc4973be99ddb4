"""`flask jobs run-due`: one pass of everything time-driven (SPEC §7), safe to run concurrently."""

from __future__ import annotations

import datetime as dt
import logging
import time

from flask import current_app
from sqlalchemy import select

from app.checklist import rounds
from app.checklist.models import ChecklistRound
from app.extensions import db
from app.notify import outbox, reminders, sender
from app.notify.models import JobState
from app.requests import tally
from app.security import access
from app.security import roles as R
from app.timeutil import format_date, format_slot, to_wita, utcnow

log = logging.getLogger(__name__)


def notify_missed(round_ids: list[int], now: dt.datetime) -> int:
    """A round that becomes `missed` is told at once to IT officers and the Kasi (SPEC §5)."""
    if not round_ids:
        return 0
    people = {u.id: u for role in (R.PETUGAS_IT, R.KASI) for u in access.users_with_role(role)}
    base = current_app.config["APP_BASE_URL"]
    sent = 0
    for rnd in db.session.execute(
        select(ChecklistRound).where(ChecklistRound.id.in_(round_ids))
    ).scalars():
        subject = f"Checklist {format_slot(rnd.slot)} {format_date(rnd.date)} terlewat"
        text = (f"Putaran checklist SIM dan server pukul {format_slot(rnd.slot)} tanggal "
                f"{format_date(rnd.date, with_weekday=True)} belum diisi hingga batas waktu.\n"
                f"Mohon segera diisi; pengisian terlambat tetap dicatat.\n\n"
                f"Isi checklist: {base}/checklist/round/{rnd.id}\n\n--\nLayanan TI DPMPTSP Kota Denpasar")
        for person in people.values():
            sent += outbox.queue_once("round_missed", person, subject, text,
                                      f"missed:{rnd.id}:{person.id}", now)
    db.session.commit()
    return sent


def run_due(now: dt.datetime | None = None) -> dict[str, int]:
    now = now or utcnow()
    started = time.monotonic()
    day = to_wita(now).date()
    created = rounds.ensure_rounds(day)
    changed = rounds.refresh_states(now, day)
    probed = 0
    for rnd in db.session.execute(
        select(ChecklistRound).where(ChecklistRound.date == day, ChecklistRound.status == "open",
                                     ChecklistRound.probed_at.is_(None))
    ).scalars().all():
        probed += rounds.probe_round(rnd, now)
    missed_notices = notify_missed(changed["missed"], now)
    digests = 0
    digest_state = db.session.get(JobState, "digest")
    if digest_state is None or digest_state.detail != day.isoformat():
        digests = reminders.queue_digests(now)
        if to_wita(now).strftime("%H:%M") >= current_app.config["REMINDER_TIME"]:
            _mark("digest", now, day.isoformat())
    mail = sender.send_due(now)
    tally.compact()
    _mark("run_due", now, f"rounds+{created} open+{len(changed['open'])} "
                          f"missed+{len(changed['missed'])} sent+{mail['sent']}")
    result = {"rounds_created": created, "opened": len(changed["open"]),
              "missed": len(changed["missed"]), "probes": probed,
              "missed_notices": missed_notices, "digests": digests, **mail}
    log.info("run-due %s in %.3f s: %s", now.isoformat(), time.monotonic() - started, result)
    return result


def _mark(name: str, now: dt.datetime, detail: str) -> None:
    state = db.session.get(JobState, name)
    if state is None:
        state = JobState(name=name)
        db.session.add(state)
    state.last_run_at, state.detail = now, detail
    try:
        db.session.commit()
    except Exception:  # a concurrent pass created the row first; its mark is as good as ours
        db.session.rollback()
