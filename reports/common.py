"""What the report builders share: the period and reader, Indonesian labels, streaming, SQL."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from sqlalchemy import Date, and_, true
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import Float

from app.extensions import db
from app.i18n import labels_in_office_language
from app.requests.models import ServiceRequest
from app.timeutil import (
    format_date,
    format_datetime,
    format_month,
    to_wita,
    today_wita,
    wita_to_utc,
)
from app.workflow.relations import request_visibility
from app.workflow.vocabulary import KIND_LABELS, STATE_LABELS
from reports.xlsx import Percent

STREAM_BATCH = 500  # rows per fetch: 2,000 cost 5 MB more of the worker's peak, and no time

def state_labels() -> dict[str, str]:
    """The office's words (GLOSSARY) for the states of SPEC §3, from the catalogue."""
    return labels_in_office_language(STATE_LABELS)


def kind_labels() -> dict[str, str]:
    return labels_in_office_language(KIND_LABELS)


UNASSIGNED = "(tanpa petugas)"


@dataclass(frozen=True)
class ReportContext:
    """One report run: the period (WITA dates, inclusive), the moment, and who reads it.

    `user` None is the command line on the server: every row.
    """

    start: dt.date
    end: dt.date
    now: dt.datetime  # naive UTC
    user: object | None = None

    @functools.cached_property
    def today(self) -> dt.date:  # asked once per row by the registers
        return today_wita(self.now)

    def within(self, column):
        """A naive-UTC timestamp column falls on a WITA day of the period."""
        return and_(column >= wita_to_utc(self.start, "00:00"),
                    column < wita_to_utc(self.end + dt.timedelta(days=1), "00:00"))

    def visible_requests(self, model=ServiceRequest):
        """The same row filter as the UI and the API (SPEC §7)."""
        if self.user is None:
            return true()
        return request_visibility(self.user, self.today, model)

    def period_text(self) -> str:
        return f"Periode: {format_date(self.start)} s.d. {format_date(self.end)}"

    def generated_text(self) -> str:
        return f"Dibuat: {format_datetime(self.now)}"

    def months(self) -> list[tuple[int, int]]:
        """(year, month) of every month the period touches, in order."""
        result, year, month = [], self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            result.append((year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return result


def stream(statement):
    """Rows from the database in batches; never the whole result in memory."""
    return db.session.execute(statement.execution_options(yield_per=STREAM_BATCH))


# Asia/Makassar keeps UTC+8 all year (no daylight saving), so a report converts each of its
# many timestamps by adding the offset; tests hold this against zoneinfo.
WITA_OFFSET = dt.timedelta(hours=8)


def local(moment: dt.datetime | None) -> dt.datetime | None:
    """Naive UTC from the database -> naive WITA wall-clock time for the sheet."""
    if moment is None:
        return None
    if moment.tzinfo is not None:
        return to_wita(moment).replace(tzinfo=None)
    return moment + WITA_OFFSET


def full_name(first: str | None, last: str | None) -> str | None:
    name = f"{first or ''} {last or ''}".strip()
    return name or None


def month_label(year: int, month: int) -> str:
    return format_month(year, month)


def share(part: int, whole: int) -> Percent | None:
    return Percent(part / whole) if whole else None


# --- SQL that differs between SQLite and PostgreSQL -----------------------------------------
# WITA is UTC+8 all year (no daylight saving), so a fixed offset is exact.

class wita_date(FunctionElement):  # noqa: N801 - reads like the SQL function it stands for
    """The WITA calendar date of a naive-UTC timestamp column."""

    type = Date()
    inherit_cache = True


@compiles(wita_date, "sqlite")
def _wita_date_sqlite(element, compiler, **kw):
    return f"date({compiler.process(element.clauses, **kw)}, '+8 hours')"


@compiles(wita_date)
def _wita_date_default(element, compiler, **kw):
    return f"CAST(({compiler.process(element.clauses, **kw)}) + INTERVAL '8 hours' AS DATE)"


class days_between(FunctionElement):  # noqa: N801
    """(later - earlier) in days, fractional, for two timestamp columns."""

    type = Float()
    inherit_cache = True


@compiles(days_between, "sqlite")
def _days_between_sqlite(element, compiler, **kw):
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"(julianday({later}) - julianday({earlier}))"


@compiles(days_between)
def _days_between_default(element, compiler, **kw):
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"(EXTRACT(EPOCH FROM ({later}) - ({earlier})) / 86400.0)"
