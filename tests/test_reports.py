"""XLSX reports (SPEC §6): known data replayed through the procedure in 2032, read back with
openpyxl; who may download what, through the browser, the API token and `flask report`.

2032 is used by no other test, so its periods hold only the rows made here.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pytest

import reports
from app.checklist import calendar, incidents, rounds
from app.checklist.models import ChecklistRound, Incident
from app.extensions import db
from app.requests.models import SimSystem
from app.timeutil import WITA, to_utc_naive
from reports import xlsx
from reports.common import state_labels
from reports.registers import lateness
from tests.workflow_helpers import act, new_request, user

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HYPERLINK = '=HYPERLINK("http://x","y")'
MARCH = ("2032-03-01", "2032-03-31")
REPORT_NOW = "2032-04-15T10:00"  # R3 (target 15 March) is then 31 calendar days late


def at(text: str) -> dt.datetime:
    """A WITA wall-clock time as the naive UTC the database stores."""
    return to_utc_naive(dt.datetime.fromisoformat(text).replace(tzinfo=WITA))


def assign(officer: str, target: str) -> dict:
    return {"feasible": True, "officer_id": user(officer).id, "target_date": target,
            "note": "Layak dikerjakan."}


def replay(req, steps) -> None:
    for when, action, actor, payload in steps:
        act(req, action, actor, payload, now=at(when))


def note(text: str = "Catatan.") -> dict:
    return {"note": text}


# --- the data ---------------------------------------------------------------------------

def _make_requests() -> None:
    def request(title, kind="improvement", requester="pemohon", created="2032-02-20T09:00"):
        return new_request(kind, requester, title=title, now=at(created))

    head = {"pemohon": "kabid.pelayanan", "pemohon2": "kasubag.umum"}

    def approved(req, requester, day, officer, target):
        return [(f"{day}T09:00", "submit", requester, {}),
                (f"{day}T10:00", "unit_approve", head[requester], {}),
                (f"{day}T11:00", "assess", "kasi.pdsi", assign(officer, target)),
                (f"{day}T12:00", "kabid_approve", "kabid.dalak", {})]

    # R6: submitted in February, outside the period.
    replay(request("RPT R6 Februari"), [("2032-02-27T09:00", "submit", "pemohon", {})])
    # R1: assigned 2 March, done 4 March, target 5 March: on time.
    r1 = request("RPT R1 tepat waktu")
    replay(r1, [("2032-03-01T09:00", "submit", "pemohon", {}),
                ("2032-03-01T10:00", "unit_approve", "kabid.pelayanan", {}),
                ("2032-03-02T09:00", "assess", "kasi.pdsi", assign("it.budi", "2032-03-05")),
                ("2032-03-02T10:00", "kabid_approve", "kabid.dalak", {}),
                ("2032-03-04T09:00", "report_done", "it.budi", note("Selesai.")),
                ("2032-03-04T10:00", "accept_done", "kasi.pdsi", {})])
    # R2 (Sub Bagian Umum): obstacle, re-assigned to Sari with target 9 March, done on the 10th.
    r2 = request("RPT R2 terlambat", requester="pemohon2")
    replay(r2, [("2032-03-01T09:30", "submit", "pemohon2", {}),
                ("2032-03-01T11:00", "unit_approve", "kasubag.umum", {}),
                ("2032-03-02T09:30", "assess", "kasi.pdsi", assign("it.budi", "2032-03-04")),
                ("2032-03-02T10:30", "kabid_approve", "kabid.dalak", {}),
                ("2032-03-05T09:00", "report_obstacle", "it.budi", note("Server rusak.")),
                ("2032-03-05T10:00", "reassign", "kasi.pdsi",
                 {"officer_id": user("it.sari").id, "target_date": "2032-03-09",
                  "note": "Dilanjutkan Sari."}),
                ("2032-03-10T10:00", "report_done", "it.sari", note("Selesai.")),
                ("2032-03-10T11:00", "accept_done", "kasi.pdsi", {})])
    # R7: an FM-03 support request, done on time (1 day after assignment).
    r7 = request("RPT R7 dukungan", kind="support")
    replay(r7, [("2032-03-01T13:00", "submit", "pemohon", {}),
                ("2032-03-01T14:00", "unit_approve", "kabid.pelayanan", {}),
                ("2032-03-02T09:15", "assess", "kasi.pdsi", assign("it.budi", "2032-03-04")),
                ("2032-03-02T10:15", "kabid_approve", "kabid.dalak", {}),
                ("2032-03-03T09:15", "report_done", "it.budi", note("Selesai.")),
                ("2032-03-03T10:00", "accept_done", "kasi.pdsi", {})])
    # R8: submitted, then returned to draft: not listed.
    replay(request("RPT R8 dikembalikan"), [
        ("2032-03-03T09:00", "submit", "pemohon", {}),
        ("2032-03-03T10:00", "unit_return", "kabid.pelayanan", note("Lengkapi."))])
    # R3: in progress, target 15 March, never finished.
    r3 = request("RPT R3 melewati target")
    replay(r3, approved(r3, "pemohon", "2032-03-08", "it.budi", "2032-03-15")[:2] + [
        ("2032-03-09T09:00", "assess", "kasi.pdsi", assign("it.budi", "2032-03-15")),
        ("2032-03-09T10:00", "kabid_approve", "kabid.dalak", {})])
    # R4: a title that would be a formula; waits for the unit head.
    replay(request(HYPERLINK), [("2032-03-15T09:00", "submit", "pemohon", {})])
    # R9 / R10: either side of the period's end in WITA (UTC would swap them).
    replay(request("RPT R9 akhir Maret"), [("2032-03-31T23:30", "submit", "pemohon", {})])
    replay(request("RPT R10 awal April"), [("2032-04-01T00:30", "submit", "pemohon", {})])
    # R5: a draft that was never submitted.
    request("RPT R5 draf", created="2032-03-02T09:00")


def _entries(fault_item: int | None = None) -> list[dict]:
    return [{"item_id": item.id, "result": "fault" if item.id == fault_item else "ok",
             "value": "", "note": "Lambat." if item.id == fault_item else ""}
            for item in rounds.active_items()]


def _make_rounds() -> int:
    """April: done, late, missed, done. May: done, missed then filled late."""
    plan = {  # (day, slot): (officer or None for missed, submitted at, was missed first)
        ("2032-04-01", "08:00"): ("it.budi", "2032-04-01T08:10", False),
        ("2032-04-01", "13:00"): ("it.sari", "2032-04-01T14:30", False),
        ("2032-04-02", "08:00"): (None, None, True),
        ("2032-04-02", "13:00"): ("it.budi", "2032-04-02T13:20", False),
        ("2032-05-03", "08:00"): ("it.sari", "2032-05-03T08:30", False),
        ("2032-05-03", "13:00"): ("it.budi", "2032-05-03T15:00", True),
    }
    for day in {dt.date.fromisoformat(d) for d, _ in plan}:
        rounds.ensure_rounds(day)
    items = rounds.active_items()
    for (day, slot), (officer, when, missed) in plan.items():
        rnd = db.session.query(ChecklistRound).filter_by(
            date=dt.date.fromisoformat(day), slot=slot).one()
        if missed:  # what the clock does once the grace has passed
            rnd.status = "missed"
            db.session.commit()
        if officer:
            fault = items[0].id if (day, slot) == ("2032-04-01", "08:00") else None
            rounds.submit_round(rnd, user(officer), _entries(fault), at(when))
    return len(items)


def _make_incidents() -> None:
    system = db.session.query(SimSystem).first()
    cases = [
        ("2032-06-02T08:00", "SIM Perizinan tidak bisa diakses", "2032-06-02T11:00"),
        ("2032-06-03T09:00", "+62 gateway SMS mati", "2032-06-03T14:30"),
        ("2032-06-04T10:00", "@server basis data lambat", None),
        ("2032-07-01T10:00", "RPT di luar periode", None),
    ]
    for occurred, description, resolved in cases:
        incident = Incident(occurred_at=at(occurred), system_id=system.id,
                            description=description, impact="Layanan terhenti.",
                            reported_by_id=user("pemohon").id, status="open",
                            created_at=at(occurred))
        db.session.add(incident)
        db.session.commit()
        if resolved:
            incidents.resolve(incident, user("it.budi"), "Layanan dimulai ulang.", at(resolved))


@pytest.fixture(scope="module")
def seeded(app):
    """The 2032 data, once per database backend; returns the number of active check items."""
    with app.app_context():
        calendar.seed_year(2032)
        db.session.commit()
        _make_requests()
        items = _make_rounds()
        _make_incidents()
        db.session.remove()
    return {"items": items}


# --- reading the files -------------------------------------------------------------------

def open_book(data) -> openpyxl.Workbook:
    source = io.BytesIO(data) if isinstance(data, bytes) else data
    return openpyxl.load_workbook(source)


def table(ws, first_header: str) -> list[dict]:
    """The rows under the header row that starts with `first_header`, up to the first gap."""
    rows = list(ws.iter_rows())
    start = next(i for i, row in enumerate(rows) if row[0].value == first_header)
    headers = [cell.value for cell in rows[start]]
    result = []
    for row in rows[start + 1:]:
        if row[0].value is None:
            break
        result.append({h: cell for h, cell in zip(headers, row, strict=False) if h})
    return result


def values(rows: list[dict]) -> list[dict]:
    return [{k: c.value for k, c in row.items()} for row in rows]


def label_value(ws, label: str):
    for row in ws.iter_rows(values_only=True):
        if row[0] == label:
            return next(v for v in row[1:] if v is not None) if any(row[1:]) else None
    raise AssertionError(f"no line {label!r}")


def build(tmp_path, name, start, end, username="kasi.pdsi", now=REPORT_NOW):
    path = tmp_path / f"{name}.xlsx"
    reports.build_report(name, str(path), dt.date.fromisoformat(start),
                         dt.date.fromisoformat(end), user=user(username) if username else None,
                         now=at(now))
    return open_book(path), path


def by_title(rows: list[dict]) -> dict[str, dict]:
    return {row["Judul"]: row for row in values(rows)}


def day(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


# --- the reports --------------------------------------------------------------------------

def test_improvement_register_rows_and_lateness(seeded, ctx, tmp_path):
    book, path = build(tmp_path, "improvement_requests", *MARCH)
    assert book.sheetnames == ["Ringkasan", "Daftar Permintaan"]
    sheet = book["Daftar Permintaan"]
    assert sheet["A1"].value == "Rekapitulasi Permintaan Penyempurnaan Sistem IT"
    assert sheet["A2"].value == "Periode: 1 Maret 2032 s.d. 31 Maret 2032"
    assert sheet["A3"].value.startswith("Dibuat: 15 April 2032, 10.00 WITA")
    rows = table(sheet, "Nomor Permintaan")
    found = by_title(rows)
    assert set(found) == {"RPT R1 tepat waktu", "RPT R2 terlambat", "RPT R3 melewati target",
                          HYPERLINK, "RPT R9 akhir Maret"}
    numbers = [row["Nomor Permintaan"] for row in values(rows)]
    assert numbers == sorted(numbers) and all(n.endswith("/III/2032") for n in numbers)

    r1 = found["RPT R1 tepat waktu"]
    assert r1["Status"] == "Selesai" and r1["Pelaksana (Petugas IT)"] == user("it.budi").full_name
    assert r1["Tanggal"] == day("2032-03-01") and r1["Target Awal"] == day("2032-03-05")
    assert r1["Tanggal Selesai"] == day("2032-03-04T10:00")
    assert (r1["Penugasan Ulang"], r1["Tepat Waktu"], r1["Hari Terlambat"]) == (0, "Ya", 0)

    r2 = found["RPT R2 terlambat"]
    assert r2["Pelaksana (Petugas IT)"] == f"{user('it.budi').full_name}, {user('it.sari').full_name}"
    assert r2["Unit Kerja / Bidang"] == "Sub Bagian Umum dan Kepegawaian"
    assert (r2["Target Awal"], r2["Target Waktu Saat Ini"]) == (day("2032-03-04"), day("2032-03-09"))
    assert (r2["Penugasan Ulang"], r2["Tepat Waktu"], r2["Hari Terlambat"]) == (1, "Tidak", 1)

    r3 = found["RPT R3 melewati target"]
    assert r3["Status"] == "Sedang Dikerjakan"
    assert (r3["Tepat Waktu"], r3["Hari Terlambat"], r3["Tanggal Selesai"]) == (None, 31, None)

    r4 = found[HYPERLINK]
    assert r4["Status"] == "Menunggu Persetujuan Kepala Unit" and r4["Pelaksana (Petugas IT)"] is None
    assert (r4["Penugasan Ulang"], r4["Hari Terlambat"]) == (0, None)
    title_cell = next(row["Judul"] for row in rows if row["Judul"].value == HYPERLINK)
    assert title_cell.data_type == "s"
    assert found["RPT R9 akhir Maret"]["Tanggal"] == day("2032-03-31")

    first = rows[0]
    for column in ("Tanggal", "Target Awal", "Target Waktu Saat Ini", "Tanggal Selesai"):
        cell = next(row[column] for row in rows if row[column].value is not None)
        assert cell.is_date, column
    assert first["Tanggal"].number_format == xlsx.DATE_FORMAT
    assert sheet.freeze_panes == f"A{first['Tanggal'].row}"
    assert sheet.auto_filter.ref == f"A{first['Tanggal'].row - 1}:O{rows[-1]['Tanggal'].row}"  # 15 columns: Kategori (issue 19)
    with zipfile.ZipFile(path) as archive:
        assert any(name.startswith("xl/charts/chart") for name in archive.namelist())
        assert not any("<f>" in archive.read(n).decode() for n in archive.namelist()
                       if n.startswith("xl/worksheets/"))


def test_improvement_register_summary(seeded, ctx, tmp_path):
    book, _ = build(tmp_path, "improvement_requests", *MARCH)
    summary = book["Ringkasan"]
    assert label_value(summary, "Jumlah permintaan") == 5
    assert label_value(summary, "Selesai") == 2
    share = next(row for row in summary.iter_rows() if row[0].value == "Selesai tepat waktu")[1]
    assert share.value == pytest.approx(0.5) and "%" in share.number_format
    assert label_value(summary, "Melewati target waktu") == 1
    months = values(table(summary, "Bulan"))
    assert months == [{"Bulan": "Maret 2032", "Menunggu Persetujuan Kepala Unit": 2,
                       "Sedang Dikerjakan": 1, "Selesai": 2, "Jumlah": 5}]


def test_support_register(seeded, ctx, tmp_path):
    book, _ = build(tmp_path, "support_requests", *MARCH)
    sheet = book["Daftar Permintaan"]
    assert sheet["A1"].value == "Rekapitulasi Permintaan Dukungan Petugas IT"
    rows = values(table(sheet, "Nomor Permintaan"))
    assert [r["Judul"] for r in rows] == ["RPT R7 dukungan"]
    assert rows[0]["Nomor Permintaan"].startswith("001/PDT-TI/DPMPTSP/III/2032")
    assert rows[0]["Jenis Dukungan"] and rows[0]["Tepat Waktu"] == "Ya"


def overdue_rows(tmp_path, start, end, now=REPORT_NOW):
    book, _ = build(tmp_path, "overdue", start, end, now=now)
    return [(r["Judul"], r["Target Waktu"], r["Hari Terlambat"])
            for r in values(table(book.active, "Nomor Permintaan"))
            if r["Judul"].startswith("RPT")]  # not the demo's requests, overdue since 2026


def test_overdue_at_the_end_of_a_past_period(seeded, ctx, tmp_path):
    """As it stood at the end of March (16 days late then), not as it stands on 15 April."""
    book, _ = build(tmp_path, "overdue", *MARCH)
    rows = [r for r in values(table(book.active, "Nomor Permintaan"))
            if r["Judul"].startswith("RPT")]
    assert len(rows) == 1
    assert rows[0]["Judul"] == "RPT R3 melewati target"
    assert rows[0]["Pelaksana (Petugas IT)"] == user("it.budi").full_name
    assert (rows[0]["Target Waktu"], rows[0]["Hari Terlambat"]) == (day("2032-03-15"), 16)
    assert rows[0]["Jenis"] == "Permintaan Penyempurnaan Sistem IT"
    # R3 was assigned on 9 March with target 15 March: on 10 March nothing was overdue yet
    # (R2 had its obstacle and a new target of 9 March, and was done on the 10th).
    assert overdue_rows(tmp_path, "2032-03-01", "2032-03-10") == []
    assert overdue_rows(tmp_path, "2032-03-01", "2032-03-20") == [
        ("RPT R3 melewati target", day("2032-03-15"), 5)]
    # R2 was overdue on 6-8 March? No: its obstacle ended that assignment on the 5th.
    assert overdue_rows(tmp_path, "2032-03-06", "2032-03-08") == []


def test_overdue_whatever_the_submission_date(seeded, ctx, tmp_path):
    """April's report lists R3, submitted in March; a period past today speaks of today."""
    assert overdue_rows(tmp_path, "2032-04-01", "2032-04-10") == [
        ("RPT R3 melewati target", day("2032-03-15"), 26)]
    assert overdue_rows(tmp_path, "2032-04-01", "2032-04-30") == [
        ("RPT R3 melewati target", day("2032-03-15"), 31)]  # today is 15 April
    # Before its target date it is not overdue.
    assert overdue_rows(tmp_path, *MARCH, now="2032-03-15T16:00") == []
    assert overdue_rows(tmp_path, *MARCH, now="2032-03-16T08:00") == [
        ("RPT R3 melewati target", day("2032-03-15"), 1)]


