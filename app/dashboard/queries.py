"""The dashboard's figures, each counted by the database (GROUP BY): a fixed number of queries
whatever the number of requests, rounds or incidents; no rows are loaded to be counted.

Times between steps are calendar days (fractions of a day included), median and 90th
percentile by nearest rank, picked in SQL with ROW_NUMBER() over each group (SQLite and
PostgreSQL alike), so no list of durations comes to Python.
"""

from __future__ import annotations

import calendar as pycal
import datetime as dt
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import Index, String, and_, case, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from app.checklist import calendar
from app.checklist.models import ChecklistRound, Incident
from app.dashboard.period import Period
from app.extensions import db
from app.requests.models import REQUEST_KINDS, Assignment, RequestHistory, ServiceRequest
from app.security.models import AppUser
from app.timeutil import wita_to_utc
from app.workflow.vocabulary import RUNNING_APPROVALS, State
from reports.common import days_between, wita_date

# The dashboard finds the requests finished in a period by when they were closed; without an
# index that is a scan of every request ever made (migration 0011 creates it).
CLOSED_INDEX = Index("ix_request_kind_closed", ServiceRequest.kind, ServiceRequest.closed_at)

# The steps a request passes after its submission, in the order of the procedure.
STEPS = ("unit_approve", "assess", "kabid_approve", "report_done", "accept_done")


class wita_month(FunctionElement):  # noqa: N801 - reads like the SQL function it stands for
    """'YYYY-MM' of a naive-UTC timestamp, in WITA (UTC+8 all year)."""

    type = String()
    inherit_cache = True


@compiles(wita_month, "sqlite")
def _wita_month_sqlite(element, compiler, **kw):
    return f"strftime('%Y-%m', {compiler.process(element.clauses, **kw)}, '+8 hours')"


@compiles(wita_month)
def _wita_month_default(element, compiler, **kw):
    return (f"to_char(({compiler.process(element.clauses, **kw)}) + INTERVAL '8 hours', "
            "'YYYY-MM')")


def _within(column, period: Period):
    return and_(column >= period.start_utc, column < period.end_utc)


def _count_if(condition):
    return func.sum(case((condition, 1), else_=0))


def _ranked(group, value, where, *, select_from=None):
    """(group, n, rank, value) for the rows at the median and the 90th percentile
    (nearest rank: ceil(n·p)) of `value` within each group."""
    rank = func.row_number().over(partition_by=group, order_by=value).label("rank")
    size = func.count().over(partition_by=group).label("n")
    inner = select(group.label("grp"), value.label("value"), rank, size).where(where)
    if select_from is not None:
        inner = inner.select_from(select_from)
    inner = inner.subquery()
    n = inner.c.n
    median_rank, p90_rank = (n + 1) // 2, (n * 9 + 9) // 10  # integer division on both
    return select(inner.c.grp, n, inner.c.rank, inner.c.value).where(
        or_(inner.c.rank == median_rank, inner.c.rank == p90_rank))


def _percentiles(rows) -> dict[str, dict]:
    """{group: {"n", "median", "p90"}} from _ranked's rows."""
    result: dict[str, dict] = {}
    for group, n, rank, value in rows:
        entry = result.setdefault(group, {"n": n, "median": None, "p90": None})
        if rank == (n + 1) // 2:
            entry["median"] = float(value)
        if rank == (n * 9 + 9) // 10:
            entry["p90"] = float(value)
    return result


# --- requests ----------------------------------------------------------------------------------

def monthly_requests(period: Period) -> dict[str, dict[tuple[str, str], int]]:
    """{'YYYY-MM': {(measure, kind): n}} for every month of the period; measures 'submitted'
    (by submission) and 'finished' (accepted as done)."""
    result: dict[str, dict[tuple[str, str], int]] = {
        f"{y:04d}-{m:02d}": {} for y, m in period.months()}
    kind = ServiceRequest.kind
    measures = (
        ("submitted", ServiceRequest.submitted_at, ()),
        ("finished", ServiceRequest.closed_at, (ServiceRequest.status == State.DONE,)),
    )
    for measure, column, extra in measures:
        month = wita_month(column)
        for key, kind_code, n in db.session.execute(
                select(month, kind, func.count())
                .where(kind.in_(REQUEST_KINDS), _within(column, period), *extra)
                .group_by(month, kind)):
            result.setdefault(key, {})[(measure, kind_code)] = n
    return result


def finished_on_time(period: Period) -> dict[str, int]:
    """Requests finished (accepted) in the period (SOP 9.3): by the first target date, after a
    re-assignment, or late without one. Judged on the officer's report against the target."""
    finished = and_(ServiceRequest.kind.in_(REQUEST_KINDS), ServiceRequest.status == State.DONE,
                    _within(ServiceRequest.closed_at, period))
    # Only the assignments of the requests finished in the period are grouped.
    runs = (select(Assignment.request_id, func.count().label("n"),
                   func.min(Assignment.target_date).label("first_target"),
                   func.max(Assignment.completed_at).label("completed_at"))
            .join(ServiceRequest, ServiceRequest.id == Assignment.request_id)
            .where(finished, Assignment.approval.in_(RUNNING_APPROVALS))
            .group_by(Assignment.request_id).subquery())
    on_first = and_(runs.c.n == 1, wita_date(runs.c.completed_at) <= runs.c.first_target)
    row = db.session.execute(
        select(_count_if(on_first), _count_if(runs.c.n > 1), func.count()).select_from(runs)
    ).one()
    first, reassigned, total = (int(v or 0) for v in row)
    return {"first_target": first, "reassigned": reassigned,
            "late": total - first - reassigned, "total": total}


