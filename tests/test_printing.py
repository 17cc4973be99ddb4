"""PDF print of FM-01, FM-02 and FM-03 (issue #6): content, page flow, session and token access.

Every test works in March 2033, a year no other test uses, on its own day.
"""

from __future__ import annotations

import datetime as dt
import io
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.checklist import acknowledgement, calendar, rounds
from app.checklist.models import Incident
from app.extensions import db
from app.security.models import Absence
from app.timeutil import WITA, to_utc_naive
from tests.helpers import ROOT, read_pdf
from tests.workflow_helpers import act, new_request, request_in, target_date, user


def at(text: str) -> dt.datetime:
    """A WITA wall-clock time as the naive UTC that the code stores."""
    return to_utc_naive(dt.datetime.fromisoformat(text).replace(tzinfo=WITA))


@pytest.fixture()
def year_2033(ctx):
    calendar.seed_year(2033)  # idempotent: target dates need the year's holidays
    db.session.commit()


def signer(username: str) -> list[str]:
    person = user(username)
    return [person.full_name, f"NIP. {person.nip}"]


def assert_all_in(text: str, expected: list[str]) -> None:
    missing = [item for item in expected if item not in text]
    assert not missing, f"missing in PDF: {missing}"


def test_improvement_form_with_plh_approval(year_2033, login_as):
    now = at("2033-03-07T09:00")  # a Monday
    head, plh = user("kabid.pelayanan"), user("kasubag.umum")
    db.session.add(Absence(user_id=head.id, start_date=now.date(), end_date=now.date(),
                           kind="cuti", reason="Cuti tahunan", acting_user_id=plh.id))
    db.session.commit()
    req = request_in("pending_unit_approval", now=now)
    act(req, "unit_approve", "kasubag.umum", {"note": "Setuju, mohon segera."}, now=now)
    act(req, "assess", "kasi.pdsi", now=now)
    act(req, "kabid_approve", "kabid.dalak", {"note": "Lanjutkan."}, now=now)

    pages, text = read_pdf(login_as("pemohon").get(f"/print/improvement_request/{req.id}.pdf"))
    assert_all_in(text, [
        "PEMERINTAH KOTA DENPASAR", "DINAS PENANAMAN MODAL DAN PELAYANAN TERPADU SATU PINTU",
        "GRAHA SEWAKA DHARMA, JL. MAJAPAHIT, LUMINTANG, DENPASAR",
        "FM-DALAK-DAT-02-01", "FORMULIR PERMINTAAN PENYEMPURNAAN SISTEM IT", req.number,
        req.title, "Kondisi saat ini.", "Usulan.", "Manfaat.", "Sedang", req.unit.name,
        *signer("pemohon"), *signer("kasubag.umum"), *signer("kabid.dalak"),
        *signer("kasi.pdsi"), *signer("it.budi"),
        f"Plh. a.n. {head.full_name}", f"Plh. {head.position}", "Setuju, mohon segera.",
        "Disetujui Kepala Unit", "Disetujui Kabid Dalak", "Sedang Dikerjakan",
        "Dibuat oleh", "Disetujui oleh", "Mengetahui", "Denpasar, 7 Maret 2033",
        f"{target_date(now).day} Maret 2033",
    ])
    assert "berhalangan hadir" not in text


def test_support_form_with_kabid_absent_obstacle_and_reassignment(year_2033, api):
    now = at("2033-03-08T10:00")  # a Tuesday
    req = request_in("pending_assessment", kind="support", now=now)
    act(req, "assess", "kasi.pdsi", {
        "feasible": True, "officer_id": user("it.budi").id,
        "target_date": target_date(now).isoformat(), "note": "Layak.",
        "kabid_absent": True, "absence_reason": "Dinas luar ke Jakarta"}, now=now)
    assert req.assignments[0].approval == "kasi_alone"
    act(req, "report_obstacle", "it.budi", {"note": "Kabel jaringan ruang rapat putus."}, now=now)
    act(req, "reassign", "kasi.pdsi", {"officer_id": user("it.sari").id,
                                       "target_date": target_date(now, 5).isoformat(),
                                       "note": "Dialihkan ke Sari."}, now=now)

    pages, text = read_pdf(api("kasi.pdsi").get(f"/print/support_request/{req.id}.pdf"))
    assert_all_in(text, [
        "FM-DALAK-DAT-02-03", "FORMULIR PERMINTAAN DUKUNGAN PETUGAS IT", req.number,
        "Uraian permintaan.", "Ruang Pelayanan",
        "Diputuskan Kasi PDSI — Kabid Dalak berhalangan hadir (Dinas luar ke Jakarta)",
        "Kabel jaringan ruang rapat putus.", "Dialihkan ke Sari.",
        "Penugasan ulang oleh Kasi PDSI", *signer("it.budi"), *signer("it.sari"),
        *signer("kasi.pdsi"), *signer("pemohon"), *signer("kabid.pelayanan"),
        "Denpasar, 8 Maret 2033",
    ])


