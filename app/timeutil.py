"""Time in the office: stored as naive UTC, shown in WITA (Asia/Makassar)."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from babel import dates as babel_dates

WITA = ZoneInfo("Asia/Makassar")
UTC = dt.timezone.utc
# The years the office's calendar can speak of; a date outside them is bad input.
FIRST_YEAR, LAST_YEAR = 2000, 2100
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_office_date(text) -> dt.date | None:
    """A date typed as YYYY-MM-DD within the office's years, else None (20261215, 2026-W50-2
    and year 9999 included, which `date.fromisoformat` would take)."""
    if isinstance(text, dt.date):
        day = text
    elif not isinstance(text, str) or not _ISO_DATE.match(text):
        return None
    else:
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            return None
    return day if FIRST_YEAR <= day.year <= LAST_YEAR else None

# Names of months and days come from Babel's CLDR data; the office writes Indonesian.
OFFICE_LOCALE = "id"
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]


def utcnow() -> dt.datetime:
    """Naive UTC, the form every timestamp column stores."""
    return dt.datetime.now(UTC).replace(tzinfo=None)


def to_utc_naive(moment: dt.datetime) -> dt.datetime:
    """Aware → naive UTC; naive values are taken as UTC already."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def to_wita(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(WITA)


def parse_now(value: str | None) -> dt.datetime:
    """`--now` values: ISO timestamps; without an offset they are WITA wall-clock times."""
    if not value:
        return utcnow()
    moment = dt.datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=WITA)
    return to_utc_naive(moment)


def today_wita(now: dt.datetime | None = None) -> dt.date:
    return to_wita(now or utcnow()).date()


def wita_to_utc(day: dt.date, hhmm: str) -> dt.datetime:
    """The UTC moment of a WITA wall-clock time on a day (e.g. the 08:00 round)."""
    hour, minute = (int(part) for part in hhmm.split(":"))
    local = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=WITA)
    return to_utc_naive(local)


def format_date(day: dt.date | dt.datetime | None, with_weekday: bool = False) -> str:
    """'28 November 2026' (or 'Sabtu, 28 November 2026'); datetimes are shown in WITA."""
    if day is None:
        return "-"
    if isinstance(day, dt.datetime):
        day = to_wita(day).date()
    pattern = "EEEE, d MMMM y" if with_weekday else "d MMMM y"
    return babel_dates.format_date(day, pattern, locale=OFFICE_LOCALE)


def format_month(year: int, month: int) -> str:
    """'November 2026'."""
    return babel_dates.format_date(dt.date(year, month, 1), "MMMM y", locale=OFFICE_LOCALE)


def format_time(moment: dt.datetime | None) -> str:
    """'08.00 WITA'."""
    if moment is None:
        return "-"
    return to_wita(moment).strftime("%H.%M") + " WITA"


def format_datetime(moment: dt.datetime | None) -> str:
    if moment is None:
        return "-"
    return f"{format_date(moment)}, {format_time(moment)}"


def format_slot(slot: str) -> str:
    """'08:00' -> '08.00 WITA'."""
    return slot.replace(":", ".") + " WITA"
