"""Kinerja Petugas IT: per officer, the assignments made in the period and how they ended.

One GROUP BY query does the counting in the database. An assignment is judged on the
officer's own report (`completed_at`, SOP 9.3) against that assignment's target date, so the
time the Kasi takes to accept the work does not count against the officer.
"""

from __future__ import annotations

from sqlalchemy import and_, case, func, not_, select
from sqlalchemy.orm import aliased

from app.requests.models import Assignment, ServiceRequest
from app.security import roles as R
from app.security.access import users_with_role
from app.security.models import AppUser
from app.workflow.vocabulary import RUNNING_APPROVALS, Outcome
from reports.common import (
    ReportContext,
    days_between,
    full_name,
    share,
    stream,
    wita_date,
)
from reports.xlsx import Column, Workbook

COLUMNS = [
    Column("Petugas IT", 32), Column("Penugasan", 11, "int"),
    Column("Selesai Tepat Waktu", 11, "int"), Column("Selesai Terlambat", 11, "int"),
    Column("Kendala", 11, "int"), Column("Masih Berjalan", 11, "int"),
    Column("Tepat Waktu (%)", 11, "percent"), Column("Rata-rata Hari Penyelesaian", 13, "decimal"),
]


def _count(condition):
    return func.sum(case((condition, 1), else_=0))


def _officer_rows(ctx: ReportContext):
    # An alias, so the visibility condition's own EXISTS over `assignment` stays uncorrelated.
    a = aliased(Assignment, name="performance_assignment")
    done = a.outcome == "done"
    on_time = and_(done, wita_date(a.completed_at) <= a.target_date)
    return stream(
        select(
            a.officer_id, AppUser.first_name, AppUser.last_name,
            func.count().label("assignments"),
            _count(on_time).label("on_time"),
            _count(and_(done, not_(on_time))).label("late"),
            _count(a.outcome == Outcome.OBSTACLE).label("obstacles"),
            _count(a.ended_at.is_(None)).label("open"),
            func.avg(case((done, days_between(a.completed_at, a.assigned_at)))).label("mean_days"),
        )
        .join(AppUser, AppUser.id == a.officer_id)
        .join(ServiceRequest, ServiceRequest.id == a.request_id)
        .where(a.approval.in_(RUNNING_APPROVALS), ctx.within(a.assigned_at), ctx.visible_requests())
        .group_by(a.officer_id, AppUser.first_name, AppUser.last_name)
    )


def officer_totals(ctx: ReportContext) -> dict[int, dict]:
    """Officer id -> figures; one entry per officer, so a small dict even at a million rows.

    Every Petugas IT appears, with zeros when nothing was assigned to them in the period.
    """
    figures = {
        row.officer_id: {**row._asdict(), "name": full_name(row.first_name, row.last_name)}
        for row in _officer_rows(ctx)
    }
    for officer in users_with_role(R.PETUGAS_IT):
        figures.setdefault(officer.id, {
            "name": officer.full_name, "assignments": 0, "on_time": 0, "late": 0,
            "obstacles": 0, "open": 0, "mean_days": None,
        })
    return figures


def build_performance(book: Workbook, ctx: ReportContext) -> None:
    sheet = book.sheet("Kinerja Petugas IT").begin(COLUMNS, [
        "Penugasan yang dibuat dalam periode (disetujui Kabid Dalak atau diputuskan Kasi PDSI).",
        "Tepat waktu: petugas melaporkan selesai paling lambat pada target waktu penugasan itu.",
        "Rata-rata hari penyelesaian: dari penugasan sampai petugas melaporkan selesai "
        "(hari kalender).",
    ])
    figures = officer_totals(ctx)
    on_time = late = assignments = 0
    for item in sorted(figures.values(), key=lambda f: f["name"] or ""):
        mean = item["mean_days"]
        sheet.append([
            item["name"], item["assignments"], item["on_time"], item["late"], item["obstacles"],
            item["open"], share(item["on_time"], item["on_time"] + item["late"]),
            None if mean is None else round(float(mean), 2),
        ])
        on_time, late = on_time + item["on_time"], late + item["late"]
        assignments += item["assignments"]
    sheet.finish()
    sheet.chart("Bagian penugasan selesai tepat waktu per petugas", [6], kind="bar",
                percent=True)
    sheet.footer("Jumlah penugasan", assignments)
    sheet.footer("Tepat waktu (keseluruhan)", share(on_time, on_time + late))
