"""FM-02 reports: the checklist rounds with compliance, and the SIM incidents (SPEC §6)."""

from __future__ import annotations

from collections import Counter, defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from app.checklist.models import (
    INCIDENT_STATES,
    RESULTS,
    ROUND_STATES,
    CheckItem,
    ChecklistEntry,
    ChecklistRound,
    Incident,
)
from app.requests.models import SimSystem
from app.security.models import AppUser
from app.timeutil import format_slot
from reports.common import UNASSIGNED, ReportContext, full_name, local, month_label, share, stream
from reports.xlsx import Column, Workbook

# Rounds whose outcome is settled; scheduled and open rounds do not count yet.
COUNTED = ("done", "late", "missed")

ROUND_COLUMNS = [
    Column("Tanggal", 12), Column("Waktu Pemeriksaan", 12), Column("Status", 12),
    Column("Petugas IT", 30), Column("Diisi Pada", 17), Column("Jumlah Gangguan", 11, "int"),
]
RESULT_COLUMNS = [
    Column("Tanggal", 12), Column("Waktu Pemeriksaan", 12), Column("Kategori", 14),
    Column("Item Pemeriksaan", 36), Column("Kondisi", 14), Column("Nilai", 16),
    Column("Keterangan", 40), Column("Tindak Lanjut", 40),
]


def compliance_columns(first: str) -> list[Column]:
    return [
        Column(first, 30), Column("Jumlah Putaran", 11, "int"),
        Column("Selesai Tepat Waktu", 11, "int"), Column("Terlambat", 11, "int"),
        Column("Terlewat", 11, "int"), Column("Tepat Waktu (%)", 11, "percent"),
        Column("Terlambat (%)", 11, "percent"), Column("Terlewat (%)", 11, "percent"),
    ]


def compliance_row(label: str, counts: Counter) -> list:
    total = sum(counts[state] for state in COUNTED)
    return [label, total, *(counts[state] for state in COUNTED),
            *(share(counts[state], total) for state in COUNTED)]


def _round_rows(ctx: ReportContext):
    faults = (
        select(func.count()).select_from(ChecklistEntry)
        .where(ChecklistEntry.round_id == ChecklistRound.id, ChecklistEntry.result == "fault")
        .correlate(ChecklistRound).scalar_subquery()
    )
    return stream(
        select(ChecklistRound.date, ChecklistRound.slot, ChecklistRound.status,
               ChecklistRound.submitted_at, AppUser.first_name, AppUser.last_name,
               faults.label("faults"))
        .outerjoin(AppUser, AppUser.id == ChecklistRound.officer_id)
        .where(ChecklistRound.date.between(ctx.start, ctx.end))
        .order_by(ChecklistRound.date, ChecklistRound.slot)
    )


def _result_rows(ctx: ReportContext):
    return stream(
        select(ChecklistRound.date, ChecklistRound.slot, CheckItem.category, CheckItem.name,
               ChecklistEntry.result, ChecklistEntry.value, ChecklistEntry.note,
               ChecklistEntry.follow_up)
        .join(ChecklistRound, ChecklistRound.id == ChecklistEntry.round_id)
        .join(CheckItem, CheckItem.id == ChecklistEntry.item_id)
        .where(ChecklistRound.date.between(ctx.start, ctx.end),
               ChecklistEntry.result.is_not(None))  # probe suggestions alone are not results
        .order_by(ChecklistRound.date, ChecklistRound.slot, CheckItem.order, CheckItem.id)
    )


def build_checklist(book: Workbook, ctx: ReportContext) -> None:
    by_month = book.sheet("Kepatuhan per Bulan")  # summaries first, filled in last
    by_officer = book.sheet("Kepatuhan per Petugas")
    months: dict[tuple[int, int], Counter] = defaultdict(Counter)
    officers: dict[str, Counter] = defaultdict(Counter)

    rounds = book.sheet("Putaran").begin(ROUND_COLUMNS, [
        "Satu baris per putaran pemeriksaan (08.00 dan 13.00 WITA pada hari kerja).",
    ])
    for row in _round_rows(ctx):
        officer = full_name(row.first_name, row.last_name)
        rounds.append([row.date, format_slot(row.slot), ROUND_STATES.get(row.status, row.status),
                       officer, local(row.submitted_at), row.faults])
        if row.status in COUNTED:
            months[(row.date.year, row.date.month)][row.status] += 1
            officers[officer or UNASSIGNED][row.status] += 1
    rounds.finish()

    results = book.sheet("Hasil Pemeriksaan").begin(RESULT_COLUMNS)
    for row in _result_rows(ctx):
        results.append([row.date, format_slot(row.slot), row.category, row.name,
                        RESULTS.get(row.result, row.result), row.value, row.note, row.follow_up])
    results.finish()

    _write_compliance(by_month, by_officer, ctx, months, officers)


