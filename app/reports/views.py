"""The Laporan page, `GET /reports/<name>.xlsx` and `flask report` (SPEC §6, §7).

The builders live in the top-level `reports` package; this module only checks who asks,
reads the period, queues the build (app/reports/jobs.py) and hands the file over: at once
when the build finishes within REPORT_WAIT_SECONDS, else a 202 with a `Location` to poll
(`/reports/jobs/<id>`, JSON with the progress) and the file at `/reports/jobs/<id>/file`.
"""

from __future__ import annotations

import calendar as pycal
import datetime as dt

from flask import current_app, jsonify, make_response, redirect, request, send_file, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

import reports
from app.errors import wants_json
from app.forms import SHOWN_DATE, parse_typed_day
from app.i18n import office_language
from app.reports import jobs
from app.reports.models import ReportJob
from app.security import roles as R
from app.security.gate import refuse, session_or_token
from app.timeutil import FIRST_YEAR, LAST_YEAR, parse_office_date, today_wita, utcnow
from reports.xlsx import XLSX_MIMETYPE

# The Laporan page in the reader's language (the files themselves are Indonesian for everyone,
# titled by the `reports` package): a title and what each report holds, by report name.
REPORT_LABELS = {
    "improvement_requests": (
        _l("IT system improvement requests"),
        _l("FM-01 requests submitted in the period, with their officers, target dates and "
           "punctuality.")),
    "support_requests": (
        _l("IT officer support requests"),
        _l("FM-03 requests submitted in the period, with their officers, target dates and "
           "punctuality.")),
    "checklist": (
        _l("SIM and server checklist report"),
        _l("Check rounds, results per item, and compliance per month and per officer.")),
    "incidents": (
        _l("SIM incident summary"),
        _l("SIM incidents in the period with the time taken to handle them and its mean.")),
    "performance": (
        _l("IT officer performance"),
        _l("Per officer: assignments, done on time and late, obstacles, still running, mean "
           "days to complete.")),
    "overdue": (
        _l("Requests past their target date"),
        _l("Requests in progress and past their target date at the end of the period (today, "
           "if the period runs past today), whatever their submission date.")),
    "assets": (  # issue 22
        _l("IT assets"),
        _l("IT assets by unit, category and condition; the assets with the most requests and "
           "incidents in the period.")),
}


class PeriodError(ValueError):
    pass


def parse_period(start_text: str | None, end_text: str | None,
                 today: dt.date) -> tuple[dt.date, dt.date]:
    """`from`/`to` as YYYY-MM-DD (or as the page's pickers write them, day-month-year); both
    missing means this month. Messages in the reader's language (Indonesian for an API
    client)."""
    if not start_text and not end_text:
        return presets(today)["this_month"]
    # YYYY-MM-DD (the API, the preset links) or day-month-year (the page's date pickers).
    start, end = (parse_office_date(text) or parse_typed_day(text)
                  for text in (start_text, end_text))
    if start is None or end is None:
        raise PeriodError(gettext(
            "Invalid period dates: give 'from' and 'to' as YYYY-MM-DD, e.g. 2026-11-01, "
            "between the years %(first)s and %(last)s.", first=FIRST_YEAR, last=LAST_YEAR))
    if start > end:
        raise PeriodError(gettext("The start of the period cannot be after its end."))
    return start, end


def presets(today: dt.date) -> dict[str, tuple[dt.date, dt.date]]:
    """The periods the Laporan page offers: this month, last month, this year."""
    first = today.replace(day=1)
    last_of_prev = first - dt.timedelta(days=1)
    return {
        "this_month": (first, today.replace(day=pycal.monthrange(today.year, today.month)[1])),
        "last_month": (last_of_prev.replace(day=1), last_of_prev),
        "this_year": (dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)),
    }


def _refuse(status: int, message: str):
    refuse(status, message, back=(gettext("Back to Reports"), url_for("ReportsView.index")))


