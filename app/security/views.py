"""Units, absences (with the acting official) and the security log."""

from __future__ import annotations

import datetime as dt

from flask import abort, flash, g, redirect, url_for
from flask_appbuilder import ModelView, expose, has_access
from flask_appbuilder.api import ModelRestApi
from flask_appbuilder.models.sqla.filters import FilterEqual
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from wtforms import DateField, SelectField
from wtforms.validators import DataRequired
from wtforms.widgets import DateInput

from app.extensions import db
from app.fab_overrides import CheckedWritesMixin, EagerSQLAInterface
from app.security import absences
from app.security import roles as R
from app.security.access import current_actor
from app.security.audit import event_label
from app.security.models import ABSENCE_KINDS, Absence, SecurityLog, Unit
from app.timeutil import format_date, format_datetime, parse_office_date, today_wita, utcnow


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


def _form_values(form) -> absences.Values:
    """The absence as the form's fields hold it; an empty official means oneself."""
    person = form.user.data
    plh = form.acting_user.data
    return absences.Values(
        user_id=person.id if person else current_actor().id,
        start_date=form.start_date.data, end_date=form.end_date.data, kind=form.kind.data,
        reason=form.reason.data, acting_user_id=plh.id if plh else None)


FORM_FIELDS = {"user_id": "user", "acting_user_id": "acting_user"}


def _with_absence_rules(form_class):
    """The register's rules as the form's own validation, so every problem shows at its field
    and the form keeps what was typed (FAB re-renders an invalid form as it was)."""

    class AbsenceForm(form_class):
        def validate(self, extra_validators=None):
            if not super().validate(extra_validators=extra_validators):
                return False
            actor, today = current_actor(), today_wita()
            pk = getattr(self, "_id", None)
            old_item = db.session.get(Absence, pk) if pk is not None else None
            if old_item is not None:
                try:
                    absences.may_change(actor, old_item, today)
                except absences.AbsenceRefused as refused:
                    self.user.errors.append(refused.message)
                    return False
            old = absences.Values.of(old_item) if old_item is not None else None
            g._absence_old = old  # for the log of the edit (AbsenceWrites.pre_update)
            errors = absences.problems(actor, _form_values(self), old, today, pk)
            for name, message in errors.items():
                getattr(self, FORM_FIELDS.get(name, name)).errors.append(message)
            return not errors

    AbsenceForm.__name__ = form_class.__name__
    return AbsenceForm


def _end_button(absence: Absence) -> Markup:
    """The register's state, and 'Akhiri' for an absence still in force or ahead."""
    today = today_wita()
    if absence.withdrawn_at is not None:
        return Markup('<span class="label label-default">{}</span>').format(_l("Withdrawn"))
    if absence.end_date < today:
        return Markup('<span class="label label-default">{}</span>').format(_l("Ended"))
    state = _l("In force") if absence.start_date <= today else _l("Planned")
    if absences.authority(current_actor(), absence.user_id) is not None:
        return Markup('<span class="label label-info">{}</span>').format(state)
    # Not begun before today: "Batalkan" (it is withdrawn); begun earlier: "Akhiri" (it ends
    # yesterday).
    label = _l("Cancel") if absences.withdraws(absence, today) else _l("End now")
    return Markup(
        '<span class="label label-info">{state}</span> '
        '<form method="post" action="{url}" style="display:inline" class="end-absence">'
        '<input type="hidden" name="csrf_token" value="{csrf}">'
        '<button type="submit" class="btn btn-xs btn-warning" id="end-absence-{pk}">{label}'
        '</button></form>'
    ).format(state=state, url=url_for("AbsenceView.end", pk=absence.id), csrf=generate_csrf(),
             pk=absence.id, label=label)


class AbsenceWrites:
    """What the form and the API do alike when an absence is written (absences.py)."""

    def pre_add(self, item):
        absences.record(current_actor(), item)  # committed with the absence

    def pre_update(self, item):
        absences.log_changed(current_actor(), item, g.pop("_absence_old"))


