"""Journeys 1-6 of issue 17: FM-01 and FM-03 through the browser, as the office uses them.

Everything a person does here is a click or a key in Chromium (no API, no database writes);
each step asserts what that person sees, in Indonesian, at 1366x768 and at 390x844, and
leaves a numbered screenshot under test-artifacts/journeys/.
"""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import expect

from app.checklist import calendar
from app.timeutil import today_wita
from tests.helpers import Journey


def working_days(served, n: int) -> dt.date:
    with served.app_context():
        return calendar.add_working_days(today_wita(), n)


def write_fm01(person: Journey, title: str, desired: dt.date):
    page = person.go("/improvementrequestview/add")
    page.locator("select#system").select_option(index=1)
    page.fill("#title", title)
    page.fill("#current_condition", "Nomor HP pemohon tidak tersimpan saat pendaftaran online.")
    page.fill("#proposed_improvement", "Simpan nomor HP dan tampilkan di berkas verifikasi.")
    page.fill("#reason", "Petugas dapat menghubungi pemohon bila berkas kurang.")
    page.locator("select#priority").select_option("tinggi")
    person.pick_date("#desired_date", desired)
    person.step("fm01-form", "Tanggal yang Diharapkan")
    page.locator("form button[type=submit], form input[type=submit]").last.click()
    # Saved: the draft's own page says it is not sent yet, beside the button that sends it.
    person.step("draft-saved", "masih Draf dan belum diajukan", "Ajukan")
    return page


def open_from_home(person: Journey, title: str):
    """From the home page's "waiting for you" list to the request."""
    page = person.go("/")
    row = page.locator("#waiting tr", has_text=title)
    expect(row).to_be_visible()
    row.locator("a").first.click()
    expect(page.locator("h3", has_text=title)).to_be_visible()
    return page


def note(text: str):
    return lambda modal: modal.locator("textarea[name=note]").fill(text)


def assign(person: Journey, action: str, officer: str | None, day: dt.date, text: str):
    def fill(modal):
        if action == "assess":
            modal.locator("input[name=feasible][value='1']").check()
        if officer:
            choice = modal.locator(f"#{action}-officer_id option", has_text=officer).first
            modal.locator(f"#{action}-officer_id").select_option(choice.get_attribute("value"))
        person.pick_date(f"#{action}-target_date", day)
        modal.locator("textarea[name=note]").fill(text)
    return fill


def test_fm01_from_draft_to_done(office, people, viewport):
    """Journeys 1, 2 (approve), 3 (feasible), 4 (approve the assignment), 5."""
    _, served = office
    title = f"Nomor HP pemohon di berkas verifikasi ({viewport})"
    first, second = working_days(served, 3), working_days(served, 6)

    pemohon = people("pemohon", "fm01", viewport)
    write_fm01(pemohon, title, working_days(served, 10))
    pemohon.act("submit")
    pemohon.step("submitted", "Ajukan: berhasil", "Menunggu Persetujuan Kepala Unit")
    # Found again by a word from the middle of its title.
    page = pemohon.go("/improvementrequestview/list/")
    page.fill("#search-words", "berkas verifikasi")
    page.click("#search-button")
    pemohon.step("found", title)
    expect(page.locator(".request-list tbody tr")).to_have_count(
        page.locator(".request-list tbody tr", has_text="berkas verifikasi").count())

    head = people("kabid.pelayanan", "fm01", viewport)
    open_from_home(head, title)
    head.act("unit_approve")
    head.step("unit-approved", "Setujui: berhasil", "Menunggu Kajian Kasi PDSI")

    kasi = people("kasi.pdsi", "fm01", viewport)
    open_from_home(kasi, title)
    kasi.act("assess", assign(kasi, "assess", "Budi", first, "Layak, dikerjakan Budi."))
    kasi.step("assessed", "Kaji: berhasil", "Menunggu Persetujuan Kabid Dalak", "Diusulkan")

    kabid = people("kabid.dalak", "fm01", viewport)
    open_from_home(kabid, title)
    kabid.step("proposal-seen", "Usulan: Layak", "Setujui penugasan", "Kembalikan ke Kasi PDSI")
    kabid.act("kabid_approve")
    kabid.step("approved", "Sedang Dikerjakan")

    budi = people("it.budi", "fm01", viewport)
    open_from_home(budi, title)
    budi.act("report_obstacle", note("Butuh akses basis data produksi."))
    budi.step("obstacle", "Kendala Dilaporkan")

    open_from_home(kasi, title)
    kasi.page.click("#btn-reassign")
    chosen = kasi.page.locator("#reassign-officer_id option:checked")
    expect(chosen).to_contain_text("Budi")  # the current officer, preselected
    kasi.page.locator("#act-reassign button[data-dismiss=modal]").click()
    kasi.act("reassign", assign(kasi, "reassign", None, second, "Akses sudah diberikan."))
    kasi.step("reassigned", "Tugaskan Ulang: berhasil", "Sedang Dikerjakan")

    open_from_home(budi, title)
    budi.act("report_done", note("Kolom nomor HP ditambahkan dan diuji."))
    open_from_home(kasi, title)
    kasi.act("accept_done")
    kasi.step("accepted", "Terima Hasil: berhasil")

    page = pemohon.go("/improvementrequestview/list/")
    page.fill("#search-words", title)
    page.click("#search-button")
    pemohon.step("done", "Selesai")