def _write_compliance(by_month, by_officer, ctx, months, officers) -> None:
    overall = sum(months.values(), Counter())
    notes = [
        "Kepatuhan = bagian putaran yang sudah lewat (Selesai, Terlambat, Terlewat) yang diisi "
        "tepat waktu, terlambat, atau terlewat.",
        ("Tepat waktu (keseluruhan)", share(overall["done"], sum(overall.values()))),
    ]
    by_month.begin(compliance_columns("Bulan"), notes)
    for year, month in ctx.months():
        by_month.append(compliance_row(month_label(year, month), months[(year, month)]))
    by_month.finish()
    by_month.chart("Kepatuhan checklist per bulan", [5, 6, 7], subtype="stacked", percent=True)

    by_officer.begin(compliance_columns("Petugas IT"), [
        f"Putaran terlewat yang tidak pernah diisi tercatat sebagai {UNASSIGNED}.",
    ])
    for name in sorted(officers, key=lambda n: (n == UNASSIGNED, n)):
        by_officer.append(compliance_row(name, officers[name]))
    by_officer.finish()


# --- incidents ------------------------------------------------------------------------------

INCIDENT_COLUMNS = [
    Column("Waktu Kejadian", 17), Column("Sistem/Modul", 24), Column("Uraian", 44),
    Column("Dampak", 30), Column("Dilaporkan oleh", 28), Column("Dicatat oleh", 28),
    Column("Tindakan", 40), Column("Status", 11), Column("Waktu Teratasi", 17),
    Column("Durasi Penanganan (jam)", 12, "decimal"),
]


def build_incidents(book: Workbook, ctx: ReportContext) -> None:
    reporter, recorder = aliased(AppUser), aliased(AppUser)
    rows = stream(
        select(Incident.occurred_at, SimSystem.name.label("system"), Incident.description,
               Incident.impact, reporter.first_name, reporter.last_name,
               recorder.first_name.label("recorder_first"),
               recorder.last_name.label("recorder_last"), Incident.action_taken,
               Incident.status, Incident.resolved_at)
        .join(reporter, reporter.id == Incident.reported_by_id)
        .outerjoin(recorder, recorder.id == Incident.recorded_by_id)
        .outerjoin(SimSystem, SimSystem.id == Incident.system_id)
        .where(ctx.within(Incident.occurred_at))
        .order_by(Incident.occurred_at, Incident.id)
    )
    sheet = book.sheet("Gangguan SIM").begin(INCIDENT_COLUMNS, [
        "Durasi penanganan = waktu teratasi dikurangi waktu kejadian, dalam jam.",
    ])
    total_hours, resolved, still_open = 0.0, 0, 0
    for row in rows:
        hours = None
        if row.resolved_at is not None:
            hours = (row.resolved_at - row.occurred_at).total_seconds() / 3600
            total_hours, resolved = total_hours + hours, resolved + 1
        still_open += row.status != "resolved"
        sheet.append([
            local(row.occurred_at), row.system, row.description, row.impact,
            full_name(row.first_name, row.last_name),
            full_name(row.recorder_first, row.recorder_last), row.action_taken,
            INCIDENT_STATES.get(row.status, row.status), local(row.resolved_at),
            None if hours is None else round(hours, 2),
        ])
    sheet.finish()
    mean = round(total_hours / resolved, 2) if resolved else None
    last = len(INCIDENT_COLUMNS) - 1
    sheet.footer("Rata-rata durasi penanganan (jam)", mean, column=last)
    sheet.footer("Jumlah gangguan", sheet.rows_written)
    sheet.footer("Belum teratasi", still_open)
