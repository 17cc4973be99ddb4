"""Print the paper forms as PDF (SPEC §6 last paragraph, §7):

    GET /print/improvement_request/<pk>.pdf   FM-DALAK-DAT-02-01
    GET /print/support_request/<pk>.pdf       FM-DALAK-DAT-02-03
    GET /print/checklist/<YYYY-MM-DD>.pdf     FM-DALAK-DAT-02-02

A browser session or an API bearer token; the same role check (can_read on the form's
permission object) and, for requests, the same row filter as the UI and the API.
"""

from __future__ import annotations

import datetime as dt

from flask import make_response
from flask_appbuilder import BaseView, expose
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.checklist import calendar, rounds
from app.checklist.models import ChecklistEntry, ChecklistRound, Incident
from app.extensions import db
from app.i18n import in_office_language
from app.requests.models import (
    Assignment,
    ImprovementRequest,
    RequestHistory,
    ServiceRequest,
    SupportRequest,
)
from app.security import access
from app.security import roles as R
from app.security.gate import refuse, session_or_token
from app.security.models import Unit
from app.timeutil import parse_office_date, today_wita, utcnow, wita_to_utc
from app.workflow import relations

REFUSED = "Anda tidak berwenang mencetak formulir ini."
BAD_DATE = "Format tanggal tidak valid; gunakan TTTT-BB-HH, misalnya 2033-03-07."
NOT_FOUND = "Data tidak ditemukan."


# --- what is printed ------------------------------------------------------------------------


def load_request(model, pk: int, user) -> ServiceRequest | None:
    """The request with everything the form shows, if this user may see it (SPEC §7)."""
    visible = relations.request_visibility(user, today_wita(), model)
    return db.session.execute(
        select(model).where(model.id == pk, visible).options(
            selectinload(model.requester),
            selectinload(model.unit).selectinload(Unit.head),
            selectinload(model.system),
            selectinload(model.support_type),
            selectinload(model.attachments),
            selectinload(model.assignments).selectinload(Assignment.officer),
            selectinload(model.assignments).selectinload(Assignment.assigned_by),
            selectinload(model.assignments).selectinload(Assignment.approved_by),
            selectinload(model.history).selectinload(RequestHistory.actor),
            selectinload(model.history).selectinload(RequestHistory.on_behalf_of),
        )
    ).scalar_one_or_none()


def first_kasi():
    """The Kasi PDSI who signs 'Mengetahui' while no decision names one."""
    kasis = access.users_with_role(R.KASI)
    return kasis[0] if kasis else None


def _forms():
    """The PDF layouts, imported on first print: fpdf2 with Pillow and fontTools weighs about
    17 MB, which no other process (a report, the clock, an API worker) should carry."""
    from app.printing import forms

    return forms


def load_checklist_day(day: dt.date) -> forms.ChecklistDay:  # noqa: F821 — see _forms()
    forms = _forms()
    found = db.session.execute(
        select(ChecklistRound).where(ChecklistRound.date == day).options(
            selectinload(ChecklistRound.officer),
            selectinload(ChecklistRound.entries).selectinload(ChecklistEntry.item),
        )
    ).scalars().all()
    by_slot = {rnd.slot: rnd for rnd in found}
    start = wita_to_utc(day, "00:00")  # the WITA day, in the UTC the database stores
    incidents = db.session.execute(
        select(Incident).where(Incident.occurred_at >= start,
                               Incident.occurred_at < start + dt.timedelta(days=1))
        .order_by(Incident.occurred_at, Incident.id)
        .options(selectinload(Incident.system), selectinload(Incident.reported_by),
                 selectinload(Incident.recorded_by))
    ).scalars().all()
    return forms.ChecklistDay(
        day=day, slots=sorted(set(rounds.slots()) | set(by_slot)), rounds=by_slot,
        items=rounds.active_items(), incidents=list(incidents), kasi=first_kasi(),
        non_working=calendar.non_working_reason(day))


def pdf_response(data: bytes, filename: str):
    response = make_response(data)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"  # personal data: never cached
    return response


def _filename(*parts: str) -> str:
    text = "_".join(parts)
    return "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in text) + ".pdf"


# --- the view -------------------------------------------------------------------------------


class PrintView(BaseView):
    """No FAB permission of its own: each route checks the permission of the form it prints."""

    route_base = "/print"
    default_view = "checklist"

    @expose("/improvement_request/<int:pk>.pdf")
    @session_or_token(R.IMPROVEMENT, REFUSED)
    def improvement_request(self, pk: int, user):
        return self._request_pdf(ImprovementRequest, pk, user)

    @expose("/support_request/<int:pk>.pdf")
    @session_or_token(R.SUPPORT, REFUSED)
    def support_request(self, pk: int, user):
        return self._request_pdf(SupportRequest, pk, user)

    @expose("/checklist/<day>.pdf")
    @session_or_token(R.ROUND, REFUSED)
    @in_office_language
    def checklist(self, day: str, user):
        date = parse_office_date(day)
        if date is None:
            refuse(400, BAD_DATE)
        forms = _forms()
        data = forms.checklist_pdf(load_checklist_day(date), utcnow())
        return pdf_response(data, _filename(forms.CHECKLIST_CODE, day))

    @staticmethod
    @in_office_language
    def _request_pdf(model, pk: int, user):
        req = load_request(model, pk, user)
        if req is None:
            refuse(404, NOT_FOUND)
        forms = _forms()
        data = forms.request_pdf(req, forms.request_signatories(req, first_kasi()), utcnow())
        return pdf_response(data, _filename(req.form_code, req.number or f"draf-{req.id}"))


def register(appbuilder) -> None:
    appbuilder.add_view_no_menu(PrintView)