def test_fm01_returned_not_feasible_and_declined(office, people, viewport):
    """Journeys 2 (return for revision), 3 (not feasible), 4 (sees "Tidak Layak" first;
    declines a proposal)."""
    _, served = office
    returned = f"Cetak ulang izin dari arsip ({viewport})"
    rejected = f"Warna tombol halaman depan ({viewport})"

    pemohon = people("pemohon", "fm01-other", viewport)
    head = people("kabid.pelayanan", "fm01-other", viewport)
    for title in (returned, rejected):
        write_fm01(pemohon, title, working_days(served, 10))
        pemohon.act("submit")

    open_from_home(head, returned)
    head.act("unit_return", note("Sebutkan modul arsip yang dimaksud."))
    head.step("returned", "Kembalikan untuk Perbaikan: berhasil",
              "kembali kepada pemohon")  # a draft is the requester's alone
    page = pemohon.go("/improvementrequestview/list/")
    page.fill("#search-words", returned)
    page.click("#search-button")
    page.locator(".request-list a[href*='/show/']").first.click()
    pemohon.step("why-returned", "Sebutkan modul arsip yang dimaksud.", "belum diajukan")

    open_from_home(head, rejected)
    head.act("unit_approve")
    kasi = people("kasi.pdsi", "fm01-other", viewport)
    open_from_home(kasi, rejected)
    kasi.act("assess", lambda modal: (
        modal.locator("input[name=feasible][value='0']").check(),
        modal.locator("textarea[name=note]").fill("Bukan kebutuhan layanan perizinan.")))
    kasi.step("not-feasible", "Menunggu Persetujuan Kabid Dalak")

    kabid = people("kabid.dalak", "fm01-other", viewport)
    open_from_home(kabid, rejected)
    kabid.step("sees-not-feasible", "Usulan: Tidak Layak", "Bukan kebutuhan layanan perizinan.",
               "Setujui penolakan")
    kabid.act("kabid_decline", note("Mohon dikaji bersama Kabid Pelayanan."))
    kabid.step("declined", "Menunggu Kajian Kasi PDSI")
    open_from_home(kasi, rejected)
    kasi.act("assess", lambda modal: (
        modal.locator("input[name=feasible][value='0']").check(),
        modal.locator("textarea[name=note]").fill("Sudah dibahas: tetap tidak layak.")))
    open_from_home(kabid, rejected)
    kabid.act("kabid_approve")
    kabid.step("rejected", "Ditolak")


def test_fm03_with_times_from_the_pickers(office, people, viewport):
    """Journey 6: FM-03 with "Dibutuhkan Mulai/Sampai" picked, through the same path."""
    _, served = office
    title = f"Dukungan Zoom rapat koordinasi ({viewport})"
    day = working_days(served, 4)

    pemohon = people("pemohon", "fm03", viewport)
    page = pemohon.go("/supportrequestview/add")
    page.locator("select#support_type").select_option(index=1)
    page.fill("#title", title)
    page.fill("#description", "Operator Zoom dan proyektor untuk rapat dengan provinsi.")
    page.fill("#location", "Ruang Rapat Lantai 2")
    pemohon.pick_date("#needed_from", day)
    page.fill("#needed_from-time", "08.20")
    pemohon.pick_date("#needed_until", day)
    page.fill("#needed_until-time", "12.00")
    pemohon.step("fm03-form", "Dibutuhkan Mulai", "WITA")
    page.locator("form button[type=submit], form input[type=submit]").last.click()
    shown = f"{day.day} "  # "9 Desember 2026, 08.20 WITA": day, month name, time
    pemohon.step("fm03-draft", "belum diajukan", "08.20 WITA", "12.00 WITA")
    expect(page.locator("table.fields")).to_contain_text(shown)
    pemohon.act("submit")

    head = people("kabid.pelayanan", "fm03", viewport)
    open_from_home(head, title)
    head.act("unit_approve")
    kasi = people("kasi.pdsi", "fm03", viewport)
    open_from_home(kasi, title)
    kasi.step("kasi-sees-times", "08.20 WITA")
    kasi.act("assess", assign(kasi, "assess", "Sari", day, "Sari menyiapkan Zoom."))
    kabid = people("kabid.dalak", "fm03", viewport)
    open_from_home(kabid, title)
    kabid.act("kabid_approve")
    sari = people("it.sari", "fm03", viewport)
    open_from_home(sari, title)
    sari.act("report_done", note("Zoom berjalan, rekaman diserahkan."))
    open_from_home(kasi, title)
    kasi.act("accept_done")
    page = pemohon.go("/supportrequestview/list/")
    page.fill("#search-words", "koordinasi")
    page.click("#search-button")
    pemohon.step("fm03-done", title, "Selesai")
