"""Journey 8 (issue 17): Pimpinan reads the summary of the work on the home page, downloads the
overdue report of "Bulan Ini" and finds in it exactly the overdue requests the Kasi PDSI's home
page shows; the language switch returns to the page it was used on. Through the browser only,
in Indonesian, on a desktop and on a phone."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.helpers import Journey

NUMBER = re.compile(r"^\d{3}/P[A-Z]{2}-TI/")


def open_navbar(page) -> None:
    """On a phone the menu sits behind its button."""
    toggle = page.locator(".navbar-toggle")
    if toggle.is_visible():
        toggle.click()
        expect(page.locator(".navbar-collapse")).to_be_visible()


def numbers_in(locator) -> set[str]:
    return {text.strip() for text in locator.all_inner_texts()}


def report_numbers(path) -> set[str]:
    """The request numbers listed under the header row of the report's sheet."""
    with open(path, "rb") as handle:  # Playwright's download has no .xlsx name
        rows = list(load_workbook(handle, read_only=True).worksheets[0].iter_rows(
            values_only=True))
    header = next(i for i, row in enumerate(rows) if row and row[0] == "Nomor Permintaan")
    return {row[0] for row in rows[header + 1:]
            if row and isinstance(row[0], str) and NUMBER.match(row[0])}


def switch_language(page, lang: str) -> None:
    open_navbar(page)
    page.locator("#language-menu .dropdown-toggle").click()
    page.locator(f"#language-menu a[lang={lang}]").click()


def test_supervisor_finds_the_overdue_requests_the_kasi_sees(office, browser, viewport):
    base, _app = office
    boss = Journey(browser, base, "pimpinan", "supervisor", viewport)
    page = boss.page

    boss.step("home", "Ringkasan pekerjaan", "Permintaan berjalan menurut status",
              "Checklist bulan ini", "Melewati target waktu saat ini")
    on_home = numbers_in(page.locator("#overdue-now td.number a"))
    assert on_home and page.locator("#overdue-count").inner_text() == str(len(on_home))
    in_progress = page.locator("#open-by-state tr[data-state=in_progress]")
    expect(in_progress).to_contain_text("Sedang Dikerjakan")

    # A count opens the list filtered to that state.
    in_progress.locator("a").last.click()
    boss.step("in-progress-list", "FM-03", "Jumlah Data")
    assert "_status=in_progress" in page.url
    listed = page.locator("tr", has=page.locator("a[href*='/supportrequestview/show/']"))
    expect(listed).to_have_count(2)
    for row in listed.all():
        expect(row).to_contain_text("Sedang Dikerjakan")

    open_navbar(page)
    page.locator(".navbar-collapse a", has_text="Laporan").first.click()
    report = page.locator("tr[data-report=overdue]")
    boss.step("reports", "Daftar Permintaan Melewati Target Waktu")
    with page.expect_download() as download:
        report.locator("a[data-period=this_month]").click()
    assert download.value.suggested_filename.startswith("overdue_")
    in_report = report_numbers(download.value.path())

    # The language switch comes back to the Laporan page, in English and in Indonesian.
    switch_language(page, "en")
    boss.step("reports-english", "Requests past their target date")
    assert urlsplit(page.url).path == "/reports/"
    switch_language(page, "id")
    boss.step("reports-indonesian", "Daftar Permintaan Melewati Target Waktu")
    assert urlsplit(page.url).path == "/reports/"
    boss.close()

    kasi = Journey(browser, base, "kasi.pdsi", "supervisor", viewport)
    kasi.step("kasi-home", "Menunggu Tindakan Anda", "Melewati Target Waktu")
    on_kasi_home = numbers_in(kasi.page.locator("#waiting tr.danger td.number a"))
    kasi.close()

    assert in_report == on_kasi_home == on_home, (in_report, on_kasi_home, on_home)
