"""Apply a workflow action to a stored request: check, validate, change, record — one transaction.

The rules come from `app.workflow.rules`; this module only binds them to the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.orm.exc import StaleDataError

from app.checklist import calendar
from app.extensions import db, upsert_insert
from app.i18n import office_language
from app.messages import gettext
from app.notify import outbox
from app.requests.models import Assignment, NumberSequence, RequestHistory, ServiceRequest
from app.security import access
from app.security import roles as R
from app.security.hardening import log_security_event as log_event
from app.security.models import AppUser, Unit
from app.timeutil import (
    ROMAN,
    format_date,
    format_time,
    to_wita,
    today_wita,
    utcnow,
)
from app.workflow import relations, rules, schemas
from app.workflow.rules import ACTIONS
from app.workflow.vocabulary import (
    N_,
    Approval,
    Outcome,
    acting_for_stamp,
    decided_alone_stamp,
)

# A target date further out than this is a typing error, not a plan (and beyond the calendar).
TARGET_HORIZON_DAYS = 366
CONFLICT_MESSAGE = N_("This request was changed by another user. Reload the page and try again.")
CHECK_INPUT = N_("Please check your input.")


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
    standing: relations.Standing

    @property
    def on_behalf_of_id(self) -> int | None:
        return self.standing.on_behalf_of_id


def available_actions(user, req: ServiceRequest, now: dt.datetime | None = None) -> list[Allowed]:
    """The actions this user may take on this request now (the buttons on its page)."""
    day = today_wita(now)
    result = []
    for action in rules.actions_from(req.status):
        if action.guard in CONDITIONS and not CONDITIONS[action.guard](req):
            continue  # e.g. a result already confirmed as received
        standing = relations.standing(user, req, action.actor, day)
        if standing is not None:
            result.append(Allowed(action, standing))
    return result


# --- payload -----------------------------------------------------------------------

def validate_target_date(day: dt.date, today: dt.date) -> tuple[dt.date | None, str | None]:
    """A target date is a working day, not before today (WITA) — SPEC §3."""
    if day < today:
        return None, gettext("The target date cannot be before today (%(today)s).",
                             today=format_date(today))
    horizon = today + dt.timedelta(days=TARGET_HORIZON_DAYS)
    if day > horizon:
        return None, gettext("The target date is at most one year from today (%(latest)s).",
                             latest=format_date(horizon))
    reason = calendar.non_working_reason(day)
    if reason:
        return None, gettext("The target date must be a working day: %(day)s is %(reason)s.",
                             day=format_date(day), reason=reason)
    return day, None


def _active_officer(officer_id: int, today: dt.date) -> tuple[int | None, str | None]:
    officer = db.session.get(AppUser, officer_id)
    if officer is None or not officer.active or not access.has_role(officer, R.PETUGAS_IT):
        return None, gettext("The chosen user is not an active IT officer.")
    return officer.id, None


# What the database says about a payload value, by the field's kind (after the schema).
DATABASE_CHECKS = {"date": validate_target_date, "user": _active_officer}


def parse_payload(action: rules.Action, payload, today: dt.date) -> dict:
    """Validated payload, or WorkflowError(400) with a message per field."""
    data, errors = schemas.load_payload(action, payload)
    for f in action.fields:
        check = DATABASE_CHECKS.get(f.kind)
        if check is None or data.get(f.name) is None or f.name in errors:
            continue
        data[f.name], problem = check(data[f.name], today)
        if problem:
            errors[f.name] = problem
    if errors:
        if "_schema" in errors:
            raise WorkflowError(400, gettext("Invalid data."), errors)
        raise WorkflowError(400, gettext(CHECK_INPUT), errors)
    return data


# --- numbering -----------------------------------------------------------------------

def _next_sequence(kind: str, year: int) -> int:
    """Gap-free per kind and year: the row is locked by the UPDATE until the commit."""
    db.session.execute(
        upsert_insert(NumberSequence).values(kind=kind, year=year, last_value=0)
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
        raise WorkflowError(400, gettext("Unknown action."), {
            "action": gettext("Unknown action '%(action)s'.", action=code)})
    standing = relations.standing(user, req, action.actor, day)
    if standing is None:
        raise WorkflowError(403, gettext("You may not take this action on this request."))
    if req.status not in action.from_states:
        raise WorkflowError(409, gettext("This action is not possible in the state '%(state)s'.",
                                         state=gettext(rules.STATES[req.status])))
    if expected_version is not None and expected_version != req.version:
        raise WorkflowError(409, gettext(CONFLICT_MESSAGE))
    data = parse_payload(action, payload, day)
    step = Step(req, action, user, data, now, day, standing, number_formats or {})
    if action.guard:
        GUARDS[action.guard](step)
    try:
        EFFECTS[action.effect](step)
        _finish(step)
        for event, extra in step.events:
            outbox.queue_request_event(event, req, user, now=now, **extra)
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise WorkflowError(409, gettext(CONFLICT_MESSAGE)) from None
    except Exception:
        db.session.rollback()
        raise
    return req


@dataclass
class Step:
    """One action being applied: what its guard and effect read and write."""

    req: ServiceRequest
    action: rules.Action
    user: AppUser
    data: dict
    now: dt.datetime
    day: dt.date
    standing: relations.Standing
    number_formats: dict[str, str]
    from_state: str = ""
    events: list[tuple[str, dict]] = field(default_factory=list)
    absence_reason: str | None = None  # when the Kasi decides without the Kabid (SOP 9.2.5)

    def __post_init__(self):
        self.from_state = self.req.status
        if self.standing.decides_alone:  # the Kasi, for a Kabid on record as absent
            self.absence_reason = self.standing.kabid_absence.reason

    @property
    def note(self) -> str | None:
        return self.data.get("note")

    @property
    def stamp(self) -> str | None:
        return decided_alone_stamp(self.absence_reason) if self.absence_reason else None


# --- guards: checks that need the database, before anything is written --------------------

def _guard_submit(step: Step) -> None:
    """SPEC §2: a unit with neither a head nor a Plh for today cannot strand a request."""
    req = step.req
    if req.unit_id in relations.headed_unit_ids(step.user, step.day):
        return  # the requester heads the unit or is its Plh: straight to the Kasi
    if relations.unit_approver_ids(req.unit_id, step.day):
        return
    unit = db.session.get(Unit, req.unit_id)
    db.session.rollback()
    outbox.tell_admins_unit_without_head(unit, step.day, step.now)
    db.session.commit()
    raise WorkflowError(409, gettext(
        "The request cannot be submitted yet: %(unit)s has no unit head who can approve it and "
        "no acting official (Plh.) is recorded today. The Admin has been told; your request "
        "stays saved as a draft.", unit=unit.name if unit else gettext("your unit")))


def _guard_assess(step: Step) -> None:
    """SOP 9.2.5: the statement 'Kabid berhalangan hadir' is for a Kabid who is not at work;
    one who acted today is."""
    if not step.data.get("kabid_absent"):
        return
    acted = relations.kabid_action_on(step.day)
    if acted is not None:
        raise WorkflowError(400, gettext(CHECK_INPUT), {"kabid_absent": gettext(
            "The Kabid Dalak is on record as acting today at %(time)s; this proposal must wait "
            "for their approval, or record their absence in the absence register.",
            time=format_time(acted))})


def _not_acknowledged(req: ServiceRequest) -> bool:
    return req.acknowledged_at is None


# Guards that read only the request: they also decide whether its button is offered.
CONDITIONS = {"not_acknowledged": _not_acknowledged}


def _guard_acknowledge(step: Step) -> None:
    """The requester confirms the result once (SOP 9.3)."""
    if not _not_acknowledged(step.req):
        raise WorkflowError(409, gettext("The result of this request was already confirmed "
                                         "as received."))


GUARDS = {"unit_has_approver": _guard_submit, "kabid_not_at_work": _guard_assess,
          "not_acknowledged": _guard_acknowledge}


# --- effects: what each action changes, and whom it tells ---------------------------------

def _plain(step: Step) -> None:
    """The state and one event (cancel, unit_approve, unit_reject, unit_return)."""
    step.req.status = rules.next_state(step.action)
    step.events.append((step.action.code, {}))


def _submit(step: Step) -> None:
    req = step.req
    direct = req.unit_id in relations.headed_unit_ids(step.user, step.day)
    if req.number is None:  # keeps its number when returned and resubmitted
        submitted = to_wita(step.now).date()
        seq = _next_sequence(req.kind, submitted.year)
        req.seq, req.year = seq, submitted.year
        req.number = format_number(req.kind, seq, submitted, step.number_formats)
    req.submitted_at = req.submitted_at or step.now
    req.status = rules.next_state(step.action, requester_heads_unit=direct)
    step.events.append(("submit_direct" if direct else "submit", {}))


def _assess(step: Step) -> None:
    req, data = step.req, step.data
    req.proposal_feasible = data["feasible"]
    req.proposal_note = step.note
    assignment = None
    if data["feasible"]:
        assignment = Assignment(
            request=req, officer_id=data["officer_id"], assigned_by_id=step.user.id,
            assigned_at=step.now, target_date=data["target_date"], note=step.note,
        )
        db.session.add(assignment)
    # SOP 9.2.5 / 9.5.4: (b) stated for this one decision, or (a) an absence on record.
    recorded = relations.kabid_absence(step.day)
    if data["kabid_absent"]:
        step.absence_reason = data["absence_reason"]
        with office_language():  # the security log is kept in the office's language
            detail = gettext("Request %(number)s: %(reason)s", number=req.number,
                             reason=data["absence_reason"])
        log_event("kabid_absent_decision", step.user.username, detail, commit=False)
    elif recorded is not None:
        step.absence_reason = recorded.reason
    if step.absence_reason is None:
        req.status = rules.next_state(step.action)
        step.events.append(("assess_proposal", {}))
        return
    req.status = rules.next_state(step.action, kabid_absent=True, feasible=data["feasible"])
    if assignment is not None:
        assignment.approval = Approval.KASI_ALONE
        assignment.absence_reason = step.absence_reason
        _start_assignment(req, assignment)
        step.events.append(("assigned", {"stamp": step.stamp}))
    else:
        step.events.append(("rejected", {"stamp": step.stamp, "reason": step.note}))
    step.events.append(("decided_alone", {"stamp": step.stamp}))


def _kabid_approve(step: Step) -> None:
    req = step.req
    pending = [a for a in req.assignments if a.approval == Approval.PENDING]
    extra = {"stamp": step.stamp} if step.stamp else {}
    if req.proposal_feasible and pending:
        assignment = pending[-1]
        assignment.approval = Approval.KASI_ALONE if step.absence_reason else Approval.KABID
        assignment.absence_reason = step.absence_reason
        assignment.approved_by_id, assignment.approved_at = step.user.id, step.now
        _start_assignment(req, assignment)
        step.events.append(("assigned", extra))
    else:
        step.events.append(("rejected", {**extra, "reason": req.proposal_note}))
    req.status = rules.next_state(step.action, feasible=bool(req.proposal_feasible))
    if step.absence_reason:
        step.events.append(("decided_alone", extra))


def _kabid_decline(step: Step) -> None:
    req = step.req
    for assignment in req.assignments:
        if assignment.approval == Approval.PENDING:
            assignment.approval, assignment.ended_at = Approval.DECLINED, step.now
            assignment.outcome, assignment.outcome_note = Outcome.DECLINED, step.note
    req.proposal_feasible = None
    req.status = rules.next_state(step.action)
    step.events.append(("kabid_decline", {}))
    if step.absence_reason:
        step.events.append(("decided_alone", {
            "stamp": step.stamp, "decision": "usulan dikembalikan untuk dikaji ulang"}))


def _report_done(step: Step) -> None:
    current = step.req.current_assignment
    if current is not None:
        current.completed_at = step.now
    step.req.status = rules.next_state(step.action)
    step.events.append(("report_done", {}))


def _report_obstacle(step: Step) -> None:
    _end_current(step.req, Outcome.OBSTACLE, step.note, step.now)
    step.req.status = rules.next_state(step.action)
    step.events.append(("report_obstacle", {}))


def _reassign(step: Step) -> None:
    req, data = step.req, step.data
    if step.from_state == "in_progress":
        _end_current(req, Outcome.REASSIGNED, step.note, step.now)
    assignment = Assignment(
        request=req, officer_id=data["officer_id"], assigned_by_id=step.user.id,
        assigned_at=step.now, target_date=data["target_date"], note=step.note, approval=Approval.KASI,
        approved_by_id=step.user.id, approved_at=step.now,
    )
    db.session.add(assignment)
    _start_assignment(req, assignment)
    req.status = rules.next_state(step.action)
    step.events.append(("reassign", {}))


def _accept_done(step: Step) -> None:
    current = step.req.current_assignment
    if current is not None:
        current.outcome, current.outcome_note, current.ended_at = Outcome.DONE, step.note, step.now
        current.completed_at = current.completed_at or step.now
    step.req.status = rules.next_state(step.action)
    step.events.append(("accept_done", {}))


def _return_done(step: Step) -> None:
    current = step.req.current_assignment
    if current is not None:
        current.completed_at = None
    step.req.status = rules.next_state(step.action)
    step.events.append(("return_done", {}))


def _acknowledge(step: Step) -> None:
    """Stays done; the history row holds who, when and the note. Nobody is mailed."""
    step.req.acknowledged_at = step.now


EFFECTS = {
    "status": _plain,
    "acknowledge": _acknowledge,
    "submit": _submit,
    "assess": _assess,
    "kabid_approve": _kabid_approve,
    "kabid_decline": _kabid_decline,
    "report_done": _report_done,
    "report_obstacle": _report_obstacle,
    "reassign": _reassign,
    "accept_done": _accept_done,
    "return_done": _return_done,
}


def _finish(step: Step) -> None:
    """What every action does after its effect: close a final request, write its history."""
    req = step.req
    req.updated_at = step.now  # every action updates the row, so the version check always runs
    if req.status in rules.FINAL_STATES and step.from_state not in rules.FINAL_STATES:
        req.closed_at = step.now  # an acknowledgement after `done` keeps the closing time
    stamp = step.stamp
    behalf = step.standing.on_behalf_of_id
    if behalf:
        head = db.session.get(AppUser, behalf)
        stamp = acting_for_stamp(head.full_name if head else None)
    db.session.add(RequestHistory(
        request=req, action=step.action.code, from_state=step.from_state, to_state=req.status,
        actor_id=step.user.id, on_behalf_of_id=behalf, note=step.note, stamp=stamp,
        decided_alone=step.absence_reason is not None, absence_reason=step.absence_reason,
        created_at=step.now,
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


def load_for_update(model, pk: int, visible_condition):
    """The request if this user may see it (404 otherwise, SPEC §7), its row locked until the
    action commits (PostgreSQL; SQLite writes one at a time anyway): two people deciding at
    once are served one after the other, and the second sees the first's state."""
    req = db.session.execute(
        select(model).where(model.id == pk, visible_condition).with_for_update(of=model)
    ).scalar_one_or_none()
    if req is None:
        raise WorkflowError(404, gettext("Request not found."))
    return req