def test_long_request_flows_onto_a_second_page_without_losing_text(year_2033, login_as):
    now = at("2033-03-09T09:00")  # a Wednesday
    words = [f"uraian{n:04d}" for n in range(560)] + ["penutupuraian"]
    req = new_request("support", now=now)
    req.description = " ".join(words)
    assert len(req.description) > 6000
    db.session.commit()
    for cycle in range(1, 6):  # ten history rows
        act(req, "submit", "pemohon", {"note": f"Pengajuan ke-{cycle}."}, now=now)
        act(req, "unit_return", "kabid.pelayanan",
            {"note": f"Perbaikan ke-{cycle}: lengkapi uraian."}, now=now)
    assert len(req.history) == 10

    pages, text = read_pdf(login_as("pemohon").get(  # a returned draft: its author's alone
        f"/print/support_request/{req.id}.pdf"))
    assert pages >= 2
    assert [w for w in words if w not in text] == []  # no word cut at a page break
    assert "penutupuraian" in text and "Perbaikan ke-5: lengkapi uraian." in text
    assert "Halaman 2 dari" in text and "(lanjutan)" in text


def _entries(fault_item_id: int | None = None) -> list[dict]:
    entries = []
    for item in rounds.active_items():
        entry = {"item_id": item.id, "result": "ok", "value": "", "note": ""}
        if item.id == fault_item_id:
            entry.update(result="fault", value="99%", note="Disk server aplikasi hampir penuh.",
                         follow_up="Arsip log dipindahkan.")
        entries.append(entry)
    return entries


def test_checklist_form_shows_both_rounds_and_the_days_incidents(year_2033, api):
    day = dt.date(2033, 3, 10)  # a Thursday
    rounds.ensure_rounds(day)
    morning, afternoon = rounds.rounds_of(day)
    fault_item = rounds.active_items()[0]
    rounds.submit_round(morning, user("it.budi"), _entries(fault_item.id), at("2033-03-10T08:20"))
    rounds.submit_round(afternoon, user("it.sari"), _entries(), at("2033-03-10T13:15"))
    reporter, officer = user("pemohon").id, user("it.budi").id
    for when, text in [("2033-03-10T10:15", "SIM Perizinan tidak dapat diakses."),
                       ("2033-03-10T00:30", "Gangguan dini hari pada server basis data."),
                       ("2033-03-09T23:30", "Gangguan hari sebelumnya.")]:
        db.session.add(Incident(occurred_at=at(when), description=text, status="open",
                                reported_by_id=reporter, recorded_by_id=officer))
    db.session.commit()

    acknowledgement.acknowledge(dt.date(2033, 3, 10), user("kasi.pdsi"), at("2033-03-10T15:00"))
    pages, text = read_pdf(api("it.budi").get("/print/checklist/2033-03-10.pdf"))
    assert_all_in(text, [
        "FM-DALAK-DAT-02-02", "FORMULIR CHECKLIST SIM DAN SERVER", "Kamis, 10 Maret 2033",
        "08.00 WITA", "13.00 WITA", "08.20 WITA",
        "13.15 WITA", fault_item.name, "Gangguan", "Normal", "99%",
        "Disk server aplikasi hampir penuh.", "Arsip log dipindahkan.",
        "SIM Perizinan tidak dapat diakses.", "Gangguan dini hari pada server basis data.",
        *signer("it.budi"), *signer("it.sari"), *signer("kasi.pdsi"), "Mengetahui",
        "Denpasar, 10 Maret 2033",
    ])
    assert "Gangguan hari sebelumnya." not in text  # 23.30 WITA of the day before


