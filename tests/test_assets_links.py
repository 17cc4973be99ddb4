"""An asset's page and its row rule (issue 22): an FM-03 request naming it and an incident on
it in its history, newest first; condition changes by IT officers only, with a note; the same
assets seen through the screens, the API, the report, the KIR PDF and the QR labels."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import zipfile
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from openpyxl import load_workbook
from PIL import Image
from pyzbar.pyzbar import decode
from sqlalchemy import func, select

from app.assets.models import Asset
from app.assets.queries import damaged_by_unit
from app.checklist.models import CheckItem
from app.extensions import db
from app.security.models import AppUser, Unit
from tests.helpers import count_queries, read_pdf

PEMOHON_PC = "DPMPTSP.TI.2018.014"  # the demo PC held by `pemohon` (Bidang Pelayanan Perizinan)
SERVER = "DPMPTSP.TI.2022.001"  # the application server, Seksi PDSI's server room


def _asset(app, number: str) -> Asset:
    with app.app_context():
        asset = db.session.execute(select(Asset).where(
            Asset.inventory_number == number)).scalar_one()
        db.session.expunge(asset)
        return asset


def _unit_id(app, code: str) -> int:
    with app.app_context():
        return db.session.execute(select(Unit.id).where(Unit.code == code)).scalar_one()


def _support_type(api) -> int:
    return api("pemohon").get("/api/v1/support_request/_info").json[
        "add_columns"][0]["values"][0]["id"]


def _field(info, name):
    return next(f for f in info["add_columns"] if f["name"] == name)


def test_an_fm03_and_an_incident_on_an_asset_are_on_its_page_newest_first(app, api,
                                                                           login_as):
    pc = _asset(app, PEMOHON_PC)
    pemohon = api("pemohon")
    info = pemohon.get("/api/v1/support_request/_info").json
    choices = _field(info, "asset_id")["values"]
    assert _field(info, "asset_id")["label"] == "Perangkat"
    assert choices[0]["id"] == pc.id  # the requester's own PC first
    support_type = _field(info, "support_type_id")["values"][0]["id"]
    created = pemohon.post("/api/v1/support_request/", json={
        "title": "PC loket 3 mati mendadak", "support_type_id": support_type,
        "asset_id": pc.id, "description": "Layar gelap setelah listrik padam."})
    assert created.status_code == 201, created.json
    request_id = created.json["id"]
    submitted = pemohon.post(f"/api/v1/support_request/{request_id}/actions/submit", json={})
    assert submitted.status_code == 200, submitted.json
    number = submitted.json["result"]["number"]
    incident = pemohon.post("/api/v1/incident/", json={
        "occurred_at": "2099-01-05T09:15", "asset_id": pc.id,
        "description": "SIM tidak bisa dibuka dari PC loket 3."})
    assert incident.status_code == 201, incident.json

    page = login_as("kasi.pdsi").get(f"/assetview/show/{pc.id}").get_data(as_text=True)
    assert number in page and "PC loket 3 mati mendadak" in page
    assert "SIM tidak bisa dibuka dari PC loket 3." in page
    # the incident happened in 2099, after the request: it comes first
    assert page.index("SIM tidak bisa dibuka") < page.index("PC loket 3 mati mendadak")
    assert "Permintaan Dukungan (FM-03)" in page and "Gangguan SIM" in page
    # the history keeps the requests' row rule: an officer not assigned to it sees the incident
    officer = login_as("it.budi").get(f"/assetview/show/{pc.id}").get_data(as_text=True)
    assert "SIM tidak bisa dibuka" in officer and number not in officer
    # the request's own page names the equipment
    shown = login_as("pemohon").get(f"/supportrequestview/show/{request_id}")
    assert PEMOHON_PC in shown.get_data(as_text=True)


def test_a_request_may_not_name_an_asset_its_requester_does_not_see(app, api):
    server = _asset(app, SERVER)
    pemohon = api("pemohon")
    info = pemohon.get("/api/v1/support_request/_info").json
    assert server.id not in {c["id"] for c in _field(info, "asset_id")["values"]}
    answer = pemohon.post("/api/v1/support_request/", json={
        "title": "Server", "support_type_id": _field(info, "support_type_id")["values"][0]["id"],
        "asset_id": server.id, "description": "x"})
    assert answer.status_code == 400
    assert answer.json["message"]["asset_id"] == [
        "Perangkat tidak ditemukan atau tidak lagi digunakan."]


def test_an_it_officer_changes_the_condition_with_a_note_and_it_is_kept(app, api, login_as):
    pc = _asset(app, PEMOHON_PC)
    officer = login_as("it.budi")
    refused = officer.post(f"/assetview/condition/{pc.id}", data={"condition": "rusak_ringan"})
    assert refused.status_code == 400
    assert "Tuliskan apa yang ditemukan (catatan wajib diisi)." in refused.get_data(as_text=True)
    assert _asset(app, PEMOHON_PC).condition == "baik"

    done = officer.post(f"/assetview/condition/{pc.id}", data={
        "condition": "rusak_ringan", "note": "Power supply berbunyi, kipas lemah."})
    assert done.status_code == 302
    assert _asset(app, PEMOHON_PC).condition == "rusak_ringan"
    page = login_as("kasi.pdsi").get(f"/assetview/show/{pc.id}").get_data(as_text=True)
    assert "Baik → Rusak Ringan" in page and "Power supply berbunyi, kipas lemah." in page
    again = api("it.sari").post(f"/api/v1/asset/{pc.id}/actions/condition",
                                json={"condition": "rusak_ringan", "note": "sama"})
    assert again.status_code == 409
    assert again.json["message"] == "Aset sudah tercatat dalam kondisi ini."
    # a requester reads the asset but does not change it
    assert login_as("pemohon").post(f"/assetview/condition/{pc.id}", data={
        "condition": "baik", "note": "x"}).status_code in (302, 403)
    assert api("pemohon").post(f"/api/v1/asset/{pc.id}/actions/condition", json={
        "condition": "baik", "note": "x"}).status_code == 403
    assert _asset(app, PEMOHON_PC).condition == "rusak_ringan"


def test_everyone_sees_their_units_assets_in_the_list_api_and_prints(app, api, login_as):
    server, pc = _asset(app, SERVER), _asset(app, PEMOHON_PC)
    pelayanan, pdsi = _unit_id(app, "BID-PELAYANAN"), _unit_id(app, "SEKSI-PDSI")
    # the demo: 17 assets in Bidang Pelayanan Perizinan, 60 in all
    listed = api("pemohon").get("/api/v1/asset/?q=(page_size:100)").json
    assert listed["count"] == 17
    assert {row["unit"]["id"] for row in listed["result"]} == {pelayanan}
    assert api("kabid.dalak").get("/api/v1/asset/?q=(page_size:100)").json["count"] == 60
    assert api("it.budi").get("/api/v1/asset/?q=(page_size:100)").json["count"] == 60
    assert api("pemohon").get(f"/api/v1/asset/{server.id}").status_code == 404
    assert api("pemohon").get(f"/api/v1/asset/{pc.id}").status_code == 200

    pemohon = login_as("pemohon")
    assert pemohon.get(f"/assetview/show/{server.id}").status_code == 404
    page = pemohon.get("/assetview/list/?psize_AssetView=100").get_data(as_text=True)
    assert PEMOHON_PC in page and SERVER not in page
    assert pemohon.get(f"/assets/kir.pdf?unit={pdsi}").status_code == 404
    assert pemohon.get(f"/assets/kir.pdf?unit={pelayanan}").status_code == 200
    exported = load_workbook(io.BytesIO(pemohon.get("/assets/export.xlsx").data))
    numbers = [row[0] for row in exported.active.iter_rows(min_row=6, values_only=True)]
    assert len(numbers) == 17 and PEMOHON_PC in numbers and SERVER not in numbers
    # the report: a unit head gets their unit's assets, a requester no report at all
    assert pemohon.get("/reports/assets.xlsx").status_code == 403
    book = load_workbook(io.BytesIO(login_as("kabid.pelayanan").get(
        "/reports/assets.xlsx").data))
    units = {row[0] for row in book["Per Unit dan Kondisi"].iter_rows(min_row=7,
                                                                      values_only=True)}
    assert units == {"Bidang Pelayanan Perizinan"}


def test_the_kir_pdf_lists_the_units_assets(app, login_as):
    pelayanan = _unit_id(app, "BID-PELAYANAN")
    with app.app_context():
        expected = db.session.execute(select(Asset.inventory_number).where(
            Asset.unit_id == pelayanan)).scalars().all()
    assert len(expected) == 17
    pages, text = read_pdf(login_as("kasi.pdsi").get(f"/assets/kir.pdf?unit={pelayanan}"))
    assert "KARTU INVENTARIS RUANGAN (KIR)" in text and "Bidang Pelayanan Perizinan" in text
    for number in expected:
        assert number in text
    assert SERVER not in text
    assert "Mengetahui" in text
    # one room only
    pages, text = read_pdf(login_as("kasi.pdsi").get(
        f"/assets/kir.pdf?unit={pelayanan}&room=Ruang Tunggu"))
    assert "Jumlah barang 2" in text  # the two queue screens of the waiting room
    assert "DPMPTSP.TI.2019.029" in text and "DPMPTSP.TI.2020.030" in text
    assert PEMOHON_PC not in text


def test_a_qr_on_the_label_sheet_opens_the_assets_page(app, login_as, tmp_path):
    pdsi = _unit_id(app, "SEKSI-PDSI")
    kasi = login_as("kasi.pdsi")
    response = kasi.get(f"/assets/labels.pdf?unit={pdsi}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    (tmp_path / "labels.pdf").write_bytes(response.data)
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1",
                    str(tmp_path / "labels.pdf"), str(tmp_path / "page")], check=True)
    image = Image.open(next(tmp_path.glob("page*.png")))
    links = sorted(code.data.decode() for code in decode(image))
    with app.app_context():
        ids = db.session.execute(select(Asset.id).where(Asset.unit_id == pdsi)).scalars().all()
    assert links == sorted(f"http://layanan.test/assetview/show/{pk}" for pk in ids)
    server = _asset(app, SERVER)
    link = f"http://layanan.test/assetview/show/{server.id}"
    assert link in links
    page = kasi.get(urlsplit(link).path)
    assert page.status_code == 200 and SERVER in page.get_data(as_text=True)


def test_the_report_counts_by_unit_and_charts_the_most_troubled_assets(app, login_as):
    data = login_as("kasi.pdsi").get("/reports/assets.xlsx").data
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Per Unit dan Kondisi", "Paling Sering Bermasalah", "Aset Rusak"]
    rows = list(book["Per Unit dan Kondisi"].iter_rows(min_row=7, values_only=True))
    assert sum(row[5] for row in rows) == 60
    top = list(book["Paling Sering Bermasalah"].iter_rows(min_row=7, values_only=True))
    # the request of the first test, this month (its incident, in 2099, is outside the period)
    assert top == [(PEMOHON_PC, "Komputer/PC — Lenovo ThinkCentre M70t",
                    "Bidang Pelayanan Perizinan", "Rusak Ringan", 1, 0, 1)]
    assert any(name.startswith("xl/charts/chart") for name in zipfile.ZipFile(
        io.BytesIO(data)).namelist())
    damaged = [row[0] for row in book["Aset Rusak"].iter_rows(min_row=7, values_only=True)]
    assert PEMOHON_PC in damaged


def test_the_dashboard_figure_counts_damaged_assets_by_unit(app):
    with app.app_context():
        kasi = db.session.execute(select(AppUser).where(
            AppUser.username == "kasi.pdsi")).scalar_one()
        rows = dict((name, (light, heavy)) for name, light, heavy in damaged_by_unit(kasi))
    # the demo's damaged assets (seeds/assets.py), plus the pemohon's PC marked above
    assert rows["Bidang Pelayanan Perizinan"] == (3, 1)
    assert sum(light for light, _ in rows.values()) == 8
    assert sum(heavy for _, heavy in rows.values()) == 4


def test_a_check_item_may_name_the_server_it_checks(app, api):
    with app.app_context():
        item = db.session.execute(select(CheckItem).where(
            CheckItem.code == "SRV-APLIKASI")).scalar_one()
        assert item.asset.inventory_number == SERVER


def test_the_list_asks_as_many_queries_for_60_rows_as_for_10(app, login_as):
    kasi = login_as("kasi.pdsi")
    kasi.get("/assetview/list/")  # the user's roles and permissions cached alike
    with count_queries(app) as few:
        assert kasi.get("/assetview/list/?psize_AssetView=10").status_code == 200
    with count_queries(app) as many:
        page = kasi.get("/assetview/list/?psize_AssetView=100")
    assert page.status_code == 200 and SERVER in page.get_data(as_text=True)
    assert len(many) == len(few)


def test_the_kasi_adds_assets_and_bad_input_is_named_per_field(app, api, login_as):
    pelayanan = _unit_id(app, "BID-PELAYANAN")
    this_year = dt.datetime.now(ZoneInfo("Asia/Makassar")).year  # no later acquisition
    kasi = api("kasi.pdsi")
    bad = kasi.post("/api/v1/asset/", json={
        "inventory_number": PEMOHON_PC, "category": "Mesin Tik", "brand_type": "",
        "unit_id": 99999, "year_acquired": 1950, "condition": "hilang"})
    assert bad.status_code == 400
    assert bad.json["message"] == {
        "inventory_number": ["Nomor inventaris ini sudah terdaftar."],
        "category": ["Kategori harus salah satu dari: Komputer/PC, Laptop, Printer, Scanner, "
                     "Server, Perangkat Jaringan, UPS, Lainnya."],
        "brand_type": ["Kolom ini wajib diisi."],
        "unit_id": ["Unit kerja tidak ditemukan."],
        "year_acquired": [f"Tahun perolehan harus tahun antara 1980 dan {this_year}."],
        "condition": ["Kondisi harus Baik, Rusak Ringan atau Rusak Berat."],
    }
    made = kasi.post("/api/v1/asset/", json={
        "inventory_number": "DPMPTSP.TI.2026.900", "category": "Laptop",
        "brand_type": "Lenovo ThinkPad E14", "unit_id": pelayanan, "room": "Ruang Rapat",
        "year_acquired": 2025})
    assert made.status_code == 201, made.json
    assert made.json["result"]["condition"] == "baik"
    # the condition changes through its action only, where it leaves a history row
    changed = kasi.put(f"/api/v1/asset/{made.json['id']}", json={"condition": "rusak_berat"})
    assert changed.status_code in (400, 422)
    assert api("it.budi").post("/api/v1/asset/", json={}).status_code == 403

    form = login_as("kasi.pdsi").post("/assetview/add", data={
        "inventory_number": "DPMPTSP.TI.2026.900", "category": "Laptop",
        "brand_type": "Lenovo", "unit": str(pelayanan), "condition": "baik",
        "status": "aktif"})
    assert "Nomor inventaris ini sudah terdaftar." in form.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Asset).where(
            Asset.inventory_number == "DPMPTSP.TI.2026.900")).scalar_one() == 1
