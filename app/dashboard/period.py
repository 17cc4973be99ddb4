"""The dashboard's period: this month, last month, this year, or from/to as typed (WITA days)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from app.forms import parse_typed_day
from app.i18n import N_
from app.messages import gettext
from app.timeutil import wita_to_utc

CHOICES = {
    "this_month": N_("This month"),
    "last_month": N_("Last month"),
    "this_year": N_("This year"),
    "custom": N_("Custom period"),
}
# A longer period is a typing error (and a month axis nobody can read).
MAX_DAYS = 5 * 366


@dataclass
class Period:
    choice: str
    start: dt.date
    end: dt.date
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def start_utc(self) -> dt.datetime:
        return wita_to_utc(self.start, "00:00")

    @property
    def end_utc(self) -> dt.datetime:
        """The first moment after the period (exclusive)."""
        return wita_to_utc(self.end + dt.timedelta(days=1), "00:00")

    def months(self) -> list[tuple[int, int]]:
        result, year, month = [], self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            result.append((year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return result


def _month_of(day: dt.date) -> tuple[dt.date, dt.date]:
    first = day.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)


def named(choice: str, today: dt.date) -> Period:
    if choice == "last_month":
        start, end = _month_of(today.replace(day=1) - dt.timedelta(days=1))
    elif choice == "this_year":
        start, end = dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)
    else:
        choice = "this_month"
        start, end = _month_of(today)
    return Period(choice, start, end)


def from_args(args, today: dt.date) -> Period:
    """The period the picker asks for; a custom period that cannot be read says why per field
    and shows this month meanwhile."""
    choice = args.get("period", "this_month")
    if choice != "custom":
        return named(choice, today)
    errors: dict[str, str] = {}
    start = parse_typed_day(args.get("from", ""))
    end = parse_typed_day(args.get("to", ""))
    for name, value in (("from", start), ("to", end)):
        if value is None:
            errors[name] = gettext("Not a valid date (for example 01-12-2026).")
    if not errors and end < start:
        errors["to"] = gettext("The end of the period cannot be before its start.")
    if not errors and (end - start).days > MAX_DAYS:
        errors["to"] = gettext("A period is at most five years long.")
    if errors:
        fallback = named("this_month", today)
        fallback.choice, fallback.errors = "custom", errors
        return fallback
    return Period("custom", start, end)
