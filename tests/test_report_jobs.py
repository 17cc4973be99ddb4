"""Reports as background work (issue 21): a report asked for on the web is queued, built by a
worker outside the request, polled and downloaded; identical requests share one build; a
worker that dies or a build that fails is retried once, then failed with a message.

The worker runs here as a function call (`jobs.work`), never on a timer; no test sleeps.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys

import openpyxl
import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

import reports
from app.extensions import db
from app.reports import jobs
from app.reports.models import ReportJob
from app.timeutil import today_wita, utcnow
from tests.workflow_helpers import user

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JSON = {"Accept": "application/json"}  # what the Laporan page's script sends


@pytest.fixture()
def manual(app, monkeypatch):
    """No worker thread and no waiting: the test runs the worker itself."""
    monkeypatch.setitem(app.config, "REPORT_INPROCESS_WORKER", False)
    monkeypatch.setitem(app.config, "REPORT_WAIT_SECONDS", 0)
    yield app
    with app.app_context():  # the next test starts with an empty queue
        db.session.execute(ReportJob.__table__.update().values(active_key=None,
                                                               status="expired"))
        db.session.commit()


def this_year(app) -> tuple[str, str]:
    with app.app_context():
        year = today_wita().year
    return f"{year}-01-01", f"{year}-12-31"


def ask(client, app, name="improvement_requests"):
    """Ask for a report of this year; a browser session asks as the page's script does (an
    API client's token makes its answers JSON anyway)."""
    start, end = this_year(app)
    url = f"/reports/{name}.xlsx?from={start}&to={end}"
    return client.get(url, headers=JSON) if isinstance(client, FlaskClient) else client.get(url)


def run_worker(app, now: dt.datetime | None = None, limit: int | None = None) -> int:
    with app.app_context():
        try:
            return jobs.work(now, limit)
        finally:
            db.session.remove()


def rows_of(data: bytes, sheet: str = "Daftar Permintaan") -> list[tuple]:
    rows = list(openpyxl.load_workbook(io.BytesIO(data), read_only=True)[sheet].iter_rows(
        values_only=True))
    header = next(i for i, row in enumerate(rows) if row and row[0] == "Nomor Permintaan")
    return [row for row in rows[header + 1:] if row and row[0]]


def job_row(app, job_id: int) -> ReportJob:
    with app.app_context():
        job = db.session.get(ReportJob, job_id)
        db.session.expunge(job)
        return job


def test_queued_polled_and_downloaded(manual, login_as):
    client = login_as("kasi.pdsi")
    asked = ask(client, manual)
    assert asked.status_code == 202, asked.get_data(as_text=True)
    location = asked.headers["Location"]
    assert location == f"/reports/jobs/{asked.json['id']}"
    assert asked.json["status"] == "queued" and asked.json["percent"] is None

    waiting = client.get(location, headers=JSON)
    assert waiting.status_code == 202 and waiting.headers["Location"] == location

    assert run_worker(manual) == 1
    ready = client.get(location, headers=JSON)
    assert ready.status_code == 200
    assert ready.json["status"] == "done" and ready.json["percent"] == 100
    download = client.get(ready.json["download"])
    assert download.status_code == 200 and download.mimetype == XLSX
    assert download.headers["Cache-Control"] == "no-store"
    listed = rows_of(download.data)
    assert listed, "the demo's sample requests of this year are in the register"
    assert ready.json["rows_total"] == len(listed)  # counted ahead: the progress bar's total

    # The same request a moment later is answered with the file at once, no second build.
    again = ask(client, manual)
    assert again.status_code == 200 and again.mimetype == XLSX
    assert run_worker(manual) == 0


def test_api_client_gets_202_then_the_file(manual, api):
    kasi = api("kasi.pdsi")
    asked = ask(kasi, manual, "performance")
    assert asked.status_code == 202 and asked.json["status"] == "queued"
    assert run_worker(manual) == 1
    ready = kasi.get(asked.headers["Location"])
    assert ready.status_code == 200
    assert kasi.get(ready.json["download"]).mimetype == XLSX


