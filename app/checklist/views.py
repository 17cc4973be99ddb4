"""FM-02 screens: check items, holidays, rounds and incidents."""

from __future__ import annotations

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import ModelView, expose, has_access
from flask_appbuilder.api import ModelRestApi, protect, safe
from flask_appbuilder.models.sqla.filters import FilterEqual
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.validators import Unique
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.validators import InputRequired

from app.assets.fields import ASSET_LABEL, ASSET_REFERENCE, asset_select
from app.checklist import incidents
from app.checklist.models import (
    CATEGORIES,
    HOLIDAY_KINDS,
    INCIDENT_STATES,
    PROBE_KINDS,
    ROUND_STATES,
    CheckItem,
    ChecklistRound,
    Holiday,
    Incident,
)
from app.checklist.pages import ChecklistSubmitMixin
from app.checklist.schemas import (
    CheckItemSchema,
    IncidentSchema,
    check_item_field_errors,
    incident_field_errors,
)
from app.errors import error_response
from app.extensions import db
from app.fab_overrides import (
    CheckedWritesMixin,
    DescribedApi,
    EagerSQLAInterface,
    ReferencedApi,
)
from app.forms import SHOWN_DATE, OfficeDateField, OfficeDateTimeField
from app.security import access
from app.security import roles as R
from app.security.access import current_actor
from app.timeutil import format_date, format_datetime, parse_office_date, today_wita, utcnow

ITEM_LABELS = {
    "code": _l("Code"), "category": _l("Category"), "name": _l("Check item"),
    "how_to_check": _l("How to check"), "expected": _l("Expected condition"),
    "order": _l("Order"), "active": _l("Active"), "probe_kind": _l("Automatic probe"),
    "probe_target": _l("Probe target"), "probe_expect": _l("Probe expectation"),
    "asset": ASSET_LABEL, "asset_id": ASSET_LABEL,
}


class CheckItemView(ModelView):
    datamodel = SQLAInterface(CheckItem)
    class_permission_name = R.CHECK_ITEM
    method_permission_name = R.VIEW_VERBS
    base_permissions = ["can_read", "can_write"]
    base_order = ("order", "asc")
    list_title = _l("Check items")
    list_columns = ["order", "category", "name", "expected", "probe_kind", "active"]
    add_columns = edit_columns = ["code", "category", "name", "how_to_check", "expected", "order",
                                  "active", "probe_kind", "probe_target", "probe_expect", "asset"]
    search_columns = ["category", "name", "active"]
    label_columns = ITEM_LABELS
    show_columns = add_columns
    add_title = _l("Add check item")
    edit_title = _l("Edit check item")
    show_title = _l("Check item")
    formatters_columns = {"probe_kind": lambda k: PROBE_KINDS.get(k, k) if k else "-"}
    add_form_extra_fields = {
        "category": SelectField(_l("Category"), choices=[(c, c) for c in CATEGORIES]),
        "probe_kind": SelectField(_l("Automatic probe"),
                                  choices=[("", "-")] + list(PROBE_KINDS.items())),
        "asset": asset_select(),  # issue 22
    }
    edit_form_extra_fields = add_form_extra_fields


class CheckItemApi(DescribedApi, CheckedWritesMixin, ModelRestApi):
    resource_name = "check_item"
    label_columns = {**ITEM_LABELS, "id": _l("Id")}
    required_columns = CheckItemSchema.required_names()
    choices_columns = {"category": {c: c for c in CATEGORIES}, "probe_kind": PROBE_KINDS}
    list_title = show_title = _l("Check items")
    add_title = _l("Add check item")
    edit_title = _l("Edit check item")
    allow_browser_login = False
    datamodel = SQLAInterface(CheckItem)
    class_permission_name = R.CHECK_ITEM
    method_permission_name = R.API_VERBS
    base_permissions = ["can_read", "can_write"]
    base_order = ("order", "asc")
    list_columns = ["id", "code", "category", "name", "how_to_check", "expected", "order",
                    "active", "probe_kind", "probe_target", "probe_expect", "asset_id"]
    show_columns = add_columns = edit_columns = list_columns[1:]

    def write_errors(self, data, item):
        return check_item_field_errors(data, item)