def test_performance_per_officer(seeded, ctx, tmp_path):
    book, path = build(tmp_path, "performance", *MARCH)
    rows = {r["Petugas IT"]: r for r in values(table(book.active, "Petugas IT"))}
    budi, sari = rows[user("it.budi").full_name], rows[user("it.sari").full_name]
    assert [budi[k] for k in ("Penugasan", "Selesai Tepat Waktu", "Selesai Terlambat",
                              "Kendala", "Masih Berjalan")] == [4, 2, 0, 1, 1]
    assert budi["Tepat Waktu (%)"] == pytest.approx(1.0)
    assert budi["Rata-rata Hari Penyelesaian"] == pytest.approx(1.5)
    assert [sari[k] for k in ("Penugasan", "Selesai Tepat Waktu", "Selesai Terlambat",
                              "Kendala", "Masih Berjalan")] == [1, 0, 1, 0, 0]
    assert sari["Tepat Waktu (%)"] == 0 and sari["Rata-rata Hari Penyelesaian"] == 5
    assert label_value(book.active, "Jumlah penugasan") == 5
    with zipfile.ZipFile(path) as archive:
        assert any(name.startswith("xl/charts/chart") for name in archive.namelist())


def test_checklist_rounds_results_and_compliance(seeded, ctx, tmp_path):
    book, path = build(tmp_path, "checklist", "2032-04-01", "2032-05-31")
    assert book.sheetnames == ["Kepatuhan per Bulan", "Kepatuhan per Petugas", "Putaran",
                               "Hasil Pemeriksaan"]
    rows = table(book["Putaran"], "Tanggal")
    got = [(r["Tanggal"].value.date().isoformat(), r["Waktu Pemeriksaan"].value,
            r["Status"].value, r["Jumlah Gangguan"].value) for r in rows]
    assert got == [("2032-04-01", "08.00 WITA", "Selesai", 1),
                   ("2032-04-01", "13.00 WITA", "Terlambat", 0),
                   ("2032-04-02", "08.00 WITA", "Terlewat", 0),
                   ("2032-04-02", "13.00 WITA", "Selesai", 0),
                   ("2032-05-03", "08.00 WITA", "Selesai", 0),
                   ("2032-05-03", "13.00 WITA", "Terlambat", 0)]
    assert rows[0]["Tanggal"].is_date and rows[0]["Diisi Pada"].is_date
    assert rows[0]["Diisi Pada"].value == day("2032-04-01T08:10")
    assert rows[0]["Petugas IT"].value == user("it.budi").full_name
    assert rows[2]["Petugas IT"].value is None

    results = values(table(book["Hasil Pemeriksaan"], "Tanggal"))
    assert len(results) == 5 * seeded["items"]
    assert [r["Kondisi"] for r in results].count("Gangguan") == 1

    months = values(table(book["Kepatuhan per Bulan"], "Bulan"))
    assert [m["Bulan"] for m in months] == ["April 2032", "Mei 2032"]
    april, may = months
    assert [april[k] for k in ("Jumlah Putaran", "Selesai Tepat Waktu", "Terlambat",
                               "Terlewat")] == [4, 2, 1, 1]
    assert [april[k] for k in ("Tepat Waktu (%)", "Terlambat (%)", "Terlewat (%)")] == \
        pytest.approx([0.5, 0.25, 0.25])
    assert [may[k] for k in ("Tepat Waktu (%)", "Terlambat (%)", "Terlewat (%)")] == \
        pytest.approx([0.5, 0.5, 0.0])
    percent_cell = table(book["Kepatuhan per Bulan"], "Bulan")[0]["Tepat Waktu (%)"]
    assert percent_cell.number_format == "0.0%"

    officers = {r["Petugas IT"]: r for r in values(table(book["Kepatuhan per Petugas"],
                                                           "Petugas IT"))}
    budi = officers[user("it.budi").full_name]
    assert [budi[k] for k in ("Jumlah Putaran", "Selesai Tepat Waktu", "Terlambat")] == [3, 2, 1]
    assert budi["Tepat Waktu (%)"] == pytest.approx(2 / 3)
    assert officers[user("it.sari").full_name]["Tepat Waktu (%)"] == pytest.approx(0.5)
    assert officers["(tanpa petugas)"]["Terlewat"] == 1
    with zipfile.ZipFile(path) as archive:
        assert any(name.startswith("xl/charts/chart") for name in archive.namelist())


