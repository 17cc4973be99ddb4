"""Queue mail in the caller's transaction; `sender` delivers it later (SPEC §5)."""

from __future__ import annotations

import datetime as dt
from html import escape

from flask import current_app

from app.extensions import db, upsert_insert
from app.i18n import in_office_language, indonesian
from app.notify import one_click
from app.notify.models import Outbox
from app.notify.templates import FOOTER, REQUEST_EVENTS
from app.security import access
from app.security import roles as R
from app.security.models import AppUser
from app.timeutil import format_date, format_datetime, today_wita, utcnow
from app.workflow import relations
from app.workflow.rules import NOTIFY
from app.workflow.vocabulary import KIND_LABELS, Approval

URL_PATHS = {"improvement": "improvementrequestview", "support": "supportrequestview"}


def request_link(req) -> str:
    base = current_app.config["APP_BASE_URL"]
    return f"{base}/{URL_PATHS[req.kind]}/show/{req.id}"


@in_office_language
def tell_admins_unit_without_head(unit, day: dt.date, now: dt.datetime) -> int:
    """SPEC §2: a submission refused for want of a head tells the Admin, once a unit a day."""
    name = unit.name if unit is not None else "(unit tidak diketahui)"
    subject = f"Unit {name} belum memiliki Kepala Unit"
    text = (f"Sebuah permintaan dari {name} tidak dapat diajukan karena unit tersebut belum "
            "memiliki Kepala Unit yang dapat menyetujuinya dan tidak ada Plh. yang tercatat "
            f"pada {format_date(day)}.\n\nMohon tetapkan Kepala Unit pada menu Data Master > Unit: "
            f"{current_app.config['APP_BASE_URL']}/unitview/list/"
            "\n\n--\nLayanan TI DPMPTSP Kota Denpasar\n"
            "Email ini dikirim otomatis; mohon tidak membalas.")
    key = f"unit_without_head:{getattr(unit, 'id', 0)}:{day.isoformat()}"
    return sum(queue_once("unit_without_head", admin, subject, text, f"{key}:{admin.id}", now)
               for admin in access.users_with_role(R.ADMIN))


def html_body(text: str) -> str:
    # One line of HTML per line of text: SMTP refuses lines over 1000 characters (RFC 5321),
    # and a paragraph of one-click links would make one.
    paragraphs = "".join(f"<p>{escape(p).replace(chr(10), '<br>' + chr(10))}</p>\n"
                         for p in text.split("\n\n"))
    return f"<div style=\"font-family:Arial,sans-serif;font-size:14px\">{paragraphs}</div>"


def queue(event: str, user, subject: str, text: str, *, request_id=None, dedupe_key=None,
          now: dt.datetime | None = None) -> Outbox | None:
    if user is None or not user.email or not user.active:
        return None
    row = Outbox(
        event=event, recipient_id=user.id, recipient_email=user.email, subject=subject[:300],
        body_text=text, body_html=html_body(text), request_id=request_id, dedupe_key=dedupe_key,
        created_at=now or utcnow(), next_attempt_at=now or utcnow(),
    )
    db.session.add(row)
    return row


def needed_line(req) -> str:
    """FM-03: when the help is needed, in WITA (empty for FM-01 or when not given)."""
    start, until = getattr(req, "needed_from", None), getattr(req, "needed_until", None)
    if start is None and until is None:
        return ""
    if start is not None and until is not None:
        return f"\nDibutuhkan: {format_datetime(start)} s.d. {format_datetime(until)}."
    if start is not None:
        return f"\nDibutuhkan mulai: {format_datetime(start)}."
    return f"\nDibutuhkan sampai: {format_datetime(until)}."


def context(req, actor, **extra) -> dict:
    officer = db.session.get(AppUser, req.officer_id) if req.officer_id else None
    pending = [a for a in req.assignments if a.approval == Approval.PENDING]
    if req.proposal_feasible and pending:
        proposal = (f"layak, ditugaskan kepada {pending[-1].officer.full_name} "
                    f"dengan target {format_date(pending[-1].target_date)}")
    else:
        proposal = f"tidak layak — {req.proposal_note or '-'}"
    stamp = extra.get("stamp")
    return {
        "number": req.number or f"(draf #{req.id})",
        "title": req.title,
        "form_name": indonesian(KIND_LABELS[req.kind]),
        "actor": actor.full_name,
        "requester": req.requester.full_name,
        "unit": req.unit.name if req.unit else "-",
        "officer": officer.full_name if officer else "-",
        "target_date": format_date(req.target_date),
        "note": req.history[-1].note if req.history and req.history[-1].note else "-",
        "proposal": proposal,
        "decision": extra.get("decision") or (
            "ditugaskan kepada " + officer.full_name if req.status == "in_progress" and officer
            else "tidak layak dikerjakan"),
        "reason": extra.get("reason") or req.proposal_note or "-",
        "stamp_line": f"\n\n{stamp}." if stamp else "",
        "needed_line": needed_line(req),
        "link": request_link(req),
    }


@in_office_language
def queue_request_event(event: str, req, actor, *, now=None, **extra) -> list[Outbox]:
    """Queue the event's email to everyone SPEC §5 names; never to the actor themself."""
    if event not in NOTIFY:
        return []  # e.g. a cancelled draft tells nobody
    db.session.flush()  # history and assignments are visible to the templates
    subject_tpl, body_tpl = REQUEST_EVENTS[event]
    ctx = context(req, actor, **extra)
    subject, body, footer = (subject_tpl.format(**ctx), body_tpl.format(**ctx),
                             FOOTER.format(**ctx))
    office = relations.Office.load(today_wita(now))
    ids = [uid for relation in NOTIFY[event] for uid in relations.people(relation, req, office)]
    rows, seen = [], {actor.id}
    for uid in ids:
        if uid not in seen:
            seen.add(uid)
            person = db.session.get(AppUser, uid)
            links = one_click.mail_lines(event, person, req, now) if person is not None else ""
            row = queue(event, person, subject, body + links + footer, request_id=req.id,
                        now=now)
            if row is not None:
                rows.append(row)
    return rows


def queue_once(event: str, user, subject: str, text: str, dedupe_key: str,
               now: dt.datetime | None = None) -> bool:
    """Queue a mail at most once per key, even when several processes race (unique key)."""
    if user is None or not user.email or not user.active:
        return False
    moment = now or utcnow()
    result = db.session.execute(
        upsert_insert(Outbox).values(
            event=event, recipient_id=user.id, recipient_email=user.email, subject=subject[:300],
            body_text=text, body_html=html_body(text), dedupe_key=dedupe_key, status="queued",
            attempts=0, created_at=moment, next_attempt_at=moment,
        ).on_conflict_do_nothing(index_elements=["dedupe_key"])
    )
    return bool(result.rowcount)