def overdue_by_officer(day: dt.date) -> list[tuple[int, str, int]]:
    """(officer id, name, requests overdue today), most first."""
    n = func.count().label("n")
    rows = db.session.execute(
        select(AppUser.id, AppUser.first_name, AppUser.last_name, n)
        .join(ServiceRequest, ServiceRequest.officer_id == AppUser.id)
        .where(ServiceRequest.kind.in_(REQUEST_KINDS), ServiceRequest.overdue_on(day))
        .group_by(AppUser.id, AppUser.first_name, AppUser.last_name)
        .order_by(n.desc(), AppUser.first_name)
    ).all()
    return [(uid, f"{first} {last}".strip(), count) for uid, first, last, count in rows]


def step_times(period: Period) -> dict[str, dict]:
    """Calendar days from submission to each step, for the requests submitted in the period:
    {step: {"n", "median", "p90"}}."""
    days = days_between(RequestHistory.created_at, ServiceRequest.submitted_at)
    rows = db.session.execute(_ranked(
        RequestHistory.action, days,
        and_(ServiceRequest.kind.in_(REQUEST_KINDS),
             _within(ServiceRequest.submitted_at, period),
             RequestHistory.action.in_(STEPS)),
        select_from=ServiceRequest.__table__.join(
            RequestHistory.__table__, RequestHistory.request_id == ServiceRequest.id),
    ))
    return _percentiles(rows)


# --- checklist ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class DayCell:
    day: dt.date
    state: str  # done, late, missed, holiday, weekend, open (not settled yet), future
    holiday: str | None = None


def _slot_passed(day: dt.date, slot: str, now: dt.datetime) -> bool:
    grace = dt.timedelta(minutes=current_app.config["CHECKLIST_GRACE_MINUTES"])
    return wita_to_utc(day, slot) + grace <= now


def checklist_month(year: int, month: int, now: dt.datetime) -> list[DayCell]:
    """Each day of the month: how its rounds went. A past working-day slot without a round is
    missed (the clock creates it as missed on its next pass), from the first round on."""
    first = dt.date(year, month, 1)
    last = dt.date(year, month, pycal.monthrange(year, month)[1])
    states = {(d, s): st for d, s, st in db.session.execute(
        select(ChecklistRound.date, ChecklistRound.slot, ChecklistRound.status)
        .where(ChecklistRound.date.between(first, last)))}  # two slots a day: bounded
    since = db.session.execute(select(func.min(ChecklistRound.date))).scalar()
    holidays = calendar.holidays_between(first, last)
    slots = current_app.config["CHECKLIST_SLOTS"]
    cells = []
    for offset in range((last - first).days + 1):
        day = first + dt.timedelta(days=offset)
        if day in holidays:
            cells.append(DayCell(day, "holiday", holidays[day]))
            continue
        if day.weekday() >= 5:
            cells.append(DayCell(day, "weekend"))
            continue
        outcome = [_slot_state(states.get((day, slot)), day, slot, now, since) for slot in slots]
        cells.append(DayCell(day, _day_state(outcome)))
    return cells


def _slot_state(state, day, slot, now, since) -> str:
    if state in ("done", "late", "missed"):
        return state
    if not _slot_passed(day, slot, now):
        return "future"
    if state is None and (since is None or day < since):
        return "future"  # before the checklist was kept at all
    return "missed"


def _day_state(outcome: list[str]) -> str:
    for state in ("missed", "late"):
        if state in outcome:
            return state
    if all(s == "done" for s in outcome):
        return "done"
    return "open" if "done" in outcome else "future"


def compliance_by_officer(period: Period) -> tuple[list[tuple[int, str, int, int]], int]:
    """([(officer id, name, done, late)], rounds missed) for the rounds of the period."""
    rows = db.session.execute(
        select(ChecklistRound.officer_id, AppUser.first_name, AppUser.last_name,
               _count_if(ChecklistRound.status == "done"),
               _count_if(ChecklistRound.status == "late"))
        .join(AppUser, AppUser.id == ChecklistRound.officer_id)
        .where(ChecklistRound.date.between(period.start, period.end),
               ChecklistRound.status.in_(("done", "late")))
        .group_by(ChecklistRound.officer_id, AppUser.first_name, AppUser.last_name)
        .order_by(AppUser.first_name)
    ).all()
    missed = db.session.execute(
        select(func.count()).select_from(ChecklistRound)
        .where(ChecklistRound.date.between(period.start, period.end),
               ChecklistRound.status == "missed")).scalar()
    return ([(uid, f"{first} {last}".strip(), int(done), int(late))
             for uid, first, last, done, late in rows], missed)


# --- incidents ---------------------------------------------------------------------------------

def incidents_by_month(period: Period) -> dict[str, dict]:
    """{'YYYY-MM': {"count", "resolved", "median_hours"}} by the month they occurred."""
    result = {f"{y:04d}-{m:02d}": {"count": 0, "resolved": 0, "median_hours": None}
              for y, m in period.months()}
    month = wita_month(Incident.occurred_at)
    for key, n, resolved in db.session.execute(
            select(month, func.count(), _count_if(Incident.resolved_at.isnot(None)))
            .where(_within(Incident.occurred_at, period)).group_by(month)):
        result.setdefault(key, {"count": 0, "resolved": 0, "median_hours": None})
        result[key].update(count=n, resolved=int(resolved or 0))
    hours = days_between(Incident.resolved_at, Incident.occurred_at) * 24
    ranked = _percentiles(db.session.execute(_ranked(
        month, hours, and_(_within(Incident.occurred_at, period),
                           Incident.resolved_at.isnot(None)))))
    for key, entry in ranked.items():
        if key in result:
            result[key]["median_hours"] = entry["median"]
    return result