def test_incidents_with_duration_and_mean(seeded, ctx, tmp_path):
    book, _ = build(tmp_path, "incidents", "2032-06-01", "2032-06-30")
    rows = table(book.active, "Waktu Kejadian")
    assert [r["Uraian"].value for r in rows] == [
        "SIM Perizinan tidak bisa diakses", "+62 gateway SMS mati", "@server basis data lambat"]
    assert all(r["Uraian"].data_type == "s" for r in rows)
    assert [r["Durasi Penanganan (jam)"].value for r in rows] == [3, 5.5, None]
    assert [r["Status"].value for r in rows] == ["Teratasi", "Teratasi", "Terbuka"]
    assert rows[0]["Waktu Kejadian"].is_date
    assert rows[0]["Waktu Kejadian"].value == day("2032-06-02T08:00")
    assert label_value(book.active, "Rata-rata durasi penanganan (jam)") == pytest.approx(4.25)
    assert label_value(book.active, "Belum teratasi") == 1


# --- who may ------------------------------------------------------------------------------

def url(name: str, start: str = MARCH[0], end: str = MARCH[1]) -> str:
    return f"/reports/{name}.xlsx?from={start}&to={end}"


def test_download_in_the_browser(seeded, login_as):
    response = login_as("kasi.pdsi").get(url("improvement_requests"))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == XLSX
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    book = open_book(response.data)
    assert len(table(book["Daftar Permintaan"], "Nomor Permintaan")) == 5


