"""The office calendar backed by the holiday table (SPEC §4); rules in calendar_rules."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app.checklist import calendar_rules as rules
from app.checklist.models import Holiday
from app.extensions import db
from app.messages import gettext


def holidays_between(start: dt.date, end: dt.date) -> dict[dt.date, str]:
    rows = db.session.execute(
        select(Holiday.date, Holiday.name).where(Holiday.date >= start, Holiday.date <= end)
    )
    return {day: name for day, name in rows}


def holiday_name(day: dt.date) -> str | None:
    return holidays_between(day, day).get(day)


def is_working_day(day: dt.date) -> bool:
    return rules.is_working_day(day, holidays_between(day, day))


def non_working_reason(day: dt.date) -> str | None:
    """Why a day is not a working day (a holiday by its name, else in the reader's language:
    paper is printed in the office's); None for a working day."""
    name = holiday_name(day)
    if name:
        return name
    if day.weekday() >= 5:
        return gettext("Saturday or Sunday")
    return None


def add_working_days(day: dt.date, n: int) -> dt.date:
    horizon = day + dt.timedelta(days=n * 2 + 30)
    return rules.add_working_days(day, n, holidays_between(day, horizon))


def working_days_between(start: dt.date, end: dt.date) -> int:
    return rules.working_days_between(start, end, holidays_between(start, end))


def seed_year(year: int) -> int:
    """Add the year's holidays that are not in the table yet; returns how many were added."""
    known = set(
        db.session.execute(
            select(Holiday.date).where(
                Holiday.date >= dt.date(year, 1, 1), Holiday.date <= dt.date(year, 12, 31)
            )
        ).scalars()
    )
    added = 0
    for row in rules.holiday_rows(year):
        if row.date not in known:
            db.session.add(Holiday(date=row.date, name=row.name[:300], kind=row.kind))
            added += 1
    db.session.flush()
    return added
