"""The register as an XLSX file, through the reports' one writer (reports.xlsx); its columns
are the import's (app.assets.importer.COLUMNS), so an export can be imported again."""

from __future__ import annotations

import datetime as dt

from app.assets.importer import COLUMNS
from app.assets.models import CONDITIONS
from app.i18n import labels_in_office_language
from app.timeutil import format_datetime
from reports.xlsx import Column, Workbook

WIDTHS = {"Nomor Inventaris": 22, "Merek/Tipe": 30, "Unit Kerja": 18, "Keterangan": 30}


def write_register(target, assets: list, now: dt.datetime) -> None:
    book = Workbook(target, "Daftar Aset TI", f"Jumlah: {len(assets)} barang",
                    f"Dibuat: {format_datetime(now)}")
    conditions = labels_in_office_language(CONDITIONS)
    sheet = book.sheet("Daftar Aset TI").begin(
        [Column(name, WIDTHS.get(name, 14)) for name in COLUMNS])
    for a in assets:
        sheet.append([a.inventory_number, a.goods_code, a.category, a.brand_type,
                      a.serial_number, a.unit.code, a.room, a.holder.username if a.holder else None,
                      a.year_acquired, conditions[a.condition], a.status, a.notes])
    sheet.finish()
    book.close()