HOLIDAYS = SQLAInterface(Holiday)


class HolidayView(ModelView):
    datamodel = HOLIDAYS
    class_permission_name = R.MASTER
    method_permission_name = R.VIEW_VERBS
    base_order = ("date", "asc")
    list_title = _l("Holidays and joint leave")
    list_columns = ["date", "name", "kind"]
    add_columns = edit_columns = ["date", "name", "kind"]
    search_columns = ["date", "name", "kind"]
    label_columns = {"date": _l("Date"), "name": _l("Name"), "kind": _l("Kind")}
    formatters_columns = {"date": lambda d: format_date(d, with_weekday=True),
                          "kind": lambda k: HOLIDAY_KINDS.get(k, k)}
    add_form_extra_fields = {
        # Picked like every date of the office (day-month-year, weeks from Monday; SPEC §3).
        "date": OfficeDateField(_l("Date"), validators=[
            InputRequired(message=_l("This field is required.")),
            Unique(HOLIDAYS, "date", message=_l("A holiday is already recorded on this date."))]),
        "kind": SelectField(_l("Kind"), choices=list(HOLIDAY_KINDS.items()), default="edaran"),
    }
    edit_form_extra_fields = add_form_extra_fields
    # The search form offers labels, not the codes the column stores.
    search_form_extra_fields = {"kind": SelectField(_l("Kind"),
                                                    choices=list(HOLIDAY_KINDS.items()))}
    show_columns = list_columns
    add_title = _l("Add a holiday")
    edit_title = _l("Edit holiday")
    show_title = _l("Holiday")


ROUND_LABELS = {"date": _l("Date"), "slot": _l("Check time"), "status": _l("Status"),
                "officer": _l("IT officer"), "submitted_at": _l("Submitted at")}


class ChecklistRoundView(ModelView):
    datamodel = EagerSQLAInterface(ChecklistRound, eager=("officer",))
    class_permission_name = R.ROUND
    method_permission_name = R.VIEW_VERBS
    base_permissions = ["can_read", "can_act"]
    base_order = ("date", "desc")
    list_title = _l("Checklist rounds")
    list_columns = ["date", "slot", "status", "officer", "submitted_at"]
    search_columns = ["date", "status"]
    label_columns = ROUND_LABELS
    formatters_columns = {"date": lambda d: format_date(d, with_weekday=True),
                          "status": lambda s: ROUND_STATES.get(s, s),
                          "submitted_at": format_datetime}
    show_columns = list_columns
    show_title = _l("Checklist round")
    search_form_extra_fields = {"status": SelectField(_l("Status"),
                                                      choices=list(ROUND_STATES.items()))}


class ChecklistRoundApi(ChecklistSubmitMixin, DescribedApi, ModelRestApi):
    resource_name = "checklist_round"
    label_columns = {**ROUND_LABELS, "id": _l("Id"), "officer.id": _l("IT officer"),
                     "officer.username": _l("IT officer"), "officer": _l("IT officer"),
                     "created_at": _l("Created at"), "probed_at": _l("Probed at"),
                     "missed_notified_at": _l("Missed notice sent at"), "version": _l("Version"),
                     "entries": _l("Check results")}
    list_title = show_title = add_title = edit_title = _l("Checklist rounds")
    allow_browser_login = False
    datamodel = EagerSQLAInterface(ChecklistRound, eager=("officer",))
    class_permission_name = R.ROUND
    method_permission_name = R.API_VERBS
    base_permissions = ["can_read", "can_act"]
    base_order = ("date", "desc")
    list_columns = ["id", "date", "slot", "status", "officer.id", "officer.username",
                    "submitted_at"]
    show_columns = list_columns
    search_columns = ["date", "status", "slot"]


