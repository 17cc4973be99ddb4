"""FM-02 pages built for a person at a server rack: today's rounds, one-page form, month grid."""

from __future__ import annotations

import calendar as pycal
import datetime as dt
from itertools import groupby

from babel import dates as babel_dates
from babel import numbers as babel_numbers
from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.api import protect, safe
from flask_babel import get_locale, gettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.checklist import calendar, rounds
from app.checklist.models import (
    INCIDENT_STATES,
    RESULTS,
    ROUND_STATES,
    ChecklistEntry,
    ChecklistRound,
    Incident,
)
from app.errors import error_response
from app.extensions import db
from app.security import access
from app.security import roles as R
from app.security.access import current_actor
from app.timeutil import format_month, parse_office_date, today_wita, utcnow, wita_to_utc

ROUND_COLOURS = {"scheduled": "default", "open": "info", "done": "success", "late": "warning",
                 "missed": "danger"}


def _round_or_404(pk: int) -> ChecklistRound:
    rnd = db.session.execute(
        select(ChecklistRound).where(ChecklistRound.id == pk)
        .options(selectinload(ChecklistRound.entries).selectinload(ChecklistEntry.item),
                 selectinload(ChecklistRound.officer))
    ).scalar_one_or_none()
    if rnd is None:
        abort(404)
    return rnd


def entries_from_form(form, items) -> list[dict]:
    return [{
        "item_id": item.id,
        "result": form.get(f"result_{item.id}") or None,
        "value": form.get(f"value_{item.id}", ""),
        "note": form.get(f"note_{item.id}", ""),
        "follow_up": form.get(f"follow_up_{item.id}", ""),
    } for item in items]


def _day_off(day: dt.date) -> str | None:
    """Why there are no checks on `day`, in the reader's language (a holiday by its name)."""
    name = calendar.holiday_name(day)
    if name:
        return name
    return gettext("Saturday or Sunday") if day.weekday() >= 5 else None


def shown_shares(stats: dict) -> dict:
    """The compliance shares as the reader writes numbers ('12,5' in Indonesian)."""
    return {key: value if key == "rounds" else
            babel_numbers.format_decimal(value, "#,##0.0", locale=get_locale())
            for key, value in stats.items()}


def weekday_names() -> list[str]:
    """Monday to Sunday, short, in the reader's language (the month grid's header)."""
    names = babel_dates.get_day_names("abbreviated", locale=get_locale())
    return [names[day] for day in range(7)]


def compliance(rows) -> dict:
    """Share of past rounds done on time, late and missed (SPEC §6 uses the same numbers)."""
    counted = [r for r in rows if r.status in ("done", "late", "missed")]
    total = len(counted) or 1
    share = {state: round(100 * sum(r.status == state for r in counted) / total, 1)
             for state in ("done", "late", "missed")}
    return {"rounds": len(counted), **share}


