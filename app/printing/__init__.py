"""Print the paper forms as PDF (SPEC §6 last paragraph, §7):

    GET /print/improvement_request/<pk>.pdf   FM-DALAK-DAT-02-01
    GET /print/support_request/<pk>.pdf       FM-DALAK-DAT-02-03
    GET /print/checklist/<YYYY-MM-DD>.pdf     FM-DALAK-DAT-02-02

A browser session or an API bearer token; the same role check (can_read on the form's
permission object) and, for requests, the same row filter as the UI and the API.
"""

from __future__ import annotations

from flask import make_response
from flask_appbuilder import BaseView, expose
from sqlalchemy import select
from sqlalchemy.orm import selectinload

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
from app.timeutil import parse_office_date, today_wita, utcnow
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


def _forms():
    """The PDF layouts, imported on first print: fpdf2 with Pillow and fontTools weighs about
    17 MB, which no other process (a report, the clock, an API worker) should carry."""
    from app.printing import request_form

    return request_form


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
        from app.printing import checklist_form  # see _forms()

        data = checklist_form.checklist_pdf(checklist_form.load_checklist_day(date), utcnow())
        return pdf_response(data, _filename(checklist_form.CHECKLIST_CODE, day))

    @staticmethod
    @in_office_language
    def _request_pdf(model, pk: int, user):
        req = load_request(model, pk, user)
        if req is None:
            refuse(404, NOT_FOUND)
        forms = _forms()
        data = forms.request_pdf(req, forms.request_signatories(req, access.first_kasi()), utcnow())
        return pdf_response(data, _filename(req.form_code, req.number or f"draf-{req.id}"))


def register(appbuilder) -> None:
    appbuilder.add_view_no_menu(PrintView)
