"""Registers of FM-01 and FM-03 requests, and the list of overdue requests (SPEC §6).

A register lists the requests submitted in the period (by submission time in WITA); drafts,
including requests returned to their requester, are not listed. Officers and target dates
come from a second streamed query over the same requests in the same order, merged in
lockstep, so there is neither a query per row nor a list of all rows in memory.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import aliased

from app.i18n import labels_in_office_language
from app.requests.models import (
    CATEGORIES,
    Assignment,
    RequestHistory,
    ServiceRequest,
    SimSystem,
    SupportType,
)
from app.security.models import AppUser, Unit
from app.timeutil import format_date, wita_to_utc
from app.workflow.rules import STATES, is_overdue
from app.workflow.vocabulary import RUNNING_APPROVALS
from reports.common import (
    ReportContext,
    full_name,
    kind_labels,
    local,
    month_label,
    share,
    state_labels,
    stream,
)
from reports.xlsx import Column, Workbook

SR = ServiceRequest
# The register's order: by number (kind, year, sequence); the id settles anything else.
ORDER = (SR.year, SR.seq, SR.id)
LATENESS_NOTE = (
    "Hari terlambat dihitung dalam hari kalender: untuk permintaan Selesai, tanggal selesai "
    "dikurangi target saat ini; untuk permintaan Sedang Dikerjakan yang melewati target, "
    "hari ini dikurangi target."
)


@dataclass(frozen=True)
class RegisterKind:
    kind: str
    master: type  # the master list the request names: system (FM-01) or support type (FM-03)
    master_key: object
    master_header: str
    with_category: bool = False  # FM-01: penyempurnaan / inovasi (SPEC §3)


REGISTER_KINDS = {
    "improvement": RegisterKind("improvement", SimSystem, SR.system_id, "Sistem/Modul",
                                with_category=True),
    "support": RegisterKind("support", SupportType, SR.support_type_id, "Jenis Dukungan"),
}


def register_columns(master_header: str, with_category: bool = False) -> list[Column]:
    category = [Column("Kategori", 20)] if with_category else []
    return [
        Column("Nomor Permintaan", 26), Column("Tanggal", 12), Column("Pemohon", 28),
        Column("Unit Kerja / Bidang", 32), *category, Column(master_header, 26),
        Column("Judul", 44),
        Column("Status", 30), Column("Pelaksana (Petugas IT)", 32), Column("Target Awal", 12),
        Column("Target Waktu Saat Ini", 14), Column("Penugasan Ulang", 11, "int"),
        Column("Tanggal Selesai", 17), Column("Tepat Waktu", 10),
        Column("Hari Terlambat", 11, "int"),
    ]


def lateness(status: str, target: dt.date | None, completed: dt.date | None,
             today: dt.date) -> tuple[str | None, int | None]:
    """(on time "Ya"/"Tidak", days late) of a request; blank while it is not done or overdue."""
    if target is None:
        return None, None
    if status == "done" and completed is not None:
        return ("Ya" if completed <= target else "Tidak"), max(0, (completed - target).days)
    if is_overdue(status, target, today):
        return None, (today - target).days
    return None, None


def register_filter(ctx: ReportContext, kind: str):
    return and_(SR.kind == kind, SR.submitted_at.is_not(None), SR.status != "draft",
                ctx.within(SR.submitted_at), ctx.visible_requests())


def _request_rows(ctx: ReportContext, spec: RegisterKind):
    requester = aliased(AppUser)
    return stream(
        select(SR.id, SR.number, SR.submitted_at, requester.first_name, requester.last_name,
               Unit.name.label("unit"), SR.category, spec.master.name.label("master"), SR.title,
               SR.status,
               SR.target_date, SR.closed_at)
        .join(requester, requester.id == SR.requester_id)
        .join(Unit, Unit.id == SR.unit_id)
        .outerjoin(spec.master, spec.master.id == spec.master_key)
        .where(register_filter(ctx, spec.kind))
        .order_by(*ORDER)
    )


def _assignment_rows(ctx: ReportContext, kind: str):
    # An alias, so the visibility condition's own EXISTS over `assignment` stays uncorrelated.
    assignment = aliased(Assignment, name="register_assignment")
    officer = aliased(AppUser)
    return stream(
        select(assignment.request_id, assignment.target_date, officer.first_name,
               officer.last_name)
        .join(SR, SR.id == assignment.request_id)
        .join(officer, officer.id == assignment.officer_id)
        .where(register_filter(ctx, kind), assignment.approval.in_(RUNNING_APPROVALS))
        .order_by(*ORDER, assignment.id)
    )


def merge_by_request(requests, assignments) -> Iterator[tuple[object, list]]:
    """Pair each request with its assignments; both streams come in the same order."""
    assignments = iter(assignments)
    pending = next(assignments, None)
    for row in requests:
        mine = []
        while pending is not None and pending.request_id == row.id:
            mine.append(pending)
            pending = next(assignments, None)
        yield row, mine


class RegisterTotals:
    """What the summary sheet needs, gathered while the rows stream past."""

    def __init__(self):
        self.by_month: Counter = Counter()
        self.states: Counter = Counter()
        self.done_on_time = 0
        self.overdue = 0

    def add(self, submitted: dt.datetime, status: str, on_time: str | None,
            days_late: int | None) -> None:
        self.by_month[(submitted.year, submitted.month, status)] += 1
        self.states[status] += 1
        self.done_on_time += on_time == "Ya"
        self.overdue += status == "in_progress" and days_late is not None


def build_register(book: Workbook, ctx: ReportContext, kind: str) -> None:
    spec = REGISTER_KINDS[kind]
    summary = book.sheet("Ringkasan")  # first in the workbook, filled in last
    columns = register_columns(spec.master_header, spec.with_category)
    sheet = book.sheet("Daftar Permintaan").begin(columns, [
        "Tanggal = tanggal pengajuan (WITA); draf tidak dicantumkan.",
        "Penugasan ulang = jumlah penugasan yang disetujui dikurangi satu.",
        LATENESS_NOTE + f" Hari ini: {ctx.today:%d/%m/%Y}.",
    ])
    totals = RegisterTotals()
    labels = state_labels()
    categories = labels_in_office_language(CATEGORIES)
    rows = merge_by_request(_request_rows(ctx, spec), _assignment_rows(ctx, kind))
    for req, assignments in rows:
        submitted = local(req.submitted_at)
        completed = local(req.closed_at) if req.status == "done" else None
        on_time, days_late = lateness(req.status, req.target_date,
                                      completed.date() if completed else None, ctx.today)
        officers = dict.fromkeys(full_name(a.first_name, a.last_name) for a in assignments)
        category = [categories.get(req.category)] if spec.with_category else []
        sheet.append([
            req.number, submitted.date(), full_name(req.first_name, req.last_name), req.unit,
            *category, req.master, req.title, labels[req.status], ", ".join(officers) or None,
            assignments[0].target_date if assignments else None, req.target_date,
            max(0, len(assignments) - 1), completed, on_time, days_late,
        ])
        totals.add(submitted, req.status, on_time, days_late)
    sheet.finish()
    _write_register_summary(summary, ctx, totals)


def _write_register_summary(sheet, ctx: ReportContext, totals: RegisterTotals) -> None:
    states = [code for code in STATES if totals.states[code]]
    labels = state_labels()
    total = sum(totals.states.values())
    sheet.begin(
        [Column("Bulan", 18)] + [Column(labels[c], 14, "int") for c in states]
        + [Column("Jumlah", 10, "int")],
        [("Jumlah permintaan", total), ("Selesai", totals.states["done"]),
         ("Selesai tepat waktu", share(totals.done_on_time, totals.states["done"])),
         ("Melewati target waktu", totals.overdue)],
    )
    for year, month in ctx.months():
        counts = [totals.by_month[(year, month, code)] for code in states]
        sheet.append([month_label(year, month), *counts, sum(counts)])
    sheet.finish()
    sheet.chart("Permintaan per bulan menurut status", range(1, len(states) + 1),
                subtype="stacked", y_title="Permintaan")


def build_improvement_requests(book: Workbook, ctx: ReportContext) -> None:
    build_register(book, ctx, "improvement")


def build_support_requests(book: Workbook, ctx: ReportContext) -> None:
    build_register(book, ctx, "support")


# --- overdue --------------------------------------------------------------------------------

OVERDUE_COLUMNS = [
    Column("Nomor Permintaan", 26), Column("Jenis", 24), Column("Tanggal", 12),
    Column("Pemohon", 28), Column("Unit Kerja / Bidang", 32), Column("Judul", 44),
    Column("Pelaksana (Petugas IT)", 30), Column("Target Waktu", 12),
    Column("Hari Terlambat", 11, "int"),
]


def overdue_as_of(ctx: ReportContext) -> dt.date:
    """The day the overdue report speaks of: the period's end, or today if that is later."""
    return min(ctx.end, ctx.today)