def test_identical_requests_share_one_build(manual, login_as):
    kasi, kabid, pimpinan = (login_as(name) for name in ("kasi.pdsi", "kabid.dalak",
                                                          "pimpinan"))
    ids = {ask(client, manual).json["id"] for client in (kasi, kabid, pimpinan, kasi)}
    assert len(ids) == 1, "everyone who sees every request shares the build"
    (job_id,) = ids
    assert job_row(manual, job_id).scope == "all"
    assert run_worker(manual) == 1
    assert run_worker(manual) == 0


def test_users_with_different_visibility_get_different_builds(manual, login_as):
    kasi, head = login_as("kasi.pdsi"), login_as("kabid.pelayanan")
    all_rows, unit_rows = ask(kasi, manual).json, ask(head, manual).json
    assert all_rows["id"] != unit_rows["id"]
    with manual.app_context():
        head_id = user("kabid.pelayanan").id
    assert job_row(manual, unit_rows["id"]).scope == f"user:{head_id}"
    assert run_worker(manual) == 2
    everything = rows_of(kasi.get(kasi.get(f"/reports/jobs/{all_rows['id']}", headers=JSON)
                                  .json["download"]).data)
    theirs = rows_of(head.get(head.get(f"/reports/jobs/{unit_rows['id']}", headers=JSON)
                              .json["download"]).data)
    assert {row[0] for row in theirs} < {row[0] for row in everything}
    # Neither may follow the other's job: its rows are not theirs.
    assert head.get(f"/reports/jobs/{all_rows['id']}", headers=JSON).status_code == 404
    assert head.get(f"/reports/jobs/{all_rows['id']}/file").status_code == 404


def test_two_workers_claim_a_job_once(manual, login_as, monkeypatch):
    monkeypatch.setitem(manual.config, "REPORT_CONCURRENCY", 2)  # room for both
    job_id = ask(login_as("kasi.pdsi"), manual).json["id"]
    now = utcnow()
    with manual.app_context():
        first = jobs.claim(now, "worker-a")
        second = jobs.claim(now, "worker-b")
        assert first.id == job_id and second is None
        db.session.remove()


def test_one_build_at_a_time_by_default(manual, login_as):
    client = login_as("kasi.pdsi")
    first = ask(client, manual, "incidents").json["id"]
    second = ask(client, manual, "performance").json["id"]
    now = utcnow()
    with manual.app_context():
        assert jobs.claim(now, "worker-a").id == first
        assert jobs.claim(now, "worker-b") is None  # waits for its turn
        db.session.remove()
    assert client.get(f"/reports/jobs/{second}", headers=JSON).json["status"] == "queued"


def test_progress_is_rows_written_of_the_total(manual, login_as):
    client = login_as("kasi.pdsi")
    job_id = ask(client, manual).json["id"]
    with manual.app_context():
        jobs.claim(utcnow(), "worker-a")
        jobs.Progress(job_id, "worker-a")(30, 120)
        db.session.remove()
    shown = client.get(f"/reports/jobs/{job_id}", headers=JSON).json
    assert (shown["status"], shown["rows_done"], shown["rows_total"], shown["percent"]) == (
        "running", 30, 120, 25)


def crash(app, job_id: int, worker: str) -> dt.datetime:
    """A worker takes the job and dies: its lease is left to run out."""
    with app.app_context():
        claimed = jobs.claim(utcnow(), worker)
        assert claimed.id == job_id
        lease = claimed.lease_until
        db.session.remove()
    return lease + dt.timedelta(seconds=1)


def test_a_dead_workers_job_is_built_again(manual, login_as):
    client = login_as("kasi.pdsi")
    job_id = ask(client, manual).json["id"]
    after_lease = crash(manual, job_id, "worker-that-died")
    assert client.get(f"/reports/jobs/{job_id}", headers=JSON).json["status"] == "running"
    assert run_worker(manual, now=after_lease) == 1
    job = job_row(manual, job_id)
    assert (job.status, job.attempts) == ("done", 2)
    ready = client.get(f"/reports/jobs/{job_id}", headers=JSON)
    assert client.get(ready.json["download"]).mimetype == XLSX


