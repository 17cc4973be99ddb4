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
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.checklist import acknowledgement, calendar, rounds
from app.checklist.models import (
    CATEGORIES,
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


def _day_or_404(text: str) -> dt.date:
    day = parse_office_date(text)
    if day is None:
        abort(404)
    return day


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


def compliance(statuses) -> dict:
    """Share of past rounds done on time, late and missed (SPEC §6 uses the same numbers)."""
    counted = [s for s in statuses if s in ("done", "late", "missed")]
    total = len(counted) or 1
    share = {state: round(100 * counted.count(state) / total, 1)
             for state in ("done", "late", "missed")}
    return {"rounds": len(counted), **share}


class ChecklistPages(BaseView):
    route_base = "/checklist"
    class_permission_name = R.ROUND
    # "acknowledge" is the Kasi's, whose role reads rounds only: the action checks the role.
    method_permission_name = {"today": "read", "day": "read", "round": "read", "submit": "act",
                              "month": "read", "probe": "act", "open_slot": "act",
                              "acknowledge": "read"}
    default_view = "today"

    @expose("/")
    @has_access
    def today(self):
        return self._render_day(today_wita())

    @expose("/day/<day>")
    @has_access
    def day(self, day):
        return self._render_day(_day_or_404(day))

    def _render_day(self, day: dt.date):
        """One day's rounds as they stand (SPEC §4: a page reads; the clock writes)."""
        now = utcnow()
        slots = rounds.slots_of(day, now)
        incidents = db.session.execute(
            select(Incident).where(Incident.status == "open").order_by(Incident.occurred_at)
        ).scalars().all()
        actor = current_actor()
        return self.render_template(
            "checklist/today.html", slots=slots, day=day, is_today=day == today_wita(now),
            states=ROUND_STATES, colours=ROUND_COLOURS, holiday=_day_off(day),
            incidents=incidents, can_fill=access.has_role(actor, R.PETUGAS_IT),
            can_report=self._can_report(),
            faults=fault_counts([s.round.id for s in slots if s.round]),
            acknowledged=acknowledgement.acknowledgement_of(day),
            can_acknowledge=(acknowledgement.may_acknowledge(actor)
                             and acknowledgement.day_is_settled(day, now)),
            started={s.slot for s in slots if s.status != "scheduled"})

    @expose("/day/<day>/open", methods=["POST"])
    @has_access
    def open_slot(self, day):
        """An officer opens a day's rounds the clock has not made yet (the clock stopped)."""
        if not access.has_role(current_actor(), R.PETUGAS_IT):
            abort(403)
        day = _day_or_404(day)
        now = utcnow()
        if day > today_wita(now):
            abort(404)
        rounds.ensure_rounds(day)
        rounds.refresh_states(now, day)
        found = {rnd.slot: rnd for rnd in rounds.rounds_of(day)}
        wanted = found.get(request.form.get("slot", ""))
        if wanted is None:
            return redirect(url_for("ChecklistPages.day", day=day.isoformat()))
        return redirect(url_for("ChecklistPages.round", pk=wanted.id))

    @expose("/day/<day>/acknowledge", methods=["POST"])
    @has_access
    def acknowledge(self, day):
        """The Kasi PDSI's "Mengetahui" on the day's FM-02."""
        if not acknowledgement.may_acknowledge(current_actor()):
            abort(403)
        day = _day_or_404(day)
        try:
            acknowledgement.acknowledge(day, current_actor(), utcnow())
        except rounds.ChecklistError as err:
            flash(err.message, "warning")  # on the day's page, as it stands now
            return self._render_day(day), err.status
        flash(gettext("The checklist of the day is acknowledged."), "success")
        return redirect(url_for("ChecklistPages.day", day=day.isoformat()))

    @expose("/round/<int:pk>/probe", methods=["POST"])
    @has_access
    def probe(self, pk):
        """"Periksa ulang": the round's automatic probes again, at an officer's request."""
        if not access.has_role(current_actor(), R.PETUGAS_IT):
            abort(403)
        rnd = _round_or_404(pk)
        if rnd.status in rounds.FINAL:
            flash(gettext("This round has already been filled in."), "warning")
        elif rounds.probe_round(rnd, utcnow(), again=True):
            flash(gettext("The automatic probes ran again."), "success")
        else:
            flash(gettext("This round has no automatic probes."), "info")
        return redirect(url_for("ChecklistPages.round", pk=pk))

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
        to_record = incidents_asked(request.form, items, entries) if self._can_report() else []
        if to_record:
            # SOP 9.1.2: the fault the officer ticked becomes a SIM incident, whose time they
            # type on the incident form (WITA); the others stay offered on the round page.
            item, note = to_record[0]
            flash(gettext("Now complete the SIM incident: pick the date and type the time it "
                          "happened."), "info")
            if len(to_record) > 1:
                flash(gettext("The other faults of this round can be recorded from the round "
                              "page."), "info")
            return redirect(incident_form_url(rnd.date, item, note))
        return redirect(url_for("ChecklistPages.today"))

    def _can_report(self) -> bool:
        return self.appbuilder.sm.has_access(R.WRITE, R.INCIDENT)

    @expose("/month")
    @has_access
    def month(self):
        now = utcnow()
        today = today_wita(now)
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
        shown = {r.id: rounds.shown_status(r, now) for r in rows}  # the clock may lag
        holidays = calendar.holidays_between(first, last)
        weeks = pycal.Calendar().monthdatescalendar(year, month)
        prev_m = (first - dt.timedelta(days=1)).strftime("%Y-%m")
        next_m = (last + dt.timedelta(days=1)).strftime("%Y-%m")
        return self.render_template(
            "checklist/month.html", weeks=weeks, by_day=by_day, holidays=holidays, month=month,
            title=format_month(year, month), states=ROUND_STATES, colours=ROUND_COLOURS,
            stats=shown_shares(compliance(shown.values())), shown=shown,
            prev_m=prev_m, next_m=next_m, today=today, weekdays=weekday_names(),
            faults=fault_counts([r.id for r in rows]), day_names=day_names())

    def _render_round(self, rnd, errors=None, form=None, entries_sent=None):
        items = in_page_order(rounds.active_items())
        item_errors = errors_by_item(errors or {}, entries_sent or [], form or {})
        entries = {e.item_id: e for e in rnd.entries}
        grouped = [(cat, list(group)) for cat, group in groupby(items, key=lambda i: i.category)]
        incidents = db.session.execute(
            select(Incident).where(  # the round's WITA day, in the UTC the column stores
                Incident.occurred_at >= wita_to_utc(rnd.date, "00:00"),
                Incident.occurred_at < wita_to_utc(rnd.date + dt.timedelta(days=1), "00:00"))
            .order_by(Incident.occurred_at)
        ).scalars().all()
        editable = (rnd.status not in rounds.FINAL
                    and access.has_role(current_actor(), R.PETUGAS_IT))
        can_report = self._can_report()
        offers = fault_offers(rnd, incidents) if can_report else {}
        return self.render_template(
            "checklist/round.html", rnd=rnd, grouped=grouped, entries=entries, results=RESULTS,
            shown_status=rounds.shown_status(rnd, utcnow()),
            can_probe=editable and any(item.probe_kind for item in items),
            states=ROUND_STATES, colours=ROUND_COLOURS, errors=errors or {}, form=form or {},
            editable=editable, can_report=can_report, offers=offers,
            incidents=incidents, incident_states=INCIDENT_STATES, item_errors=item_errors,
            first_error=first_error_field(item_errors, items),
            general_errors=[message for key, message in (errors or {}).items()
                            if not key.startswith("entries.")])


def in_page_order(items: list) -> list:
    """Items by category (in the form's order), then by their own order: one heading each."""
    rank = {category: index for index, category in enumerate(CATEGORIES)}
    return sorted(items, key=lambda item: (rank.get(item.category, len(rank)), item.order,
                                           item.id))


# Where each part of an entry is typed on the round page (the radios share one name).
ENTRY_FIELDS = ("result", "value", "note", "follow_up")


def errors_by_item(errors: dict, entries_sent: list[dict], form) -> dict[int, dict[str, list]]:
    """{item id: {field: [messages]}}: each message goes beside the input it is about."""
    found: dict[int, dict[str, list]] = {}
    for key, message in errors.items():
        parts = key.split(".")
        if parts[0] != "entries" or len(parts) < 2 or not parts[1].isdigit():
            continue
        index = int(parts[1])
        if index >= len(entries_sent):
            continue
        item_id = entries_sent[index]["item_id"]
        field = parts[2] if len(parts) > 2 and parts[2] in ENTRY_FIELDS else "result"
        if field == "result" and not form.get(f"result_{item_id}"):
            message = gettext("Choose a result.")  # the API's message names the codes
        found.setdefault(item_id, {}).setdefault(field, []).append(message)
    return found


def first_error_field(item_errors: dict, items) -> str | None:
    """The input a person is taken to first: the first item with a problem, in page order."""
    for item in items:
        fields = item_errors.get(item.id)
        if fields:
            field = next(f for f in ENTRY_FIELDS if f in fields)
            return f"{field}_{item.id}"
    return None


def incidents_asked(form, items, entries: list[dict]) -> list[tuple]:
    """The faults the officer ticked "also record as a SIM incident": [(item, note)]."""
    sent = {entry["item_id"]: entry for entry in entries}
    return [(item, sent[item.id]["note"]) for item in items
            if form.get(f"incident_{item.id}") and sent[item.id]["result"] == "fault"]


def incident_form_url(day: dt.date, item, note: str | None) -> str:
    """The incident form, filled in for a faulty check item: what, and on which day."""
    note = (note or "").strip()
    description = f"{item.name}: {note}" if note else item.name
    return url_for("IncidentView.add", description=description, occurred_on=day.isoformat())


def fault_offers(rnd, incidents) -> dict[int, tuple[str, str]]:
    """A saved fault links to its SIM incident of that day when one was recorded from it (by
    the item's name the form put first), else offers the incident form: {item id: (kind, url)}."""
    recorded = {i.description.split(":", 1)[0].strip(): i.id for i in incidents}
    offers = {}
    for entry in rnd.entries:
        if entry.result != "fault":
            continue
        pk = recorded.get(entry.item.name)
        offers[entry.item_id] = (("see", url_for("IncidentView.show", pk=pk)) if pk else
                                 ("record", incident_form_url(rnd.date, entry.item, entry.note)))
    return offers


def fault_counts(round_ids: list[int]) -> dict[int, int]:
    """How many items each round found faulty (one query for the month)."""
    if not round_ids:
        return {}
    return dict(db.session.execute(
        select(ChecklistEntry.round_id, func.count())
        .where(ChecklistEntry.round_id.in_(round_ids), ChecklistEntry.result == "fault")
        .group_by(ChecklistEntry.round_id)
    ).all())


def day_names() -> list[str]:
    """Monday to Sunday in full, in the reader's language (the month as a list on a phone)."""
    names = babel_dates.get_day_names("wide", locale=get_locale())
    return [names[day] for day in range(7)]


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