INCIDENT_LABELS = {
    "occurred_at": _l("Occurred at"), "system": _l("System / module"),
    "description": _l("What happened"), "impact": _l("Impact"), "status": _l("Status"),
    "reported_by": _l("Reported by"), "recorded_by": _l("Recorded by"),
    "action_taken": _l("Action taken"), "resolved_at": _l("Resolved at"),
    "asset": ASSET_LABEL,
}


class IncidentView(ModelView):
    show_template = "checklist/incident_show.html"
    datamodel = EagerSQLAInterface(Incident, eager=("system", "reported_by", "recorded_by"))
    class_permission_name = R.INCIDENT
    method_permission_name = R.VIEW_VERBS
    base_permissions = ["can_read", "can_write", "can_act"]
    base_order = ("occurred_at", "desc")
    list_title = _l("SIM incidents")
    list_columns = ["occurred_at", "system", "description", "status", "reported_by"]
    add_columns = ["occurred_at", "system", "asset", "description", "impact"]
    edit_columns = ["occurred_at", "system", "asset", "description", "impact"]
    show_columns = ["occurred_at", "system", "asset", "description", "impact", "status",
                    "reported_by",
                    "recorded_by", "action_taken", "resolved_at"]
    search_columns = ["occurred_at", "status", "description"]
    label_columns = INCIDENT_LABELS
    formatters_columns = {"occurred_at": format_datetime, "resolved_at": format_datetime,
                          "status": lambda s: INCIDENT_STATES.get(s, s)}
    search_form_extra_fields = {"status": SelectField(_l("Status"),
                                                      choices=list(INCIDENT_STATES.items()))}
    add_title = _l("Report a SIM incident")
    edit_title = _l("Edit SIM incident")
    show_title = _l("SIM incident")
    add_row_message = _l("SIM incident recorded.")
    add_form_extra_fields = {"occurred_at": OfficeDateTimeField(
        _l("Occurred at"),
        validators=[InputRequired(message=_l("The time of the incident is required."))]),
        "asset": asset_select()}  # issue 22
    edit_form_extra_fields = add_form_extra_fields

    def pre_add(self, item):
        item.reported_by_id = current_actor().id
        item.status = "open"
        incidents.note_recorder(item, current_actor())

    def pre_update(self, item):
        incidents.note_recorder(item, current_actor())

    def post_add(self, item):
        g.incident_added = item.id

    def post_add_redirect(self):
        """The new incident's own page: what was recorded, and where it is resolved."""
        added = g.pop("incident_added", None)
        if added is not None:
            return redirect(url_for("IncidentView.show", pk=added))
        return super().post_add_redirect()

    def _get_add_widget(self, form, exclude_cols=None, widgets=None):
        if request.method == "GET":
            prefill_incident_form(form, request.args)
        return super()._get_add_widget(form, exclude_cols=exclude_cols, widgets=widgets)

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        return self._render_show(pk)

    def _render_show(self, pk, resolve_error: str | None = None, action_taken: str = ""):
        incident = self.datamodel.get(pk, self._base_filters) or abort(404)
        widgets = self._get_show_widget(pk, incident)
        self.update_redirect()
        return self.render_template(
            self.show_template, pk=pk, title=self.show_title, widgets=widgets,
            incident=incident, resolve_error=resolve_error, action_taken=action_taken,
            can_resolve=access.has_role(current_actor(), R.PETUGAS_IT, R.KASI))

    @expose("/edit/<pk>", methods=["GET", "POST"])
    @has_access
    def edit(self, pk):
        incident = self.datamodel.get(pk, self._base_filters) or abort(404)
        refusal = incident_edit_refusal(incident, current_actor())
        if refusal:
            flash(refusal, "warning")
            return redirect(url_for("IncidentView.show", pk=pk))
        return super().edit(pk)

    @expose("/resolve/<int:pk>", methods=["POST"])
    @has_access
    def resolve(self, pk):
        incident = self.datamodel.get(pk, self._base_filters) or abort(404)
        action_taken = request.form.get("action_taken")
        try:
            incidents.resolve(incident, current_actor(), action_taken, utcnow())
        except incidents.IncidentError as err:
            if err.status == 400:  # the message beside the field, what was typed kept
                return self._render_show(pk, err.errors.get("action_taken", err.message),
                                         action_taken or ""), 400
            flash(err.message, "warning" if err.status == 409 else "danger")
        else:
            flash(gettext("Incident resolved."), "success")
        return redirect(url_for("IncidentView.show", pk=pk))


