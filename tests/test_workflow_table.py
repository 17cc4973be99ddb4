"""Every action × state × person through the API: allowed ones move, all others are refused.

The expectations are written out here from SPEC §2/§3 — who sees which request, who stands in
which relation to it — and not read back from the code under test.
"""

from __future__ import annotations

import pytest

from app.extensions import db
from app.requests.models import RequestHistory, ServiceRequest
from app.workflow.rules import ACTIONS, STATES
from tests.workflow_helpers import request_in, valid_payload

# Person -> relation to a request filed by `pemohon` (Bidang Pelayanan Perizinan).
RELATION = {
    "pemohon": "requester",
    "rina.kusuma": None,        # same unit: sees it, may not act
    "pemohon2": None,           # other unit
    "kabid.pelayanan": "unit_head",
    "kasubag.umum": None,       # heads another unit
    "kasi.pdsi": "kasi",
    "kabid.dalak": "kabid",
    "it.budi": "officer",       # the officer it gets assigned to
    "it.sari": None,
    "pimpinan": None,           # reads everything, acts on nothing
    "admin": None,
}
ASSIGNED_STATES = {"pending_kabid_approval", "in_progress", "obstacle_reported",
                   "completion_reported", "done"}
OFFICER_SET_STATES = ASSIGNED_STATES - {"pending_kabid_approval"}


def sees(person: str, state: str) -> bool:
    if state in ("draft", "cancelled"):  # SPEC §2: a draft is its author's alone, and so is
        return person == "pemohon"       # one cancelled before it was submitted (PATHS)
    if person in ("pemohon2", "kasubag.umum", "it.sari"):
        return False
    if person == "it.budi":
        return state in ASSIGNED_STATES
    return True


def holds(person: str, actor: str, state: str) -> bool:
    relation = RELATION[person]
    if relation == "officer":
        return actor == "officer" and state in OFFICER_SET_STATES
    return relation == actor


# SPEC §3's table of actions, written out: who, and from which states.
SPEC_ACTIONS = {
    "submit": ("requester", {"draft"}),
    "cancel": ("requester", {"draft", "pending_unit_approval", "pending_assessment"}),
    "unit_approve": ("unit_head", {"pending_unit_approval"}),
    "unit_reject": ("unit_head", {"pending_unit_approval"}),
    "unit_return": ("unit_head", {"pending_unit_approval"}),
    "assess": ("kasi", {"pending_assessment"}),
    "kabid_approve": ("kabid", {"pending_kabid_approval"}),
    "kabid_decline": ("kabid", {"pending_kabid_approval"}),
    "report_done": ("officer", {"in_progress"}),
    "report_obstacle": ("officer", {"in_progress"}),
    "reassign": ("kasi", {"in_progress", "obstacle_reported"}),
    "accept_done": ("kasi", {"completion_reported"}),
    "return_done": ("kasi", {"completion_reported"}),
    "acknowledge": ("requester", {"done"}),  # issue 19: the result was received (SOP 9.3)
}


def expected_status(person: str, action: str, state: str) -> int:
    if person == "pimpinan":
        return 403  # no permission to act at all
    if not sees(person, state):
        return 404
    actor, from_states = SPEC_ACTIONS[action]
    if not holds(person, actor, state):
        return 403
    if state not in from_states:
        return 409
    return 200


def test_the_spec_table_names_every_action():
    assert set(SPEC_ACTIONS) == set(ACTIONS)


EXPECTED_NEXT = {
    "submit": "pending_unit_approval", "cancel": "cancelled",
    "unit_approve": "pending_assessment", "unit_reject": "rejected", "unit_return": "draft",
    "assess": "pending_kabid_approval", "kabid_approve": "in_progress",
    "kabid_decline": "pending_assessment", "report_done": "completion_reported",
    "report_obstacle": "obstacle_reported", "reassign": "in_progress", "accept_done": "done",
    "return_done": "in_progress", "acknowledge": "done",
}
PATHS = {"improvement": "/api/v1/improvement_request", "support": "/api/v1/support_request"}


@pytest.mark.parametrize("kind", ["improvement", "support"])
@pytest.mark.parametrize("state", list(STATES))
def test_every_action_and_person_in_state(app, api, ctx, kind, state):
    shared = request_in(state, kind)
    allowed_count = 0
    for action in ACTIONS:
        for person in RELATION:
            code = expected_status(person, action, state)
            req = request_in(state, kind) if code == 200 else shared
            before = (req.status, req.version, _history_count(req.id))
            rv = api(person).post(f"{PATHS[kind]}/{req.id}/actions/{action}",
                                  json=valid_payload(action))
            assert rv.status_code == code, (person, action, state, rv.get_json())
            db.session.expire_all()
            after = db.session.get(ServiceRequest, req.id)
            if code == 200:
                allowed_count += 1
                assert rv.get_json()["result"]["status"] == EXPECTED_NEXT[action]
                assert after.status == EXPECTED_NEXT[action]
                assert _history_count(req.id) == before[2] + 1
            else:
                assert (after.status, after.version, _history_count(req.id)) == before
                assert "message" in rv.get_json()
    # Open states offer someone a move; final states offer nobody one, except the requester's
    # confirmation that a done request's result was received.
    assert (allowed_count == 0) == (state in ("rejected", "cancelled"))


def _history_count(request_id: int) -> int:
    return db.session.query(RequestHistory).filter_by(request_id=request_id).count()


def test_unknown_action_is_400(api, ctx):
    req = request_in("draft")
    rv = api("pemohon").post(f"/api/v1/improvement_request/{req.id}/actions/approve_all", json={})
    assert rv.status_code == 400
    assert "action" in rv.get_json()["errors"]


def test_no_token_is_401(api, ctx):
    req = request_in("draft")
    rv = api(None).post(f"/api/v1/improvement_request/{req.id}/actions/submit", json={})
    assert rv.status_code == 401


def test_fm01_id_is_404_on_the_fm03_resource(api, ctx):
    req = request_in("draft", "improvement")
    rv = api("pemohon").post(f"/api/v1/support_request/{req.id}/actions/submit", json={})
    assert rv.status_code == 404
