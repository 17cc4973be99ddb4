"""What the checklist's forms must hold (FM-02): check items, incident reports, a round's
entries and an incident's resolution, with lengths read from the columns (SPEC §4). Messages
are msgids said in the reader's language (`app.messages`)."""

from __future__ import annotations

import datetime as dt

from marshmallow import ValidationError, validates, validates_schema
from sqlalchemy import select

from app.assets.fields import check_asset_id
from app.checklist.models import (
    CATEGORIES,
    PROBE_KINDS,
    RESULTS,
    CheckItem,
    ChecklistEntry,
    Incident,
)
from app.extensions import db
from app.i18n import N_
from app.messages import gettext, lazy_gettext
from app.requests.models import SimSystem
from app.schemas import TOO_LONG, FormSchema, max_length, must_be_text, text, too_long, value
from app.timeutil import FIRST_YEAR, LAST_YEAR

VALUE_MAX = max_length(ChecklistEntry.value)
NOTE_MAX = max_length(ChecklistEntry.note)
ACTION_TAKEN_MAX = max_length(Incident.action_taken)
# A category missing or unknown is answered alike, naming the choices (said when read).
UNKNOWN_CATEGORY = lazy_gettext("The category must be one of: %(choices)s.",
                                choices=", ".join(CATEGORIES))
BAD_MOMENT = N_("Invalid time of the incident (for example 2026-12-01T10:15).")


class CheckItemSchema(FormSchema):
    """A check item; `item` is the one being edited (None for a new one)."""

    code = text(CheckItem.code, required=N_("The code is required."))
    name = text(CheckItem.name, required=N_("The name is required."))
    category = value(required=UNKNOWN_CATEGORY)
    order = value()
    probe_kind = value()
    probe_target = text(CheckItem.probe_target)
    asset_id = value(validate=check_asset_id)  # issue 22: optional

    def __init__(self, item: CheckItem | None = None, **kwargs):
        super().__init__(**kwargs)
        self.item = item

    @validates("code")
    def _code_free(self, code, **kwargs):
        if not isinstance(code, str) or not code.strip():
            return
        taken = db.session.execute(select(CheckItem.id).where(CheckItem.code == code)).scalar()
        if taken is not None and (self.item is None or taken != self.item.id):
            raise ValidationError(gettext("The code is already used by another check item."))

    @validates("category")
    def _known_category(self, category, **kwargs):
        if not isinstance(category, str) or category not in CATEGORIES:
            raise ValidationError(str(UNKNOWN_CATEGORY))

    @validates("order")
    def _order_in_range(self, order, **kwargs):
        if not isinstance(order, int) or isinstance(order, bool) or not 0 <= order <= 10_000:
            raise ValidationError(gettext("The order must be a number from 0 to 10000."))

    @validates_schema(skip_on_field_errors=False)
    def _probe(self, data, **kwargs):
        item = self.item
        kind = data.get("probe_kind", item.probe_kind if item else None) or None
        if kind is not None and (not isinstance(kind, str) or kind not in PROBE_KINDS):
            raise ValidationError({"probe_kind": [gettext(
                "The automatic probe must be one of: %(choices)s.", choices=", ".join(
                    f"{code} ({label})" for code, label in PROBE_KINDS.items()))]})
        if kind is not None and not (data.get("probe_target",
                                              item.probe_target if item else None) or ""):
            raise ValidationError({"probe_target": [gettext(
                "The probe target is required when an automatic probe is chosen.")]})


def check_item_field_errors(data, item: CheckItem | None) -> dict[str, list[str]]:
    return CheckItemSchema(item).errors_of(data, partial=item is not None)


class IncidentSchema(FormSchema):
    """An incident report: what happened, when, on which system."""

    description = text(Incident.description,
                       required=N_("The description of what happened is required."))
    impact = text(Incident.impact)
    occurred_at = value(required=BAD_MOMENT)
    system_id = value()
    asset_id = value(validate=check_asset_id)  # issue 22: optional

    @validates("occurred_at")
    def _moment(self, moment, **kwargs):
        try:
            parsed = dt.datetime.fromisoformat(str(moment))
        except ValueError:
            parsed = None
        if parsed is None or not FIRST_YEAR <= parsed.year <= LAST_YEAR:
            raise ValidationError(gettext(BAD_MOMENT))

    @validates("system_id")
    def _system(self, system_id, **kwargs):
        if system_id is None:
            return
        if (not isinstance(system_id, int) or isinstance(system_id, bool)
                or not 0 < system_id < 2**31 or db.session.get(SimSystem, system_id) is None):
            raise ValidationError(gettext("System/module not found."))