def prefill_incident_form(form, args) -> None:
    """A new incident's day is today (WITA), or the round's when opened from a faulty check item,
    which also fills in what happened; the time stays for the reporter to type (WITA)."""
    description = (args.get("description") or "").strip()
    if description and "description" in form and not form.description.data:
        form.description.data = description[:2000]
    day = parse_office_date(args.get("occurred_on")) or today_wita()
    if "occurred_at" in form:
        form.occurred_at.raw_data = [day.strftime(SHOWN_DATE), ""]


def incident_edit_refusal(incident, user) -> str | None:
    """The reporter edits their own open report; IT officers and the Kasi edit any."""
    if access.has_role(user, R.PETUGAS_IT, R.KASI, R.ADMIN):
        return None
    if incident.reported_by_id != user.id:
        return gettext("Only the reporter or an IT officer may change this incident report.")
    if incident.status != "open":
        return gettext("A resolved incident report can no longer be changed.")
    return None


class IncidentApi(ReferencedApi, CheckedWritesMixin, ModelRestApi):
    resource_name = "incident"
    label_columns = {**INCIDENT_LABELS, "id": _l("Id"), "system_id": _l("System / module"),
                     "system.id": _l("System / module"), "system.name": _l("System / module"),
                     "reported_by.username": _l("Reported by"),
                     "recorded_by.username": _l("Recorded by"), "asset_id": ASSET_LABEL}
    required_columns = IncidentSchema.required_names()
    references = {"system_id": ("system", [["active", FilterEqual, True]]),
                  "asset_id": ASSET_REFERENCE}
    list_title = show_title = _l("SIM incidents")
    add_title = _l("Report an incident")
    edit_title = _l("Edit incident")
    allow_browser_login = False
    datamodel = EagerSQLAInterface(Incident, eager=("system", "reported_by", "recorded_by"))
    class_permission_name = R.INCIDENT
    method_permission_name = R.API_VERBS
    base_permissions = ["can_read", "can_write", "can_act"]
    base_order = ("occurred_at", "desc")
    list_columns = ["id", "occurred_at", "system.id", "system.name", "description", "impact",
                    "status", "reported_by.username", "recorded_by.username", "action_taken",
                    "resolved_at", "asset_id"]
    show_columns = list_columns
    add_columns = ["occurred_at", "system_id", "asset_id", "description", "impact"]
    edit_columns = add_columns

    def pre_add(self, item):
        item.reported_by_id = current_actor().id
        item.status = "open"
        incidents.note_recorder(item, current_actor())

    def pre_update(self, item):
        incidents.note_recorder(item, current_actor())

    def write_errors(self, data, item):
        return incident_field_errors(data, partial=item is not None)

    def edit_refusal(self, item):
        refusal = incident_edit_refusal(item, current_actor())
        return (403, refusal) if refusal else None

    @expose("/<int:pk>/actions/resolve", methods=["POST"])
    @protect()
    @safe
    def resolve(self, pk: int):
        """Record the handling of an incident and resolve it.
        ---
        post:
          parameters:
          - in: path
            schema:
              type: integer
            name: pk
          responses:
            200:
              description: The incident after resolving
        """
        incident = db.session.get(Incident, pk)
        if incident is None:
            return self.response_404()
        payload = request.get_json(silent=True)
        if not isinstance(payload, dict):
            return self.response(400, message="Data harus berupa objek JSON.")
        try:
            incidents.resolve(incident, current_actor(), payload.get("action_taken"), utcnow())
        except incidents.IncidentError as err:
            return error_response(self, err)
        return self.response(200, id=pk, result=self.show_model_schema.dump(incident))
