"""The register on paper (issue 22): the Kartu Inventaris Ruangan of a unit (or one room) in
the style of the other forms, and a sheet of QR labels to stick on the equipment. Layouts take
loaded rows and return PDF bytes; they query nothing."""

from __future__ import annotations

import datetime as dt
import io

import segno

from app.assets.models import CONDITION_CODES
from app.printing.layout import (
    FONT,
    FormPdf,
    Signatory,
    flow_table,
    label_value_table,
    letterhead,
    section,
    signature_blocks,
)
from app.timeutil import format_date, to_wita

KIR_CODE = "KIR"
KIR_TITLE = "KARTU INVENTARIS RUANGAN (KIR)"
KIR_HEADER = ["No.", "Nomor Inventaris", "Kode Barang", "Jenis / Merek / Tipe / Nomor Seri",
              "Tahun", "Kondisi", "Keterangan"]
KIR_WIDTHS = [8, 38, 32, 48, 13, 15, 26]  # 180 mm: the A4 page between its margins
# A4 portrait: 3 labels across, 7 down, each 60 x 38 mm.
LABEL_COLUMNS, LABEL_ROWS, LABEL_W, LABEL_H, QR_MM = 3, 7, 60.0, 38.0, 28.0


def kir_pdf(unit, room: str | None, assets: list, head, now: dt.datetime) -> bytes:
    """One card: the unit (and room), a row per asset, the head's signature."""
    reference = f"{unit.short_name or unit.name}" + (f" — {room}" if room else "")
    pdf = FormPdf(KIR_CODE, reference, now)
    pdf.alias_nb_pages()
    pdf.add_page()
    letterhead(pdf, KIR_CODE, KIR_TITLE)
    label_value_table(pdf, [("Unit Kerja", unit.name), ("Ruangan", room or "Semua ruangan"),
                            ("Jumlah barang", str(len(assets)))])
    section(pdf, "Daftar Barang")
    rows = [[str(n), a.inventory_number, a.goods_code,
             f"{a.category} — {a.brand_type}\nNo. Seri: {a.serial_number or '-'}",
             str(a.year_acquired or "-"), CONDITION_CODES[a.condition], _remark(a)]
            for n, a in enumerate(assets, start=1)]
    flow_table(pdf, KIR_WIDTHS, rows, header=KIR_HEADER)
    pdf.ln(1)
    pdf.cell(0, 5, "Kondisi: B = Baik, RR = Rusak Ringan, RB = Rusak Berat",
             new_x="LMARGIN", new_y="NEXT")
    signature_blocks(pdf, [
        Signatory("Mengetahui", f"Kepala {unit.name}", head.full_name if head else None,
                  head.nip if head else None, to_wita(now)),
        Signatory("Dibuat oleh", "Pengurus Barang", None, None, None),
    ], per_row=2)
    return bytes(pdf.output())


def _remark(asset) -> str:
    parts = [f"Pemegang: {asset.holder.full_name}"] if asset.holder else []
    if asset.status == "dihapus":
        parts.append("Dihapus")
    return "; ".join(parts) or "-"


def labels_pdf(assets: list, link_of, now: dt.datetime) -> bytes:
    """QR labels, `link_of(asset)` the address each QR opens (the asset's page)."""
    pdf = FormPdf("Label Aset TI", format_date(to_wita(now)), now)
    pdf.alias_nb_pages()
    pdf.set_auto_page_break(False)
    per_page = LABEL_COLUMNS * LABEL_ROWS
    for index, asset in enumerate(assets):
        if index % per_page == 0:
            pdf.add_page()
        slot = index % per_page
        x = pdf.l_margin + (slot % LABEL_COLUMNS) * LABEL_W
        y = 14 + (slot // LABEL_COLUMNS) * LABEL_H
        _label(pdf, asset, link_of(asset), x, y)
    return bytes(pdf.output())


def _label(pdf: FormPdf, asset, link: str, x: float, y: float) -> None:
    """The QR on the left, who owns it and what it is on the right, the inventory number in
    large type across the bottom (what a person reads without a phone)."""
    pdf.set_draw_color(160, 160, 160)
    pdf.rect(x + 1, y + 1, LABEL_W - 2, LABEL_H - 2)
    pdf.set_draw_color(0, 0, 0)
    image = io.BytesIO()
    segno.make(link, error="m").save(image, kind="png", scale=6, border=2)
    image.seek(0)
    pdf.image(image, x=x + 2, y=y + 2, w=QR_MM, h=QR_MM)
    text_x, text_w = x + 3 + QR_MM, LABEL_W - QR_MM - 5
    pdf.set_xy(text_x, y + 4)
    pdf.set_font(FONT, "B", 6.5)
    pdf.multi_cell(text_w, 3, "PEMKOT DENPASAR\nDPMPTSP", align="L", new_x="LEFT",
                   new_y="NEXT")
    pdf.set_font(FONT, "", 6.5)
    pdf.set_xy(text_x, pdf.get_y() + 1)
    pdf.multi_cell(text_w, 3, f"{asset.category}\n{asset.brand_type}"[:90], align="L",
                   new_x="LEFT", new_y="NEXT")
    pdf.set_xy(x + 2, y + QR_MM + 2.5)
    pdf.set_font(FONT, "B", 9)
    pdf.cell(LABEL_W - 4, 4, asset.inventory_number, align="C")
