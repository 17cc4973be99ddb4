"""The procedure's words: one enum per vocabulary and one label for each value.

Plain Python, the bottom of the tree: models, rules, views, emails, prints and reports all
read their codes and labels here. A label is an English msgid marked for the catalogue;
`labels_in("id")` (app.i18n) gives the Indonesian the reports and prints use.
"""

from __future__ import annotations

from enum import StrEnum

from app.i18n import N_


class State(StrEnum):
    """SPEC §3, in the order of the procedure."""

    DRAFT = "draft"
    PENDING_UNIT_APPROVAL = "pending_unit_approval"
    PENDING_ASSESSMENT = "pending_assessment"
    PENDING_KABID_APPROVAL = "pending_kabid_approval"
    IN_PROGRESS = "in_progress"
    OBSTACLE_REPORTED = "obstacle_reported"
    COMPLETION_REPORTED = "completion_reported"
    DONE = "done"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class Kind(StrEnum):
    """The two request forms sharing one workflow."""

    IMPROVEMENT = "improvement"  # FM-01
    SUPPORT = "support"  # FM-03


class Approval(StrEnum):
    """How an assignment was approved (Assignment.approval)."""

    PENDING = "pending"  # proposed by the Kasi, waits for the Kabid (SOP 9.2.4)
    KABID = "kabid"  # approved by the Kabid
    KASI_ALONE = "kasi_alone"  # the Kasi decided alone, the Kabid absent (SOP 9.2.5)
    KASI = "kasi"  # a re-assignment, the Kasi's own decision (SOP 9.3)
    DECLINED = "declined"  # the Kabid sent the proposal back


# The approvals under which an assignment runs.
RUNNING_APPROVALS = (Approval.KABID, Approval.KASI_ALONE, Approval.KASI)


class Outcome(StrEnum):
    """How an assignment ended (Assignment.outcome)."""

    DONE = "done"
    OBSTACLE = "obstacle"
    REASSIGNED = "reassigned"
    DECLINED = "declined"


STATE_LABELS: dict[str, str] = {
    State.DRAFT: N_("Draft"),
    State.PENDING_UNIT_APPROVAL: N_("Awaiting unit head approval"),
    State.PENDING_ASSESSMENT: N_("Awaiting assessment"),
    State.PENDING_KABID_APPROVAL: N_("Awaiting Kabid approval"),
    State.IN_PROGRESS: N_("In progress"),
    State.OBSTACLE_REPORTED: N_("Obstacle reported"),
    State.COMPLETION_REPORTED: N_("Completion reported"),
    State.DONE: N_("Done"),
    State.REJECTED: N_("Rejected"),
    State.CANCELLED: N_("Cancelled"),
}

# The form each kind is, as its title reads on paper and in the emails.
KIND_LABELS: dict[str, str] = {
    Kind.IMPROVEMENT: N_("IT System Improvement Request"),
    Kind.SUPPORT: N_("IT Officer Support Request"),
}

# What each action means in the past tense: the history on paper and the approval trail.
DECISION_LABELS: dict[str, str] = {
    "submit": N_("Submitted"),
    "cancel": N_("Cancelled by the requester"),
    "unit_approve": N_("Approved by the unit head"),
    "unit_reject": N_("Rejected by the unit head"),
    "unit_return": N_("Returned for revision"),
    "assess": N_("Assessed by the Kasi PDSI"),
    "kabid_approve": N_("Approved by the Kabid Dalak"),
    "kabid_decline": N_("Returned by the Kabid Dalak"),
    "report_done": N_("Reported done"),
    "report_obstacle": N_("Obstacle reported"),
    "reassign": N_("Re-assigned"),
    "accept_done": N_("Result accepted by the Kasi PDSI"),
    "return_done": N_("Result returned by the Kasi PDSI"),
    "acknowledge": N_("Result received by the requester"),
}

# The Kabid's approval of a proposal that the request is not feasible (SOP 9.2.3): the
# history and the paper say what was approved.
REJECTION_APPROVED = N_("Rejection approved by the Kabid Dalak")

# The Kasi's assessment (SOP 9.2.3), as the form's block "Hasil Kajian Kasi PDSI" reads it.
ASSESSMENT_LABELS: dict[bool, str] = {True: N_("Feasible"), False: N_("Not feasible")}

# How an assignment stands on the request page (the stamp of SOP 9.2.5 is added there).
APPROVAL_LABELS: dict[str, str] = {
    Approval.PENDING: N_("Awaiting Kabid approval"),
    Approval.KABID: N_("Approved by Kabid Dalak"),
    Approval.KASI_ALONE: N_("Decided by Kasi PDSI"),
    Approval.KASI: N_("Re-assigned by Kasi PDSI"),
    Approval.DECLINED: N_("Declined"),
}

OUTCOME_LABELS: dict[str, str] = {
    Outcome.DONE: N_("Done"),
    Outcome.OBSTACLE: N_("Obstacle"),
    Outcome.REASSIGNED: N_("Re-assigned"),
    Outcome.DECLINED: N_("Declined by the Kabid Dalak"),
}

# The stamps a decision carries (SPEC §3), Indonesian as stamped on paper and in the history.
KABID_ABSENT_STAMP = "Diputuskan Kasi PDSI — Kabid Dalak berhalangan hadir"


def decided_alone_stamp(reason: str | None) -> str:
    """The stamp of a decision the Kasi took alone (SOP 9.2.5 / 9.5.4)."""
    return f"{KABID_ABSENT_STAMP} ({reason})" if reason else KABID_ABSENT_STAMP


def acting_for_stamp(head_name: str | None) -> str:
    """The stamp of a decision a Plh took for an absent head."""
    return f"Plh. a.n. {head_name}" if head_name else "Plh."