class NativeDateInput(DateInput):
    def __call__(self, field, **kwargs):
        kwargs.setdefault("class", "form-control")
        return super().__call__(field, **kwargs)


class AbsenceView(AbsenceWrites, ModelView):
    datamodel = EagerSQLAInterface(Absence, eager=("user", "acting_user"))
    class_permission_name = R.ABSENCE
    method_permission_name = {**R.VIEW_VERBS, "end": "write"}
    base_permissions = ["can_read", "can_write"]
    base_order = ("start_date", "desc")
    list_title = _l("Absences of officials")
    list_columns = ["user", "kind", "start_date", "end_date", "acting_user", "reason", "register_state"]
    show_columns = ["user", "kind", "start_date", "end_date", "acting_user", "reason",
                    "recorded_by", "created_at", "withdrawn_by", "withdrawn_at", "register_state"]
    add_columns = ["user", "kind", "start_date", "end_date", "reason", "acting_user"]
    edit_columns = add_columns
    search_columns = ["start_date", "end_date", "kind"]
    order_columns = ["kind", "start_date", "end_date"]
    label_columns = {"user": _l("Official"), "kind": _l("Kind"), "start_date": _l("From"),
                     "end_date": _l("Until"), "reason": _l("Reason"),
                     "acting_user": _l("Acting official (Plh.)"),
                     "recorded_by": _l("Recorded by"), "created_at": _l("Recorded at"),
                     "withdrawn_by": _l("Withdrawn by"), "withdrawn_at": _l("Withdrawn at"),
                     "register_state": _l("State")}
    description_columns = {
        "user": _l("Leave empty for your own absence. The Kasi PDSI may record the Kabid "
                   "Dalak's absence."),
        "acting_user": _l("Only the official themselves (or the Admin) names the Plh."),
    }
    formatters_columns = {"start_date": format_date, "end_date": format_date,
                          "created_at": format_datetime, "withdrawn_at": format_datetime,
                          "kind": lambda k: ABSENCE_KINDS.get(k, k),
                          "acting_user": lambda person: person or "-",
                          "register_state": _end_button}
    add_form_extra_fields = {
        "kind": SelectField(_l("Kind"), choices=list(ABSENCE_KINDS.items()), default="cuti"),
        # The browser's own date input (as the action forms use); FAB's picker loses typed dates.
        "start_date": DateField(_l("From"), widget=NativeDateInput(),
                                validators=[DataRequired(message="Kolom ini wajib diisi.")]),
        "end_date": DateField(_l("Until"), widget=NativeDateInput(),
                              validators=[DataRequired(message="Kolom ini wajib diisi.")]),
    }
    edit_form_extra_fields = add_form_extra_fields
    add_title = _l("Record an absence")
    edit_title = _l("Edit absence")
    show_title = _l("Absence")
    add_form_query_rel_fields = {"user": [["active", FilterEqual, True]],
                                 "acting_user": [["active", FilterEqual, True]]}
    edit_form_query_rel_fields = add_form_query_rel_fields

    def _init_forms(self):
        super()._init_forms()
        self.add_form = _with_absence_rules(self.add_form)
        self.edit_form = _with_absence_rules(self.edit_form)

    @expose("/end/<int:pk>", methods=["POST"])
    @has_access
    def end(self, pk):
        """End an absence now, or withdraw one that has not begun (SPEC §2)."""
        absence = db.session.get(Absence, pk)
        if absence is None:
            abort(404)
        try:
            absences.end(current_actor(), absence, today_wita(), utcnow())
            db.session.commit()
        except absences.AbsenceRefused as refused:
            db.session.rollback()
            if refused.status == 403:  # no button offers this: a crafted request
                abort(403)
            flash(refused.message, "danger")
            return redirect(url_for("AbsenceView.list"))
        if absence.withdrawn_at is not None:
            flash(gettext("Absence cancelled."), "success")
        else:
            flash(gettext("Absence ended; its last day is %(day)s.",
                          day=format_date(absence.end_date)), "success")
        return redirect(url_for("AbsenceView.list"))