class ReportsView(BaseView):
    """Laporan: the six XLSX reports for supervisors; unit heads get their units' registers."""

    route_base = "/reports"
    class_permission_name = R.REPORTS
    method_permission_name = {"index": "read", "download": "read", "job": "read",
                              "job_file": "read"}
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        user = current_app.appbuilder.sm.current_user
        today = today_wita()
        available = [r for r in reports.REPORTS.values() if r.allowed_for(user)]
        periods = [(key, label, *presets(today)[key]) for key, label in (
            ("this_month", _l("This month")), ("last_month", _l("Last month")),
            ("this_year", _l("This year")))]
        start, end = presets(today)["this_month"]
        return self.render_template("reports/index.html", reports=available, periods=periods,
                                    default=(f"{start:{SHOWN_DATE}}", f"{end:{SHOWN_DATE}}"),
                                    labels=REPORT_LABELS)

    @expose("/<name>.xlsx")
    @session_or_token(R.REPORTS, _l("You may not download reports."))
    def download(self, name, user):
        """The file when the build is done within REPORT_WAIT_SECONDS, else 202 with the job's
        progress and a `Location` to poll. `?wait=0` (the Laporan page): the job's state as
        JSON at once, with its `download` link when the file is ready."""
        report = reports.REPORTS.get(name)
        if report is None:
            _refuse(404, gettext("Unknown report."))
        if not report.allowed_for(user):
            _refuse(403, gettext("You may not download this report."))
        now = utcnow()
        try:
            start, end = parse_period(request.args.get("from"), request.args.get("to"),
                                      today_wita(now))
        except PeriodError as err:
            _refuse(400, str(err))
        job = jobs.request_report(name, start, end, user, now)
        if job.status in jobs.PENDING:
            jobs.kick(current_app._get_current_object())
        if request.args.get("wait") == "0":
            return _status(job)
        job = jobs.wait_for(job, float(current_app.config["REPORT_WAIT_SECONDS"]))
        if job.status == "done":
            return _send(job)
        return self._answer(job)

    @expose("/jobs/<int:job_id>")
    @session_or_token(R.REPORTS, _l("You may not download reports."))
    def job(self, job_id, user):
        """A report job's progress: 202 while it is built, 200 with `download` when done."""
        job = jobs.visible_job(job_id, user)
        if job is None:
            _refuse(404, gettext("Unknown report."))
        if job.status in jobs.PENDING:
            jobs.kick(current_app._get_current_object())  # e.g. taken back from a dead worker
        if job.status == "done" and not wants_json():  # a browser: the file itself
            return redirect(url_for("ReportsView.job_file", job_id=job.id))
        return self._answer(job)

    def _answer(self, job: ReportJob):
        """The job's state: JSON for the page's script and for scripts; a browser that came
        without the page's script (a link opened directly) gets a page that refreshes itself
        until the file is ready."""
        if wants_json():
            return _status(job)
        if job.status == "failed":
            _refuse(500, gettext("The report could not be made. Ask for it again; if it fails "
                                 "again, tell the administrator."))
        page = self.render_template("reports/pending.html", job=job,
                                    title=REPORT_LABELS[job.name][0],
                                    job_percent=jobs.progress_percent(job))
        response = make_response(page, 202)
        response.headers["Location"] = url_for("ReportsView.job", job_id=job.id)
        return response

    @expose("/jobs/<int:job_id>/file")
    @session_or_token(R.REPORTS, _l("You may not download reports."))
    def job_file(self, job_id, user):
        job = jobs.visible_job(job_id, user)
        if job is None or job.status != "done":
            _refuse(404, gettext("The report file is not available (any more); ask for it "
                                 "again."))
        return _send(job)


def _send(job: ReportJob):
    try:
        handle = open(jobs.file_path(job), "rb")  # noqa: SIM115 - send_file closes it
    except FileNotFoundError:
        _refuse(404, gettext("The report file is not available (any more); ask for it again."))
    response = send_file(handle, mimetype=XLSX_MIMETYPE, as_attachment=True,
                         download_name=f"{job.name}_{job.start:%Y%m%d}_{job.end:%Y%m%d}.xlsx")
    response.headers["Cache-Control"] = "no-store"
    return response


def _status(job: ReportJob):
    """The job as JSON (the Laporan page's progress bar, a script's poll)."""
    body = {"id": job.id, "report": job.name, "status": job.status,
            "rows_done": job.rows_done, "rows_total": job.rows_total,
            "percent": jobs.progress_percent(job)}
    if job.status == "done":
        body["download"] = url_for("ReportsView.job_file", job_id=job.id)
        return jsonify(body), 200
    if job.status in jobs.PENDING:
        location = url_for("ReportsView.job", job_id=job.id)
        response = jsonify(body)
        response.status_code = 202
        response.headers["Location"] = location
        response.headers["Retry-After"] = "2"
        return response
    with office_language():
        body["message"] = gettext("The report could not be made. Ask for it again; if it "
                                  "fails again, tell the administrator.")
    return jsonify(body), 500


def register(appbuilder) -> None:
    """The Laporan menu entry and its routes."""
    appbuilder.add_view(ReportsView, R.M_REPORTS, label=_l("Reports"), icon="fa-file-excel-o")
