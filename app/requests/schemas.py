"""What a request form must hold (FM-01, FM-03), for the form and for the API alike.

One schema per kind (marshmallow): required fields, lengths read from the columns, the
priority's choices and the master lists' active rows, each with its message (in the
reader's language: Indonesian for the API, the session's language on a screen).
The API answers its errors before FAB writes anything (`RequestApi.write_errors`); the web
form takes its validators from the same schema (`form_validators`). Who may edit a request,
and what a new one is, are here too (SPEC §3).
"""

from __future__ import annotations

from marshmallow import ValidationError, fields, validates_schema
from marshmallow.validate import Length, OneOf
from wtforms.validators import DataRequired, StopValidation
from wtforms.validators import Length as FormLength

from app.assets.fields import check_asset_id
from app.extensions import db
from app.i18n import N_
from app.messages import gettext, lazy_gettext
from app.requests.models import (
    CATEGORIES,
    IMPROVEMENT,
    PRIORITIES,
    ServiceRequest,
    SimSystem,
    SupportType,
)
from app.schemas import (
    REQUIRED_MESSAGE,
    FormSchema,
    is_required,
    moment,
    required_message,
    text,
    value,
)

SR = ServiceRequest
INACTIVE_CHOICE = N_("The choice was not found or is not active.")
# Read by the web form's validator too (app.requests.views): said when it is shown.
NEEDED_ORDER = lazy_gettext("The end time cannot be before the start time.")
# SOP 2.2: an improvement names the SIM module it improves; an innovation (SOP 2.3) has none.
# The project's one wording for an empty required field; the form's description says when.
SYSTEM_NEEDED = REQUIRED_MESSAGE


def _active(master):
    """A master list's id (system, support type): an active row of it."""

    def check(given):
        row = db.session.get(master, given) if isinstance(given, int) else None
        if row is None or not row.active:
            raise ValidationError(gettext(INACTIVE_CHOICE))

    return check


class ImprovementSchema(FormSchema):
    """FM-01: what needs improving, how, and why."""

    title = text(SR.title, required=True)
    category = value(validate=OneOf(CATEGORIES, error=lazy_gettext(
        "The category must be penyempurnaan or inovasi.")))
    system_id = value(validate=_active(SimSystem))
    current_condition = text(SR.current_condition, required=True)
    proposed_improvement = text(SR.proposed_improvement, required=True)
    reason = text(SR.reason, required=True)
    priority = value(required=True, validate=OneOf(
        PRIORITIES, error=lazy_gettext("The priority must be rendah, sedang or tinggi.")))

    @validates_schema(skip_on_field_errors=True, pass_original=True)
    def _system_for_improvement(self, data, original, partial=False, **kwargs):
        """The system is required only for `penyempurnaan`; on an edit the stored values
        count for what is not sent (`context["stored"]`)."""
        if not isinstance(original, dict):
            return
        values = {**self.context.get("stored", {}), **original}
        if needs_system(values.get("category")) and values.get("system_id") in (None, ""):
            raise ValidationError({"system_id": [gettext(SYSTEM_NEEDED)]})


class SupportSchema(FormSchema):
    """FM-03: what help is needed, where."""

    title = text(SR.title, required=True)
    support_type_id = value(required=True, validate=_active(SupportType))
    asset_id = value(validate=check_asset_id)  # issue 22: optional
    description = text(SR.description, required=True)
    location = text(SR.location)
    needed_from = moment()
    needed_until = moment()

    @validates_schema(skip_on_field_errors=True)
    def _needed_in_order(self, data, **kwargs):
        start, until = data.get("needed_from"), data.get("needed_until")
        if start is not None and until is not None and until < start:
            raise ValidationError({"needed_until": [NEEDED_ORDER]})


SCHEMAS = {"improvement": ImprovementSchema, "support": SupportSchema}


def needs_system(category) -> bool:
    """A request without a category is an improvement (the default, SPEC §3)."""
    return (category or IMPROVEMENT) == IMPROVEMENT


def field_errors(kind: str, data, partial: bool, stored=None) -> dict[str, list[str]]:
    """Per-field messages for a create (`partial` False) or an edit of `stored`."""
    context = {}
    if stored is not None and kind == "improvement":
        context["stored"] = {"category": stored.category, "system_id": stored.system_id}
    return SCHEMAS[kind](context=context).errors_of(data, partial=partial)


def form_validators(kind: str, relation_names: dict[str, str]) -> dict[str, list]:
    """WTForms validators for the web form's text and master-list fields, from the same
    schema: `relation_names` maps a foreign key (system_id) to the form's field (system)."""
    validators: dict[str, list] = {}
    for name, field in SCHEMAS[kind]().fields.items():
        if not (isinstance(field, fields.String) or name in relation_names):
            continue  # a select with its own choices (priority)
        rules = [DataRequired(message=required_message(field))] if is_required(field) else []
        rules += [FormLength(max=v.max, message=v.error) for v in field.validators
                  if isinstance(v, Length)]
        if rules:
            validators[relation_names.get(name, name)] = rules
    return validators


def edit_refusal(req: ServiceRequest, user) -> str | None:
    """Only the requester edits, and only a draft (SPEC §3)."""
    if req.requester_id != user.id:
        return gettext("Only the requester can change this request.")
    if req.status != "draft":
        return gettext("A request can only be changed while it is a draft.")
    return None


def fill_new_request(item: ServiceRequest, user) -> None:
    """A new request is a draft of the requester's own unit (SPEC §3)."""
    if not getattr(user, "unit_id", None):
        raise ValueError(gettext("Your account is not registered with a unit; ask the Admin."))
    item.requester_id = user.id
    item.unit_id = item.unit_id or user.unit_id
    item.status = "draft"


class SystemForImprovement:
    """The web form's check of the system/module: required when the category chosen on the
    same form is `penyempurnaan` (the API's rule, `ImprovementSchema`)."""

    field_flags = {}

    def __call__(self, form, field):
        category = form.category.data if "category" in form else None
        if needs_system(category) and not field.data:
            raise StopValidation(gettext(SYSTEM_NEEDED))