class ChecklistPages(BaseView):
    route_base = "/checklist"
    class_permission_name = R.ROUND
    method_permission_name = {"today": "read", "round": "read", "submit": "act", "month": "read"}
    default_view = "today"

    @expose("/")
    @has_access
    def today(self):
        now = utcnow()
        todays = rounds.open_today(now)
        for rnd in todays:
            if rnd.status == "open" and rnd.probed_at is None:
                rounds.probe_round(rnd, now)
        day = today_wita(now)
        incidents = db.session.execute(
            select(Incident).where(Incident.status == "open").order_by(Incident.occurred_at)
        ).scalars().all()
        return self.render_template(
            "checklist/today.html", rounds=todays, day=day, states=ROUND_STATES,
            colours=ROUND_COLOURS, holiday=_day_off(day),
            incidents=incidents, can_fill=access.has_role(current_actor(), R.PETUGAS_IT),
            can_report=self.appbuilder.sm.has_access(R.WRITE, R.INCIDENT))

    @expose("/round/<int:pk>")
    @has_access
    def round(self, pk):
        return self._render_round(_round_or_404(pk))

    @expose("/round/<int:pk>/submit", methods=["POST"])
    @has_access
    def submit(self, pk):
        rnd = _round_or_404(pk)
        items = rounds.active_items()
        entries = entries_from_form(request.form, items)
        try:
            rounds.submit_round(rnd, current_actor(), entries, utcnow(),
                                expected_version=request.form.get("version", type=int))
        except rounds.ChecklistError as err:
            if err.status == 400:
                return self._render_round(rnd, errors=err.errors, form=request.form,
                                          entries_sent=entries), 400
            flash(err.message, "danger")
            return self._render_round(_round_or_404(pk)), err.status
        flash(gettext("Checklist saved."), "success")
        return redirect(url_for("ChecklistPages.today"))

    @expose("/month")
    @has_access
    def month(self):
        today = today_wita()
        first = parse_office_date(request.args.get("m", f"{today:%Y-%m}") + "-01")
        if first is None:
            abort(400)
        year, month = first.year, first.month
        last = dt.date(year, month, pycal.monthrange(year, month)[1])
        rows = db.session.execute(
            select(ChecklistRound).where(ChecklistRound.date.between(first, last))
            .order_by(ChecklistRound.date, ChecklistRound.slot)
        ).scalars().all()
        by_day = {day: list(group) for day, group in groupby(rows, key=lambda r: r.date)}
        holidays = calendar.holidays_between(first, last)
        weeks = pycal.Calendar().monthdatescalendar(year, month)
        prev_m = (first - dt.timedelta(days=1)).strftime("%Y-%m")
        next_m = (last + dt.timedelta(days=1)).strftime("%Y-%m")
        return self.render_template(
            "checklist/month.html", weeks=weeks, by_day=by_day, holidays=holidays, month=month,
            title=format_month(year, month), states=ROUND_STATES, colours=ROUND_COLOURS,
            stats=shown_shares(compliance([r for r in rows if r.status != "scheduled"])),
            prev_m=prev_m, next_m=next_m, today=today, weekdays=weekday_names())

    def _render_round(self, rnd, errors=None, form=None, entries_sent=None):
        items = rounds.active_items()
        item_errors: dict[int, list[str]] = {}
        for key, message in (errors or {}).items():
            parts = key.split(".")
            if parts[0] == "entries" and len(parts) > 1 and entries_sent:
                item_errors.setdefault(entries_sent[int(parts[1])]["item_id"], []).append(message)
        entries = {e.item_id: e for e in rnd.entries}
        grouped = [(cat, list(group)) for cat, group in groupby(items, key=lambda i: i.category)]
        grouped.sort(key=lambda pair: ["Aplikasi SIM", "Server", "Jaringan", "Pendukung"].index(
            pair[0]) if pair[0] in ("Aplikasi SIM", "Server", "Jaringan", "Pendukung") else 9)
        incidents = db.session.execute(
            select(Incident).where(  # the round's WITA day, in the UTC the column stores
                Incident.occurred_at >= wita_to_utc(rnd.date, "00:00"),
                Incident.occurred_at < wita_to_utc(rnd.date + dt.timedelta(days=1), "00:00"))
        ).scalars().all()
        return self.render_template(
            "checklist/round.html", rnd=rnd, grouped=grouped, entries=entries, results=RESULTS,
            states=ROUND_STATES, colours=ROUND_COLOURS, errors=errors or {}, form=form or {},
            editable=rnd.status not in rounds.FINAL
            and access.has_role(current_actor(), R.PETUGAS_IT),
            incidents=incidents, incident_states=INCIDENT_STATES, item_errors=item_errors)


class ChecklistSubmitMixin:
    """`POST /api/v1/checklist_round/<pk>/actions/submit` (SPEC §7), mixed into the round API."""

    @expose("/<int:pk>/actions/submit", methods=["POST"])
    @protect()
    @safe
    def submit_round(self, pk: int):
        """Submit a checklist round.
        ---
        post:
          parameters:
          - in: path
            schema:
              type: integer
            name: pk
          requestBody:
            content:
              application/json:
                schema:
                  type: object
          responses:
            200:
              description: The round after submission
        """
        payload = request.get_json(silent=True)
        if not isinstance(payload, dict):
            return self.response(400, message="Data harus berupa objek JSON.")
        rnd = db.session.get(ChecklistRound, pk)
        if rnd is None:
            return self.response(404, message="Putaran checklist tidak ditemukan.")
        try:
            rounds.submit_round(rnd, current_actor(), payload.get("entries"), utcnow(),
                                expected_version=payload.get("version")
                                if isinstance(payload.get("version"), int) else None)
        except rounds.ChecklistError as err:
            return error_response(self, err)
        return self.response(200, id=rnd.id, result={
            "id": rnd.id, "date": rnd.date.isoformat(), "slot": rnd.slot, "status": rnd.status,
            "officer": {"id": rnd.officer_id, "username": rnd.officer.username},
            "submitted_at": rnd.submitted_at.isoformat()})
