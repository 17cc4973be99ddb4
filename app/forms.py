"""Form fields shared by the screens: dates and date-times as the office types them.

A date-time typed into a form is office time (WITA); the columns store UTC (SPEC §3, Time).
The conversion happens here, at the edge, in both directions: what the form hands to the model
is naive UTC, and what an edit form shows is the stored instant in WITA.
"""

from __future__ import annotations

import datetime as dt

from wtforms import DateTimeField
from wtforms.validators import ValidationError
from wtforms.widgets import DateInput, DateTimeLocalInput

from app.timeutil import FIRST_YEAR, LAST_YEAR, WITA, to_utc_naive, to_wita

DATETIME_MESSAGE = "Tanggal dan jam tidak valid (contoh 2026-12-01 10.15)."
# What a browser's datetime-local input sends, and what people type by hand.
TYPED_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S",
                 "%Y-%m-%d %H.%M", "%d-%m-%Y %H:%M", "%d-%m-%Y %H.%M", "%d/%m/%Y %H:%M",
                 "%d/%m/%Y %H.%M")
SHOWN_FORMAT = "%Y-%m-%dT%H:%M"  # the value a datetime-local input takes


class NativeDateInput(DateInput):
    def __call__(self, field, **kwargs):
        kwargs.setdefault("class", "form-control")
        return super().__call__(field, **kwargs)


class NativeDateTimeInput(DateTimeLocalInput):
    def __call__(self, field, **kwargs):
        kwargs.setdefault("class", "form-control")
        return super().__call__(field, **kwargs)


def parse_typed_moment(text: str) -> dt.datetime | None:
    """A wall-clock date-time as typed in the office, as naive UTC; None if it is not one."""
    text = (text or "").strip()
    for pattern in TYPED_FORMATS:
        try:
            local = dt.datetime.strptime(text, pattern)
        except ValueError:
            continue
        if FIRST_YEAR <= local.year <= LAST_YEAR:
            return to_utc_naive(local.replace(tzinfo=WITA))
        return None
    return None


class OfficeDateTimeField(DateTimeField):
    """A date and time typed in WITA; `data` is the naive UTC instant the column stores."""

    widget = NativeDateTimeInput()

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format=SHOWN_FORMAT, **kwargs)

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        if isinstance(self.data, dt.datetime):
            return to_wita(self.data).strftime(SHOWN_FORMAT)
        return ""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = " ".join(valuelist).strip()
        if not text:
            self.data = None
            return
        self.data = parse_typed_moment(text)
        if self.data is None:
            raise ValueError(DATETIME_MESSAGE)


class NotBefore:
    """A date-time field's check that it does not precede another field of the form."""

    def __init__(self, other: str, message: str):
        self.other, self.message = other, message

    def __call__(self, form, field):
        start = form[self.other].data
        if start is not None and field.data is not None and field.data < start:
            raise ValidationError(self.message)