def test_a_job_that_keeps_dying_fails_cleanly(manual, login_as):
    client = login_as("kasi.pdsi")
    job_id = ask(client, manual).json["id"]
    after_first = crash(manual, job_id, "first")
    with manual.app_context():
        assert jobs.recover(after_first) == 1  # queued again
        db.session.remove()
    after_second = crash(manual, job_id, "second")
    assert run_worker(manual, now=after_second) == 0
    failed = client.get(f"/reports/jobs/{job_id}", headers=JSON)
    assert failed.status_code == 500 and failed.json["status"] == "failed"
    assert "tidak dapat dibuat" in failed.json["message"]
    assert client.get(f"/reports/jobs/{job_id}/file").status_code == 404
    # Asking again starts a new build instead of repeating the failure.
    again = ask(client, manual)
    assert again.status_code == 202 and again.json["id"] != job_id


def test_a_build_that_raises_is_retried_then_failed(manual, login_as, monkeypatch):
    calls = []

    def broken(book, ctx):
        calls.append(ctx.user.username)
        raise RuntimeError("disk full")

    report = reports.REPORTS["incidents"]
    monkeypatch.setitem(reports.REPORTS, "incidents",
                        reports.Report(report.name, report.title, report.description, broken))
    client = login_as("kasi.pdsi")
    job_id = ask(client, manual, "incidents").json["id"]
    assert run_worker(manual) == 0
    job = job_row(manual, job_id)
    assert calls == ["kasi.pdsi", "kasi.pdsi"]
    assert (job.status, job.attempts, job.error) == ("failed", 2, "disk full")
    with manual.app_context():
        leftovers = [name for name in os.listdir(jobs.folder()) if name.endswith(".part")]
    assert leftovers == []


def test_old_files_are_cleaned(manual, login_as):
    client = login_as("kasi.pdsi")
    job_id = ask(client, manual).json["id"]
    assert run_worker(manual) == 1
    with manual.app_context():
        path = jobs.file_path(db.session.get(ReportJob, job_id))
        db.session.remove()
    assert os.path.exists(path)
    later = utcnow() + dt.timedelta(seconds=manual.config["REPORT_KEEP_SECONDS"] + 60)
    run_worker(manual, now=later)
    assert not os.path.exists(path)
    assert job_row(manual, job_id).status == "expired"
    assert client.get(f"/reports/jobs/{job_id}/file").status_code == 404
    assert ask(client, manual).json["id"] != job_id  # asked again: built again
    run_worker(manual, now=utcnow() + dt.timedelta(days=31))
    with manual.app_context():
        assert db.session.get(ReportJob, job_id) is None  # the row went a month later
        db.session.remove()


def test_the_request_waits_for_a_quick_build(app, login_as, monkeypatch):
    """With the in-process worker (the default) a small report comes back in the request."""
    monkeypatch.setitem(app.config, "REPORT_WAIT_SECONDS", 60)
    response = ask(login_as("kabid.dalak"), app, "checklist")
    assert response.status_code == 200 and response.mimetype == XLSX
    with app.app_context():
        pending = db.session.execute(select(ReportJob).where(
            ReportJob.status.in_(jobs.PENDING))).scalars().all()
    assert pending == []


def test_flask_report_shows_a_progress_bar(app, tmp_path, monkeypatch):
    import click._termui_impl

    # click draws the bar on a terminal only; the runner's stderr is told it is one.
    monkeypatch.setattr(click._termui_impl, "isatty", lambda stream: True)
    start, end = this_year(app)
    output = tmp_path / "register.xlsx"
    result = app.test_cli_runner().invoke(args=[
        "report", "improvement_requests", "--from", start, "--to", end, "--output",
        str(output)])
    assert result.exit_code == 0, result.output
    assert "Laporan improvement_requests" in result.stderr  # the bar, on stderr
    listed = len(rows_of(output.read_bytes()))
    assert listed and f"{listed}/{listed}" in result.stderr.replace(" ", "")  # rows of total
    assert "ditulis ke" in result.stdout and output.exists()


