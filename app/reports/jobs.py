"""Reports built outside the web request (issue 21).

A report asked for on the web becomes a row of `report_job`; a worker builds it into the
instance folder and the page (or a script) polls its progress and downloads the file.

The queue is the database itself, claimed the way the clock claims its work: a conditional
UPDATE (`... WHERE status = 'queued'`) that one worker wins and every other sees change
nothing. That works on the embedded SQLite (one writer at a time) and on several app servers
sharing PostgreSQL, with no broker to run. Identical requests (report, period, whose rows,
day) share one build through a unique `active_key`. A worker writes its progress every
couple of thousand rows, and a heartbeat renews its lease meanwhile; a job whose lease ran
out (the worker died) is queued again, up to `MAX_ATTEMPTS` builds, then failed with a
message. At most REPORT_CONCURRENCY builds run at once (default one: the office has 2 cores).

Workers: every web process starts one thread on demand (REPORT_INPROCESS_WORKER, on by
default, so the embedded setup needs nothing more); `flask reports work` is a dedicated
worker for production, and `python run.py`'s clock looks for stranded jobs every minute.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import time

from flask import current_app
from sqlalchemy import delete, func, select, update

import reports
from app.extensions import db, upsert_insert
from app.i18n import office_language
from app.reports.models import ReportJob
from app.security import access
from app.security import roles as R
from app.security.models import AppUser
from app.timeutil import today_wita, utcnow

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 2
LEASE = dt.timedelta(minutes=2)
PENDING = ("queued", "running")


# --- asking -----------------------------------------------------------------------------------

def scope_of(user) -> str:
    """Whose rows a report holds: the see-all roles all see the same rows (registers count
    submitted requests only, so nobody's own drafts are in them); anyone else their own."""
    if access.role_names(user) & R.SEE_ALL_REQUESTS:
        return "all"
    return f"user:{user.id}"


def job_key(name: str, start: dt.date, end: dt.date, scope: str, today: dt.date) -> str:
    return f"{name}|{start.isoformat()}|{end.isoformat()}|{scope}|{today.isoformat()}"


def request_report(name: str, start: dt.date, end: dt.date, user,
                   now: dt.datetime | None = None) -> ReportJob:
    """The job that answers this request: a pending or fresh one with the same key, else a
    new one in the queue. Safe when several processes ask at once (unique key)."""
    now = now or utcnow()
    scope = scope_of(user)
    key = job_key(name, start, end, scope, today_wita(now))
    job = _active(key)
    if job is not None and not _usable(job, now):
        _retire(job.id, job.status)
        job = None
    if job is None:
        db.session.execute(upsert_insert(ReportJob).values(
            active_key=key, name=name, start=start, end=end, scope=scope, user_id=user.id,
            status="queued", rows_done=0, attempts=0, created_at=now, asked_at=now,
        ).on_conflict_do_nothing(index_elements=["active_key"]))
        db.session.commit()
        job = _active(key)
    return job


def _active(key: str) -> ReportJob | None:
    return db.session.execute(
        select(ReportJob).where(ReportJob.active_key == key)).scalar_one_or_none()


def _usable(job: ReportJob, now: dt.datetime) -> bool:
    """Pending, or done a short while ago with its file still there."""
    if job.status in PENDING:
        return True
    fresh = dt.timedelta(seconds=current_app.config["REPORT_FRESH_SECONDS"])
    return (job.status == "done" and job.finished_at is not None
            and job.finished_at > now - fresh and os.path.exists(file_path(job)))


def _retire(job_id: int, status: str) -> None:
    """Free the key of a job that can no longer serve (only if nobody changed it meanwhile)."""
    db.session.execute(update(ReportJob).where(ReportJob.id == job_id,
                                               ReportJob.status == status)
                       .values(active_key=None))
    db.session.commit()


def visible_job(job_id: int, user) -> ReportJob | None:
    """The job, if this user may have its file: the same rows and the right to the report."""
    job = db.session.get(ReportJob, job_id)
    if job is None or job.scope != scope_of(user):
        return None
    report = reports.REPORTS.get(job.name)
    return job if report is not None and report.allowed_for(user) else None


def refreshed(job_id: int) -> ReportJob:
    """The job as the database holds it now (ends this session's transaction first)."""
    db.session.rollback()
    return db.session.get(ReportJob, job_id)


def wait_for(job: ReportJob, seconds: float) -> ReportJob:
    """Poll the job until it is no longer pending or `seconds` have passed."""
    deadline = time.monotonic() + seconds
    while job.status in PENDING and time.monotonic() < deadline:
        time.sleep(min(0.2, max(deadline - time.monotonic(), 0)))
        job = refreshed(job.id)
    return job


def file_path(job: ReportJob) -> str:
    # The creation moment too: ids start again in a restored or recreated database.
    return os.path.join(folder(), f"report-{job.id}-{job.created_at:%Y%m%d%H%M%S%f}.xlsx")


def folder() -> str:
    path = current_app.config.get("REPORT_FOLDER") or os.path.join(
        current_app.instance_path, "reports")
    os.makedirs(path, exist_ok=True)
    return path


def progress_percent(job: ReportJob) -> int | None:
    if job.status == "done":
        return 100
    if not job.rows_total:
        return None
    return min(99, job.rows_done * 100 // job.rows_total)


# --- working ----------------------------------------------------------------------------------

def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"[:80]


def recover(now: dt.datetime) -> int:
    """Jobs whose worker stopped writing progress (it died): queued again, or failed after
    MAX_ATTEMPTS builds. Conditional updates: one recovering worker wins each job."""
    stale = (ReportJob.status == "running", ReportJob.lease_until < now)
    again = db.session.execute(update(ReportJob).where(
        *stale, ReportJob.attempts < MAX_ATTEMPTS).values(status="queued", worker=None)).rowcount
    failed = db.session.execute(update(ReportJob).where(
        *stale, ReportJob.attempts >= MAX_ATTEMPTS).values(
        status="failed", active_key=None, finished_at=now,
        error="Pembuatan laporan terhenti berulang kali.")).rowcount
    db.session.commit()
    return again + failed


def claim(now: dt.datetime, worker: str) -> ReportJob | None:
    """The oldest queued job, taken by this worker alone (compare-and-set on its state), while
    fewer than REPORT_CONCURRENCY builds run anywhere (two workers may both see room and
    both start: the limit keeps builds from crowding out the web workers, it is no lock)."""
    running = db.session.execute(select(func.count()).select_from(ReportJob).where(
        ReportJob.status == "running", ReportJob.lease_until >= now)).scalar()
    if running >= current_app.config["REPORT_CONCURRENCY"]:
        return None
    candidates = db.session.execute(
        select(ReportJob.id).where(ReportJob.status == "queued")
        .order_by(ReportJob.created_at, ReportJob.id).limit(5)).scalars().all()
    for job_id in candidates:
        won = db.session.execute(update(ReportJob).where(
            ReportJob.id == job_id, ReportJob.status == "queued").values(
            status="running", worker=worker, attempts=ReportJob.attempts + 1,
            lease_until=now + LEASE, rows_done=0)).rowcount
        db.session.commit()
        if won:
            return db.session.get(ReportJob, job_id)
    return None


class Progress:
    """The build's progress callback: rows written (and the total when known), written to
    the job on its own connection (the build streams on the session's), extending the lease.
    Only the worker that holds the job writes (one that was taken over changes nothing)."""

    def __init__(self, job_id: int, worker: str):
        self.job_id, self.worker, self.engine = job_id, worker, db.engine

    def __call__(self, done: int, total: int | None = None) -> None:
        values = {"rows_done": done}
        if total is not None:
            values["rows_total"] = total
        self.write(**values)

    def write(self, **values) -> None:
        with self.engine.begin() as connection:
            connection.execute(update(ReportJob).where(
                ReportJob.id == self.job_id, ReportJob.worker == self.worker).values(
                lease_until=utcnow() + LEASE, **values))


class Heartbeat:
    """Renews the lease every quarter of it while a build runs, rows or not (a report's
    first rows can take a while at a million requests); it stops with its process, so a
    dead worker's lease still runs out."""

    def __init__(self, progress: Progress):
        self.progress, self.stop = progress, threading.Event()
        self.thread = threading.Thread(target=self._beat, daemon=True, name="report-lease")

    def __enter__(self) -> Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join()

    def _beat(self) -> None:
        while not self.stop.wait(LEASE.total_seconds() / 4):
            try:
                self.progress.write()
            except Exception:  # the next beat tries again; a lost lease means a rebuild
                log.exception("report lease renewal failed")


def build(job: ReportJob, worker: str) -> bool:
    """Build a claimed job's file; True when done. A failure is retried once, then failed."""
    path = file_path(job)
    partial = f"{path}.{os.getpid()}.part"
    user = db.session.get(AppUser, job.user_id)
    job_id, asked_at = job.id, job.asked_at
    progress = Progress(job_id, worker)
    try:
        with office_language(), Heartbeat(progress):
            reports.build_report(job.name, partial, job.start, job.end, user=user,
                                 now=asked_at, progress=progress)
        os.replace(partial, path)
    except Exception as err:  # the job says what went wrong; the worker goes on
        log.exception("report job %s failed", job_id)
        _remove(partial)
        _finish(job_id, worker, failed=str(err)[:500] or type(err).__name__)
        return False
    return _finish(job_id, worker)


def _finish(job_id: int, worker: str, failed: str | None = None) -> bool:
    db.session.rollback()
    job = db.session.get(ReportJob, job_id)
    mine = (ReportJob.id == job_id, ReportJob.worker == worker, ReportJob.status == "running")
    if failed is None:
        values = {"status": "done", "finished_at": utcnow(), "rows_done": job.rows_total
                  or job.rows_done, "error": None}
    elif job.attempts < MAX_ATTEMPTS:
        values = {"status": "queued", "worker": None, "error": failed}
    else:
        values = {"status": "failed", "active_key": None, "finished_at": utcnow(),
                  "error": failed}
    won = db.session.execute(update(ReportJob).where(*mine).values(**values)).rowcount
    db.session.commit()
    return bool(won) and failed is None


def work(now: dt.datetime | None = None, limit: int | None = None) -> int:
    """Build queued jobs until none is left (or `limit` built); returns how many were done.
    `now` is the moment stale leases are judged against (tests pass one)."""
    worker = worker_name()
    built = 0
    recover(now or utcnow())
    cleanup(now or utcnow())
    while limit is None or built < limit:
        job = claim(now or utcnow(), worker)
        if job is None:
            break
        built += build(job, worker)
    return built


ROW_DAYS = 30  # how long an expired or failed job's row is kept (for the record)


def cleanup(now: dt.datetime) -> int:
    """Files of jobs finished longer ago than REPORT_KEEP_SECONDS are removed; the rows of
    expired and failed jobs go after ROW_DAYS."""
    keep = dt.timedelta(seconds=current_app.config["REPORT_KEEP_SECONDS"])
    old = db.session.execute(select(ReportJob).where(
        ReportJob.status == "done", ReportJob.finished_at < now - keep)).scalars().all()
    for job in old:
        _remove(file_path(job))
        job.status, job.active_key = "expired", None
    db.session.execute(delete(ReportJob).where(
        ReportJob.status.in_(("expired", "failed")),
        ReportJob.created_at < now - dt.timedelta(days=ROW_DAYS)))
    db.session.commit()
    return len(old)


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except FileNotFoundError:
        pass


# --- the in-process worker --------------------------------------------------------------------

_lock = threading.Lock()
_threads: dict[int, threading.Thread] = {}
_wanted: dict[int, bool] = {}


def kick(app) -> None:
    """Make sure this process has a worker thread draining the queue (it ends when the
    queue is empty). Off with REPORT_INPROCESS_WORKER = False (a dedicated worker runs)."""
    if not app.config.get("REPORT_INPROCESS_WORKER", True):
        return
    key = id(app)
    with _lock:
        _wanted[key] = True
        thread = _threads.get(key)
        if thread is None or not thread.is_alive():
            thread = threading.Thread(target=_drain, args=(app,), daemon=True,
                                      name="report-worker")
            _threads[key] = thread
            thread.start()


def _drain(app) -> None:
    key = id(app)
    with app.app_context():
        while True:
            with _lock:
                if not _wanted.get(key):
                    _threads.pop(key, None)
                    return
                _wanted[key] = False
            try:
                work()
            except Exception:  # the next kick tries again; the error is in the log
                log.exception("report worker pass failed")
            finally:
                db.session.remove()


def serve(poll_seconds: float = 2.0, stop: threading.Event | None = None) -> None:
    """`flask reports work`: a dedicated worker, polling the queue until stopped."""
    stop = stop or threading.Event()
    while not stop.is_set():
        try:
            built = work()
        except Exception:
            log.exception("report worker pass failed")
            built = 0
        finally:
            db.session.remove()
        if not built:
            stop.wait(poll_seconds)
