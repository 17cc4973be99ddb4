"""Units, absences (with the acting official) and the security log."""

from __future__ import annotations

import datetime as dt

from flask_appbuilder import ModelView
from flask_appbuilder.api import ModelRestApi
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l
from wtforms import SelectField

from app.common import EagerSQLAInterface, current_actor
from app.extensions import db
from app.security import access
from app.security import roles as R
from app.security.models import ABSENCE_KINDS, Absence, AppUser, SecurityLog, Unit
from app.timeutil import format_date, utcnow


class UnitView(ModelView):
    datamodel = EagerSQLAInterface(Unit, eager=("head", "parent"))
    class_permission_name = R.MASTER
    method_permission_name = R.VIEW_VERBS
    list_title = _l("Units")
    list_columns = ["code", "name", "short_name", "parent", "head"]
    add_columns = edit_columns = ["code", "name", "short_name", "parent", "head"]
    search_columns = ["code", "name", "short_name"]
    label_columns = {"code": _l("Code"), "name": _l("Name"), "short_name": _l("Short name"),
                     "parent": _l("Parent unit"), "head": _l("Head")}


def check_absence(item: Absence, user) -> str | None:
    """Officials record their own absence; the Admin records anyone's (issue #3)."""
    if not access.has_role(user, R.ADMIN) and item.user_id not in (None, user.id):
        return "Anda hanya dapat mencatat ketidakhadiran Anda sendiri."
    if item.start_date and item.end_date and item.end_date < item.start_date:
        return "Tanggal selesai tidak boleh sebelum tanggal mulai."
    if item.acting_user_id is not None and item.acting_user_id == (item.user_id or user.id):
        return "Pelaksana harian (Plh.) harus orang lain."
    return None


def _log_absence(item: Absence, user) -> None:
    from app.extensions import db

    db.session.add(SecurityLog(
        event="absence_recorded", username=user.username, created_at=utcnow(),
        detail=f"user_id={item.user_id} {item.start_date}..{item.end_date} plh={item.acting_user_id}",
    ))
    db.session.commit()


class AbsenceView(ModelView):
    datamodel = EagerSQLAInterface(Absence, eager=("user", "acting_user"))
    class_permission_name = R.ABSENCE
    method_permission_name = R.VIEW_VERBS
    base_permissions = ["can_read", "can_write"]
    base_order = ("start_date", "desc")
    list_title = _l("Absences of officials")
    list_columns = ["user", "kind", "start_date", "end_date", "acting_user", "reason"]
    add_columns = ["user", "kind", "start_date", "end_date", "reason", "acting_user"]
    edit_columns = add_columns
    search_columns = ["start_date", "end_date", "kind"]
    label_columns = {"user": _l("Official"), "kind": _l("Kind"), "start_date": _l("From"),
                     "end_date": _l("Until"), "reason": _l("Reason"),
                     "acting_user": _l("Acting official (Plh.)")}
    formatters_columns = {"start_date": format_date, "end_date": format_date,
                          "kind": lambda k: ABSENCE_KINDS.get(k, k)}
    add_form_extra_fields = {
        "kind": SelectField(_l("Kind"), choices=list(ABSENCE_KINDS.items()), default="cuti"),
    }
    edit_form_extra_fields = add_form_extra_fields

    def pre_add(self, item):
        user = current_actor()
        item.user_id = item.user_id or (item.user.id if item.user else user.id)
        problem = check_absence(item, user)
        if problem:
            from app.extensions import db

            db.session.rollback()  # FAB populated the row already; leave nothing half-changed
            raise ValueError(problem)
        item.recorded_by_id = user.id

    pre_update = pre_add

    def post_add(self, item):
        _log_absence(item, current_actor())


class AbsenceApi(ModelRestApi):
    resource_name = "absence"
    allow_browser_login = False
    datamodel = EagerSQLAInterface(Absence, eager=("user", "acting_user"))
    class_permission_name = R.ABSENCE
    method_permission_name = R.API_VERBS
    base_permissions = ["can_read", "can_write"]
    list_columns = ["id", "user.id", "user.username", "kind", "start_date", "end_date", "reason",
                    "acting_user.id", "acting_user.username"]
    show_columns = list_columns
    add_columns = ["user_id", "kind", "start_date", "end_date", "reason", "acting_user_id"]
    edit_columns = add_columns

    def post_headless(self):
        from flask import request

        data = request.get_json(silent=True)
        if isinstance(data, dict):
            errors = {}
            for name in ("start_date", "end_date", "reason"):
                if data.get(name) in (None, ""):
                    errors[name] = ["Kolom ini wajib diisi."]
            if data.get("kind") not in (None, *ABSENCE_KINDS):
                errors["kind"] = ["Jenis harus salah satu dari: " + ", ".join(ABSENCE_KINDS)]
            for name in ("user_id", "acting_user_id"):
                value = data.get(name)
                if value is not None and (not isinstance(value, int) or isinstance(value, bool)
                                          or not 0 < value < 2**31):
                    errors[name] = ["Harus berupa id pengguna (angka)."]
                elif value is not None and db.session.get(AppUser, value) is None:
                    errors[name] = ["Pengguna tidak ditemukan."]
            if not isinstance(data.get("reason"), (str, type(None))):
                errors["reason"] = ["Harus berupa teks."]
            if errors:
                return self.response_400(message=errors)
            probe = Absence(user_id=data.get("user_id"), acting_user_id=data.get("acting_user_id"))
            try:
                probe.start_date = dt.date.fromisoformat(str(data["start_date"]))
                probe.end_date = dt.date.fromisoformat(str(data["end_date"]))
                if not 2000 <= probe.start_date.year <= 2100 or not (
                        2000 <= probe.end_date.year <= 2100):
                    raise ValueError
            except ValueError:
                return self.response_400(message={"start_date": ["Format tanggal TTTT-BB-HH."]})
            problem = check_absence(probe, current_actor())
            if problem:
                return self.response_400(message={"user_id": [problem]})
        return super().post_headless()

    def pre_add(self, item):
        user = current_actor()
        item.user_id = item.user_id or user.id
        item.kind = item.kind or "cuti"
        item.recorded_by_id = user.id

    def post_add(self, item):
        _log_absence(item, current_actor())


class SecurityLogView(ModelView):
    datamodel = SQLAInterface(SecurityLog)
    class_permission_name = R.SECURITY_LOG
    method_permission_name = R.VIEW_VERBS
    base_permissions = ["can_read"]
    base_order = ("id", "desc")
    list_title = _l("Security log")
    list_columns = ["created_at", "event", "username", "ip", "detail"]
    search_columns = ["event", "username", "created_at"]
    label_columns = {"created_at": _l("Time"), "event": _l("Event"), "username": _l("User"),
                     "detail": _l("Detail")}
