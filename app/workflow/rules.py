"""The request procedure (SOP 9.2, 9.3, 9.5) as data: states, actions, who may act.

Plain Python: no Flask, no database. Views, the API, emails and reports read these
tables; none of them repeats a rule. `app.workflow.service` applies an action to a
stored request.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


def N_(text: str) -> str:
    """Marks a string for the translation catalogue; translated where it is shown."""
    return text


# State code -> label (SPEC §3). Order is the order of the procedure.
STATES: dict[str, str] = {
    "draft": N_("Draft"),
    "pending_unit_approval": N_("Awaiting unit head approval"),
    "pending_assessment": N_("Awaiting assessment"),
    "pending_kabid_approval": N_("Awaiting Kabid approval"),
    "in_progress": N_("In progress"),
    "obstacle_reported": N_("Obstacle reported"),
    "completion_reported": N_("Completion reported"),
    "done": N_("Done"),
    "rejected": N_("Rejected"),
    "cancelled": N_("Cancelled"),
}
FINAL_STATES = frozenset({"done", "rejected", "cancelled"})

# Who may act, as a relationship between the user and the request:
#   requester  - the person who filed it
#   unit_head  - Kepala Unit who heads the request's unit, or its Plh during the head's absence
#   kasi       - role Kasi PDSI
#   kabid      - role Kabid Dalak
#   officer    - the IT officer of the current assignment
ACTORS = ("requester", "unit_head", "kasi", "kabid", "officer")


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # text, bool, date, user
    required: bool = False
    label: str = ""


NOTE = Field("note", "text", label=N_("Note"))
NOTE_REQUIRED = Field("note", "text", required=True, label=N_("Note"))


@dataclass(frozen=True)
class Action:
    code: str
    label: str
    sop: str
    actor: str
    from_states: tuple[str, ...]
    # The usual next state; `next_state` below settles the cases that depend on data.
    to_state: str
    fields: tuple[Field, ...] = field(default_factory=tuple)
    # Button colour in the UI: primary, success, warning, danger, default.
    style: str = "default"


ACTIONS: dict[str, Action] = {
    a.code: a
    for a in (
        # SOP 9.2.1 / 9.5.1: the user proposes; the head of their own unit approves.
        Action("submit", N_("Submit"), "9.2.1", "requester", ("draft",),
               "pending_unit_approval", (NOTE,), style="primary"),
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
               "pending_kabid_approval",
               (Field("feasible", "bool", required=True, label=N_("Feasible")),
                Field("officer_id", "user", label=N_("IT officer")),
                Field("target_date", "date", label=N_("Target date")),
                NOTE,
                Field("kabid_absent", "bool", label=N_("Kabid Dalak absent")),
                Field("absence_reason", "text", label=N_("Reason for absence"))),
               style="primary"),
        Action("kabid_approve", N_("Approve"), "9.2.4", "kabid",
               ("pending_kabid_approval",), "in_progress", (NOTE,), style="success"),
        Action("kabid_decline", N_("Decline"), "9.2.4", "kabid",
               ("pending_kabid_approval",), "pending_assessment", (NOTE_REQUIRED,),
               style="warning"),
        # SOP 9.3: the officer reports completion, or the obstacles when it cannot be done.
        Action("report_done", N_("Report done"), "9.3", "officer", ("in_progress",),
               "completion_reported", (NOTE_REQUIRED,), style="success"),
        Action("report_obstacle", N_("Report obstacle"), "9.3", "officer", ("in_progress",),
               "obstacle_reported", (NOTE_REQUIRED,), style="warning"),
        # SOP 9.3: the Kasi makes a new assignment with a new target date (may repeat).
        Action("reassign", N_("Re-assign"), "9.3", "kasi",
               ("in_progress", "obstacle_reported"), "in_progress",
               (Field("officer_id", "user", required=True, label=N_("IT officer")),
                Field("target_date", "date", required=True, label=N_("Target date")),
                NOTE_REQUIRED),
               style="primary"),
        Action("accept_done", N_("Accept completion"), "9.3", "kasi",
               ("completion_reported",), "done", (NOTE,), style="success"),
        Action("return_done", N_("Return"), "9.3", "kasi", ("completion_reported",),
               "in_progress", (NOTE_REQUIRED,), style="warning"),
    )
}

NOTE_MAX_LENGTH = 5000


def next_state(action: Action, *, requester_heads_unit: bool = False,
               kabid_absent: bool = False, feasible: bool | None = None) -> str:
    """The state an action leads to, where it depends on the request or the payload."""
    if action.code == "submit" and requester_heads_unit:
        # A head who files a request has nobody above them in the unit to approve it.
        return "pending_assessment"
    if action.code == "assess":
        if not kabid_absent:
            return "pending_kabid_approval"
        return "in_progress" if feasible else "rejected"  # SOP 9.2.5 / 9.5.4
    if action.code == "kabid_approve":
        return "in_progress" if feasible else "rejected"
    return action.to_state


def is_overdue(status: str, target_date: dt.date | None, day: dt.date) -> bool:
    """SPEC §3: in progress, and the day (WITA) is after its current target date. Derived,
    never stored; `ServiceRequest.overdue_on(day)` is the same rule as SQL."""
    return status == "in_progress" and target_date is not None and day > target_date


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

def decided_alone_stamp(reason: str) -> str:
    """SPEC §3: the stamp of a decision the Kasi took alone, stored with the history row and
    shown on screen and in the emails."""
    return f"Diputuskan Kasi PDSI — Kabid Dalak berhalangan hadir ({reason})"

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
