"""Print the paper forms as PDF (SPEC §6 last paragraph, §7):

    GET /print/improvement_request/<pk>.pdf   FM-DALAK-DAT-02-01
    GET /print/support_request/<pk>.pdf       FM-DALAK-DAT-02-03
    GET /print/checklist/<YYYY-MM-DD>.pdf     FM-DALAK-DAT-02-02

A browser session or an API bearer token; the same role check (can_read on the form's
permission object) and, for requests, the same row filter as the UI and the API.
"""

from __future__ import annotations

import datetime as dt
from typing import NoReturn

from flask import abort, current_app, jsonify, make_response, redirect, request
from flask_appbuilder import BaseView, expose
from flask_jwt_extended import get_current_user, verify_jwt_in_request
from flask_jwt_extended.exceptions import JWTExtendedException
from flask_login import current_user
from jwt.exceptions import PyJWTError
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.checklist import calendar, rounds
from app.checklist.models import ChecklistEntry, ChecklistRound, Incident
from app.extensions import db
from app.requests.models import (
    Assignment,
    ImprovementRequest,
    RequestHistory,
    ServiceRequest,
    SupportRequest,
)
from app.security import access
from app.security import roles as R
from app.security.models import Unit
from app.timeutil import parse_office_date, today_wita, utcnow, wita_to_utc
from app.workflow import relations

MESSAGES = {
    400: "Format tanggal tidak valid; gunakan TTTT-BB-HH, misalnya 2033-03-07.",
    401: "Silakan masuk terlebih dahulu.",
    403: "Anda tidak berwenang mencetak formulir ini.",
    404: "Data tidak ditemukan.",
}


# --- who asks -------------------------------------------------------------------------------


def _token_sent() -> bool:
    return bool(request.headers.get("Authorization"))


def _fail(status: int) -> NoReturn:
    """JSON for API clients (they sent a token), the usual error page for browsers."""
    if _token_sent():
        abort(make_response(jsonify(message=MESSAGES[status]), status))
    abort(status)


def authenticated_user():
    """The user of the bearer token when one is sent, else of the browser session."""
    if _token_sent():
        try:
            verify_jwt_in_request(optional=True)
            return get_current_user()
        except (JWTExtendedException, PyJWTError):
            return None
    if current_user.is_authenticated:
        return current_user._get_current_object()
    return None


def permitted_user(permission_object: str):
    """The user if they may read this form; else 401 / login redirect / 403."""
    user = authenticated_user()
    if user is None:
        if _token_sent():
            _fail(401)
        abort(redirect(current_app.appbuilder.get_url_for_login_with(
            request.full_path.rstrip("?"))))
    if not current_app.appbuilder.sm._has_view_access(user, R.READ, permission_object):
        _fail(403)
    return user


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
    def improvement_request(self, pk: int):
        return self._request_pdf(ImprovementRequest, R.IMPROVEMENT, pk)

    @expose("/support_request/<int:pk>.pdf")
    def support_request(self, pk: int):
        return self._request_pdf(SupportRequest, R.SUPPORT, pk)

    @expose("/checklist/<day>.pdf")
    def checklist(self, day: str):
        permitted_user(R.ROUND)
        date = parse_office_date(day)
        if date is None:
            _fail(400)
        forms = _forms()
        data = forms.checklist_pdf(load_checklist_day(date), utcnow())
        return pdf_response(data, _filename(forms.CHECKLIST_CODE, day))

    @staticmethod
    def _request_pdf(model, permission_object: str, pk: int):
        user = permitted_user(permission_object)
        req = load_request(model, pk, user)
        if req is None:
            _fail(404)
        forms = _forms()
        data = forms.request_pdf(req, forms.request_signatories(req, first_kasi()), utcnow())
        return pdf_response(data, _filename(req.form_code, req.number or f"draf-{req.id}"))


def register(appbuilder) -> None:
    appbuilder.add_view_no_menu(PrintView)