@pytest.mark.parametrize("username, titles", [
    ("kabid.pelayanan", {"RPT R1 tepat waktu", "RPT R3 melewati target", HYPERLINK,
                         "RPT R9 akhir Maret"}),
    ("kasubag.umum", {"RPT R2 terlambat"}),
])
def test_unit_head_sees_only_their_units(seeded, login_as, username, titles):
    client = login_as(username)
    response = client.get(url("improvement_requests"))
    assert response.status_code == 200
    rows = table(open_book(response.data)["Daftar Permintaan"], "Nomor Permintaan")
    assert {r["Judul"].value for r in rows} == titles
    support = client.get(url("support_requests"))
    assert support.status_code == 200
    for name in ("checklist", "performance", "incidents", "overdue"):
        denied = client.get(url(name))
        assert denied.status_code == 403, name
        assert "tidak berwenang" in denied.get_data(as_text=True)


def test_requesters_and_officers_are_refused(seeded, login_as, api):
    assert login_as("pemohon").get(url("improvement_requests")).status_code == 403
    assert api("pemohon").get(url("support_requests")).status_code == 403
    refused = api("it.budi").get(url("checklist"))
    assert refused.status_code == 403 and "tidak berwenang" in refused.json["message"]


def test_download_with_an_api_token(seeded, api):
    response = api("pimpinan").get(url("performance"))
    assert response.status_code == 200 and response.mimetype == XLSX
    assert table(open_book(response.data).active, "Petugas IT")
    kepala = api("kabid.pelayanan").get(url("improvement_requests"))
    assert len(table(open_book(kepala.data)["Daftar Permintaan"], "Nomor Permintaan")) == 4
    assert api("kabid.pelayanan").get(url("overdue")).status_code == 403


