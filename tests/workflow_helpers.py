"""Build requests in any state by replaying the procedure (never by writing `status`)."""

from __future__ import annotations

import datetime as dt
import itertools

from flask import current_app
from sqlalchemy import select

from app.checklist import calendar
from app.extensions import db
from app.requests.models import ImprovementRequest, SimSystem, SupportRequest, SupportType
from app.security.models import AppUser
from app.timeutil import today_wita
from app.workflow import service

_counter = itertools.count(1)

# The shortest path to each state for a request of `pemohon` (unit head kabid.pelayanan).
PATHS: dict[str, list[tuple[str, str]]] = {
    "draft": [],
    "pending_unit_approval": [("submit", "requester")],
    "pending_assessment": [("submit", "requester"), ("unit_approve", "kabid.pelayanan")],
    "pending_kabid_approval": [("submit", "requester"), ("unit_approve", "kabid.pelayanan"),
                               ("assess", "kasi.pdsi")],
    "in_progress": [("submit", "requester"), ("unit_approve", "kabid.pelayanan"),
                    ("assess", "kasi.pdsi"), ("kabid_approve", "kabid.dalak")],
    "obstacle_reported": [("submit", "requester"), ("unit_approve", "kabid.pelayanan"),
                          ("assess", "kasi.pdsi"), ("kabid_approve", "kabid.dalak"),
                          ("report_obstacle", "it.budi")],
    "completion_reported": [("submit", "requester"), ("unit_approve", "kabid.pelayanan"),
                            ("assess", "kasi.pdsi"), ("kabid_approve", "kabid.dalak"),
                            ("report_done", "it.budi")],
    "done": [("submit", "requester"), ("unit_approve", "kabid.pelayanan"),
             ("assess", "kasi.pdsi"), ("kabid_approve", "kabid.dalak"),
             ("report_done", "it.budi"), ("accept_done", "kasi.pdsi")],
    "rejected": [("submit", "requester"), ("unit_reject", "kabid.pelayanan")],
    "cancelled": [("cancel", "requester")],
}


def user(username: str) -> AppUser:
    return db.session.execute(select(AppUser).where(AppUser.username == username)).scalar_one()


def target_date(now: dt.datetime | None = None, n: int = 3) -> dt.date:
    return calendar.add_working_days(today_wita(now), n)


def valid_payload(action: str, now: dt.datetime | None = None) -> dict:
    """A payload that passes validation, so a refusal can only come from role or state."""
    officer = user("it.budi").id
    if action == "assess":
        return {"feasible": True, "officer_id": officer,
                "target_date": target_date(now).isoformat(), "note": "Layak dikerjakan."}
    if action == "reassign":
        return {"officer_id": officer, "target_date": target_date(now, 5).isoformat(),
                "note": "Ditugaskan ulang."}
    return {"note": f"Catatan uji untuk {action}."}


def new_request(kind: str = "improvement", requester: str = "pemohon", title: str | None = None,
                now: dt.datetime | None = None):
    person = user(requester)
    title = title or f"Permintaan uji {next(_counter)}"
    if kind == "improvement":
        req = ImprovementRequest(
            title=title, requester_id=person.id, unit_id=person.unit_id, status="draft",
            system_id=db.session.execute(select(SimSystem.id).limit(1)).scalar_one(),
            current_condition="Kondisi saat ini.", proposed_improvement="Usulan.",
            reason="Manfaat.", priority="sedang",
        )
    else:
        req = SupportRequest(
            title=title, requester_id=person.id, unit_id=person.unit_id, status="draft",
            support_type_id=db.session.execute(select(SupportType.id).limit(1)).scalar_one(),
            description="Uraian permintaan.", location="Ruang Pelayanan",
        )
    if now is not None:
        req.created_at = now
    db.session.add(req)
    db.session.commit()
    return req


def act(req, action: str, username: str, payload: dict | None = None,
        now: dt.datetime | None = None):
    payload = valid_payload(action, now) if payload is None else payload
    return service.perform(req, action, user(username), payload, now=now,
                           number_formats=current_app.config["REQUEST_NUMBER_FORMAT"])


def request_in(state: str, kind: str = "improvement", requester: str = "pemohon",
               now: dt.datetime | None = None):
    req = new_request(kind, requester, now=now)
    for action, actor in PATHS[state]:
        act(req, action, requester if actor == "requester" else actor, now=now)
    assert req.status == state
    return req
