"""Office calendar for Denpasar (Bali): holidays and working-day arithmetic.

Pure Python: no Flask, no database. Working days are Monday-Friday minus the
holidays returned by ``holiday_rows`` (national holidays, cuti bersama and the
Balinese dispensation days).
"""
from __future__ import annotations

import datetime
from collections.abc import Container
from dataclasses import dataclass

import holidays

NASIONAL, CUTI_BERSAMA, BALI = "nasional", "cuti_bersama", "bali"
# Lower value wins when several holidays fall on the same date.
_PRECEDENCE = {NASIONAL: 0, CUTI_BERSAMA: 1, BALI: 2}

_ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class HolidayRow:
    date: datetime.date
    name: str  # Indonesian name shown to users
    kind: str  # "nasional", "cuti_bersama" or "bali"


def national_holidays(year: int) -> list[HolidayRow]:
    """National holidays and cuti bersama from the `holidays` package.

    For Indonesia the package has two categories: PUBLIC (official national
    holidays) and GOVERNMENT (cuti bersama, the joint leave days for civil
    servants). Each category is queried separately so every row knows its kind.
    """
    rows = []
    for category, kind in ((holidays.PUBLIC, NASIONAL), (holidays.GOVERNMENT, CUTI_BERSAMA)):
        cal = holidays.country_holidays("ID", years=year, language="id", categories=(category,))
        for day in sorted(cal):
            # One date may carry several names; get_list() splits them.
            rows.extend(HolidayRow(day, name, kind) for name in cal.get_list(day))
    return sorted(rows, key=lambda r: (r.date, _PRECEDENCE[r.kind]))


# --- Pawukon ---------------------------------------------------------------
# The Balinese Pawukon calendar repeats every 210 days: 30 wuku (weeks) of 7
# days. Day 0 of the cycle is Redite (Sunday) of wuku Sinta, the first wuku.
# Galungan is Buda (Wednesday) Kliwon of Dungulan, the 11th wuku: day 10*7+3.
# Anchored on a known Galungan: 2026-06-17.
_PAWUKON_CYCLE = 210
_GALUNGAN_INDEX = 10 * 7 + 3
_KNOWN_GALUNGAN = datetime.date(2026, 6, 17)
_CYCLE_START = _KNOWN_GALUNGAN - datetime.timedelta(days=_GALUNGAN_INDEX)

# Position in the cycle -> dispensation day.
_PAWUKON_NAMES = {
    _GALUNGAN_INDEX - 1: "Penampahan Galungan",
    _GALUNGAN_INDEX: "Hari Raya Galungan",
    _GALUNGAN_INDEX + 1: "Umanis Galungan",
    # Kuningan is Saniscara (Saturday) Kliwon of wuku Kuningan, 10 days after Galungan.
    _GALUNGAN_INDEX + 9: "Penampahan Kuningan",
    _GALUNGAN_INDEX + 10: "Hari Raya Kuningan",
    # Saraswati is Saniscara Umanis of Watugunung, the last day of the cycle;
    # Pagerwesi is Buda Kliwon Sinta, 4 days later in the next cycle.
    29 * 7 + 6: "Hari Raya Saraswati",
    0 * 7 + 3: "Hari Raya Pagerwesi",
}


def _pawukon_index(day: datetime.date) -> int:
    return (day - _CYCLE_START).days % _PAWUKON_CYCLE


def pawukon_days(year: int) -> list[HolidayRow]:
    """Every Pawukon dispensation day falling within the calendar year."""
    rows = []
    day = datetime.date(year, 1, 1)
    while day.year == year:
        name = _PAWUKON_NAMES.get(_pawukon_index(day))
        if name:
            rows.append(HolidayRow(day, name, BALI))
        day += _ONE_DAY
    return rows


def nyepi_days(year: int) -> list[HolidayRow]:
    """Pengerupukan (eve) and Ngembak Geni (day after) around Nyepi.

    Nyepi follows the Saka lunar calendar, so its date is taken from the
    package's national list; Nyepi itself stays a national holiday row.
    """
    nyepi = [r.date for r in national_holidays(year)
             if r.kind == NASIONAL and r.name == "Hari Suci Nyepi"]
    if not nyepi:
        return []
    return [HolidayRow(nyepi[0] - _ONE_DAY, "Pengerupukan", BALI),
            HolidayRow(nyepi[0] + _ONE_DAY, "Ngembak Geni", BALI)]


def holiday_rows(year: int) -> list[HolidayRow]:
    """All holidays of the year, one row per date, sorted by date."""
    by_date: dict[datetime.date, list[HolidayRow]] = {}
    for row in national_holidays(year) + pawukon_days(year) + nyepi_days(year):
        by_date.setdefault(row.date, []).append(row)
    merged = []
    for day in sorted(by_date):
        rows = sorted(by_date[day], key=lambda r: _PRECEDENCE[r.kind])  # stable
        names = list(dict.fromkeys(r.name for r in rows))  # dedupe, keep order
        merged.append(HolidayRow(day, " / ".join(names), rows[0].kind))
    return merged


# --- Working days ------------------------------------------------------------

def is_working_day(day: datetime.date, holiday_dates: Container[datetime.date]) -> bool:
    return day.weekday() < 5 and day not in holiday_dates


def next_working_day(day: datetime.date, holiday_dates: Container[datetime.date]) -> datetime.date:
    """The first working day strictly after ``day``."""
    day += _ONE_DAY
    while not is_working_day(day, holiday_dates):
        day += _ONE_DAY
    return day


def add_working_days(day: datetime.date, n: int, holiday_dates: Container[datetime.date]) -> datetime.date:
    """The n-th working day after ``day`` (n=0: ``day`` itself if working, else the next one).

    For n >= 1 the result r satisfies working_days_between(day, r) == n.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    if n == 0:
        return day if is_working_day(day, holiday_dates) else next_working_day(day, holiday_dates)
    for _ in range(n):
        day = next_working_day(day, holiday_dates)
    return day


def working_days_between(start: datetime.date, end: datetime.date,
                         holiday_dates: Container[datetime.date]) -> int:
    """Number of working days d with start < d <= end (0 if end <= start)."""
    count, day = 0, start + _ONE_DAY
    while day <= end:
        count += is_working_day(day, holiday_dates)
        day += _ONE_DAY
    return count