def test_without_login_or_with_a_bad_token(seeded, app):
    client = app.test_client()
    anonymous = client.get(url("incidents"))
    assert anonymous.status_code == 302 and "/login/" in anonymous.headers["Location"]
    bad = client.get(url("incidents"), headers={"Authorization": "Bearer not-a-token"})
    assert bad.status_code in (401, 422)


@pytest.mark.parametrize("query", ["from=2032-13-01&to=2032-03-31", "from=kemarin&to=2032-03-31",
                                   "from=2032-03-31&to=2032-03-01", "from=2032-03-01",
                                   "from=1850-01-01&to=2032-03-01"])
def test_bad_period_is_400_in_indonesian(seeded, api, query):
    response = api("kasi.pdsi").get(f"/reports/incidents.xlsx?{query}")
    assert response.status_code == 400
    assert any(word in response.json["message"] for word in ("Tanggal", "Periode"))


def test_unknown_report_is_404(seeded, api, login_as):
    assert api("kasi.pdsi").get("/reports/rahasia.xlsx").status_code == 404
    assert login_as("kabid.pelayanan").get("/reports/rahasia.xlsx").status_code == 404


def test_missing_period_means_this_month(seeded, api):
    response = api("kasi.pdsi").get("/reports/incidents.xlsx")
    assert response.status_code == 200
    assert "_" in response.headers["Content-Disposition"]