INCIDENT_SCHEMA = IncidentSchema()


def incident_field_errors(data, partial: bool) -> dict[str, list[str]]:
    return INCIDENT_SCHEMA.errors_of(data, partial=partial)


def _entry_text(given, limit: int, name: str, errors: dict, key: str) -> str | None:
    """One text of an entry; `name` the msgid of its name at the start of a message."""
    if given is None:
        return None
    if not isinstance(given, str):
        errors[key] = must_be_text(name)
        return None
    given = given.strip()
    if len(given) > limit:
        errors[key] = too_long(name, limit)
    return given or None


def _missing_note(result, suggested: str | None, item: str) -> str | None:
    """Why an entry without remarks is refused: a fault, or a probe's fault marked normal."""
    if result == "fault":
        return gettext("Item '%(item)s' has a fault: remarks are required.", item=item)
    if result == "ok" and suggested == "fault":
        return gettext("Item '%(item)s': the automatic probe found a fault; say in the remarks "
                       "why it is normal.", item=item)
    return None


def entry_errors(entries, items: list[CheckItem], suggested: dict[int, str | None] | None = None,
                 ) -> tuple[dict[int, dict], dict[str, str]]:
    """One entry per active item; a fault, or a probe's fault marked normal, needs a note; a
    round with nothing checked is not a check (SPEC §4): (parsed, errors). `suggested` holds
    the probes' results by item id."""
    suggested = suggested or {}
    if not isinstance(entries, list) or not entries:
        return {}, {"entries": gettext("Fill in the check result for every item.")}
    by_id = {item.id: item for item in items}
    errors: dict[str, str] = {}
    parsed: dict[int, dict] = {}
    for index, entry in enumerate(entries):
        key = f"entries.{index}"
        if not isinstance(entry, dict):
            errors[key] = gettext("Every row must be an object.")
            continue
        item_id = entry.get("item_id")
        if not isinstance(item_id, int) or isinstance(item_id, bool) or item_id not in by_id:
            errors[f"{key}.item_id"] = gettext("Unknown or inactive check item.")
            continue
        if item_id in parsed:
            errors[f"{key}.item_id"] = gettext("Item '%(item)s' is filled in more than once.",
                                               item=by_id[item_id].name)
            continue
        result = entry.get("result")
        if not isinstance(result, str) or result not in RESULTS:
            errors[f"{key}.result"] = gettext("The result must be ok, fault or not_checked.")
        entry_value = _entry_text(entry.get("value"), VALUE_MAX, N_("Value"), errors,
                                  f"{key}.value")
        note = _entry_text(entry.get("note"), NOTE_MAX, N_("Remarks"), errors, f"{key}.note")
        follow_up = _entry_text(entry.get("follow_up"), NOTE_MAX, N_("The follow-up"), errors,
                                f"{key}.follow_up")
        problem = None if note else _missing_note(result, suggested.get(item_id),
                                                   by_id[item_id].name)
        if problem:
            errors[f"{key}.note"] = problem
        parsed[item_id] = {"result": result, "value": entry_value, "note": note,
                           "follow_up": follow_up}
    missing = [item.name for item in items if item.id not in parsed]
    if missing and not errors:
        errors["entries"] = gettext("Items not filled in yet: %(items)s", items=", ".join(missing))
    if not errors and all(data["result"] == "not_checked" for data in parsed.values()):
        errors["entries"] = gettext("No item was checked: a round needs at least one item "
                                    "checked (Normal or Fault).")
    return parsed, errors


def action_taken_problem(action_taken) -> str | None:
    """An incident is resolved with what was done about it."""
    if not isinstance(action_taken, str) or not action_taken.strip():
        return gettext("The action taken is required.")
    if len(action_taken) > ACTION_TAKEN_MAX:
        return gettext(TOO_LONG, limit=ACTION_TAKEN_MAX)
    return None
