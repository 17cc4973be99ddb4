"""Time in the office: stored as naive UTC, shown in WITA (Asia/Makassar).

Dates and times are written in the reader's language: the active Babel locale on a screen
(Indonesian "28 November 2026, 08.00 WITA", English "28 November 2026, 08:00 WITA"), the
office's (`id`) on paper, in reports and in email, which run under
`app.i18n.office_language()`, and outside any request.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from zoneinfo import ZoneInfo

from babel import dates as babel_dates
from flask import has_request_context
from flask_babel import get_locale

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
# The time of day as each language writes it ("08.00" in Indonesian, "08:00" in English).
TIME_PATTERNS = {"id": "HH.mm", "en": "HH:mm"}
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


def reader_locale() -> str:
    """The active Babel locale of a request (the reader's language); the office's elsewhere."""
    if not has_request_context():
        return OFFICE_LOCALE
    locale = get_locale()
    return locale.language if locale is not None else OFFICE_LOCALE


def format_date(day: dt.date | dt.datetime | None, with_weekday: bool = False) -> str:
    """'28 November 2026' (or 'Sabtu, 28 November 2026'); datetimes are shown in WITA."""
    if day is None:
        return "-"
    if isinstance(day, dt.datetime):
        day = to_wita(day).date()
    pattern = "EEEE, d MMMM y" if with_weekday else "d MMMM y"
    return _formatted_day(day, pattern, reader_locale())


@functools.lru_cache(maxsize=4096)
def _formatted_day(day: dt.date, pattern: str, locale: str) -> str:
    # A list page shows the same few dates in many rows; babel's formatting is the slow part.
    return babel_dates.format_date(day, pattern, locale=locale)


def format_month(year: int, month: int) -> str:
    """'November 2026'."""
    return babel_dates.format_date(dt.date(year, month, 1), "MMMM y", locale=reader_locale())


def format_time(moment: dt.datetime | None) -> str:
    """'08.00 WITA' ('08:00 WITA' in English)."""
    if moment is None:
        return "-"
    pattern = TIME_PATTERNS.get(reader_locale(), TIME_PATTERNS[OFFICE_LOCALE])
    return babel_dates.format_time(to_wita(moment), pattern, locale=reader_locale()) + " WITA"


def format_datetime(moment: dt.datetime | None) -> str:
    if moment is None:
        return "-"
    return f"{format_date(moment)}, {format_time(moment)}"


def format_slot(slot: str) -> str:
    """'08:00' -> '08.00 WITA' ('08:00 WITA' in English)."""
    return (slot if reader_locale() == "en" else slot.replace(":", ".")) + " WITA"
