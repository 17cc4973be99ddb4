"""Web UI for FM-01 and FM-03: list, form, and the request page with its workflow buttons."""

from __future__ import annotations

import datetime as dt

from flask import abort, flash, g, redirect, request, send_file, url_for
from flask_appbuilder import ModelView, expose, has_access
from flask_appbuilder.fieldwidgets import BS3TextAreaFieldWidget
from flask_appbuilder.models.sqla.filters import FilterEqual
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Optional

from app.assets.fields import asset_select
from app.checklist import calendar
from app.extensions import db
from app.fab_overrides import StaticSearchWidget
from app.forms import NotBefore, OfficeDateField, OfficeDateTimeField, parse_typed_day
from app.requests import attachments
from app.requests.labels import DETAIL_FIELDS, LABELS
from app.requests.listing import LIST_EAGER, VISIBLE_REQUESTS, RequestInterface
from app.requests.models import (
    CATEGORIES,
    IMPROVEMENT,
    PRIORITIES,
    Assignment,
    ImprovementRequest,
    RequestHistory,
    ServiceRequest,
    SupportRequest,
)
from app.requests.schemas import (
    NEEDED_ORDER,
    SystemForImprovement,
    edit_refusal,
    fill_new_request,
    form_validators,
)
from app.requests.search import FilterNumberOrTitle
from app.security import access
from app.security import roles as R
from app.security.access import current_actor
from app.timeutil import format_date, format_datetime, today_wita
from app.workflow import relations, rules, service
from app.workflow.vocabulary import Kind

REQUIRED = DataRequired(message=_l("This field is required."))


def status_label(code: str) -> str:
    return gettext(rules.STATES.get(code, code))


def status_badge(code: str) -> Markup:
    css = {
        "done": "success", "rejected": "danger", "cancelled": "default",
        "in_progress": "primary", "obstacle_reported": "warning",
    }.get(code, "info")
    return Markup(f'<span class="label label-{css}">{escape(status_label(code))}</span>')


# Each kind's list and page view (links from home, the dashboard and the emails' pages).
LIST_VIEWS = {"improvement": "ImprovementRequestView", "support": "SupportRequestView"}


def show_url(req) -> str:
    return url_for(f"{LIST_VIEWS[req.kind]}.show", pk=req.id)


def button_label(action, req) -> str:
    """What an action's button says on this request: the Kabid's approval says what it
    approves (SOP 9.2.4)."""
    if action.code == "kabid_approve":
        return (gettext("Approve the assignment") if req.proposal_feasible
                else gettext("Approve the rejection"))
    if action.code == "kabid_decline":
        return gettext("Return to the Kasi PDSI")
    return gettext(action.label)


def action_defaults(req) -> dict[str, dict[str, object]]:
    """What an action's form starts with: a re-assignment keeps the current officer."""
    return {"reassign": {"officer_id": req.officer_id or ""}}


def dates_as_iso(action: str, typed: dict) -> dict:
    """The form's dates (picked as day-month-year) as the workflow takes them (YYYY-MM-DD)."""
    names = {f.name for f in rules.ACTIONS[action].fields if f.kind == "date"} \
        if action in rules.ACTIONS else set()
    payload = dict(typed)
    for name in names & payload.keys():
        day = parse_typed_day(payload[name])
        if day is not None:
            payload[name] = day.isoformat()
    return payload


def _format_target(value, item=None):
    return format_date(value) if value else "-"


