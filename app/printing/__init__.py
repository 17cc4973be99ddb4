"""Print the paper forms as PDF (SPEC §6 last paragraph, §7):

    GET /print/improvement_request/<pk>.pdf   FM-DALAK-DAT-02-01
    GET /print/support_request/<pk>.pdf       FM-DALAK-DAT-02-03
    GET /print/checklist/<YYYY-MM-DD>.pdf     FM-DALAK-DAT-02-02

A browser session or an API bearer token; the same role check (can_read on the form's
permission object) and, for requests, the same row filter as the UI and the API.

Every print carries the form's verification code and its QR code (`verify`, the public page
`GET /verify/<code>`), the office's letterhead (`office`, the Admin's page "Kop Surat"), and is
signed electronically where a certificate is configured (`signing`).
"""

from __future__ import annotations

from flask import make_response
from flask_appbuilder import BaseView, expose
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.i18n import in_office_language
from app.printing import signing, verify
from app.printing.office import LetterheadView, office_settings
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
            selectinload(model.asset),
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


def print_options(kind: str, reference: str):
    """The letterhead, the form's verification code and QR address, and room for the
    signature stamp when prints are signed."""
    from app.printing.layout import PrintOptions

    code = verify.code_for(kind, reference)
    return PrintOptions(office=office_settings(), verification_code=verify.shown(code),
                        verification_url=verify.verify_url(code),
                        stamp_room=signing.signing_configured())


def printed(make, kind: str, reference: str, now) -> bytes:
    """`make()` (a layout's call) with the print options in force, signed when configured."""
    from app.printing.layout import print_options as options_in_force

    with options_in_force(print_options(kind, reference)) as options:
        data = make()
    if options.stamp_box is None:
        return data
    return signing.sign_pdf(data, now, options.stamp_box)


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

        now = utcnow()
        loaded = checklist_form.load_checklist_day(date)
        data = printed(lambda: checklist_form.checklist_pdf(loaded, now), verify.CHECKLIST,
                       date.isoformat(), now)
        return pdf_response(data, _filename(checklist_form.CHECKLIST_CODE, day))

    @staticmethod
    @in_office_language
    def _request_pdf(model, pk: int, user):
        req = load_request(model, pk, user)
        if req is None:
            refuse(404, NOT_FOUND)
        forms, now = _forms(), utcnow()
        signatories = forms.request_signatories(req, access.first_kasi())
        data = printed(lambda: forms.request_pdf(req, signatories, now), req.kind, str(req.id),
                       now)
        return pdf_response(data, _filename(req.form_code, req.number or f"draf-{req.id}"))


def register(appbuilder) -> None:
    appbuilder.add_view_no_menu(PrintView)
    appbuilder.add_view_no_menu(verify.VerifyView)
    appbuilder.add_view(LetterheadView, "Letterhead", label=_l("Letterhead"), icon="fa-image",
                        category=R.M_MASTER, category_label=_l("Master data"))