def test_rows_and_roles_are_checked_like_the_ui_and_api(year_2033, app, login_as, api):
    now = at("2033-03-11T09:00")  # a Friday
    req = request_in("pending_unit_approval", now=now)
    path = f"/print/improvement_request/{req.id}.pdf"
    assert login_as("pemohon2").get(path).status_code == 404  # another unit's request
    assert api("pemohon2").get(path).status_code == 404
    assert login_as("kasubag.umum").get(path).status_code == 404  # heads another unit
    assert login_as("pemohon").get(f"/print/support_request/{req.id}.pdf").status_code == 404
    assert login_as("pemohon").get("/print/improvement_request/999999.pdf").status_code == 404
    read_pdf(api("pimpinan").get(path))
    read_pdf(login_as("kabid.pelayanan").get(path))

    checklist = "/print/checklist/2033-03-11.pdf"
    assert login_as("pemohon").get(checklist).status_code == 403
    assert api("pemohon").get(checklist).status_code == 403
    assert api("kasi.pdsi").get("/print/checklist/2033-02-30.pdf").status_code == 400
    assert login_as("kasi.pdsi").get("/print/checklist/11-03-2033.pdf").status_code == 400
    pages, text = read_pdf(login_as("pimpinan").get(checklist))  # rounds not made yet
    assert "Belum dijadwalkan" in text

    anonymous = app.test_client()
    rv = anonymous.get(path)
    assert rv.status_code == 302 and "/login/" in rv.headers["Location"]
    rv = anonymous.get(path, headers={"Authorization": "Bearer not-a-token"})
    assert rv.status_code == 401 and rv.get_json()["message"]


def test_print_buttons_on_the_request_and_round_pages(year_2033, login_as):
    req = request_in("draft", now=at("2033-03-14T10:00"))
    page = login_as("pemohon").get(f"/improvementrequestview/show/{req.id}").get_data(
        as_text=True)
    assert 'id="print-pdf"' in page and f"/print/improvement_request/{req.id}.pdf" in page
    day = dt.date(2033, 3, 14)  # a Monday
    rounds.ensure_rounds(day)
    rnd = rounds.rounds_of(day)[0]
    page = login_as("kasi.pdsi").get(f"/checklist/round/{rnd.id}").get_data(as_text=True)
    assert 'id="print-pdf"' in page and "/print/checklist/2033-03-14.pdf" in page


# --- issue 19: the Kasi's assessment, the work's signatures, the letterhead ------------------

FORMS_DIR = ROOT / "test-artifacts" / "forms"


def render_pages(data: bytes, name: str, dpi: int = 100) -> list[Path]:
    """The PDF's pages as PNG (Debian's pdftoppm) under test-artifacts/forms/, to look at."""
    FORMS_DIR.mkdir(parents=True, exist_ok=True)
    source = FORMS_DIR / f"{name}.pdf"
    source.write_bytes(data)
    for old in FORMS_DIR.glob(f"{name}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(source), str(FORMS_DIR / name)],
                   check=True)
    return sorted(FORMS_DIR.glob(f"{name}-*.png"))


def test_rejected_form_shows_not_feasible_with_reason_and_the_kabids_confirmation(
        year_2033, backend, login_as):
    now = at("2033-03-15T09:00")  # a Tuesday
    req = request_in("pending_assessment", now=now)
    act(req, "assess", "kasi.pdsi", {"feasible": False,
                                     "note": "Fitur ini sudah tersedia di SiCantik."}, now=now)
    act(req, "kabid_approve", "kabid.dalak", {"note": "Setuju ditolak."}, now=now)
    assert req.status == "rejected"

    response = login_as("pemohon").get(f"/print/improvement_request/{req.id}.pdf")
    pages, text = read_pdf(response)
    kasi, kabid = user("kasi.pdsi"), user("kabid.dalak")
    assert_all_in(text, [
        "HASIL KAJIAN KASI PDSI", "Hasil Kajian Kasi PDSI Tidak Layak",
        "Alasan Fitur ini sudah tersedia di SiCantik.", f"Dikaji oleh {kasi.full_name}",
        f"Penolakan disetujui Kabid Dalak ({kabid.full_name}, 15 Maret 2033)",
        "Tidak ada penugasan: permintaan dinilai Tidak Layak oleh Kasi PDSI.",
    ])
    assert "Belum ada penugasan" not in text
    assert "Disetujui Kabid Dalak" not in text  # the Kabid approved a rejection
    render_pages(response.data, f"fm01-rejected-{backend}")


