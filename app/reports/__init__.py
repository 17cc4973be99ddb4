"""The Laporan page, `GET /reports/<name>.xlsx` and `flask report` (SPEC §6, §7).

The builders live in the top-level `reports` package; this module only checks who asks,
reads the period and hands the file over.
"""

from __future__ import annotations

import calendar as pycal
import datetime as dt
import tempfile

from flask import current_app, request, send_file, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import lazy_gettext as _l

import reports
from app.security import roles as R
from app.security.gate import refuse, session_or_token
from app.timeutil import FIRST_YEAR, LAST_YEAR, parse_office_date, today_wita, utcnow

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class PeriodError(ValueError):
    pass


def parse_period(start_text: str | None, end_text: str | None,
                 today: dt.date) -> tuple[dt.date, dt.date]:
    """`from`/`to` as YYYY-MM-DD; both missing means this month. Messages in Indonesian."""
    if not start_text and not end_text:
        return presets(today)["this_month"]
    start, end = parse_office_date(start_text), parse_office_date(end_text)
    if start is None or end is None:
        raise PeriodError("Tanggal periode tidak valid: isi 'from' dan 'to' dengan format "
                          "TTTT-BB-HH, misalnya 2026-11-01, antara tahun "
                          f"{FIRST_YEAR} dan {LAST_YEAR}.")
    if start > end:
        raise PeriodError("Tanggal awal periode tidak boleh sesudah tanggal akhir.")
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
    refuse(status, message, back=("Kembali ke Laporan", url_for("ReportsView.index")))


class ReportsView(BaseView):
    """Laporan: the six XLSX reports for supervisors; unit heads get their units' registers."""

    route_base = "/reports"
    class_permission_name = R.REPORTS
    method_permission_name = {"index": "read", "download": "read"}
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
        return self.render_template("reports/index.html", reports=available, periods=periods,
                                    default=presets(today)["this_month"])

    @expose("/<name>.xlsx")
    @session_or_token(R.REPORTS, "Anda tidak berwenang mengunduh laporan.")
    def download(self, name, user):
        report = reports.REPORTS.get(name)
        if report is None:
            _refuse(404, "Laporan tidak dikenal.")
        if not report.allowed_for(user):
            _refuse(403, "Anda tidak berwenang mengunduh laporan ini.")
        now = utcnow()
        try:
            start, end = parse_period(request.args.get("from"), request.args.get("to"),
                                      today_wita(now))
        except PeriodError as err:
            _refuse(400, str(err))
        handle = tempfile.TemporaryFile()  # constant memory: the file grows on disk
        try:
            reports.build_report(name, handle, start, end, user=user, now=now)
        except BaseException:
            handle.close()
            raise
        handle.seek(0)
        response = send_file(handle, mimetype=XLSX_MIMETYPE, as_attachment=True,
                             download_name=f"{name}_{start:%Y%m%d}_{end:%Y%m%d}.xlsx")
        response.headers["Cache-Control"] = "no-store"
        return response


def register(appbuilder) -> None:
    """The Laporan menu entry and its routes."""
    appbuilder.add_view(ReportsView, R.M_REPORTS, label=_l("Reports"), icon="fa-file-excel-o")
