"""What every input schema shares: the Indonesian messages, lengths read from the columns, and
one base for the forms of the API (marshmallow).

Each domain keeps its own schemas (`app.workflow.schemas`, `app.requests.schemas`,
`app.checklist.schemas`); they take their limits from the mapped columns here instead of
restating them, and answer one message per field.
"""

from __future__ import annotations

from marshmallow import INCLUDE, Schema, ValidationError, fields, validates_schema
from marshmallow.validate import Length
from sqlalchemy import String

# Free text a person types (TEXT columns): long enough for a report, short enough to print.
LONG_TEXT_MAX = 5000

REQUIRED_MESSAGE = "Kolom ini wajib diisi."
UNKNOWN_FIELD = "Kolom ini tidak dikenal untuk aksi ini."
INVALID_INPUT = "Data harus berupa objek JSON."
NOT_TEXT = "Isian ini harus berupa teks."


def text_too_long(limit: int) -> str:
    return f"Maksimal {limit} karakter."


def max_length(attribute) -> int:
    """The most characters a mapped column takes: VARCHAR(n) says n, TEXT its `max_length`
    info or the office's limit for free text."""
    column = attribute.property.columns[0]
    if isinstance(column.type, String) and column.type.length:
        return column.type.length
    return column.info.get("max_length", LONG_TEXT_MAX)


def text(column, required: bool | str = False) -> fields.String:
    """Free text as long as its column takes. `required` True or the message when it is
    missing or blank (checked once, by `FormSchema`)."""
    limit = max_length(column)
    return fields.String(allow_none=True, metadata={"required": required},
                         validate=Length(max=limit, error=text_too_long(limit)),
                         error_messages={"invalid": NOT_TEXT})


def value(required: bool | str = False, **kwargs) -> fields.Raw:
    """Anything the domain checks itself (an id of a master list, a code from a list)."""
    return fields.Raw(allow_none=True, metadata={"required": required}, **kwargs)


def required_message(field) -> str:
    """The message of a required field left empty: its own, or the common one."""
    required = field.metadata.get("required")
    return required if isinstance(required, str) else REQUIRED_MESSAGE


def _blank(field, given) -> bool:
    """Nothing given: None, empty text, or (for a text field) something that is not text."""
    if isinstance(field, fields.String):
        return not isinstance(given, str) or not given.strip()
    return given is None or (isinstance(given, str) and not given.strip())


class FormSchema(Schema):
    """A create (`partial` False) or an edit (`partial` True: only the fields sent) through
    the API. Unknown fields are FAB's own schema's business; `errors_of` gives one
    Indonesian message per field."""

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
        # The required message wins over what the field said of an empty value.
        return {name: (messages[-1:] if name in self._blank_required(data, partial)
                       else messages[:1]) for name, messages in errors.items()}

    def _blank_required(self, data, partial) -> set[str]:
        """Required fields left empty (on an edit, only among those sent)."""
        if not isinstance(data, dict):
            return set()
        return {name for name, field in self.fields.items()
                if field.metadata.get("required") and (name in data or not partial)
                and _blank(field, data.get(name))}