def test_flask_reports_work_once_builds_the_queue(manual, login_as):
    client = login_as("kasi.pdsi")
    job_id = ask(client, manual, "incidents").json["id"]
    result = manual.test_cli_runner().invoke(args=["reports", "work", "--once"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Laporan dibuat: 1."
    assert client.get(f"/reports/jobs/{job_id}", headers=JSON).json["status"] == "done"


def test_a_long_build_keeps_its_lease_without_rows(manual, login_as, monkeypatch):
    """A report whose first rows take long still renews its lease (no takeover while its
    worker lives); the test waits on the condition, bounded, not on a clock."""
    import time

    monkeypatch.setattr(jobs, "LEASE", dt.timedelta(seconds=0.4))
    job_id = ask(login_as("kasi.pdsi"), manual).json["id"]
    with manual.app_context():
        jobs.claim(utcnow(), "slow-worker")
        db.session.execute(ReportJob.__table__.update().values(lease_until=dt.datetime(2000, 1, 1)))
        db.session.commit()
        renewed = False
        with jobs.Heartbeat(jobs.Progress(job_id, "slow-worker")):
            deadline = time.monotonic() + 10
            while not renewed and time.monotonic() < deadline:
                db.session.rollback()
                renewed = db.session.get(ReportJob, job_id).lease_until > dt.datetime(2020, 1, 1)
        db.session.remove()
    assert renewed


def test_a_browser_without_the_script_gets_a_page_then_the_file(manual, login_as):
    """A link opened directly: a page that says what is happening and refreshes itself, then
    (once built) the file."""
    client = login_as("kasi.pdsi")
    start, end = this_year(manual)
    asked = client.get(f"/reports/incidents.xlsx?from={start}&to={end}")
    assert asked.status_code == 202 and asked.mimetype == "text/html"
    page = asked.get_data(as_text=True)
    assert "Laporan sedang dibuat" in page and "Menunggu giliran" in page
    assert f'content="3; url={asked.headers["Location"]}"' in page
    assert run_worker(manual) == 1
    ready = client.get(asked.headers["Location"])
    assert ready.status_code == 302 and ready.headers["Location"].endswith("/file")
    assert client.get(ready.headers["Location"]).mimetype == XLSX


ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def worker_env(app) -> dict:
    """The environment an operator gives the worker: the web app's database, key and folder."""
    with app.app_context():
        folder = jobs.folder()
    return {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
            "SECRET_KEY": app.config["SECRET_KEY"], "REPORT_FOLDER": folder}


def worker_process(app, *arguments: str) -> subprocess.CompletedProcess:
    """`python -m app.reports.worker`, configured as an operator would: by the environment."""
    return subprocess.run([sys.executable, "-m", "app.reports.worker", *arguments], cwd=ROOT,
                          env=worker_env(app), capture_output=True, text=True, timeout=300)


def test_the_dedicated_worker_process_builds_the_queue(manual, login_as, tmp_path):
    """The small worker process (no web app) builds the job the web page queued; its file
    holds the same rows as `flask report` writes in the web app for the same period."""
    client = login_as("kasi.pdsi")
    job_id = ask(client, manual).json["id"]
    done = worker_process(manual, "--once")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Laporan dibuat: 1."
    answer = client.get(f"/reports/jobs/{job_id}", headers=JSON).json
    assert answer["status"] == "done"
    built = rows_of(client.get(answer["download"]).data)
    start, end = this_year(manual)
    output = tmp_path / "same.xlsx"
    result = manual.test_cli_runner().invoke(args=[
        "report", "improvement_requests", "--from", start, "--to", end, "--output", str(output)])
    assert result.exit_code == 0, result.output
    assert built and built == rows_of(output.read_bytes())


def test_the_dedicated_worker_loads_no_screen_code(manual):
    """What keeps the worker small (issue 21: ≤ 120 MB, measured by `make bench`): neither
    the web app nor the PDF, QR and spreadsheet-import libraries are loaded."""
    probe = ("import sys; from app.reports.worker import create_worker_app; "
             "create_worker_app(); import app.reports.jobs, reports; "
             "print(' '.join(sorted(m for m in sys.modules if m in {"
             "'app.factory', 'app.views', 'app.reports.views', 'app.printing', "
             "'app.dashboard', 'app.home', 'fpdf', 'segno', 'pyhanko', 'openpyxl'})))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=worker_env(manual),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""