def _overdue_now(ctx: ReportContext):
    """(assignment to join, where, target, officer) of the requests overdue today: their
    current state, no join."""
    return None, SR.overdue_on(ctx.today), SR.target_date, SR.officer_id


def _overdue_then(as_of: dt.date):
    """(assignment to join, where, target, officer) of the requests that were overdue at the
    end of a past day, read from the history: in progress then, under an assignment running
    then whose target had passed."""
    moment = wita_to_utc(as_of + dt.timedelta(days=1), "00:00")
    status_then = (
        select(RequestHistory.to_state)
        .where(RequestHistory.request_id == SR.id, RequestHistory.created_at < moment)
        .order_by(RequestHistory.created_at.desc(), RequestHistory.id.desc())
        .limit(1).scalar_subquery()
    )
    running = aliased(Assignment)
    where = and_(
        running.approval.in_(RUNNING_APPROVALS),
        running.approved_at < moment,
        or_(running.ended_at.is_(None), running.ended_at >= moment),
        running.target_date < as_of, status_then == "in_progress",
    )
    return running, where, running.target_date, running.officer_id


def build_overdue(book: Workbook, ctx: ReportContext) -> None:
    """Requests overdue at the end of the period, or today when the period runs past today,
    whatever their submission date (SPEC §6)."""
    as_of = overdue_as_of(ctx)
    running, where, target, officer_id = (
        _overdue_now(ctx) if as_of >= ctx.today else _overdue_then(as_of))
    requester, officer = aliased(AppUser), aliased(AppUser)
    kinds = kind_labels()
    query = select(
        SR.number, SR.kind, SR.submitted_at, requester.first_name, requester.last_name,
        Unit.name.label("unit"), SR.title, officer.first_name.label("officer_first"),
        officer.last_name.label("officer_last"), target.label("target_date"),
    ).select_from(SR)
    if running is not None:
        query = query.join(running, running.request_id == SR.id)
    rows = stream(
        query.join(requester, requester.id == SR.requester_id)
        .join(Unit, Unit.id == SR.unit_id)
        .outerjoin(officer, officer.id == officer_id)
        # Naming both kinds lets the (kind, status) index answer the status condition.
        .where(SR.kind.in_(tuple(REGISTER_KINDS)), where, SR.submitted_at.is_not(None),
               ctx.visible_requests())
        .order_by(target, SR.id)
    )
    sheet = book.sheet("Melewati Target").begin(OVERDUE_COLUMNS, [
        f"Keadaan per {format_date(as_of)}: permintaan Sedang Dikerjakan yang melewati target "
        "waktu, apa pun tanggal pengajuannya.",
        "Hari terlambat dihitung dalam hari kalender: tanggal keadaan dikurangi target waktu.",
    ])
    for row in rows:
        sheet.append([
            row.number, kinds.get(row.kind, row.kind), local(row.submitted_at).date(),
            full_name(row.first_name, row.last_name), row.unit, row.title,
            full_name(row.officer_first, row.officer_last), row.target_date,
            (as_of - row.target_date).days,
        ])
    sheet.finish()
    sheet.footer("Jumlah permintaan", sheet.rows_written)