def test_done_form_has_the_kasi_the_officer_and_the_requester(year_2033, backend, login_as):
    now = at("2033-03-16T09:00")  # a Wednesday
    req = request_in("done", now=now)
    act(req, "acknowledge", "pemohon", {"note": "Modul sudah kami pakai."}, now=now)

    response = login_as("pemohon").get(f"/print/improvement_request/{req.id}.pdf")
    pages, text = read_pdf(response)
    assert_all_in(text, [
        "Kategori Penyempurnaan SIM", "Hasil Kajian Kasi PDSI Layak",
        f"Disetujui Kabid Dalak ({user('kabid.dalak').full_name}, 16 Maret 2033)",
        "Dibuat oleh", "Disetujui oleh", "Mengetahui", "Dikaji oleh", "Dilaksanakan oleh",
        "Hasil diterima oleh", "Catatan: Modul sudah kami pakai.", "Hasil diterima oleh pemohon",
        *signer("kasi.pdsi"), *signer("it.budi"), *signer("pemohon"), *signer("kabid.dalak"),
        # the letterhead and the document control (config.py's defaults)
        "Telp. (0361) 223925", "Pos-el: dpmptsp@denpasarkota.go.id",
        "Laman: dpmptsp.denpasarkota.go.id", "Nomor Formulir Revisi Tanggal Berlaku",
        "FM-DALAK-DAT-02-01 00 2 Januari 2026",
    ])
    assert len(PdfReader(io.BytesIO(response.data)).pages[0].images) == 2  # emblem and QR
    render_pages(response.data, f"fm01-done-{backend}")


def test_support_form_prints_the_same_blocks(year_2033, backend, api):
    now = at("2033-03-17T09:00")  # a Thursday
    req = request_in("done", kind="support", now=now)
    response = api("kasi.pdsi").get(f"/print/support_request/{req.id}.pdf")
    pages, text = read_pdf(response)
    assert_all_in(text, ["FM-DALAK-DAT-02-03", "Hasil Kajian Kasi PDSI Layak",
                         "Dilaksanakan oleh", *signer("it.budi")])
    assert "Hasil diterima oleh" not in text  # not acknowledged (yet)
    render_pages(response.data, f"fm03-done-{backend}")


def _png(size: tuple[int, int], colour=(0, 90, 160)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def test_the_admin_uploads_the_letterhead_emblem(year_2033, app, login_as):
    admin = login_as("admin")
    page = admin.get("/letterhead/").get_data(as_text=True)
    assert "Kop Surat" in page and "Lambang bawaan" in page
    assert login_as("kasi.pdsi").get("/letterhead/").status_code in (302, 403)

    refused = [
        (b"GIF89a not an image at all", "x.png", "Berkas bukan gambar PNG atau JPEG."),
        (b"\x89PNG" + b"\0" * (app.config["LOGO_MAX_BYTES"] + 10), "big.png",
         "Gambar terlalu besar"),
    ]
    for data, name, message in refused:
        rv = admin.post("/letterhead/upload", data={"logo": (io.BytesIO(data), name)},
                        content_type="multipart/form-data", follow_redirects=True)
        assert message in rv.get_data(as_text=True)
    assert "Lambang bawaan" in admin.get("/letterhead/").get_data(as_text=True)

    emblem = _png((61, 73))
    rv = admin.post("/letterhead/upload", data={"logo": (io.BytesIO(emblem), "lambang.png")},
                    content_type="multipart/form-data", follow_redirects=True)
    assert "Lambang kop surat disimpan." in rv.get_data(as_text=True)
    assert admin.get("/letterhead/logo").data == emblem

    req = request_in("pending_unit_approval", now=at("2033-03-18T09:00"))
    response = login_as("pemohon").get(f"/print/improvement_request/{req.id}.pdf")
    sizes = {image.image.size for image in PdfReader(io.BytesIO(response.data)).pages[0].images}
    assert (61, 73) in sizes  # the uploaded emblem, beside the QR code

    admin.post("/letterhead/remove")
    response = login_as("pemohon").get(f"/print/improvement_request/{req.id}.pdf")
    sizes = {image.image.size for image in PdfReader(io.BytesIO(response.data)).pages[0].images}
    assert (61, 73) not in sizes and (200, 240) in sizes  # the default emblem again
