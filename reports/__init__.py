"""Reports for supervisors (SPEC §6): the registry of XLSX reports, by their exact names.

The web routes and the `flask report` command only call `build_report`; each builder
writes its sheets through the one helper in `reports.xlsx`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass

from sqlalchemy import func, select

from app.extensions import db
from app.i18n import in_office_language
from app.requests.models import ServiceRequest
from app.security import roles as R
from app.security.access import role_names
from app.timeutil import utcnow
from reports.assets import build_assets
from reports.checklist import build_checklist, build_incidents
from reports.common import ReportContext
from reports.performance import build_performance
from reports.registers import (
    build_improvement_requests,
    build_overdue,
    build_support_requests,
    register_filter,
)
from reports.xlsx import Workbook

# Roles that may download every report (SPEC §2: Kasi, Kabid, Pimpinan; the Admin sees all).
FULL_ACCESS = frozenset({R.ADMIN, R.KASI, R.KABID, R.PIMPINAN})


def register_size(kind: str) -> Callable[[ReportContext], int]:
    """The rows of a register: its requests, counted with the register's own filter."""

    def size(ctx: ReportContext) -> int:
        return db.session.execute(select(func.count()).select_from(ServiceRequest).where(
            register_filter(ctx, kind))).scalar()

    return size


@dataclass(frozen=True)
class Report:
    name: str
    title: str
    description: str
    build: Callable[[Workbook, ReportContext], None]
    # A Kepala Unit may download it, limited by the row filter to the units they head.
    for_unit_heads: bool = False
    # How many data rows the build will write, for a progress bar (None: not known ahead).
    size: Callable[[ReportContext], int | None] = lambda ctx: None

    def allowed_for(self, user) -> bool:
        names = role_names(user)
        if names & FULL_ACCESS:
            return True
        return self.for_unit_heads and R.KEPALA_UNIT in names


REPORTS: dict[str, Report] = {
    report.name: report
    for report in (
        Report("improvement_requests", "Rekapitulasi Permintaan Penyempurnaan Sistem IT",
               "Permintaan FM-01 yang diajukan dalam periode, dengan petugas, target waktu, "
               "dan ketepatan waktu.", build_improvement_requests, for_unit_heads=True,
               size=register_size("improvement")),
        Report("support_requests", "Rekapitulasi Permintaan Dukungan Petugas IT",
               "Permintaan FM-03 yang diajukan dalam periode, dengan petugas, target waktu, "
               "dan ketepatan waktu.", build_support_requests, for_unit_heads=True,
               size=register_size("support")),
        Report("checklist", "Laporan Checklist SIM dan Server",
               "Putaran pemeriksaan, hasil per item, dan kepatuhan per bulan dan per petugas.",
               build_checklist),
        Report("incidents", "Rekap Gangguan SIM",
               "Gangguan SIM dalam periode dengan durasi penanganan dan rata-ratanya.",
               build_incidents),
        Report("performance", "Kinerja Petugas IT",
               "Per petugas: penugasan, selesai tepat waktu dan terlambat, kendala, "
               "yang masih berjalan, rata-rata hari penyelesaian.", build_performance),
        Report("overdue", "Daftar Permintaan Melewati Target Waktu",
               "Permintaan yang sedang dikerjakan dan sudah melewati target waktu.",
               build_overdue),
        Report("assets", "Laporan Aset TI", "Aset TI per unit, kategori dan kondisi; aset "
               "dengan permintaan dan gangguan terbanyak dalam periode.", build_assets,
               for_unit_heads=True),  # issue 22
    )
}


def _bounded(progress, total: int | None):
    """Tell `progress` the total, then rows written up to it (a report's summary rows come
    after its table and are not in the total)."""
    progress(0, total)
    if total is None:
        return progress
    return lambda done, _total=None: progress(min(done, total))


@in_office_language
def build_report(name: str, target, start: dt.date, end: dt.date, *, user=None,
                 now: dt.datetime | None = None, progress=None) -> None:
    """Write report `name` for the period to `target` (a path or a binary file object).

    `user` applies that user's row filter; None (the command line) means every row.
    Checking whether the user may have this report at all is the caller's job.
    `progress(rows_written, total=None)` is told the total first (when the report can
    count its rows ahead), then the rows written every couple of thousand rows.
    """
    report = REPORTS[name]
    ctx = ReportContext(start=start, end=end, now=now or utcnow(), user=user)
    if progress is not None:
        progress = _bounded(progress, report.size(ctx))
    book = Workbook(target, report.title, ctx.period_text(), ctx.generated_text(),
                    progress=progress)
    try:
        report.build(book, ctx)
    except BaseException:
        with suppress(Exception):  # keep the builder's error, not a follow-up from closing
            book.close()
        raise
    book.close()
