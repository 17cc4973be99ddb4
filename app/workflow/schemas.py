"""The payload schema of each workflow action, built from its `rules.Field`s (marshmallow).

The same fields draw the action's form; here the server honours them: types, lengths,
`required`, `required_when`, `only_when`, and one message per field, in the reader's language
(`app.messages`). What needs the database (is this an active IT officer, is that a working
day) is checked after this, in `app.workflow.service`, by the field's kind.
"""

from __future__ import annotations

import functools

from marshmallow import RAISE, Schema, ValidationError, fields, pre_load, validates_schema

from app.i18n import N_
from app.messages import gettext, lazy_gettext
from app.requests.models import RequestHistory
from app.schemas import (
    INVALID_INPUT,
    REQUIRED_MESSAGE,
    UNKNOWN_FIELD,
    max_length,
    must_be_text,
    too_long,
)
from app.timeutil import parse_office_date
from app.workflow import rules

TRUE_WORDS = frozenset({"1", "true", "y", "yes", "on", "ya", "layak"})
FALSE_WORDS = frozenset({"0", "false", "n", "no", "off", "tidak", "tidak_layak"})
DATE_FORMAT_MESSAGE = N_("Invalid date format; use YYYY-MM-DD, for example 2026-12-01.")
ID_LIMIT = 2**31 - 1  # the database's integer


def yes_or_no(value) -> bool | None:
    """Yes or no, as a form, a script or the API says it; anything else is not an answer."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    return True if text in TRUE_WORDS else False if text in FALSE_WORDS else None


class Choice(fields.Field):
    def _deserialize(self, value, attr, data, **kwargs):
        return yes_or_no(value)


# What a person types into an action's note or reason: as long as the history's note takes.
NOTE_MAX_LENGTH = max_length(RequestHistory.note)
# The text fields' names at the start of a message.
TEXT_NAMES = {"note": N_("Note"), "absence_reason": N_("The reason the Kabid is absent")}


class Note(fields.Field):
    def _deserialize(self, value, attr, data, **kwargs):
        name = TEXT_NAMES.get(attr, N_("This field"))
        if not isinstance(value, str):
            raise ValidationError(must_be_text(name))
        if len(value) > NOTE_MAX_LENGTH:
            raise ValidationError(too_long(name, NOTE_MAX_LENGTH))
        return value


class OfficeDate(fields.Field):
    def _deserialize(self, value, attr, data, **kwargs):
        day = parse_office_date(value)
        if day is None:
            raise ValidationError(gettext(DATE_FORMAT_MESSAGE))
        return day


class UserId(fields.Field):
    """A user's id: a whole number the database can hold (Infinity, 1e300, 2.5 are not)."""

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise ValueError(value)
            number = int(value)
        except (TypeError, ValueError, OverflowError):
            number = 0
        if not 0 < number <= ID_LIMIT:
            raise ValidationError(gettext("Invalid IT officer."))
        return number


KINDS = {"text": Note, "bool": Choice, "date": OfficeDate, "user": UserId}


class ActionPayload(Schema):
    """Base of every action's schema; `action_fields` is set per action."""

    action_fields: tuple[rules.Field, ...] = ()
    # Said when marshmallow stores them (lazy: this class is built at import).
    error_messages = {"unknown": lazy_gettext(UNKNOWN_FIELD), "type": lazy_gettext(INVALID_INPUT)}

    class Meta:
        unknown = RAISE

    @pre_load
    def blanks_are_missing(self, data, **kwargs):
        """An empty box is not an answer; the row's version travels with every form; a field
        that does not apply (an officer for an infeasible proposal) is not read at all.
        Unknown names stay, to be refused."""
        if not isinstance(data, dict):
            return data
        known = {f.name: f for f in self.action_fields}
        cleaned = {}
        for name, value in data.items():
            if name == "version":
                continue
            if isinstance(value, str) and name in known:
                value = value.strip()
            if name not in known or value not in ("", None):
                cleaned[name] = value
        answers = {f.name: yes_or_no(cleaned.get(f.name)) for f in self.action_fields
                   if f.kind == "bool"}
        return {name: value for name, value in cleaned.items()
                if name not in known or known[name].applies(answers)}

    @validates_schema(skip_on_field_errors=False)
    def required_fields(self, data, **kwargs):
        errors = {}
        for f in self.action_fields:
            if f.applies(data) and f.is_required(data) and data.get(f.name) is None:
                errors[f.name] = gettext(f.missing or REQUIRED_MESSAGE)
        if errors:
            raise ValidationError(errors)


@functools.cache
def payload_schema(code: str) -> ActionPayload:
    action = rules.ACTIONS[code]
    declared = {f.name: KINDS[f.kind]() for f in action.fields}
    schema_class = ActionPayload.from_dict(declared, name=f"{code}_payload")
    schema_class.action_fields = action.fields
    return schema_class()


def load_payload(action: rules.Action, payload) -> tuple[dict, dict[str, str]]:
    """The typed payload (fields that do not apply dropped) and one message per bad field."""
    errors: dict[str, str] = {}
    try:
        data = payload_schema(action.code).load(payload)
    except ValidationError as error:
        # The fields that were fine still go on to their database checks, so one answer
        # names every problem.
        data = error.valid_data if isinstance(error.valid_data, dict) else {}
        errors = _first_messages(error.messages)
    for f in action.fields:
        if f.kind == "bool" and not f.required:
            data[f.name] = bool(data.get(f.name))  # an unticked box is a no
    return data, errors


def _first_messages(messages) -> dict[str, str]:
    if not isinstance(messages, dict):
        return {"_schema": _first(messages)}
    return {name: _first(value) for name, value in messages.items()}


def _first(value) -> str:
    while isinstance(value, (list, tuple)) and value:
        value = value[0]
    if isinstance(value, dict):
        return _first(next(iter(value.values()), gettext(INVALID_INPUT)))
    return str(value)  # a lazy message is said here, in the reader's language