def test_laporan_page(seeded, login_as):
    page = login_as("kasi.pdsi").get("/reports/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for name in reports.REPORTS:
        assert f'data-report="{name}"' in html
    assert "Kinerja Petugas IT" in html and 'data-period="last_month"' in html
    head = login_as("kabid.pelayanan").get("/reports/").get_data(as_text=True)
    assert 'data-report="improvement_requests"' in head
    assert 'data-report="support_requests"' in head
    assert 'data-report="checklist"' not in head
    assert login_as("pemohon").get("/reports/").status_code in (302, 403)


# --- command line ---------------------------------------------------------------------------

def test_cli_writes_the_file(seeded, app, tmp_path):
    output = tmp_path / "gangguan.xlsx"
    result = app.test_cli_runner().invoke(args=[
        "report", "incidents", "--from", "2032-06-01", "--to", "2032-06-30",
        "--output", str(output)])
    assert result.exit_code == 0, result.output
    assert len(table(open_book(output).active, "Waktu Kejadian")) == 3

    output = tmp_path / "kepala.xlsx"
    result = app.test_cli_runner().invoke(args=[
        "report", "improvement_requests", "--from", MARCH[0], "--to", MARCH[1],
        "--output", str(output), "--user", "kasubag.umum", "--now", REPORT_NOW])
    assert result.exit_code == 0, result.output
    rows = table(open_book(output)["Daftar Permintaan"], "Nomor Permintaan")
    assert [r["Judul"].value for r in rows] == ["RPT R2 terlambat"]

    refused = app.test_cli_runner().invoke(args=[
        "report", "checklist", "--from", MARCH[0], "--to", MARCH[1], "--output",
        str(tmp_path / "x.xlsx"), "--user", "pemohon"])
    assert refused.exit_code != 0
    unknown = app.test_cli_runner().invoke(args=[
        "report", "rahasia", "--from", MARCH[0], "--to", MARCH[1], "--output",
        str(tmp_path / "y.xlsx")])
    assert unknown.exit_code != 0


# --- pieces -------------------------------------------------------------------------------

def test_lateness_rules():
    target = dt.date(2032, 3, 9)
    today = dt.date(2032, 3, 20)
    assert lateness("done", target, dt.date(2032, 3, 9), today) == ("Ya", 0)
    assert lateness("done", target, dt.date(2032, 3, 12), today) == ("Tidak", 3)
    assert lateness("in_progress", target, None, today) == (None, 11)
    assert lateness("in_progress", target, None, target) == (None, None)
    assert lateness("obstacle_reported", target, None, today) == (None, None)
    assert lateness("pending_assessment", None, None, today) == (None, None)


def test_every_state_has_its_office_word(ctx):
    """GLOSSARY's words, written here: the reports take them from the catalogue."""
    assert state_labels() == {
        "draft": "Draf",
        "pending_unit_approval": "Menunggu Persetujuan Kepala Unit",
        "pending_assessment": "Menunggu Kajian Kasi PDSI",
        "pending_kabid_approval": "Menunggu Persetujuan Kabid Dalak",
        "in_progress": "Sedang Dikerjakan",
        "obstacle_reported": "Kendala Dilaporkan",
        "completion_reported": "Dilaporkan Selesai",
        "done": "Selesai",
        "rejected": "Ditolak",
        "cancelled": "Dibatalkan",
    }


def test_long_table_continues_on_a_new_sheet(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_ROWS", 12)
    path = tmp_path / "long.xlsx"
    book = xlsx.Workbook(str(path), "Judul", "Periode", "Dibuat")
    sheet = book.sheet("Data").begin([xlsx.Column("No", 6, "int"), xlsx.Column("Teks")])
    for n in range(10):
        sheet.append([n, f"={n}"])
    sheet.finish()
    book.close()
    result = open_book(path)
    assert result.sheetnames == ["Data", "Data (2)"]
    first, second = (values(table(result[name], "No")) for name in result.sheetnames)
    assert [r["No"] for r in first + second] == list(range(10))
    assert all(r["Teks"].startswith("=") for r in first + second)


def test_wita_offset_matches_the_time_zone_database():
    """reports.common.local() adds a fixed +8 h; Asia/Makassar must have no other offset
    over the years a register can cover."""
    from app.timeutil import to_wita
    from reports.common import local

    moment = dt.datetime(2015, 1, 1, 0, 30)
    while moment.year < 2040:
        assert local(moment) == to_wita(moment).replace(tzinfo=None), moment
        moment += dt.timedelta(days=11, hours=7)
    aware = dt.datetime(2026, 6, 17, 23, 0, tzinfo=dt.UTC)
    assert local(aware) == dt.datetime(2026, 6, 18, 7, 0)


def test_excel_serial_is_what_write_datetime_stores():
    from xlsxwriter.utility import _datetime_to_excel_datetime

    from reports.xlsx import excel_serial

    moment = dt.datetime(1900, 3, 1, 0, 0, 1)
    while moment.year < 2100:
        for value in (moment, moment.date()):
            assert excel_serial(value) == _datetime_to_excel_datetime(value, False, True), value
        moment += dt.timedelta(days=97, hours=5, minutes=7, seconds=3, microseconds=250_000)
