"""The daily digest (SPEC §5): one email per person per working day, never twice.

H-1 and H (target date tomorrow / today), overdue (officer, Kasi, requester), approvals waiting
more than N working days (unit head, Kasi, Kabid), and missed checklist rounds (IT officers, Kasi).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.checklist import calendar
from app.checklist.models import ChecklistRound
from app.extensions import db
from app.notify import outbox
from app.requests.models import REQUEST_KINDS, RequestHistory, ServiceRequest
from app.security import access
from app.security import roles as R
from app.security.models import AppUser
from app.timeutil import format_date, format_slot, to_wita, wita_to_utc
from app.workflow import relations
from app.workflow.rules import WAITING_ON

SECTIONS = [
    ("overdue", "Melewati target waktu"),
    ("due_today", "Target waktu hari ini (H)"),
    ("due_tomorrow", "Target waktu besok (H-1)"),
    ("approval", "Menunggu persetujuan/kajian Anda lebih dari {n} hari kerja"),
    ("missed", "Checklist SIM dan server yang terlewat"),
]


def _line(req) -> str:
    target = f", target {format_date(req.target_date)}" if req.target_date else ""
    return f"{req.number or '(draf)'} — {req.title}{target} — {outbox.request_link(req)}"


def digest_items(day: dt.date) -> dict[int, dict[str, list[str]]]:
    """person id -> section -> lines."""
    items: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    office = relations.Office.load(day)
    kasi = office.kasi
    officers = [u.id for u in access.users_with_role(R.PETUGAS_IT)]
    tomorrow = calendar.add_working_days(day, 1)

    running = db.session.execute(
        select(ServiceRequest).where(ServiceRequest.status == "in_progress",
                                     ServiceRequest.target_date <= tomorrow)
        .options(selectinload(ServiceRequest.unit))
    ).scalars()
    for req in running:
        if req.is_overdue_on(day):
            for person in {req.officer_id, req.requester_id, *kasi} - {None}:
                items[person]["overdue"].append(_line(req))
        else:
            section = "due_today" if req.target_date == day else "due_tomorrow"
            items[req.officer_id][section].append(_line(req))

    # Approvals waiting since their last step more than N working days ago.
    n = current_app.config["APPROVAL_REMINDER_WORKING_DAYS"]
    threshold = wita_to_utc(_working_days_before(day, n), "00:00")
    # The last step of each waiting request only (not of the whole history table).
    last_step = (select(func.max(RequestHistory.created_at))
                 .where(RequestHistory.request_id == ServiceRequest.id).scalar_subquery())
    waiting = db.session.execute(
        select(ServiceRequest)
        .where(ServiceRequest.kind.in_(REQUEST_KINDS),  # the (kind, status) index
               ServiceRequest.status.in_(("pending_unit_approval", "pending_assessment",
                                          "pending_kabid_approval")),
               last_step < threshold)
    ).scalars().all()
    for req in waiting:  # the head and the Plh; the Kasi too for an absent Kabid
        for person in relations.people(WAITING_ON[req.status], req, office):
            items[person]["approval"].append(_line(req))

    since = day - dt.timedelta(days=7)
    for rnd in db.session.execute(
        select(ChecklistRound).where(ChecklistRound.status == "missed",
                                     ChecklistRound.date >= since, ChecklistRound.date <= day)
        .order_by(ChecklistRound.date, ChecklistRound.slot)
    ).scalars():
        for person in {*officers, *kasi}:
            items[person]["missed"].append(
                f"{format_date(rnd.date, with_weekday=True)} pukul {format_slot(rnd.slot)}")
    return items


def _working_days_before(day: dt.date, n: int) -> dt.date:
    current, left = day, n
    while left > 0:
        current -= dt.timedelta(days=1)
        if calendar.is_working_day(current):
            left -= 1
    return current


def queue_digests(now: dt.datetime) -> int:
    """Queue today's digests if it is a working day and the reminder time has come."""
    local = to_wita(now)
    day = local.date()
    if local.strftime("%H:%M") < current_app.config["REMINDER_TIME"]:
        return 0
    if not calendar.is_working_day(day):
        return 0
    n = current_app.config["APPROVAL_REMINDER_WORKING_DAYS"]
    queued = 0
    people = {u.id: u for u in db.session.execute(select(AppUser)).scalars()}
    for person_id, sections in digest_items(day).items():
        person = people.get(person_id)
        total = sum(len(lines) for lines in sections.values())
        if person is None or total == 0:
            continue
        parts = [f"Yth. {person.full_name},", "",
                 f"Berikut {total} hal yang perlu perhatian Anda hari ini, "
                 f"{format_date(day, with_weekday=True)}:"]
        for key, heading in SECTIONS:
            if sections.get(key):
                parts += ["", heading.format(n=n) + ":"]
                parts += [f"- {line}" for line in sections[key]]
        parts += ["", "--", "Layanan TI DPMPTSP Kota Denpasar",
                  "Email ini dikirim otomatis sekali sehari pada hari kerja."]
        subject = f"Pengingat Layanan TI {format_date(day)}: {total} hal menunggu"
        if outbox.queue_once("digest", person, subject, "\n".join(parts),
                             f"digest:{person.id}:{day.isoformat()}", now):
            queued += 1
    db.session.commit()
    return queued