def _json_date(value) -> dt.date | None:
    if value in (None, ""):
        return None
    day = parse_office_date(value) if isinstance(value, str) else None
    if day is None:
        raise ValueError
    return day


def _json_values(data: dict, old: absences.Values | None,
                 actor) -> tuple[absences.Values | None, dict[str, list[str]]]:
    """The absence a JSON body asks for (over `old` on an edit), or per-field errors."""
    errors: dict[str, list[str]] = {}
    base = old or absences.Values(actor.id, None, None, "cuti", None, None)
    fields = {}
    for name in ("user_id", "acting_user_id"):
        value = data.get(name, getattr(base, name))
        if value is None and name == "user_id":
            value = actor.id
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)
                                  or not 0 < value < 2**31):
            errors[name] = ["Harus berupa id pengguna (angka)."]
        fields[name] = value
    for name in ("start_date", "end_date"):
        try:
            fields[name] = _json_date(data[name]) if name in data else getattr(base, name)
        except ValueError:
            errors[name] = ["Format tanggal TTTT-BB-HH, misalnya 2026-12-01."]
    for name in ("kind", "reason"):
        value = data.get(name, getattr(base, name))
        if value is not None and not isinstance(value, str):
            errors[name] = ["Harus berupa teks."]
        fields[name] = value
    if errors:
        return None, errors
    return absences.Values(**fields), {}


class AbsenceApi(AbsenceWrites, CheckedWritesMixin, ModelRestApi):
    """The register over the API: the same rules as the UI (absences.py); DELETE ends an
    absence or withdraws one not yet begun, and keeps the row (SPEC §2)."""

    resource_name = "absence"
    allow_browser_login = False
    datamodel = EagerSQLAInterface(Absence, eager=("user", "acting_user"))
    class_permission_name = R.ABSENCE
    method_permission_name = {**R.API_VERBS, "delete": "write"}
    base_permissions = ["can_read", "can_write"]
    list_columns = ["id", "user.id", "user.username", "kind", "start_date", "end_date", "reason",
                    "acting_user.id", "acting_user.username", "recorded_by.username",
                    "withdrawn_at", "withdrawn_by.username"]
    show_columns = list_columns
    add_columns = ["user_id", "kind", "start_date", "end_date", "reason", "acting_user_id"]
    edit_columns = add_columns

    def write_errors(self, data, item):
        if not isinstance(data, dict):
            return {}
        actor = current_actor()
        old = absences.Values.of(item) if item is not None else None
        values, errors = _json_values(data, old, actor)
        if errors:
            return errors
        problems = absences.problems(actor, values, old, today_wita(),
                                     item.id if item is not None else None)
        g._absence_old = old
        return {name: [message] for name, message in problems.items()}

    def edit_refusal(self, item):
        try:
            absences.may_change(current_actor(), item, today_wita())
        except absences.AbsenceRefused as refused:
            return refused.status, refused.message
        return None

    def delete_headless(self, pk):
        absence = self.datamodel.get(pk, self._base_filters)
        if absence is None:
            return self.response_404()
        try:
            done = absences.end(current_actor(), absence, today_wita(), utcnow())
            db.session.commit()
        except absences.AbsenceRefused as refused:
            db.session.rollback()
            return self.response(refused.status, message=refused.message)
        return self.response(200, message=done,
                             result=self.show_model_schema.dump(absence))


class SecurityLogView(ModelView):
    datamodel = SQLAInterface(SecurityLog)
    class_permission_name = R.SECURITY_LOG
    method_permission_name = R.VIEW_VERBS
    base_permissions = ["can_read"]
    base_order = ("id", "desc")
    list_title = _l("Security log")
    list_columns = ["created_at", "event", "username", "ip", "detail"]
    show_columns = list_columns
    search_columns = ["event", "username", "created_at"]
    label_columns = {"created_at": _l("Time"), "event": _l("Event"), "username": _l("User"),
                     "ip": _l("Address"), "detail": _l("Detail")}
    formatters_columns = {"created_at": format_datetime, "event": event_label}
