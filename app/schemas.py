"""What every input schema shares: the messages, lengths read from the columns, and one base
for the forms of the API (marshmallow).

Each domain keeps its own schemas (`app.workflow.schemas`, `app.requests.schemas`,
`app.checklist.schemas`); they take their limits from the mapped columns here instead of
restating them, and answer one message per field, in the reader's language: English msgids
said when a form is checked (`app.messages`), so the API (no session language) answers
Indonesian and the English screens English. marshmallow's own messages for the API's
generated schemas (`FIELD_MESSAGES` and the like) are Indonesian as they stand: only the API
reads them.
"""

from __future__ import annotations

from marshmallow import INCLUDE, Schema, ValidationError, fields, validates_schema
from marshmallow.validate import Length
from sqlalchemy import String

from app.i18n import N_
from app.messages import gettext, lazy_gettext
from app.timeutil import FIRST_YEAR, LAST_YEAR, WITA, to_utc_naive, to_wita

# Free text a person types (TEXT columns): long enough for a report, short enough to print.
LONG_TEXT_MAX = 5000

# msgids, said where they are used (gettext) or when a validator reads them (lazy_gettext).
REQUIRED_MESSAGE = N_("This field is required.")
UNKNOWN_FIELD = N_("This field is not known for this action.")
INVALID_INPUT = N_("The data must be a JSON object.")
NOT_TEXT = N_("This field must be text.")
TOO_LONG = N_("At most %(limit)s characters.")


def text_too_long(limit: int):
    """The message of a text longer than `limit`, said when a validator reads it."""
    return lazy_gettext(TOO_LONG, limit=limit)


def must_be_text(name: str) -> str:
    """'<name> must be text.', `name` the msgid of a field's name as a message starts."""
    return gettext("%(name)s must be text.", name=gettext(name))


def too_long(name: str, limit: int) -> str:
    """'<name> is too long (at most <limit> characters).'"""
    return gettext("%(name)s is too long (at most %(limit)s characters).", name=gettext(name),
                   limit=limit)


def max_length(attribute) -> int:
    """The most characters a mapped column takes: VARCHAR(n) says n, TEXT its `max_length`
    info or the office's limit for free text."""
    column = attribute.property.columns[0]
    if isinstance(column.type, String) and column.type.length:
        return column.type.length
    return column.info.get("max_length", LONG_TEXT_MAX)


def text(column, required: bool | str = False) -> fields.String:
    """Free text as long as its column takes. `required` True or the message when it is
    missing or blank (a msgid, or a lazy message when it has values), checked once, by
    `FormSchema`."""
    limit = max_length(column)
    return fields.String(allow_none=True, metadata={"required": required},
                         validate=Length(max=limit, error=text_too_long(limit)),
                         error_messages={"invalid": lazy_gettext(NOT_TEXT)})


def value(required: bool | str = False, **kwargs) -> fields.Raw:
    """Anything the domain checks itself (an id of a master list, a code from a list)."""
    return fields.Raw(allow_none=True, metadata={"required": required}, **kwargs)


def moment(required: bool | str = False) -> fields.DateTime:
    """A date-time as the API takes it (`OfficeDateTime`: without an offset it is WITA)."""
    return OfficeDateTime(allow_none=True, metadata={"required": required},
                          error_messages={"invalid": INVALID_BY_TYPE["OfficeDateTime"]})


def required_message(field):
    """The message of a required field left empty, its own or the common one, said when it
    is read (a web form's validator keeps it from import to every request)."""
    required = field.metadata.get("required")
    if required is True:
        return lazy_gettext(REQUIRED_MESSAGE)
    return lazy_gettext(required) if isinstance(required, str) else required


def is_required(field) -> bool:
    return field.metadata.get("required", False) is not False


def _blank(field, given) -> bool:
    """Nothing given: None, empty text, or (for a text field) something that is not text."""
    if isinstance(field, fields.String):
        return not isinstance(given, str) or not given.strip()
    return given is None or (isinstance(given, str) and not given.strip())


