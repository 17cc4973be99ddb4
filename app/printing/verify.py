"""Verification of a printed form (SPEC §6): every print carries a short random code (and a
QR code of its address); `GET /verify/<code>` — no login — answers whether the form exists,
with its form code, number, title, status and last decision: nothing more than the paper shows.

A code is made at a form's first print and reused afterwards (one per form, a unique pair of
kind and reference); it is random (`secrets`), never derived from an id. Look-ups are limited
per client address (`VERIFY_RATE_LIMIT`), counted in the same storage as failed logins.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from flask import current_app
from flask_appbuilder import BaseView, expose
from limits import parse
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db, upsert_insert
from app.i18n import N_
from app.requests.models import RequestHistory, ServiceRequest, VerificationCode
from app.security.login_limits import client_address
from app.timeutil import utcnow
from app.workflow.vocabulary import DECISION_LABELS, KIND_LABELS, STATE_LABELS

# Unambiguous on paper: no 0/O, 1/I/L. 12 characters: about 2^60 codes.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12
CHECKLIST = "checklist"
CHECKLIST_CODE = "FM-DALAK-DAT-02-02"  # checklist_form's, without loading fpdf for this page


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def shown(code: str) -> str:
    """'ABCD-EFGH-JKMN' as printed: easier to read out and type."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def normalised(typed: str) -> str:
    return "".join(ch for ch in typed.upper() if ch.isalnum())


def code_for(kind: str, reference: str) -> str:
    """The form's code: made at its first print, the same afterwards, one per form even when
    two prints race (the unique pair decides; the loser reads the winner's). Written on its
    own connection: the print's session keeps its loaded rows."""
    for _attempt in range(3):
        try:
            with db.engine.begin() as conn:
                found = _stored(conn, kind, reference)
                if found:
                    return found
                conn.execute(upsert_insert(VerificationCode).values(
                    code=new_code(), kind=kind, reference=reference, created_at=utcnow(),
                ).on_conflict_do_nothing(index_elements=["kind", "reference"]))
                return _stored(conn, kind, reference)
        except IntegrityError:  # the random code itself collided: draw again
            continue
    raise RuntimeError("no verification code could be stored")


def _stored(conn, kind: str, reference: str) -> str | None:
    return conn.execute(select(VerificationCode.code).where(
        VerificationCode.kind == kind, VerificationCode.reference == reference)).scalar()


def verify_url(code: str) -> str:
    return f"{current_app.config['APP_BASE_URL']}/verify/{code}"


# --- what the public page shows ---------------------------------------------------------

@dataclass
class Verified:
    """What the page shows; the labels are msgids, said in the reader's language."""

    form_code: str
    form_title: str
    number: str
    title: str | None
    status: str | None
    last_decision: str | None
    decided_at: dt.datetime | None


def _request_facts(row: VerificationCode) -> Verified | None:
    req = db.session.get(ServiceRequest, int(row.reference)) if row.reference.isdigit() else None
    if req is None or req.kind != row.kind:
        return None
    last = db.session.execute(
        select(RequestHistory).where(RequestHistory.request_id == req.id)
        .order_by(RequestHistory.id.desc()).limit(1)).scalar()
    return Verified(
        form_code=req.form_code,
        form_title=KIND_LABELS[req.kind],
        number=req.number or f"Draf #{req.id}", title=req.title,
        status=STATE_LABELS.get(req.status, req.status),
        last_decision=DECISION_LABELS.get(last.action, last.action) if last else None,
        decided_at=last.created_at if last else None)


def _checklist_facts(row: VerificationCode) -> Verified | None:
    from app.checklist.models import ChecklistRound  # the checklist's own module

    try:
        day = dt.date.fromisoformat(row.reference)
    except ValueError:
        return None
    rounds = db.session.execute(select(func.count(), func.max(ChecklistRound.submitted_at))
                                .where(ChecklistRound.date == day)).one()
    return Verified(
        form_code=CHECKLIST_CODE, form_title=N_("SIM and server checklist"),
        number=day.isoformat(), title=None, status=None,
        last_decision=N_("Last round submitted") if rounds[1] else None, decided_at=rounds[1])


def facts(code: str) -> Verified | None:
    row = db.session.execute(select(VerificationCode).where(
        VerificationCode.code == normalised(code))).scalar()
    if row is None:
        return None
    return _checklist_facts(row) if row.kind == CHECKLIST else _request_facts(row)


# --- the page -----------------------------------------------------------------------------

def _allowed() -> bool:
    """Per client address, in the login limits' storage (shared by every worker)."""
    state = current_app.extensions.get("layanan_login_limits")
    if state is None:
        return True
    limit = parse(current_app.config.get("VERIFY_RATE_LIMIT", "30 per minute"))
    return state["limiter"].hit(limit, "verify", client_address())


class VerifyView(BaseView):
    """Public: no login, no FAB permission."""

    route_base = "/verify"
    default_view = "verify"

    @expose("/<code>")
    def verify(self, code: str):
        typed = shown(normalised(code)[:CODE_LENGTH])
        if not _allowed():  # its own words: the 429 page speaks of failed logins
            return self.render_template("printing/verify.html", found=None, code=typed,
                                        too_many=True), 429
        found = facts(code) if len(code) <= 40 else None
        return self.render_template("printing/verify.html", found=found, code=typed), \
            200 if found else 404
