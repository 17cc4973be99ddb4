"""`flask jobs run-due`: one pass of everything time-driven (SPEC §7), safe to run concurrently."""

from __future__ import annotations

import datetime as dt
import logging
import time

from flask import current_app
from sqlalchemy import select, update

from app.checklist import rounds
from app.checklist.models import ChecklistRound
from app.extensions import db
from app.i18n import in_office_language
from app.notify import outbox, reminders, sender
from app.notify.models import JobState
from app.requests import tally
from app.security import access
from app.security import roles as R
from app.timeutil import format_date, format_slot, to_wita, utcnow

log = logging.getLogger(__name__)


def claim_missed(now: dt.datetime) -> list[ChecklistRound]:
    """The missed rounds nobody was told about yet, marked told in this transaction: of two
    passes at once, each round goes to one (the UPDATE's condition is re-checked on its row)."""
    claimed = db.session.execute(
        update(ChecklistRound)
        .where(ChecklistRound.status == "missed", ChecklistRound.missed_notified_at.is_(None))
        .values(missed_notified_at=now)
        .returning(ChecklistRound.id)
        .execution_options(synchronize_session=False)
    ).scalars().all()
    if not claimed:
        return []
    return list(db.session.execute(
        select(ChecklistRound).where(ChecklistRound.id.in_(claimed))
        .order_by(ChecklistRound.date, ChecklistRound.slot)
    ).scalars())


@in_office_language
def missed_notice(missed: list[ChecklistRound]) -> tuple[str, str]:
    """One mail for every round a pass found missed (a day without the clock brings several)."""
    base = current_app.config["APP_BASE_URL"]
    if len(missed) == 1:
        rnd = missed[0]
        subject = f"Checklist {format_slot(rnd.slot)} {format_date(rnd.date)} terlewat"
    else:
        subject = f"{len(missed)} putaran checklist terlewat"
    lines = "\n".join(f"- {format_date(rnd.date, with_weekday=True)} pukul "
                      f"{format_slot(rnd.slot)}: {base}/checklist/round/{rnd.id}" for rnd in missed)
    text = ("Putaran checklist SIM dan server berikut belum diisi hingga batas waktu:\n"
            f"{lines}\n\nMohon segera diisi; pengisian terlambat tetap dicatat."
            "\n\n--\nLayanan TI DPMPTSP Kota Denpasar")
    return subject, text


def notify_missed(now: dt.datetime) -> int:
    """Rounds that became `missed` are told at once to IT officers and the Kasi (SPEC §5): one
    mail per person per pass listing them all. The key names the pass's first round, which no
    other pass claims, so a mail is queued once even if a pass is repeated."""
    missed = claim_missed(now)
    if not missed:
        db.session.commit()
        return 0
    people = {u.id: u for role in (R.PETUGAS_IT, R.KASI) for u in access.users_with_role(role)}
    subject, text = missed_notice(missed)
    sent = sum(outbox.queue_once("round_missed", person, subject, text,
                                 f"missed:{missed[0].id}:{person.id}", now)
               for person in people.values())
    db.session.commit()
    return sent


def run_due(now: dt.datetime | None = None) -> dict[str, int]:
    now = now or utcnow()
    started = time.monotonic()
    day = to_wita(now).date()
    created = rounds.catch_up(now) + rounds.ensure_rounds(day)
    changed = rounds.refresh_states(now, day)
    probed = 0
    for rnd in db.session.execute(
        select(ChecklistRound).where(ChecklistRound.date == day, ChecklistRound.status == "open",
                                     ChecklistRound.probed_at.is_(None))
    ).scalars().all():
        probed += rounds.probe_round(rnd, now)
    missed_notices = notify_missed(now)
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