class FormSchema(Schema):
    """A create (`partial` False) or an edit (`partial` True: only the fields sent) through
    the API. Unknown fields are FAB's own schema's business; `errors_of` gives one message
    per field, in the reader's language."""

    class Meta:
        unknown = INCLUDE

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def filled(self, data, original, partial=False, **kwargs):
        errors = {name: [required_message(self.fields[name])]
                  for name in self._blank_required(original, partial)}
        if errors:
            raise ValidationError(errors)

    def errors_of(self, data, partial: bool = False) -> dict[str, list[str]]:
        if not isinstance(data, dict):
            return {}  # FAB answers non-JSON bodies itself
        errors = self.validate(data, partial=partial)
        # The required message wins over what the field said of an empty value; a message
        # given at import is said now (str).
        blank = self._blank_required(data, partial)
        return {name: [str(message) for message in
                       (messages[-1:] if name in blank else messages[:1])]
                for name, messages in errors.items()}

    def _blank_required(self, data, partial) -> set[str]:
        """Required fields left empty (on an edit, only among those sent)."""
        if not isinstance(data, dict):
            return set()
        return {name for name, field in self.fields.items()
                if is_required(field) and (name in data or not partial)
                and _blank(field, data.get(name))}

    @classmethod
    def required_names(cls) -> frozenset[str]:
        """The fields the product requires (for the API's `_info`), whatever the table allows."""
        return frozenset(name for name, field in cls._declared_fields.items()
                         if is_required(field))


# --- the API's generated schemas (FAB's model schemas) ----------------------------------------

# marshmallow's own messages, as an Indonesian API answers them (SPEC §7: every API message is
# Indonesian). Keys are marshmallow's error keys; {placeholders} are filled by marshmallow.
FIELD_MESSAGES = {
    "required": "Kolom ini wajib diisi.",
    "null": "Kolom ini wajib diisi.",
    "validator_failed": "Nilai tidak valid.",
    "type": "Jenis data tidak valid.",
    "too_large": "Angka terlalu besar.",
    "special": "Angka tidak valid.",
    "invalid_utf8": "Teks tidak valid (bukan UTF-8).",
    "format": "Nilai tidak dapat dibaca.",
    "invalid_awareness": "Tanggal dan jam tidak valid.",
}
INVALID_BY_TYPE = {
    "String": "Isian ini harus berupa teks.",
    "Integer": "Harus berupa bilangan bulat.",
    "Float": "Harus berupa angka.",
    "Decimal": "Harus berupa angka.",
    "Boolean": "Harus bernilai true atau false.",
    "Date": "Format tanggal TTTT-BB-HH, misalnya 2026-12-01.",
    "DateTime": "Tanggal dan jam tidak valid (contoh 2026-12-01T10:15).",
    "OfficeDateTime": "Tanggal dan jam tidak valid (contoh 2026-12-01T10:15).",
    "List": "Harus berupa daftar.",
    "Dict": "Harus berupa objek.",
    "Nested": "Harus berupa objek.",
}
SCHEMA_MESSAGES = {"type": "Data harus berupa objek JSON.", "unknown": "Kolom ini tidak dikenal."}


def in_office_words(field: fields.Field) -> fields.Field:
    """The field with Indonesian messages for what marshmallow would say in English."""
    messages = {key: FIELD_MESSAGES[key] for key in field.error_messages if key in FIELD_MESSAGES}
    invalid = INVALID_BY_TYPE.get(type(field).__name__)
    if "invalid" in field.error_messages:
        messages["invalid"] = invalid or "Nilai tidak valid."
    field.error_messages.update(messages)
    return field


class OfficeDateTime(fields.DateTime):
    """A date-time in office time at the API's edge (SPEC §3, Time): a value sent without an
    offset is WITA, one with an offset is that instant; the model keeps naive UTC; answers
    carry the offset (`2026-12-02T08:20:00+08:00`)."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return to_wita(value).isoformat(timespec="seconds")

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=WITA)
        if not FIRST_YEAR <= moment.year <= LAST_YEAR:
            raise self.make_error("invalid", input=value, obj_type="datetime")
        return to_utc_naive(moment)
