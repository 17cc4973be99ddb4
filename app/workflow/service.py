"""Apply a workflow action to a stored request: check, validate, change, record — one transaction.

The rules come from `app.workflow.rules`; this module only binds them to the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm.exc import StaleDataError

from app.checklist import calendar
from app.extensions import db
from app.notify import outbox
from app.requests.models import Assignment, NumberSequence, RequestHistory, ServiceRequest
from app.security import access
from app.security import roles as R
from app.security.models import Absence, AppUser, SecurityLog
from app.timeutil import ROMAN, format_date, to_wita, today_wita, utcnow
from app.workflow import rules
from app.workflow.rules import ACTIONS, NOTE_MAX_LENGTH

CONFLICT_MESSAGE = "Permintaan ini telah diubah oleh pengguna lain. Muat ulang halaman lalu coba lagi."


@dataclass
class WorkflowError(Exception):
    """400 bad input (per-field messages), 403 not this user's to do, 404, 409 wrong state/changed."""

    status: int
    message: str
    errors: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.message


@dataclass
class Allowed:
    action: rules.Action
    on_behalf_of_id: int | None = None


def relation_holds(user, req: ServiceRequest, actor: str, day: dt.date) -> tuple[bool, int | None]:
    """Does the user stand in the relationship `actor` to the request? And for whom (Plh)?"""
    if actor == "requester":
        return req.requester_id == user.id, None
    if actor == "unit_head":
        units = access.headed_unit_ids(user, day)
        if req.unit_id in units:
            return True, units[req.unit_id]
        return False, None
    if actor == "kasi":
        return access.has_role(user, R.KASI), None
    if actor == "kabid":
        return access.has_role(user, R.KABID), None
    if actor == "officer":
        return (req.officer_id is not None and req.officer_id == user.id
                and access.has_role(user, R.PETUGAS_IT)), None
    raise ValueError(actor)


def available_actions(user, req: ServiceRequest, now: dt.datetime | None = None) -> list[Allowed]:
    """The actions this user may take on this request now (the buttons on its page)."""
    day = today_wita(now)
    result = []
    for action in rules.actions_from(req.status):
        ok, behalf = relation_holds(user, req, action.actor, day)
        if ok:
            result.append(Allowed(action, behalf))
    return result


# --- payload -----------------------------------------------------------------------

def _as_bool(value) -> bool | None:
    if isinstance(value, bool):
        return value
    if value is None or value == "":
        return None
    text = str(value).strip().lower()
    if text in ("1", "true", "y", "yes", "on", "ya", "layak"):
        return True
    if text in ("0", "false", "n", "no", "off", "tidak", "tidak_layak"):
        return False
    return None


def _text(payload: dict, name: str, errors: dict, required: bool, label: str) -> str | None:
    value = payload.get(name)
    if value is not None and not isinstance(value, str):
        errors[name] = f"{label} harus berupa teks."
        return None
    value = (value or "").strip()
    if len(value) > NOTE_MAX_LENGTH:
        errors[name] = f"{label} terlalu panjang (maksimal {NOTE_MAX_LENGTH} karakter)."
    elif required and not value:
        errors[name] = f"{label} wajib diisi."
    return value or None


def validate_target_date(value, today: dt.date) -> tuple[dt.date | None, str | None]:
    """A target date is a working day, not before today (WITA) — SPEC §3."""
    if value in (None, ""):
        return None, "Target waktu wajib diisi."
    if isinstance(value, dt.date):
        day = value
    else:
        try:
            day = dt.date.fromisoformat(str(value))
        except ValueError:
            return None, "Format tanggal tidak valid; gunakan TTTT-BB-HH, misalnya 2026-12-01."
    if day < today:
        return None, f"Target waktu tidak boleh sebelum hari ini ({format_date(today)})."
    reason = calendar.non_working_reason(day)
    if reason:
        return None, f"Target waktu harus hari kerja: {format_date(day)} adalah {reason}."
    return day, None


def _officer(value, errors: dict) -> AppUser | None:
    if value in (None, ""):
        errors["officer_id"] = "Pilih petugas IT."
        return None
    try:
        officer_id = int(value)
    except (TypeError, ValueError):
        errors["officer_id"] = "Petugas IT tidak valid."
        return None
    officer = db.session.get(AppUser, officer_id)
    if officer is None or not officer.active or not access.has_role(officer, R.PETUGAS_IT):
        errors["officer_id"] = "Pengguna yang dipilih bukan Petugas IT aktif."
        return None
    return officer


