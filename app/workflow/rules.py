"""The request procedure (SOP 9.2, 9.3, 9.5) as data: states, actions, who may act.

Plain Python: no Flask, no database. Each action names who may take it, from which states,
where it leads (a `Branch` where that depends on the request or the payload), the fields
of its payload (the server's schema, `app.workflow.schemas`), the guard that checks the
database first and the effect that changes the request (both in `app.workflow.service`,
found there by these names). Views, the API, emails and reports read these tables; none of
them repeats a rule.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from app.workflow.vocabulary import (
    N_,
    STATE_LABELS,
    State,
    acting_for_stamp,
    decided_alone_stamp,
)

__all__ = ["N_", "STATES", "acting_for_stamp", "decided_alone_stamp"]

# State code -> label (SPEC §3). Order is the order of the procedure.
STATES: dict[str, str] = STATE_LABELS
FINAL_STATES = frozenset({State.DONE, State.REJECTED, State.CANCELLED})

# Who may act, as a relationship between the user and the request:
#   requester  - the person who filed it
#   unit_head  - Kepala Unit who heads the request's unit, or its Plh during the head's absence
#   kasi       - role Kasi PDSI
#   kabid      - role Kabid Dalak
#   officer    - the IT officer of the current assignment
ACTORS = ("requester", "unit_head", "kasi", "kabid", "officer")

@dataclass(frozen=True)
class Field:
    """One field of an action's payload.

    `required_when` and `only_when` name another field and a value: `("feasible", True)`.
    A field `only_when` something is ignored otherwise (an officer for an infeasible
    proposal); `missing` is the message (a msgid) when a required field is empty.
    """

    name: str
    kind: str  # text, bool, date, user
    label: str = ""
    required: bool = False
    required_when: tuple[str, bool] | None = None
    only_when: tuple[str, bool] | None = None
    missing: str = ""

    def is_required(self, values: dict) -> bool:
        if self.required:
            return True
        return self.required_when is not None and values.get(self.required_when[0]) is \
            self.required_when[1]

    def applies(self, values: dict) -> bool:
        return self.only_when is None or values.get(self.only_when[0]) is self.only_when[1]


NOTE = Field("note", "text", N_("Note"))
NOTE_REQUIRED = Field("note", "text", N_("Note"), required=True,
                      missing=N_("A note is required."))
OFFICER = Field("officer_id", "user", N_("IT officer"), required=True,
                missing=N_("Choose an IT officer."))
TARGET_DATE = Field("target_date", "date", N_("Target date"), required=True,
                    missing=N_("The target date is required."))
WHEN_FEASIBLE = ("feasible", True)


@dataclass(frozen=True)
class Branch:
    """A target that depends on one fact of the request or the payload (django-fsm's GET_STATE)."""

    fact: str  # requester_heads_unit, kabid_absent, feasible
    then: str | Branch
    otherwise: str | Branch

    def targets(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(_targets(self.then) + _targets(self.otherwise)))


def _targets(target: str | Branch) -> tuple[str, ...]:
    return target.targets() if isinstance(target, Branch) else (target,)


@dataclass(frozen=True)
class Action:
    code: str
    label: str
    sop: str
    actor: str
    from_states: tuple[str, ...]
    to_state: str | Branch
    fields: tuple[Field, ...] = field(default_factory=tuple)
    # Button colour in the UI: primary, success, warning, danger, default.
    style: str = "default"
    # Names in app.workflow.service: a check that needs the database, and what the action
    # changes besides the state ("status" changes only the state and tells NOTIFY[code]).
    guard: str | None = None
    effect: str = "status"

    @property
    def targets(self) -> tuple[str, ...]:
        return _targets(self.to_state)


ACTIONS: dict[str, Action] = {
    a.code: a
    for a in (
        # SOP 9.2.1 / 9.5.1: the user proposes; the head of their own unit approves. A head
        # who files a request has nobody above them in the unit: straight to the Kasi.
        Action("submit", N_("Submit"), "9.2.1", "requester", ("draft",),
               Branch("requester_heads_unit", "pending_assessment", "pending_unit_approval"),
               (NOTE,), style="primary", guard="unit_has_approver", effect="submit"),
        Action("cancel", N_("Cancel"), "9.2.1", "requester",
               ("draft", "pending_unit_approval", "pending_assessment"), "cancelled",
               (NOTE_REQUIRED,), style="danger"),
        Action("unit_approve", N_("Approve"), "9.2.1", "unit_head",
               ("pending_unit_approval",), "pending_assessment", (NOTE,), style="success"),
        Action("unit_reject", N_("Reject"), "9.2.1", "unit_head",
               ("pending_unit_approval",), "rejected", (NOTE_REQUIRED,), style="danger"),
        Action("unit_return", N_("Return for revision"), "9.2.1", "unit_head",
               ("pending_unit_approval",), "draft", (NOTE_REQUIRED,), style="warning"),
        # SOP 9.2.2-9.2.4 / 9.5.2-9.5.3: the Kasi assesses; feasible -> an officer and a
        # target date, not feasible -> the requester is told; both with the Kabid's approval.
        # SOP 9.2.5 / 9.5.4: when the Kabid is absent the Kasi decides alone.
        Action("assess", N_("Assess"), "9.2.3", "kasi", ("pending_assessment",),
               Branch("kabid_absent", Branch("feasible", "in_progress", "rejected"),
                      "pending_kabid_approval"),
               (Field("feasible", "bool", N_("Feasible"), required=True,
                      missing=N_("Choose: feasible or not feasible.")),
                Field("officer_id", "user", N_("IT officer"), required=True,
                      only_when=WHEN_FEASIBLE, missing=OFFICER.missing),
                Field("target_date", "date", N_("Target date"), required=True,
                      only_when=WHEN_FEASIBLE, missing=TARGET_DATE.missing),
                Field("note", "text", N_("Note"), required_when=("feasible", False),
                      missing=N_("The reason it is not feasible is required.")),
                Field("kabid_absent", "bool", N_("Kabid Dalak absent")),
                Field("absence_reason", "text", N_("Reason for absence"),
                      required_when=("kabid_absent", True),
                      missing=N_("The reason the Kabid is absent is required."))),
               style="primary", guard="kabid_not_at_work", effect="assess"),
        Action("kabid_approve", N_("Approve"), "9.2.4", "kabid",
               ("pending_kabid_approval",), Branch("feasible", "in_progress", "rejected"),
               (NOTE,), style="success", effect="kabid_approve"),
        Action("kabid_decline", N_("Decline"), "9.2.4", "kabid",
               ("pending_kabid_approval",), "pending_assessment", (NOTE_REQUIRED,),
               style="warning", effect="kabid_decline"),
        # SOP 9.3: the officer reports completion, or the obstacles when it cannot be done.
        Action("report_done", N_("Report done"), "9.3", "officer", ("in_progress",),
               "completion_reported", (NOTE_REQUIRED,), style="success", effect="report_done"),
        Action("report_obstacle", N_("Report obstacle"), "9.3", "officer", ("in_progress",),
               "obstacle_reported", (NOTE_REQUIRED,), style="warning",
               effect="report_obstacle"),
        # SOP 9.3: the Kasi makes a new assignment with a new target date (may repeat).
        Action("reassign", N_("Re-assign"), "9.3", "kasi",
               ("in_progress", "obstacle_reported"), "in_progress",
               (OFFICER, TARGET_DATE, NOTE_REQUIRED), style="primary", effect="reassign"),
        Action("accept_done", N_("Accept completion"), "9.3", "kasi",
               ("completion_reported",), "done", (NOTE,), style="success",
               effect="accept_done"),
        Action("return_done", N_("Return"), "9.3", "kasi", ("completion_reported",),
               "in_progress", (NOTE_REQUIRED,), style="warning", effect="return_done"),
        # SOP 9.3: the requester holds the form too; they may confirm, once, that the result
        # reached them. Optional: the request is done either way, and nobody is told by mail.
        Action("acknowledge", N_("Confirm result received"), "9.3", "requester", ("done",),
               "done", (NOTE,), style="success", guard="not_acknowledged",
               effect="acknowledge"),
    )
}


def next_state(action: Action, **facts: bool | None) -> str:
    """The state an action leads to, following its branches on the facts given."""
    target = action.to_state
    while isinstance(target, Branch):
        target = target.then if facts.get(target.fact) else target.otherwise
    return target


def is_overdue(status: str, target_date: dt.date | None, day: dt.date) -> bool:
    """SPEC §3: in progress, and the day (WITA) is after its current target date. Derived,
    never stored; `ServiceRequest.overdue_on(day)` is the same rule as SQL."""
    return status == State.IN_PROGRESS and target_date is not None and day > target_date


def actions_from(state: str) -> list[Action]:
    return [a for a in ACTIONS.values() if state in a.from_states]


# Who is told by email (SPEC §5): event -> recipients, by relationship to the request.
NOTIFY: dict[str, tuple[str, ...]] = {
    "submit": ("unit_head",),
    "submit_direct": ("kasi",),
    "unit_approve": ("kasi",),
    "unit_reject": ("requester",),
    "unit_return": ("requester",),
    "assess_proposal": ("kabid",),
    "assigned": ("officer", "requester"),
    "rejected": ("requester",),
    "decided_alone": ("kabid",),
    "kabid_decline": ("kasi",),
    "report_obstacle": ("kasi",),
    "report_done": ("kasi", "requester"),
    "accept_done": ("requester",),
    "return_done": ("officer",),
    "reassign": ("officer", "requester"),
}

# Whose move it is in each open state: the home page's "Menunggu Tindakan Anda".
# Overdue work (in_progress past its target date) waits on the Kasi as well (SOP 9.3).
WAITING_ON: dict[str, str] = {
    "draft": "requester",
    "pending_unit_approval": "unit_head",
    "pending_assessment": "kasi",
    "pending_kabid_approval": "kabid",
    "in_progress": "officer",
    "obstacle_reported": "kasi",
    "completion_reported": "kasi",
}
