"""Units, absences (with the acting official) and the security log."""

from __future__ import annotations

import datetime as dt

from flask import abort, current_app, flash, g, redirect, url_for
from flask_appbuilder import ModelView, expose, has_access
from flask_appbuilder.api import ModelRestApi
from flask_appbuilder.fieldwidgets import DateTimePickerWidget
from flask_appbuilder.models.sqla.filters import FilterEqual
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from wtforms import DateTimeField, SelectField
from wtforms.fields.core import UnboundField
from wtforms.validators import InputRequired, Optional

from app.extensions import db
from app.fab_overrides import CheckedWritesMixin, EagerSQLAInterface, ReferencedApi
from app.forms import OfficeDateField
from app.security import absences
from app.security import roles as R
from app.security.access import current_actor
from app.security.audit import EVENT_LABELS, event_label
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
    show_columns = list_columns
    add_title = _l("Add a unit")
    edit_title = _l("Edit unit")
    show_title = _l("Unit")


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


REQUIRED = _l("This field is required.")
ABSENCE_LABELS = {"user": _l("Official"), "kind": _l("Kind"), "start_date": _l("From"),
                  "end_date": _l("Until"), "reason": _l("Reason"),
                  "acting_user": _l("Acting official (Plh.)"),
                  "recorded_by": _l("Recorded by"), "created_at": _l("Recorded at"),
                  "withdrawn_by": _l("Withdrawn by"), "withdrawn_at": _l("Withdrawn at"),
                  "register_state": _l("State")}
ACTIVE_USERS = [["active", FilterEqual, True]]


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
    label_columns = ABSENCE_LABELS
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
        # Day-month-year with the office's date picker (app/forms.py).
        "start_date": OfficeDateField(_l("From"), validators=[InputRequired(message=REQUIRED)]),
        "end_date": OfficeDateField(_l("Until"), validators=[InputRequired(message=REQUIRED)]),
    }
    edit_form_extra_fields = add_form_extra_fields
    # The search form offers labels, not the codes the column stores.
    search_form_extra_fields = {"kind": SelectField(_l("Kind"), choices=list(ABSENCE_KINDS.items()))}
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


class AbsenceApi(AbsenceWrites, ReferencedApi, CheckedWritesMixin, ModelRestApi):
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
    label_columns = {**ABSENCE_LABELS, "id": _l("Id"), "user_id": _l("Official"),
                     "user.id": _l("Official"), "user.username": _l("Official"),
                     "acting_user_id": _l("Acting official (Plh.)"),
                     "acting_user.id": _l("Acting official (Plh.)"),
                     "acting_user.username": _l("Acting official (Plh.)"),
                     "recorded_by.username": _l("Recorded by"),
                     "withdrawn_by.username": _l("Withdrawn by")}
    description_columns = {"user_id": _l("Leave empty for your own absence.")}
    required_columns = frozenset({"kind", "start_date", "end_date"})
    references = {"user_id": ("user", ACTIVE_USERS), "acting_user_id": ("acting_user", ACTIVE_USERS)}
    choices_columns = {"kind": ABSENCE_KINDS}
    list_title = show_title = _l("Absences of officials")
    add_title = _l("Record an absence")
    edit_title = _l("Edit absence")

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
    show_title = _l("Security log entry")
    # The search form offers the events by name, and no pre-filled time of its own.
    search_form_extra_fields = {
        "event": SelectField(_l("Event"), choices=list(EVENT_LABELS.items())),
        "created_at": DateTimeField(_l("Time"), widget=DateTimePickerWidget(),
                                    validators=[Optional()]),
    }


# --- FAB's own security pages in the reader's language ---------------------------------------