def parse_payload(action: rules.Action, payload: dict, today: dt.date) -> dict:
    """Validated payload, or WorkflowError(400) with a message per field."""
    if not isinstance(payload, dict):
        raise WorkflowError(400, "Data tidak valid.", {"_schema": "Data harus berupa objek JSON."})
    errors: dict[str, str] = {}
    known = {f.name for f in action.fields}
    unknown = sorted(set(payload) - known - {"version"})
    for name in unknown:
        errors[name] = "Kolom ini tidak dikenal untuk aksi ini."
    data: dict = {}
    note_field = next((f for f in action.fields if f.name == "note"), None)
    if note_field:
        data["note"] = _text(payload, "note", errors, note_field.required, "Catatan")

    if action.code == "assess":
        feasible = _as_bool(payload.get("feasible"))
        if feasible is None:
            errors["feasible"] = "Pilih: layak atau tidak layak dikerjakan."
        data["feasible"] = feasible
        kabid_absent = _as_bool(payload.get("kabid_absent")) or False
        data["kabid_absent"] = kabid_absent
        data["absence_reason"] = _text(
            payload, "absence_reason", errors, kabid_absent, "Alasan Kabid berhalangan"
        )
        if feasible:
            data["officer"] = _officer(payload.get("officer_id"), errors)
            data["target_date"], problem = validate_target_date(payload.get("target_date"), today)
            if problem:
                errors["target_date"] = problem
        elif feasible is False and not data.get("note"):
            errors.setdefault("note", "Alasan tidak layak wajib diisi.")
    elif action.code == "reassign":
        data["officer"] = _officer(payload.get("officer_id"), errors)
        data["target_date"], problem = validate_target_date(payload.get("target_date"), today)
        if problem:
            errors["target_date"] = problem
    if errors:
        raise WorkflowError(400, "Periksa kembali isian Anda.", errors)
    return data


# --- numbering -----------------------------------------------------------------------

def _next_sequence(kind: str, year: int) -> int:
    """Gap-free per kind and year: the row is locked by the UPDATE until the commit."""
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    db.session.execute(
        insert(NumberSequence).values(kind=kind, year=year, last_value=0)
        .on_conflict_do_nothing(index_elements=["kind", "year"])
    )
    return db.session.execute(
        update(NumberSequence)
        .where(NumberSequence.kind == kind, NumberSequence.year == year)
        .values(last_value=NumberSequence.last_value + 1)
        .returning(NumberSequence.last_value)
    ).scalar_one()


def format_number(kind: str, seq: int, day: dt.date, formats: dict[str, str]) -> str:
    return formats[kind].format(seq=seq, month_roman=ROMAN[day.month - 1], year=day.year,
                                month=day.month)


# --- the action ------------------------------------------------------------------------

def perform(req: ServiceRequest, code: str, user, payload: dict | None = None, *,
            now: dt.datetime | None = None, number_formats: dict[str, str] | None = None,
            expected_version: int | None = None) -> ServiceRequest:
    """Apply one action and commit; raises WorkflowError and leaves nothing half-written."""
    now = now or utcnow()
    day = today_wita(now)
    payload = dict(payload or {})
    action = ACTIONS.get(code)
    if action is None:
        raise WorkflowError(400, "Aksi tidak dikenal.", {"action": f"Aksi '{code}' tidak dikenal."})
    ok, on_behalf_of = relation_holds(user, req, action.actor, day)
    if not ok:
        raise WorkflowError(403, "Anda tidak berwenang melakukan aksi ini pada permintaan ini.")
    if req.status not in action.from_states:
        raise WorkflowError(
            409, f"Aksi ini tidak dapat dilakukan pada status '{rules.STATES[req.status]}'."
        )
    if expected_version is not None and expected_version != req.version:
        raise WorkflowError(409, CONFLICT_MESSAGE)
    data = parse_payload(action, payload, day)
    try:
        events = _apply(req, action, user, data, now, day, on_behalf_of, number_formats)
        for event, extra in events:
            outbox.queue_request_event(event, req, user, now=now, **extra)
        db.session.flush()
        _test_pause()
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise WorkflowError(409, CONFLICT_MESSAGE) from None
    except Exception:
        db.session.rollback()
        raise
    return req


def _test_pause() -> None:
    """The crash-safety test kills the server here, with everything written but not committed."""
    from flask import current_app

    seconds = current_app.config.get("ACTION_PAUSE_SECONDS") or 0
    if seconds:
        import time

        time.sleep(seconds)


def _history(req, action, from_state, user, note, now, on_behalf_of=None, stamp=None):
    db.session.add(RequestHistory(
        request=req, action=action, from_state=from_state, to_state=req.status, actor_id=user.id,
        on_behalf_of_id=on_behalf_of, note=note, stamp=stamp, created_at=now,
    ))


def _end_current(req: ServiceRequest, outcome: str, note: str | None, now: dt.datetime) -> None:
    current = req.current_assignment
    if current is not None:
        current.outcome = outcome
        current.outcome_note = note
        current.ended_at = now


def _start_assignment(req, assignment: Assignment) -> None:
    req.officer_id = assignment.officer_id
    req.target_date = assignment.target_date


def _record_kabid_absence(user, reason: str, day: dt.date, now: dt.datetime) -> None:
    """SPEC §3 (b): the Kasi states the Kabid is absent; that records an absence for today."""
    for kabid in access.users_with_role(R.KABID):
        if not access.is_absent(kabid.id, day):
            db.session.add(Absence(
                user_id=kabid.id, start_date=day, end_date=day, kind="lainnya", reason=reason,
                recorded_by_id=user.id, created_at=now,
            ))
    db.session.add(SecurityLog(event="kabid_absent_decision", username=user.username,
                               detail=reason, created_at=now))


