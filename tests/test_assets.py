"""The IT asset register (issue 22): the spreadsheet import (all or nothing, idempotent), an
FM-03 request and an incident on an asset's page, the condition history, row visibility
through the screens, the API, the report and the prints, the KIR PDF and the QR labels."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from sqlalchemy import func, select

from app.assets.models import Asset, AssetConditionChange
from app.extensions import db

HEADER = ["Nomor Inventaris", "Kode Barang", "Kategori", "Merek/Tipe", "Nomor Seri",
          "Unit Kerja", "Ruangan", "Pemegang", "Tahun Perolehan", "Kondisi", "Keterangan"]
ROWS = 2000
# spreadsheet row -> (column, what is wrong with it); the data start on row 3, under a title
# row and the header
BAD = {
    7: ("Kategori", "Mesin Tik"), 95: ("Unit Kerja", "Bidang Tidak Ada"),
    180: ("Tahun Perolehan", "1970"), 266: ("Kondisi", "Hilang"),
    301: ("Nomor Inventaris", ""), 420: ("Merek/Tipe", ""), 512: ("Pemegang", "tidak.ada"),
    640: ("Tahun Perolehan", "dua ribu"), 777: ("Kategori", ""), 850: ("Unit Kerja", ""),
    903: ("Nomor Seri", "X" * 81), 1001: ("Kondisi", "rusak sedang"),
    1111: ("Tahun Perolehan", "2999"), 1234: ("Pemegang", "nobody"),
    1345: ("Kategori", "Tablet"), 1456: ("Unit Kerja", "XYZ"),
    1567: ("Merek/Tipe", "M" * 121), 1678: ("Kode Barang", "9" * 41),
    1789: ("Kondisi", "?"), 1890: ("Nomor Inventaris", "IMP/2025/00000"),  # the number of row 3
}


def _row(n: int) -> list:
    return [f"IMP/2025/{n:05d}", "1.3.2.10.02.01.001", ["Komputer/PC", "Printer", "UPS"][n % 3],
            f"Merek {n % 17} Tipe {n % 5}", f"SN-{n:06d}", "BID-PELAYANAN",
            f"Ruang {n % 9}", "pemohon" if n % 100 == 0 else "", 2015 + n % 10,
            ["Baik", "Rusak Ringan", "baik"][n % 3], ""]


def _sheet_rows(broken: bool) -> list[list]:
    rows = []
    for index in range(ROWS):
        excel_row = index + 3
        values = _row(index)
        if broken and excel_row in BAD:
            column, wrong = BAD[excel_row]
            values[HEADER.index(column)] = wrong
        rows.append(values)
    return rows


def _xlsx(broken: bool) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["Daftar Barang Milik Daerah — Aset TI 2025"])
    sheet.append(HEADER)
    for values in _sheet_rows(broken):
        sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(client, data: bytes, name: str):
    return client.post("/assets/import", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def _token(page: str) -> str:
    return page.split('name="token" value="')[1].split('"')[0]


def _problem_rows(page: str) -> set[int]:
    body = page.split('id="import-problems"')[1].split("</table>")[0]
    return {int(cell.split("<td>")[1].split("</td>")[0])
            for cell in body.split("<tr>")[2:]}


def _register(app) -> dict[str, tuple]:
    with app.app_context():
        rows = db.session.execute(select(Asset)).scalars()
        return {a.inventory_number: (a.category, a.brand_type, a.unit_id, a.room, a.holder_id,
                                     a.year_acquired, a.condition, a.status) for a in rows}


def test_a_spreadsheet_with_20_bad_rows_writes_nothing_and_the_fixed_one_everything(
        app, login_as):
    kasi = login_as("kasi.pdsi")
    before = _register(app)

    page = _upload(kasi, _xlsx(broken=True), "aset.xlsx")
    assert page.status_code == 400
    text = page.get_data(as_text=True)
    assert _problem_rows(text) == set(BAD)  # exactly those rows, each named
    assert "Tidak ada yang diimpor: 20 baris bermasalah" in text
    assert "Kategori harus salah satu dari" in text and "Unit kerja tidak dikenal: XYZ." in text
    assert "Nomor inventaris berulang (juga pada baris 3)." in text
    assert "Tahun perolehan harus tahun antara 1980 dan" in text
    assert 'name="token"' not in text  # nothing to confirm
    assert _register(app) == before

    page = _upload(kasi, _xlsx(broken=False), "aset.xlsx")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Berkas sudah benar: 2000 baru, 0 diubah, 0 tidak berubah." in text
    assert _register(app) == before  # a preview writes nothing
    done = kasi.post("/assets/import/confirm", data={"token": _token(text)})
    assert done.status_code == 302
    after = _register(app)
    assert len(after) == len(before) + ROWS
    assert after["IMP/2025/00004"] == ("Printer", "Merek 4 Tipe 4", after["IMP/2025/00004"][2],
                                       "Ruang 4", None, 2019, "rusak_ringan", "aktif")

    # the same file again: every row unchanged, nothing written
    text = _upload(kasi, _xlsx(broken=False), "aset.xlsx").get_data(as_text=True)
    assert "0 baru, 0 diubah, 2000 tidak berubah" in text
    kasi.post("/assets/import/confirm", data={"token": _token(text)})
    assert _register(app) == after
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(
            AssetConditionChange)).scalar_one() == 0


def test_a_csv_changes_what_differs_and_records_the_condition_change(app, login_as):
    kasi = login_as("kasi.pdsi")
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(HEADER)
    changed = _row(5)
    changed[HEADER.index("Kondisi")] = "Rusak Berat"
    writer.writerow(changed)
    writer.writerow(_row(6))
    text = _upload(kasi, out.getvalue().encode("utf-8-sig"), "aset.csv").get_data(as_text=True)
    assert "0 baru, 1 diubah, 1 tidak berubah" in text
    kasi.post("/assets/import/confirm", data={"token": _token(text)})
    with app.app_context():
        asset = db.session.execute(select(Asset).where(
            Asset.inventory_number == "IMP/2025/00005")).scalar_one()
        assert asset.condition == "rusak_berat"
        change = asset.condition_changes[-1]
        assert (change.from_condition, change.to_condition, change.note) == (
            "baik", "rusak_berat", "Diubah melalui impor berkas")


def test_only_managers_import_and_a_wrong_file_is_refused(login_as):
    assert login_as("it.budi").get("/assets/import").status_code in (302, 403)
    page = _upload(login_as("kasi.pdsi"), b"not a spreadsheet", "aset.xlsx")
    assert page.status_code == 400
    assert "Berkas bukan lembar kerja XLSX yang dapat dibaca." in page.get_data(as_text=True)
    page = _upload(login_as("kasi.pdsi"), b"x", "aset.pdf")
    assert "Unggah berkas XLSX atau CSV." in page.get_data(as_text=True)