# FAB's permission names are identifiers ("can_this_form_get"); the role pages name them so.
PERMISSION_LABELS = {
    "can_read": _l("view"), "can_write": _l("add and edit"), "can_act": _l("take actions"),
    "can_add": _l("add"), "can_edit": _l("edit"), "can_delete": _l("delete"),
    "can_list": _l("list"), "can_show": _l("view details"), "menu_access": _l("menu entry"),
    "can_get": _l("read over the API"), "can_post": _l("create over the API"),
    "can_put": _l("change over the API"), "can_info": _l("form description over the API"),
    "can_this_form_get": _l("open the form"), "can_this_form_post": _l("send the form"),
    "can_userinfo": _l("own user details"), "userinfoedit": _l("edit own user details"),
    "resetmypassword": _l("reset own password"), "resetpasswords": _l("reset passwords"),
    "copyrole": _l("copy roles"), "can_add_role_permissions": _l("add a role's permissions"),
    "can_list_role_permissions": _l("list a role's permissions"),
    "can_update_role_users": _l("change a role's users"),
    "can_update_role_groups": _l("change a role's groups"),
}
# What each view or menu name stands for: our menus and permission objects, FAB's views.
VIEW_MENU_LABELS = {
    R.IMPROVEMENT: _l("Improvement requests (FM-01)"), R.M_IMPROVEMENT: _l(
        "Improvement requests (FM-01)"),
    R.SUPPORT: _l("Support requests (FM-03)"), R.M_SUPPORT: _l("Support requests (FM-03)"),
    R.ABSENCE: _l("Absences of officials"), R.M_ABSENCE: _l("Absences of officials"),
    R.ROUND: _l("Checklist rounds"), R.M_ROUNDS: _l("Checklist rounds"),
    R.INCIDENT: _l("SIM incidents"), R.M_INCIDENTS: _l("SIM incidents"),
    R.CHECK_ITEM: _l("Check items"), R.M_CHECK_ITEMS: _l("Check items"),
    R.MASTER: _l("Master data"), R.M_MASTER: _l("Master data"), R.REPORTS: _l("Reports"),
    R.OUTBOX: _l("Outgoing mail"), R.SECURITY_LOG: _l("Security log"),
    "Security log": _l("Security log"), R.M_REQUESTS: _l("Requests"),
    R.M_CHECKLIST: _l("SIM and server checklist"), R.M_CHECKLIST_TODAY: _l("Today's checklist"),
    R.M_CHECKLIST_MONTH: _l("Monthly overview"), R.M_UNITS: _l("Units"),
    R.M_SYSTEMS: _l("SIM systems and modules"), R.M_SUPPORT_TYPES: _l("Support types"),
    R.M_HOLIDAYS: _l("Holidays and joint leave"),
    "Security": _l("Security"), "List Users": _l("List Users"), "List Roles": _l("List Roles"),
    "List Groups": _l("List Groups"), "Base Permissions": _l("Base Permissions"),
    "Views/Menus": _l("Views/Menus"), "Permission on Views/Menus": _l("Permission on Views/Menus"),
    "AppUserDBModelView": _l("Users"), "RowCheckedRoleModelView": _l("Roles"),
    "UserGroupModelView": _l("Groups"), "PermissionModelView": _l("Base Permissions"),
    "ViewMenuModelView": _l("Views/Menus"),
    "PermissionViewModelView": _l("Permission on Views/Menus"),
    "UserInfoEditView": _l("edit own user details"), "ResetPasswordView": _l("Reset Password"),
    "ResetMyPasswordView": _l("Reset my password"), "AuthDBView": _l("Sign-in page"),
    "HomeView": _l("Home page"), "UtilView": _l("Back link"), "LocaleView": _l("Language"),
    "PrintView": _l("Printed forms (PDF)"), "SecurityApi": _l("Sign-in over the API"),
    "MenuApi": _l("Menu over the API"), "OpenApi": _l("API description"),
    "SwaggerView": _l("API documentation"), "User": _l("Users over the API"),
    "Role": _l("Roles over the API"), "Group": _l("Groups over the API"),
    "Permission": _l("Permissions over the API"), "ViewMenu": _l("Views/menus over the API"),
    "PermissionViewMenu": _l("Permissions on views over the API"),
}
# Columns FAB labels by prettifying their names ("View Menu"): their words instead.
FAB_COLUMN_LABELS = {
    "name": _l("Name"), "label": _l("Label"), "description": _l("Remarks"),
    "users": _l("Users"), "user": _l("Users"), "roles": _l("Roles"), "role": _l("Roles"),
    "groups": _l("Groups"), "permission": _l("Permission"), "view_menu": _l("View/Menu"),
    "permissions": _l("Permissions"),
}
BLANK_CHOICE = "—"


def permission_label(permission) -> str:
    name = getattr(permission, "name", permission)
    return str(PERMISSION_LABELS.get(name, name))


def view_menu_label(view_menu) -> str:
    name = getattr(view_menu, "name", view_menu)
    return str(VIEW_MENU_LABELS.get(name, name))


def permission_view_label(permission_view) -> str:
    """'view — Improvement requests (FM-01)' for FAB's 'can read on ImprovementRequest'."""
    return (f"{permission_label(permission_view.permission)} — "
            f"{view_menu_label(permission_view.view_menu)}")


def fab_pages_in_words(appbuilder) -> None:
    """FAB's own views speak the reader's language too: the labels FAB made up from column
    names, the names of permissions and views on the role pages, and the blank choice of a
    select (WTForms 3.3 shows an empty choice by its value, "__None")."""
    sm = appbuilder.sm
    labellers = {sm.permissionview_model: permission_view_label,
                 sm.permission_model: permission_label, sm.viewmenu_model: view_menu_label}
    current_app.jinja_env.globals["permission_view_label"] = permission_view_label
    for view in appbuilder.baseviews:
        if not isinstance(view, ModelView):  # the APIs describe themselves (DescribedApi)
            continue
        for column, label in list(view.label_columns.items()):
            if isinstance(label, str) and column in FAB_COLUMN_LABELS:  # FAB's prettified name
                view.label_columns[column] = FAB_COLUMN_LABELS[column]
        model = view.datamodel.obj
        if model in labellers:  # the list of FAB's permission tables
            view.formatters_columns = {**view.formatters_columns, "name": labellers[model]}
        if model is sm.permissionview_model:
            view.formatters_columns = {**view.formatters_columns,
                                       "permission": permission_label,
                                       "view_menu": view_menu_label}
        for form in (getattr(view, name, None) for name in ("add_form", "edit_form",
                                                            "search_form")):
            if form is not None:
                _form_in_words(form, view, labellers)


def _form_in_words(form, view, labellers) -> None:
    for name in dir(form):
        field = getattr(form, name, None)
        if not isinstance(field, UnboundField):
            continue
        if field.kwargs.get("allow_blank"):
            field.kwargs["blank_text"] = BLANK_CHOICE
        if field.args and isinstance(field.args[0], str) and name in FAB_COLUMN_LABELS:
            field.args = (view.label_columns.get(name, field.args[0]), *field.args[1:])
        related = _related_model(view.datamodel, name)
        if related in labellers and "query_func" in field.kwargs:
            field.kwargs["get_label"] = labellers[related]


def _related_model(datamodel, name):
    try:
        return datamodel.get_related_model(name) if datamodel.is_relation(name) else None
    except (AttributeError, KeyError):
        return None
