"""End to end in a real browser (Debian's Chromium via Playwright), Indonesian UI, CSRF on,
on the SQLite copy (the `office` fixture; the journeys of tests/test_journey_*.py walk the
same paths at two screen sizes, and every other test runs on PostgreSQL too).

The whole FM-01 path of SOP 9.2/9.3 by six people, an IT officer's checklist round, and the
screenshots the README shows (docs/screenshots/, refreshed by `make screenshots`).
"""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path

from playwright.sync_api import expect
from sqlalchemy import select

from app.checklist import calendar, rounds
from app.checklist.models import ChecklistRound
from app.extensions import db
from app.requests.models import ImprovementRequest
from app.timeutil import WITA, to_utc_naive, today_wita
from tests.helpers import Person, tiny_png

ROOT = Path(__file__).resolve().parent.parent
# The README's pictures are refreshed on purpose (`make screenshots`); an ordinary run writes
# its screenshots under test-artifacts/ and leaves the tracked ones alone.
SHOTS = (ROOT / "docs" / "screenshots" if os.environ.get("README_SCREENSHOTS") == "1"
         else ROOT / "test-artifacts" / "screenshots")





def test_fm01_from_request_to_done_in_the_browser(office, browser):
    base, served = office
    shots = True
    title = "Tambah filter tanggal pada daftar berkas"
    with served.app_context():
        target = calendar.add_working_days(today_wita(), 2).isoformat()
        later = calendar.add_working_days(today_wita(), 5).isoformat()

    pemohon = Person(browser, base, "pemohon", shots)
    page = pemohon.go("/improvementrequestview/add")
    page.locator("select#system").select_option(index=1)
    page.fill("#title", title)
    page.fill("#current_condition", "Daftar berkas tidak bisa disaring per tanggal.")
    page.fill("#proposed_improvement", "Tambahkan saringan tanggal masuk dan tanggal terbit.")
    page.fill("#reason", "Rekap harian loket lebih cepat.")
    page.locator("select#priority").select_option("tinggi")
    pemohon.shot("fm01-form")
    page.locator("button[type=submit], input[type=submit]").last.click()
    with served.app_context():
        req_id = db.session.execute(select(ImprovementRequest.id).where(
            ImprovementRequest.title == title)).scalar_one()
        db.session.remove()
    path = f"/improvementrequestview/show/{req_id}"
    page = pemohon.go(path)
    page.set_input_files("#attachment-file", files=[{
        "name": "layar-daftar-berkas.png", "mimeType": "image/png", "buffer": tiny_png()}])
    page.click("#btn-attach")
    expect(page.locator("#attachments")).to_contain_text("layar-daftar-berkas.png")
    pemohon.act("submit")
    expect(page.locator("#req-status")).to_have_text("Menunggu Persetujuan Kepala Unit")

    kabid_pelayanan = Person(browser, base, "kabid.pelayanan", shots)
    kabid_pelayanan.go(path)
    kabid_pelayanan.act("unit_approve")

    kasi = Person(browser, base, "kasi.pdsi", shots)
    page = kasi.go(path)

    def assess(modal):
        modal.locator("input[name=feasible][value='1']").check()
        modal.locator("select[name=officer_id]").select_option(label=_officer_label(served))
        modal.locator("input[name=target_date]").fill(target)
        modal.locator("textarea[name=note]").fill("Layak, dikerjakan Budi.")
        kasi.shot("assess-form")
    kasi.act("assess", assess)

    kabid = Person(browser, base, "kabid.dalak", shots)
    kabid.go("/")
    kabid.shot("home-kabid")
    kabid.go(path)
    kabid.act("kabid_approve")

    budi = Person(browser, base, "it.budi", shots)
    budi.go(path)
    budi.act("report_obstacle",
             lambda m: m.locator("textarea[name=note]").fill("Menunggu akses basis data."))

    kasi.go(path)

    def reassign(modal):
        modal.locator("select[name=officer_id]").select_option(label=_officer_label(served))
        modal.locator("input[name=target_date]").fill(later)
        modal.locator("textarea[name=note]").fill("Akses sudah diberikan, lanjutkan.")
    kasi.act("reassign", reassign)

    budi.go(path)
    budi.act("report_done",
             lambda m: m.locator("textarea[name=note]").fill("Saringan tanggal sudah aktif."))
    kasi.go(path)
    kasi.act("accept_done")
    kasi.shot("request-page")

    page = pemohon.go(path)
    expect(page.locator("#req-status")).to_have_text("Selesai")
    expect(page.locator("#history")).to_contain_text("Menunggu akses basis data.")
    for person in (pemohon, kabid_pelayanan, kasi, kabid, budi):
        person.close()


def _officer_label(app) -> str:
    with app.app_context():
        from tests.workflow_helpers import user

        return user("it.budi").full_name


def test_it_officer_fills_a_round_all_normal_with_one_fault(office, browser):
    base, served = office
    with served.app_context():
        # A past working day's morning round: open in the office calendar, filled in now.
        day = dt.date(2026, 11, 25) if True else dt.date(2026, 11, 24)
        rounds.open_today(to_utc_naive(dt.datetime.combine(day, dt.time(8, 5), tzinfo=WITA)))
        rnd = db.session.execute(select(ChecklistRound).where(
            ChecklistRound.date == day, ChecklistRound.slot == "08:00")).scalar_one()
        first = rounds.active_items()[0]
        round_id, item_id = rnd.id, first.id
        db.session.remove()
    sari = Person(browser, base, "it.sari", True)
    page = sari.go(f"/checklist/round/{round_id}")
    page.click("#all-ok")
    page.locator(f"input[name=result_{item_id}][value=fault]").check()
    page.fill(f"input[name=note_{item_id}]", "Halaman login SIM lambat (8 detik)")
    sari.shot("checklist-round")
    page.set_viewport_size({"width": 390, "height": 844})  # a phone at the server rack
    sari.shot("checklist-phone")
    page.click("#submit-round")
    expect(page.locator(".alert-success")).to_be_visible()
    with served.app_context():
        rnd = db.session.get(ChecklistRound, round_id)
        assert rnd.status == "late" and rnd.officer.username == "it.sari"
        results = {e.item_id: e.result for e in rnd.entries}
        assert results[item_id] == "fault"
        assert set(results.values()) == {"ok", "fault"}
        db.session.remove()
    sari.close()


def test_supervisor_downloads_a_report(office, browser):
    import openpyxl

    base, _served = office
    pimpinan = Person(browser, base, "pimpinan", True)
    page = pimpinan.go("/reports/")
    pimpinan.shot("reports")
    with page.expect_download() as info:
        page.click("tr[data-report=improvement_requests] a[data-period]")
    assert info.value.suggested_filename.endswith(".xlsx")
    data = Path(info.value.path()).read_bytes()
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    assert any("Permintaan Penyempurnaan" in str(row)
               for sheet in workbook.worksheets for row in sheet.iter_rows(max_row=3,
                                                                            values_only=True))
    pimpinan.close()