def _apply(req, action, user, data, now, day, on_behalf_of, number_formats):
    """Change the request; returns the notification events [(event, extra)]."""
    from_state = req.status
    note = data.get("note")
    events: list[tuple[str, dict]] = []
    stamp = None
    req.updated_at = now  # every action updates the row, so the version check always runs

    if action.code == "submit":
        heads = req.unit_id in access.headed_unit_ids(user, day)
        if req.number is None:  # keeps its number when returned and resubmitted
            submitted = to_wita(now).date()
            seq = _next_sequence(req.kind, submitted.year)
            req.seq, req.year = seq, submitted.year
            req.number = format_number(req.kind, seq, submitted, number_formats or {})
        req.submitted_at = req.submitted_at or now
        req.status = rules.next_state(action, requester_heads_unit=heads)
        events.append(("submit_direct" if heads else "submit", {}))
    elif action.code == "assess":
        kabid_absent = data["kabid_absent"] or access.kabid_absent(day)
        req.proposal_feasible = data["feasible"]
        req.proposal_note = note
        if data["feasible"]:
            assignment = Assignment(
                request=req, officer_id=data["officer"].id, assigned_by_id=user.id,
                assigned_at=now, target_date=data["target_date"], note=note,
            )
            db.session.add(assignment)
        if kabid_absent:
            reason = data.get("absence_reason") or "tercatat berhalangan hadir"
            if data["kabid_absent"]:
                _record_kabid_absence(user, reason, day, now)
            stamp = f"Diputuskan Kasi PDSI — Kabid Dalak berhalangan hadir ({reason})"
            if data["feasible"]:
                assignment.approval = "kasi_alone"
                assignment.absence_reason = reason
                _start_assignment(req, assignment)
                events.append(("assigned", {"stamp": stamp}))
            else:
                events.append(("rejected", {"stamp": stamp, "reason": note}))
            events.append(("decided_alone", {"stamp": stamp}))
            req.status = rules.next_state(action, kabid_absent=True, feasible=data["feasible"])
        else:
            req.status = rules.next_state(action)
            events.append(("assess_proposal", {}))
    elif action.code == "kabid_approve":
        pending = [a for a in req.assignments if a.approval == "pending"]
        if req.proposal_feasible and pending:
            assignment = pending[-1]
            assignment.approval, assignment.approved_by_id, assignment.approved_at = "kabid", user.id, now
            _start_assignment(req, assignment)
            events.append(("assigned", {}))
        else:
            events.append(("rejected", {"reason": req.proposal_note}))
        req.status = rules.next_state(action, feasible=bool(req.proposal_feasible))
    elif action.code == "kabid_decline":
        for assignment in req.assignments:
            if assignment.approval == "pending":
                assignment.approval, assignment.ended_at = "declined", now
                assignment.outcome, assignment.outcome_note = "declined", note
        req.proposal_feasible = None
        req.status = action.to_state
        events.append(("kabid_decline", {}))
    elif action.code == "report_done":
        current = req.current_assignment
        if current is not None:
            current.completed_at = now
        req.status = action.to_state
        events.append(("report_done", {}))
    elif action.code == "report_obstacle":
        _end_current(req, "obstacle", note, now)
        req.status = action.to_state
        events.append(("report_obstacle", {}))
    elif action.code == "reassign":
        if from_state == "in_progress":
            _end_current(req, "reassigned", note, now)
        assignment = Assignment(
            request=req, officer_id=data["officer"].id, assigned_by_id=user.id, assigned_at=now,
            target_date=data["target_date"], note=note, approval="kasi",
            approved_by_id=user.id, approved_at=now,
        )
        db.session.add(assignment)
        _start_assignment(req, assignment)
        req.status = action.to_state
        events.append(("reassign", {}))
    elif action.code == "accept_done":
        current = req.current_assignment
        if current is not None:
            current.outcome, current.outcome_note, current.ended_at = "done", note, now
            current.completed_at = current.completed_at or now
        req.status = action.to_state
        events.append(("accept_done", {}))
    elif action.code == "return_done":
        current = req.current_assignment
        if current is not None:
            current.completed_at = None
        req.status = action.to_state
        events.append(("return_done", {}))
    else:  # cancel, unit_approve, unit_reject, unit_return
        req.status = action.to_state
        events.append((action.code, {}))

    if req.status in rules.FINAL_STATES:
        req.closed_at = now
    if on_behalf_of:
        head = db.session.get(AppUser, on_behalf_of)
        stamp = f"Plh. a.n. {head.full_name}" if head else "Plh."
    _history(req, action.code, from_state, user, note, now, on_behalf_of, stamp)
    return events


def load_for_update(model, pk: int, visible_condition):
    """The request if this user may see it (404 otherwise, SPEC §7)."""
    req = db.session.execute(
        select(model).where(model.id == pk, visible_condition)
    ).scalar_one_or_none()
    if req is None:
        raise WorkflowError(404, "Permintaan tidak ditemukan.")
    return req
