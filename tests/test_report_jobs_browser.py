"""The Laporan page's progress bar (issue 21), in a browser at desktop and phone widths: the
Kasi asks for this month's FM-01 register, sees it wait for its turn, sees the rows a worker
has written of the total, and gets the file when it is ready. The worker is driven by the
test (function calls on the served app's database), so every state is seen, without sleeps.
"""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from app.extensions import db
from app.reports import jobs
from app.reports.models import ReportJob
from app.timeutil import utcnow


@pytest.fixture(scope="module", autouse=True)
def worker_by_hand(office):
    served = office[1]
    wait = served.config["REPORT_WAIT_SECONDS"]
    # Nobody builds until the test says so; a direct link answers 202 at once instead of
    # waiting the production bound (25 s) for a build that cannot come.
    served.config.update(REPORT_INPROCESS_WORKER=False, REPORT_WAIT_SECONDS=0)
    yield
    served.config.update(REPORT_INPROCESS_WORKER=True, REPORT_WAIT_SECONDS=wait)


def open_reports(page) -> None:
    toggle = page.locator(".navbar-toggle")
    if toggle.is_visible():  # a phone: the menu sits behind its button
        toggle.click()
    page.locator(".navbar-collapse a", has_text="Laporan").first.click()


def test_progress_bar_then_download(office, people, viewport):
    served = office[1]
    kasi = people("kasi.pdsi", "report-queue", viewport)
    page = kasi.go("/")
    open_reports(page)
    kasi.step("laporan", "Rekapitulasi Permintaan Penyempurnaan Sistem IT")

    row = page.locator("tr[data-report=improvement_requests]")
    row.locator("a[data-period=this_month]").click()
    progress = row.locator(".report-progress")
    expect(progress).to_contain_text("Menunggu giliran")
    bar = progress.locator(".progress-bar")
    expect(bar).to_have_attribute("aria-valuenow", "0")
    row.scroll_into_view_if_needed()
    kasi.step("menunggu-giliran", "Menunggu giliran")

    with served.app_context():
        job = jobs.claim(utcnow(), "journey-worker")
        assert job is not None and job.name == "improvement_requests"
        jobs.Progress(job.id, "journey-worker")(3, 12)  # a worker a quarter of the way
        job_id = job.id
        db.session.remove()
    expect(progress).to_contain_text("Sedang dibuat: 3 dari 12 baris")
    expect(bar).to_have_attribute("aria-valuenow", "25")
    expect(bar).to_have_text("25%")
    kasi.step("sedang-dibuat", "Sedang dibuat: 3 dari 12 baris")

    with page.expect_download() as download, served.app_context():
        assert jobs.build(db.session.get(ReportJob, job_id), "journey-worker")
        db.session.remove()
    expect(progress).to_contain_text("Siap: unduhan dimulai.")
    expect(bar).to_have_attribute("aria-valuenow", "100")
    kasi.step("siap", "Siap: unduhan dimulai.", "Unduh berkas")
    with open(download.value.path(), "rb") as handle:
        sheets = load_workbook(handle, read_only=True).sheetnames
    assert "Daftar Permintaan" in sheets

    with served.app_context():  # the next width asks again and waits for its turn anew
        db.session.execute(ReportJob.__table__.update().values(active_key=None,
                                                               status="expired"))
        db.session.commit()
        db.session.remove()


def test_a_link_opened_directly_waits_on_a_page(office, people, viewport):
    """Without the Laporan page (a bookmarked link): a page says the report is being
    prepared, refreshes itself, and the file comes when it is built."""
    served = office[1]
    kasi = people("kasi.pdsi", "report-queue", viewport)
    page = kasi.page
    response = page.goto(f"{office[0]}/reports/incidents.xlsx?from=2026-01-01&to=2026-12-31",
                         wait_until="domcontentloaded")
    assert response.status == 202
    kasi.step("tautan-langsung", "Laporan sedang dibuat", "Menunggu giliran",
              "Halaman ini diperbarui sendiri")
    with page.expect_download(timeout=30_000) as download, served.app_context():
        assert jobs.work() == 1
        db.session.remove()
    with open(download.value.path(), "rb") as handle:
        assert load_workbook(handle, read_only=True).sheetnames
    with served.app_context():
        db.session.execute(ReportJob.__table__.update().values(active_key=None,
                                                               status="expired"))
        db.session.commit()
        db.session.remove()
