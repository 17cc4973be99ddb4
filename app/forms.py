"""Form fields shared by the screens: dates and date-times as the office types them.

One order everywhere, day-month-year ("07-03-2033", "07-03-2033 08.20"), picked with the date
picker in the reader's language, weeks from Monday (app/static/js/office.js; SPEC §3). A
date-time typed into a form is office time (WITA); the columns store UTC. The conversion
happens here, at the edge, in both directions: what the form hands to the model is naive UTC,
and what an edit form shows is the stored instant in WITA. ISO input (`2033-03-07T08:20`)
is read too, for scripts and old bookmarks.
"""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext
from markupsafe import Markup, escape
from wtforms import DateField, DateTimeField
from wtforms.validators import ValidationError
from wtforms.widgets import DateInput

from app.i18n import N_
from app.timeutil import FIRST_YEAR, LAST_YEAR, WITA, to_utc_naive, to_wita

DATETIME_MESSAGE = N_("Not a valid date and time (for example 01-12-2026 10.15).")
DATE_MESSAGE = N_("Not a valid date (for example 01-12-2026).")
# What the two inputs of a date-time send (joined by a space), and what people type by hand.
TYPED_FORMATS = ("%d-%m-%Y %H.%M", "%d-%m-%Y %H:%M", "%d/%m/%Y %H.%M", "%d/%m/%Y %H:%M",
                 "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S",
                 "%Y-%m-%d %H.%M")
DATE_FORMATS = ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d")
SHOWN_DATE, SHOWN_TIME = "%d-%m-%Y", "%H.%M"


class NativeDateInput(DateInput):
    def __call__(self, field, **kwargs):
        kwargs.setdefault("class", "form-control")
        return super().__call__(field, **kwargs)


class OfficeDateInput:
    """A text input the date picker opens on (class `office-date`), day-month-year."""

    def __call__(self, field, **kwargs):
        return Markup(_date_input(field.name, field.id, field._value(), **kwargs))


class OfficeDateTimeInput:
    """The date (picker) and the time (hh.mm), two inputs under one name."""

    def __call__(self, field, **kwargs):
        day, time = field._value_parts()
        hint, label = gettext("hh.mm"), gettext("Time (WITA)")
        time_input = (f'<input type="text" class="form-control office-time" name="{field.name}" '
                      f'id="{field.id}-time" value="{escape(time)}" '
                      f'placeholder="{escape(hint)}" inputmode="numeric" '
                      f'autocomplete="off" maxlength="5" aria-label="{escape(label)}">')
        return Markup(f'<div class="office-datetime">'
                      f'{_date_input(field.name, field.id, day, **kwargs)}'
                      f'{time_input}<span class="office-zone">WITA</span></div>')


def _date_input(name: str, field_id: str, value: str, **kwargs) -> str:
    extra = " ".join(f'{escape(k.replace("_", "-"))}="{escape(v)}"' for k, v in kwargs.items()
                     if k not in ("class", "id", "name", "value", "type"))
    hint = gettext("dd-mm-yyyy")
    return (f'<input type="text" class="form-control office-date" name="{escape(name)}" '
            f'id="{escape(field_id)}" value="{escape(value)}" '
            f'placeholder="{escape(hint)}" inputmode="numeric" '
            f'autocomplete="off" maxlength="10" {extra}>')


def parse_typed_day(text: str) -> dt.date | None:
    """A date as typed or picked (day-month-year, or ISO), within the office's years."""
    text = (text or "").strip()
    for pattern in DATE_FORMATS:
        try:
            day = dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        return day if FIRST_YEAR <= day.year <= LAST_YEAR else None
    return None


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


class ReadAsTyped:
    """What the office's date fields share: the field's inputs joined by a space and read
    by `parse` (None: not a date), an empty entry is no value, a bad one `message`."""

    parse = staticmethod(lambda text: None)
    message = ""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = " ".join(valuelist).strip()
        if not text:
            self.data = None
            return
        self.data = self.parse(text)
        if self.data is None:
            raise ValueError(gettext(self.message))


class OfficeDateField(ReadAsTyped, DateField):
    """A date typed or picked as day-month-year."""

    widget = OfficeDateInput()
    parse = staticmethod(parse_typed_day)
    message = DATE_MESSAGE

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        return self.data.strftime(SHOWN_DATE) if isinstance(self.data, dt.date) else ""



class OfficeDateTimeField(ReadAsTyped, DateTimeField):
    """A date and time typed in WITA; `data` is the naive UTC instant the column stores."""

    widget = OfficeDateTimeInput()
    parse = staticmethod(parse_typed_moment)
    message = DATETIME_MESSAGE

    def _value_parts(self) -> tuple[str, str]:
        if self.raw_data:
            parts = [part.strip() for part in self.raw_data] + ["", ""]
            return parts[0], parts[1]
        if isinstance(self.data, dt.datetime):
            local = to_wita(self.data)
            return local.strftime(SHOWN_DATE), local.strftime(SHOWN_TIME)
        return "", ""


class NotBefore:
    """A date-time field's check that it does not precede another field of the form."""

    def __init__(self, other: str, message: str):
        self.other, self.message = other, message

    def __call__(self, form, field):
        start = form[self.other].data
        if start is not None and field.data is not None and field.data < start:
            raise ValidationError(gettext(str(self.message)))
