"""`GET /dashboard`: the state of IT work in charts, for Pimpinan, Kasi PDSI, Kabid Dalak and
Admin (SPEC §7). Figures come from app.dashboard.queries; each bar links to its list."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from babel import dates as babel_dates
from flask import current_app, g, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import get_locale, gettext

from app.assets.models import CONDITIONS, DAMAGED
from app.assets.queries import damaged_by_unit
from app.dashboard import charts, queries
from app.dashboard import period as periods
from app.dashboard.charts import Bar, Part, Row, bar, number, percent
from app.forms import SHOWN_DATE
from app.home import open_by_state
from app.i18n import N_
from app.requests.views import LIST_VIEWS
from app.security import roles as R
from app.security.access import current_actor
from app.timeutil import format_date, format_month, today_wita, utcnow, wita_to_utc
from app.workflow.rules import STATES
from app.workflow.vocabulary import DECISION_LABELS

KIND_SHORT = {"improvement": "FM-01", "support": "FM-03"}
# How a day of the checklist calendar went (msgids, said in the reader's language).
DAY_STATES = {"done": N_("Done"), "late": N_("Late"), "missed": N_("Missed"),
              "holiday": N_("Holiday"), "weekend": N_("Weekend"),
              "open": N_("Not finished yet"), "future": N_("Not yet")}


def filter_arg(view_name: str, column: str, filter_name: str) -> str:
    """The URL argument of a list's filter (`_flt_<index>_<column>`; FAB counts a column's
    filters from 0). Found once per request: a year's chart asks for it per bar."""
    known = g.setdefault("_dashboard_filter_args", {})
    key = (view_name, column, filter_name)
    if key not in known:
        view = next(v for v in current_app.appbuilder.baseviews
                    if type(v).__name__ == view_name)
        filters = view._filters.get_search_filters()[column]
        index = next(i for i, f in enumerate(filters) if type(f).__name__ == filter_name)
        known[key] = f"_flt_{index}_{column}"
    return known[key]


def list_url(view_name: str, *conditions: tuple[str, str, object]) -> str:
    """A list filtered by (column, filter class name, value) conditions."""
    args = [(filter_arg(view_name, column, name), str(value)) for column, name, value in conditions]
    return url_for(f"{view_name}.list") + ("?" + urlencode(args) if args else "")


