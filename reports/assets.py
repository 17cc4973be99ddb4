"""The `assets` report (issue 22): the register by unit, category and condition; the assets
with the most FM-03 requests and incidents in the period, with a native chart; the damaged
equipment listed. The reader's row rule applies (app.assets.visibility)."""

from __future__ import annotations

from sqlalchemy import case, func, select, true

from app.assets.models import CONDITIONS, DAMAGED, Asset
from app.assets.visibility import asset_visibility
from app.checklist.models import Incident
from app.i18n import labels_in_office_language
from app.requests.models import SupportRequest
from app.security.models import AppUser, Unit
from reports.common import ReportContext, full_name, stream
from reports.xlsx import Column, Workbook

TOP = 20
COUNT_COLUMNS = [Column("Unit Kerja", 40), Column("Kategori", 18),
                 Column("Baik", 10, "int"), Column("Rusak Ringan", 12, "int"),
                 Column("Rusak Berat", 12, "int"), Column("Jumlah", 10, "int")]
TOP_COLUMNS = [Column("Nomor Inventaris", 22), Column("Jenis / Merek / Tipe", 36),
               Column("Unit Kerja", 30), Column("Kondisi", 14),
               Column("Permintaan Dukungan (FM-03)", 14, "int"), Column("Gangguan SIM", 12, "int"),
               Column("Jumlah", 10, "int")]
DAMAGED_COLUMNS = [Column("Nomor Inventaris", 22), Column("Kategori", 18),
                   Column("Merek/Tipe", 30), Column("Unit Kerja", 30), Column("Ruangan", 24),
                   Column("Pemegang", 26), Column("Kondisi", 14)]


def _visible(ctx: ReportContext):
    return true() if ctx.user is None else asset_visibility(ctx.user)


def build_assets(book: Workbook, ctx: ReportContext) -> None:
    conditions = labels_in_office_language(CONDITIONS)
    _by_unit(book, ctx)
    _most_troubled(book, ctx, conditions)
    _damaged(book, ctx, conditions)


def _by_unit(book: Workbook, ctx: ReportContext) -> None:
    counts = [func.sum(case((Asset.condition == code, 1), else_=0)) for code in CONDITIONS]
    rows = stream(select(Unit.name, Asset.category, *counts)
                  .join(Unit, Unit.id == Asset.unit_id)
                  .where(_visible(ctx), Asset.status == "aktif")
                  .group_by(Unit.name, Asset.category).order_by(Unit.name, Asset.category))
    sheet = book.sheet("Per Unit dan Kondisi").begin(COUNT_COLUMNS, [
        "Aset yang masih digunakan (status aktif), keadaan saat laporan dibuat."])
    for unit, category, good, light, heavy in rows:
        good, light, heavy = int(good), int(light), int(heavy)
        sheet.append([unit, category, good, light, heavy, good + light + heavy])
    sheet.finish()


def _most_troubled(book: Workbook, ctx: ReportContext, conditions: dict) -> None:
    requests = (select(SupportRequest.asset_id, func.count().label("n"))
                .where(SupportRequest.asset_id.isnot(None),
                       ctx.within(SupportRequest.submitted_at),
                       ctx.visible_requests(SupportRequest))
                .group_by(SupportRequest.asset_id).subquery())
    incidents = (select(Incident.asset_id, func.count().label("n"))
                 .where(Incident.asset_id.isnot(None), ctx.within(Incident.occurred_at))
                 .group_by(Incident.asset_id).subquery())
    n_requests = func.coalesce(requests.c.n, 0)
    n_incidents = func.coalesce(incidents.c.n, 0)
    rows = stream(
        select(Asset.inventory_number, Asset.category, Asset.brand_type, Unit.name,
               Asset.condition, n_requests, n_incidents)
        .join(Unit, Unit.id == Asset.unit_id)
        .outerjoin(requests, requests.c.asset_id == Asset.id)
        .outerjoin(incidents, incidents.c.asset_id == Asset.id)
        .where(_visible(ctx), (n_requests + n_incidents) > 0)
        .order_by((n_requests + n_incidents).desc(), Asset.inventory_number).limit(TOP))
    sheet = book.sheet("Paling Sering Bermasalah").begin(TOP_COLUMNS, [
        f"{TOP} aset dengan permintaan dukungan (FM-03, menurut tanggal pengajuan) dan "
        "gangguan SIM terbanyak dalam periode."])
    for number, category, brand, unit, condition, n_req, n_inc in rows:
        sheet.append([number, f"{category} — {brand}", unit, conditions[condition],
                      int(n_req), int(n_inc), int(n_req) + int(n_inc)])
    sheet.finish()
    sheet.chart("Permintaan dan gangguan per aset", [4, 5], kind="bar", subtype="stacked",
                y_title="Jumlah")


def _damaged(book: Workbook, ctx: ReportContext, conditions: dict) -> None:
    severity = case((Asset.condition == "rusak_berat", 0), else_=1)
    rows = stream(
        select(Asset.inventory_number, Asset.category, Asset.brand_type, Unit.name, Asset.room,
               AppUser.first_name, AppUser.last_name, Asset.condition)
        .join(Unit, Unit.id == Asset.unit_id)
        .outerjoin(AppUser, AppUser.id == Asset.holder_id)
        .where(_visible(ctx), Asset.status == "aktif",
               Asset.condition.in_(DAMAGED))
        .order_by(severity, Unit.name, Asset.inventory_number))
    sheet = book.sheet("Aset Rusak").begin(DAMAGED_COLUMNS, [
        "Aset yang masih digunakan dengan kondisi Rusak Ringan atau Rusak Berat."])
    for number, category, brand, unit, room, first, last, condition in rows:
        sheet.append([number, category, brand, unit, room, full_name(first, last),
                      conditions[condition]])
    sheet.finish()
