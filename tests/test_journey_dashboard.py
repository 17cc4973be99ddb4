"""Issue 20 in the browser: Pimpinan reads the dashboard and follows a bar to its list, on a
desktop and on a phone, with no request leaving the app; a unit head decides from the link of
an approval email on a phone, and the same link a second time is refused."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from app.checklist.models import ChecklistRound
from app.extensions import db
from app.notify.models import Outbox
from app.requests.models import ServiceRequest
from tests.helpers import JOURNEY_SHOTS, VIEWPORTS, Journey
from tests.test_journey_supervisor import open_navbar
from tests.workflow_helpers import request_in, user


@pytest.fixture(scope="module")
def february_rounds(office):
    """Rounds of February 2025 in the journeys' database: done, late, missed."""
    _base, served = office
    with served.app_context():
        budi = user("it.budi").id
        for day, slot, status in [(3, "08:00", "done"), (3, "13:00", "done"),
                                  (4, "08:00", "late"), (4, "13:00", "done"),
                                  (5, "08:00", "missed"), (5, "13:00", "done")]:
            db.session.add(ChecklistRound(date=dt.date(2025, 2, day), slot=slot, status=status,
                                          officer_id=None if status == "missed" else budi))
        db.session.commit()


def test_pimpinan_reads_the_dashboard(office, browser, viewport, february_rounds):
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

    # The period picker: a day picked with the date picker makes it "Periode Tertentu".
    boss.pick_date("#from", dt.date(2026, 1, 1))
    page.keyboard.press("Escape")
    expect(page.locator("#period")).to_have_value("custom")
    expect(page.locator(".datepicker-dropdown")).to_have_count(0)
    page.click("#period-show")
    boss.step("custom-period", "Periode", "1 Januari 2026")
    assert "period=custom" in page.url

    # February 2025: the checklist calendar and the rounds per officer.
    page.select_option("#period", "custom")
    boss.pick_date("#from", dt.date(2025, 2, 1))
    page.keyboard.press("Escape")
    boss.pick_date("#to", dt.date(2025, 2, 28))
    page.keyboard.press("Escape")
    expect(page.locator(".datepicker-dropdown")).to_have_count(0)
    page.click("#period-show")
    boss.step("february-2025", "Checklist Februari 2025", "Pemeriksaan per Petugas")
    legend = page.locator("#calendar-legend")
    for state, count in (("done", "1"), ("late", "1"), ("missed", "17"), ("holiday", "2")):
        expect(legend.locator(f"li[data-state={state}] .count")).to_have_text(count)
    expect(page.locator("#missed-rounds")).to_have_text("1")
    page.locator("#chart-calendar g[data-day='2025-02-04']").click()
    boss.step("rounds-of-a-day", "Jumlah Data")
    assert "date=2025-02-04" in page.url
    page.go_back()

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