def _utc_arg(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def to_utc(day: dt.date) -> dt.datetime:
    """The UTC moment a WITA day begins."""
    return wita_to_utc(day, "00:00")


def _submitted_between(start: dt.datetime, end: dt.datetime):
    return (("submitted_at", "FilterGreater", _utc_arg(start - dt.timedelta(seconds=1))),
            ("submitted_at", "FilterSmaller", _utc_arg(end)))


def _closed_between(start: dt.datetime, end: dt.datetime):
    return (("closed_at", "FilterGreater", _utc_arg(start - dt.timedelta(seconds=1))),
            ("closed_at", "FilterSmaller", _utc_arg(end)))


class DashboardView(BaseView):
    route_base = "/dashboard"
    class_permission_name = R.DASHBOARD
    method_permission_name = {"index": "read"}
    base_permissions = ["can_read"]
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        now = utcnow()
        today = today_wita(now)
        period = periods.from_args(request.args, today)
        return self.render_template(
            "dashboard/index.html", period=period, choices=periods.CHOICES,
            shown_from=request.args.get("from") or period.start.strftime(SHOWN_DATE),
            shown_to=request.args.get("to") or period.end.strftime(SHOWN_DATE),
            period_text=f"{format_date(period.start)} – {format_date(period.end)}",
            today=today, kinds=KIND_SHORT, **self._figures(period, today, now))

    def _figures(self, period, today, now) -> dict:
        figures = {}
        for name in ("open_requests", "monthly", "first_target", "overdue", "step_times",
                     "checklist", "incidents", "assets"):
            figures.update(getattr(self, f"_{name}")(period, today, now))
        return figures

    # --- each figure ---------------------------------------------------------------------

    @staticmethod
    def _open_requests(period, today, now) -> dict:
        rows = [Row(gettext(STATES[count.state]), [Bar(number(count.total), [
                    Part(count.counts[kind], count.links[kind], series, KIND_SHORT[kind])
                    for series, kind in enumerate(LIST_VIEWS)])])
                for count in open_by_state()]
        total = sum(item.value for row in rows for item in row.bars)
        return {"open_chart": charts.bar_chart(rows, gettext("Open requests by state"),
                                               "chart-open"),
                "open_total": number(total)}

    @staticmethod
    def _monthly(period, today, now) -> dict:
        months = queries.monthly_requests(period)
        rows = []
        for key in sorted(months):
            first = charts.month_start(key)
            following = (first + dt.timedelta(days=32)).replace(day=1)
            window = _submitted_between(*(to_utc(first), to_utc(following)))
            counts = months[key]
            submitted = [Part(counts.get(("submitted", kind), 0),
                              list_url(view, *window), series, KIND_SHORT[kind])
                         for series, (kind, view) in enumerate(LIST_VIEWS.items())]
            closed = _closed_between(to_utc(first), to_utc(following))
            finished = [Part(counts.get(("finished", kind), 0),
                             list_url(view, ("status", "FilterEqual", "done"), *closed),
                             series + 2, KIND_SHORT[kind])
                        for series, (kind, view) in enumerate(LIST_VIEWS.items())]
            rows.append(Row(format_month(first.year, first.month), [
                Bar(gettext("%(n)s submitted", n=number(sum(p.value for p in submitted))),
                    submitted),
                Bar(gettext("%(n)s finished", n=number(sum(p.value for p in finished))),
                    finished)]))
        return {"monthly_chart": charts.bar_chart(
            rows, gettext("Submitted and finished per month"), "chart-monthly")}

    @staticmethod
    def _first_target(period, today, now) -> dict:
        shares = queries.finished_on_time(period)
        total = shares["total"]
        done_lists = {kind: list_url(view, ("status", "FilterEqual", "done"),
                                     *_closed_between(period.start_utc, period.end_utc))
                      for kind, view in LIST_VIEWS.items()}
        labels = (("first_target", gettext("By the first target date"), 1),
                  ("reassigned", gettext("After re-assignment"), 2),
                  ("late", gettext("Late, without re-assignment"), 3))
        rows = [Row(label, [bar(shares[key], f"{number(shares[key])} ({percent(shares[key], total)})",
                                done_lists["improvement"], series)])
                for key, label, series in labels]
        return {"target_chart": charts.bar_chart(rows, gettext("Finished on time (SOP 9.3)"),
                                                 "chart-target"),
                "target_total": number(total), "done_lists": done_lists}

    @staticmethod
    def _overdue(period, today, now) -> dict:
        links = {kind: list_url(view, ("status", "FilterEqual", "in_progress"),
                                ("target_date", "FilterSmaller", today.isoformat()))
                 for kind, view in LIST_VIEWS.items()}
        officers = queries.overdue_by_officer(today)
        rows = [Row(name, [bar(n, number(n), links["improvement"], 3)])
                for _uid, name, n in officers]
        return {"overdue_chart": charts.bar_chart(rows, gettext("Overdue now by officer"),
                                                  "chart-overdue") if rows else None,
                "overdue_total": number(sum(n for _u, _name, n in officers)),
                "overdue_links": links}

    @staticmethod
    def _step_times(period, today, now) -> dict:
        times = queries.step_times(period)
        window = _submitted_between(period.start_utc, period.end_utc)
        link = list_url(LIST_VIEWS["improvement"], *window)
        rows = []
        for step in queries.STEPS:
            entry = times.get(step)
            if not entry:
                continue
            rows.append(Row(f"{gettext(DECISION_LABELS[step])} ({number(entry['n'])})", [
                bar(entry["median"], gettext("median %(days)s days",
                                             days=number(entry["median"], 1)), link, 0),
                bar(entry["p90"], gettext("p90 %(days)s days", days=number(entry["p90"], 1)),
                    link, 2)]))
        step_links = {kind: list_url(view, *window) for kind, view in LIST_VIEWS.items()}
        return {"steps_chart": charts.bar_chart(
                    rows, gettext("Time from submission to each step"), "chart-steps")
                if rows else None, "step_links": step_links}

    @staticmethod
    def _checklist(period, today, now) -> dict:
        month_day = min(period.end, today)
        cells = queries.checklist_month(month_day.year, month_day.month, now)
        names = babel_dates.get_day_names("abbreviated", locale=get_locale())

        def href_for(cell):
            return list_url("ChecklistRoundView", ("date", "FilterEqual", cell.day.isoformat()))

        officers, missed = queries.compliance_by_officer(period)
        window = (("date", "FilterGreater", (period.start - dt.timedelta(days=1)).isoformat()),
                  ("date", "FilterSmaller", (period.end + dt.timedelta(days=1)).isoformat()))
        rows = [Row(name, [bar(done, f"{number(done)} ({percent(done, done + late)})",
                               list_url("ChecklistRoundView", ("status", "FilterEqual", "done"),
                                        *window), 1),
                           bar(late, number(late), list_url(
                               "ChecklistRoundView", ("status", "FilterEqual", "late"),
                               *window), 2)])
                for _uid, name, done, late in officers]
        return {
            "calendar_chart": charts.month_calendar(
                cells, [names[d] for d in range(7)],
                gettext("Checklist of %(month)s", month=format_month(month_day.year,
                                                                      month_day.month)),
                href_for, "chart-calendar",
                {state: gettext(label) for state, label in DAY_STATES.items()}),
            "calendar_month": format_month(month_day.year, month_day.month),
            "day_counts": charts.day_list(cells), "day_states": DAY_STATES,
            "day_colours": charts.DAY_COLOURS,
            "officer_chart": charts.bar_chart(rows, gettext("Rounds per officer"),
                                              "chart-officers") if rows else None,
            "missed_rounds": number(missed),
            "missed_link": list_url("ChecklistRoundView", ("status", "FilterEqual", "missed"),
                                    *window),
        }

    @staticmethod
    def _incidents(period, today, now) -> dict:
        months = queries.incidents_by_month(period)
        rows = []
        for key in sorted(months):
            first = charts.month_start(key)
            following = (first + dt.timedelta(days=32)).replace(day=1)
            entry = months[key]
            link = list_url("IncidentView",
                            ("occurred_at", "FilterGreater",
                             _utc_arg(to_utc(first) - dt.timedelta(seconds=1))),
                            ("occurred_at", "FilterSmaller", _utc_arg(to_utc(following))))
            median = entry["median_hours"]
            shown = gettext("%(n)s incidents", n=number(entry["count"]))
            if median is not None:
                shown += " · " + gettext("median %(hours)s hours to resolve",
                                         hours=number(median, 1))
            rows.append(Row(format_month(first.year, first.month),
                            [bar(entry["count"], shown, link, 3)]))
        return {"incident_chart": charts.bar_chart(rows, gettext("Incidents per month"),
                                                   "chart-incidents"),
                "incident_total": number(sum(m["count"] for m in months.values()))}

    @staticmethod
    def _assets(period, today, now) -> dict:
        """Equipment in use that is damaged, per unit, as it stands now (issue 22): Rusak
        Ringan and Rusak Berat stacked, each part opening the register filtered by condition."""
        links = {code: list_url("AssetView", ("condition", "FilterEqual", code))
                 for code in DAMAGED}
        light, heavy = (str(CONDITIONS[code]) for code in links)
        units = damaged_by_unit(current_actor())
        rows = [Row(unit, [Bar(number(slight + bad), [
                    Part(slight, links["rusak_ringan"], 2, light),
                    Part(bad, links["rusak_berat"], 3, heavy)])])
                for unit, slight, bad in units]
        return {"asset_chart": charts.bar_chart(rows, gettext("Damaged equipment by unit"),
                                                "chart-assets") if rows else None,
                "asset_total": number(sum(slight + bad for _unit, slight, bad in units)),
                "asset_links": links, "asset_words": (light, heavy)}
