"""Issue 20 in the browser: Pimpinan reads the dashboard and follows a bar to its list, on a
desktop and on a phone, with no request leaving the app; a unit head decides from the link of
an approval email on a phone, and the same link a second time is refused."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

from playwright.sync_api import expect

from app.extensions import db
from app.notify.models import Outbox
from app.requests.models import ServiceRequest
from tests.helpers import JOURNEY_SHOTS, VIEWPORTS, Journey
from tests.test_journey_supervisor import open_navbar
from tests.workflow_helpers import request_in


def test_pimpinan_reads_the_dashboard(office, browser, viewport):
    base, _app = office
    boss = Journey(browser, base, "pimpinan", "dashboard", viewport)
    page = boss.page
    hosts: set[str] = set()
    page.on("request", lambda req: hosts.add(urlsplit(req.url).netloc))

    boss.step("home", "Ringkasan pekerjaan")
    open_navbar(page)
    page.locator(".navbar-collapse a", has_text="Dasbor").first.click()
    boss.step("dashboard", "Dasbor", "Permintaan berjalan menurut status",
              "Diajukan dan Selesai per Bulan", "Melewati Target Waktu per Petugas",
              "Waktu dari Pengajuan ke Setiap Tahap", "Gangguan SIM per Bulan",
              "Pemeriksaan per Petugas")
    expect(page.locator("#open-total")).to_have_text("7")
    for chart in ("#chart-open", "#chart-monthly", "#chart-calendar"):
        box = page.locator(chart).bounding_box()
        assert box and box["width"] <= VIEWPORTS[viewport][0]  # fits the screen

    # The period picker: "Periode Tertentu" from a day picked with the date picker.
    page.select_option("#period", "custom")
    boss.pick_date("#from", dt.date(2026, 1, 1))
    page.keyboard.press("Escape")
    expect(page.locator(".datepicker-dropdown")).to_have_count(0)
    page.click("#period-show")
    boss.step("custom-period", "Periode", "1 Januari 2026")
    assert "period=custom" in page.url

    # A bar opens the list behind it: the state "Sedang Dikerjakan" of FM-03.
    page.locator("#chart-open a[href*='supportrequestview'][href*='in_progress']").first.click()
    boss.step("list-behind-the-bar", "Jumlah Data")
    assert "_status=in_progress" in page.url
    boss.close()
    assert hosts == {urlsplit(base).netloc}, hosts  # nothing from outside the app


def test_unit_head_decides_from_the_mail_on_a_phone(office, browser):
    base, served = office
    with served.app_context():
        req = request_in("pending_unit_approval")
        body = db.session.execute(
            db.select(Outbox.body_text).where(Outbox.request_id == req.id,
                                              Outbox.event == "submit")
        ).scalar_one()
        pk = req.id
    link = re.search(r"- Setujui: \S+(/one-click/\S+)", body).group(1)

    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="id-ID")
    page = context.new_page()
    folder = JOURNEY_SHOTS / "one-click"
    folder.mkdir(parents=True, exist_ok=True)
    page.goto(base + link)  # straight from the mail: no login
    expect(page.locator("#one-click-title")).to_be_visible()
    expect(page.locator("#one-click-submit")).to_have_text("Setujui")
    page.screenshot(path=str(folder / "phone-01-confirm.png"), full_page=True)
    page.fill("#note", "Setuju, mohon segera dikaji.")
    page.click("#one-click-submit")
    expect(page.locator("#one-click-done")).to_contain_text("Setujui")
    expect(page.locator("#one-click-state")).to_have_text("Menunggu Kajian Kasi PDSI")
    page.screenshot(path=str(folder / "phone-02-done.png"), full_page=True)

    page.goto(base + link)  # the same link again
    expect(page.locator("#one-click-refused")).to_contain_text("sudah digunakan")
    page.screenshot(path=str(folder / "phone-03-used.png"), full_page=True)
    context.close()
    with served.app_context():
        assert db.session.get(ServiceRequest, pk).status == "pending_assessment"