class RequestView(ModelView):
    """Shared by both kinds; a subclass names the model and its form fields."""

    kind = ""
    route_base_name = ""
    show_template = "requests/show.html"
    method_permission_name = R.VIEW_VERBS
    base_filters = VISIBLE_REQUESTS
    base_order = ("id", "desc")
    base_permissions = ["can_read", "can_write", "can_act"]
    list_columns = ["number", "title", "unit", "requester", "status", "officer", "target_date"]
    search_columns = ["number", "title", "status", "target_date", "submitted_at", "closed_at"]
    search_widget = StaticSearchWidget
    order_columns = ["number", "title", "status", "target_date", "submitted_at"]
    label_columns = LABELS
    formatters_columns = {"status": status_badge, "target_date": _format_target,
                          "number": lambda v: v or gettext("Draft"),
                          "officer": lambda v: v or "-"}
    # The search form offers the states by name, not the codes the column stores.
    search_form_extra_fields = {"status": SelectField(
        _l("Status"), choices=[(code, _l(label)) for code, label in rules.STATES.items()])}
    page_size = 25

    list_template = "requests/list.html"

    @expose("/list/")
    @has_access
    def list(self):
        """FAB's list, with the search box over number and title above its filters."""
        self.update_redirect()
        widgets = self._list()
        search_arg = self._search_arg()
        filters_open = any(name.startswith("_flt_") and name != search_arg and value
                           for name, value in request.args.items())
        return self.render_template(self.list_template, title=self.list_title, widgets=widgets,
                                    search_arg=search_arg,
                                    search_value=request.args.get(search_arg, ""),
                                    filters_open=filters_open)

    def _search_arg(self) -> str:
        """The URL argument of the "number or title contains" filter (FAB counts a column's
        filters from 0)."""
        title_filters = self._filters.get_search_filters()["title"]
        index = next(i for i, f in enumerate(title_filters) if isinstance(f, FilterNumberOrTitle))
        return f"_flt_{index}_title"

    @expose("/show/<int:pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        return self._render_show(self._visible(pk))

    @expose("/act/<int:pk>/<action>", methods=["POST"])
    @has_access
    def act(self, pk, action):
        """A workflow action from the request page (CSRF-protected form post)."""
        # Locked first, as the API does: both paths take the request row, then the numbering.
        try:
            req = service.load_for_update(self.datamodel.obj, pk, relations.request_visibility(
                current_actor(), today_wita()))
        except service.WorkflowError:
            abort(404)
        typed = {k: v for k, v in request.form.items() if k not in ("csrf_token", "version")}
        version = request.form.get("version", type=int)
        try:
            service.perform(req, action, current_actor(), dates_as_iso(action, typed),
                            number_formats=self._number_formats(), expected_version=version)
        except service.WorkflowError as err:
            if err.status == 404:
                abort(404)
            if err.status == 400:
                return self._render_show(req, errors=err.errors, open_action=action,
                                         form_data=typed, status=400)
            flash(err.message, "danger")
            return self._render_show(self._visible(pk), status=err.status)
        flash(gettext("%(action)s: done.", action=button_label(rules.ACTIONS[action], req)),
              "success")
        if not self._still_visible(pk):  # e.g. returned to its requester as a draft
            flash(gettext("The request went back to its requester and is no longer in your "
                          "lists."), "info")
            return redirect(self.appbuilder.get_url_for_index)
        return redirect(url_for(f"{self.__class__.__name__}.show", pk=pk))

    @expose("/edit/<int:pk>", methods=["GET", "POST"])
    @has_access
    def edit(self, pk):
        refusal = edit_refusal(self._visible(pk), current_actor())
        if refusal:
            flash(refusal, "warning")
            return redirect(url_for(f"{self.__class__.__name__}.show", pk=pk))
        widgets = self._edit(pk)
        if not widgets:
            return redirect(url_for(f"{self.__class__.__name__}.show", pk=pk))
        return self.render_template(self.edit_template, title=self.edit_title, widgets=widgets,
                                    related_views=self._related_views)

    @expose("/attach/<int:pk>", methods=["POST"])
    @has_access
    def attach(self, pk):
        """The requester attaches a file (PNG, JPEG, PDF) until the request is closed."""
        db.session.rollback()  # start afresh: the lock below comes first in the transaction
        attachments.lock_request(pk)
        req = self._visible(pk)
        user = current_actor()
        if req.requester_id != user.id:
            abort(403)
        if req.status in rules.FINAL_STATES:
            flash(gettext("A closed request cannot take attachments."), "warning")
            return redirect(url_for(f"{self.__class__.__name__}.show", pk=pk))
        try:
            attachments.save(req, request.files.get("file"), user)
            db.session.commit()
        except attachments.AttachmentError as err:
            db.session.rollback()
            flash(str(err), "danger")
            return self._render_show(req, status=400)
        flash(gettext("Attachment saved."), "success")
        return redirect(url_for(f"{self.__class__.__name__}.show", pk=pk))

    @expose("/attachment/<int:pk>/<int:attachment_id>", methods=["GET"])
    @has_access
    def attachment(self, pk, attachment_id):
        """Served only after the row check, always as a download (never rendered inline)."""
        req = self._visible(pk)
        attachment = next((a for a in req.attachments if a.id == attachment_id), None)
        if attachment is None:
            abort(404)
        return send_file(attachments.path_of(attachment), mimetype=attachment.content_type,
                         as_attachment=True, download_name=attachment.original_name)

    def pre_add(self, item):
        fill_new_request(item, current_actor())

    def post_add_redirect(self):
        """After saving, the draft's own page: it says it is not submitted yet, beside the
        button that submits it."""
        added = g.pop("added_request_id", None)
        if added is None:
            return redirect(url_for(f"{self.__class__.__name__}.list"))
        return redirect(url_for(f"{self.__class__.__name__}.show", pk=added))

    def post_add(self, item):
        g.added_request_id = item.id

    # --- helpers --------------------------------------------------------------------

    def _number_formats(self):
        from flask import current_app

        return current_app.config["REQUEST_NUMBER_FORMAT"]

    def _still_visible(self, pk: int) -> bool:
        model = self.datamodel.obj
        visible = relations.request_visibility(current_actor(), today_wita())
        return db.session.execute(
            select(model.id).where(model.id == pk, visible)).first() is not None

    def _visible(self, pk: int) -> ServiceRequest:
        model = self.datamodel.obj
        visible = relations.request_visibility(current_actor(), today_wita())
        req = db.session.execute(
            select(model).where(model.id == pk, visible).options(
                selectinload(model.assignments).selectinload(Assignment.officer),
                selectinload(model.history).selectinload(RequestHistory.actor),
                selectinload(model.history).selectinload(RequestHistory.on_behalf_of),
                selectinload(model.attachments),
            )
        ).scalar_one_or_none()
        if req is None:
            abort(404)
        return req

    def _render_show(self, req, errors=None, open_action=None, form_data=None, status=200):
        user = current_actor()
        today = today_wita()
        allowed = service.available_actions(user, req)
        needs_officer = any(a.action.code in ("assess", "reassign") for a in allowed)
        # SPEC §3: the assess form says beforehand when a recorded absence makes it final.
        deciding = any(a.action.code == "assess" or a.standing.decides_alone for a in allowed)
        kabid_absence = relations.kabid_absence(today) if deciding else None
        officers = access.users_with_role(R.PETUGAS_IT) if needs_officer else []
        fields = [(label, self._field_value(req, name)) for name, label in DETAIL_FIELDS[req.kind]]
        holidays = self._holiday_list(today) if needs_officer else []
        body = self.render_template(
            self.show_template,
            title=f"{req.form_code} — {req.number or gettext('Draft')}",
            req=req,
            fields=fields,
            allowed=allowed,
            officers=officers,
            kabid_absence=kabid_absence,
            pending_assignment=next(
                (a for a in req.assignments if a.approval == "pending"), None),
            errors=errors or {},
            open_action=open_action,
            form_data=form_data or {},
            overdue=req.is_overdue_on(today),
            today=today,
            min_target=today.isoformat(),
            min_target_shown=today.strftime("%d-%m-%Y"),
            holidays=holidays,
            holidays_shown=",".join(dt.date.fromisoformat(d).strftime("%d-%m-%Y")
                                    for d in holidays),
            can_edit=edit_refusal(req, user) is None,
            can_attach=req.requester_id == user.id and req.status not in rules.FINAL_STATES,
            view_name=self.__class__.__name__,
            status_label=status_label,
            button_label=button_label,
            defaults=action_defaults(req),
            STATES=rules.STATES,
            ACTIONS=rules.ACTIONS,
        )
        return body, status

    @staticmethod
    def _holiday_list(today: dt.date) -> list[str]:
        """Non-working days ahead, for the date picker's immediate warning."""
        return [d.isoformat() for d in calendar.holidays_between(today, today + dt.timedelta(days=400))]

    @staticmethod
    def _field_value(req, name):
        value = getattr(req, name)
        if name == "priority":
            return PRIORITIES.get(value, value or "-")
        if name == "category":
            return CATEGORIES.get(value, value or "-")
        if isinstance(value, dt.datetime):
            return format_datetime(value)
        if isinstance(value, dt.date):
            return format_date(value)
        return value if value not in (None, "") else "-"


class ImprovementRequestView(RequestView):
    kind = "improvement"
    datamodel = RequestInterface(ImprovementRequest, eager=LIST_EAGER)
    class_permission_name = R.IMPROVEMENT
    list_title = _l("Improvement requests (FM-01)")
    add_title = _l("New improvement request")
    edit_title = _l("Edit improvement request")
    show_title = _l("Improvement request")
    list_columns = ["number", "title", "category", "unit", "requester", "status", "officer",
                    "target_date"]
    search_columns = RequestView.search_columns + ["category"]
    formatters_columns = {**RequestView.formatters_columns,
                          "category": lambda v: CATEGORIES.get(v, v)}
    search_form_extra_fields = {**RequestView.search_form_extra_fields, "category": SelectField(
        _l("Category"), choices=list(CATEGORIES.items()))}
    add_columns = ["category", "system", "title", "current_condition", "proposed_improvement",
                   "reason", "priority", "desired_date"]
    edit_columns = add_columns
    add_form_query_rel_fields = {"system": [["active", FilterEqual, True]]}
    edit_form_query_rel_fields = add_form_query_rel_fields
    validators_columns = {
        **form_validators(Kind.IMPROVEMENT, {"system_id": "system"}),
        "system": [SystemForImprovement()],
    }
    description_columns = {"system": _l("Required for a SIM improvement; leave empty for a "
                                        "new product innovation.")}
    add_form_extra_fields = {
        "category": SelectField(_l("Category"), choices=list(CATEGORIES.items()),
                                default=IMPROVEMENT, validators=[REQUIRED]),
        "priority": SelectField(
            _l("Priority"), choices=list(PRIORITIES.items()), default="sedang",
            validators=[REQUIRED],
        ),
        "desired_date": OfficeDateField(_l("Desired date"), validators=[Optional()]),
        "current_condition": TextAreaField(_l("Current condition"), widget=BS3TextAreaFieldWidget()),
        "proposed_improvement": TextAreaField(_l("Proposed improvement"),
                                              widget=BS3TextAreaFieldWidget()),
        "reason": TextAreaField(_l("Reason / benefit"), widget=BS3TextAreaFieldWidget()),
    }
    edit_form_extra_fields = add_form_extra_fields


class SupportRequestView(RequestView):
    kind = "support"
    datamodel = RequestInterface(SupportRequest, eager=LIST_EAGER)
    class_permission_name = R.SUPPORT
    list_title = _l("Support requests (FM-03)")
    add_title = _l("New support request")
    edit_title = _l("Edit support request")
    show_title = _l("Support request")
    add_columns = ["support_type", "asset", "title", "description", "location", "needed_from",
                   "needed_until"]
    edit_columns = add_columns
    add_form_query_rel_fields = {"support_type": [["active", FilterEqual, True]]}
    edit_form_query_rel_fields = add_form_query_rel_fields
    validators_columns = form_validators(Kind.SUPPORT, {"support_type_id": "support_type"})
    add_form_extra_fields = {
        "asset": asset_select(),  # issue 22: the requester's own equipment first
        "description": TextAreaField(_l("Description"), widget=BS3TextAreaFieldWidget()),
        "needed_from": OfficeDateTimeField(_l("Needed from"), validators=[Optional()]),
        "needed_until": OfficeDateTimeField(_l("Needed until"), validators=[
            Optional(), NotBefore("needed_from", NEEDED_ORDER)]),
    }
    edit_form_extra_fields = add_form_extra_fields
