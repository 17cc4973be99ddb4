"""The workflow table as data (app/workflow/rules.py): where each action leads, what its
payload must hold, and that every guard and effect it names exists. No database: these are
the SOP's rules, checked against SPEC §3 written out here."""

from __future__ import annotations

import datetime as dt

import pytest

from app.workflow import rules, schemas, service

# SPEC §3: the targets that depend on the request or the payload.
BRANCHES = [
    ("submit", {}, "pending_unit_approval"),
    ("submit", {"requester_heads_unit": True}, "pending_assessment"),
    ("assess", {"feasible": True}, "pending_kabid_approval"),
    ("assess", {"feasible": False}, "pending_kabid_approval"),
    ("assess", {"kabid_absent": True, "feasible": True}, "in_progress"),
    ("assess", {"kabid_absent": True, "feasible": False}, "rejected"),
    ("kabid_approve", {"feasible": True}, "in_progress"),
    ("kabid_approve", {"feasible": False}, "rejected"),
    ("kabid_decline", {}, "pending_assessment"),
    ("cancel", {}, "cancelled"),
    ("unit_approve", {}, "pending_assessment"),
    ("unit_reject", {}, "rejected"),
    ("unit_return", {}, "draft"),
    ("report_done", {}, "completion_reported"),
    ("report_obstacle", {}, "obstacle_reported"),
    ("reassign", {}, "in_progress"),
    ("accept_done", {}, "done"),
    ("return_done", {}, "in_progress"),
]


@pytest.mark.parametrize("code,facts,target", BRANCHES)
def test_each_action_leads_where_the_sop_says(code, facts, target):
    assert rules.next_state(rules.ACTIONS[code], **facts) == target


def test_every_state_an_action_can_reach_is_listed():
    reached = {target for action in rules.ACTIONS.values() for target in action.targets}
    assert reached == {"draft", "pending_unit_approval", "pending_assessment",
                       "pending_kabid_approval", "in_progress", "obstacle_reported",
                       "completion_reported", "done", "rejected", "cancelled"}
    assert rules.ACTIONS["assess"].targets == ("in_progress", "rejected",
                                               "pending_kabid_approval")


def test_every_guard_and_effect_the_table_names_exists_and_none_is_unused():
    guards = {a.guard for a in rules.ACTIONS.values() if a.guard}
    effects = {a.effect for a in rules.ACTIONS.values()}
    assert guards == set(service.GUARDS) == {"unit_has_approver", "kabid_not_at_work",
                                             "not_acknowledged"}
    assert effects == set(service.EFFECTS)


PAYLOADS = [
    # (action, payload, errors expected, data expected: a subset)
    ("assess", {}, {"feasible": "Pilih: layak atau tidak layak dikerjakan."}, None),
    ("assess", {"feasible": "0"}, {"note": "Alasan tidak layak wajib diisi."}, None),
    ("assess", {"feasible": "1"}, {"officer_id": "Pilih petugas IT.",
                                   "target_date": "Target waktu wajib diisi."}, None),
    ("assess", {"feasible": "tidak", "note": "Di luar kewenangan.", "officer_id": "7",
                "target_date": "2026-12-10"}, {},
     {"feasible": False, "note": "Di luar kewenangan.", "kabid_absent": False}),
    ("assess", {"feasible": "layak", "officer_id": "7", "target_date": "2026-12-10"}, {},
     {"feasible": True, "officer_id": 7, "target_date": dt.date(2026, 12, 10)}),
    ("assess", {"feasible": "1", "officer_id": "7", "target_date": "10/12/2026"},
     {"target_date": "Format tanggal tidak valid; gunakan TTTT-BB-HH, misalnya 2026-12-01."},
     None),
    ("assess", {"feasible": "0", "note": "x", "kabid_absent": "1"},
     {"absence_reason": "Alasan Kabid berhalangan wajib diisi."}, None),
    ("reassign", {"note": "Dialihkan."}, {"officer_id": "Pilih petugas IT.",
                                           "target_date": "Target waktu wajib diisi."}, None),
    ("reassign", {"officer_id": "budi", "target_date": "2026-12-10", "note": "x"},
     {"officer_id": "Petugas IT tidak valid."}, None),
    ("report_done", {"note": "   "}, {"note": "Catatan wajib diisi."}, None),
    ("report_done", {"note": "x" * 5001},
     {"note": "Catatan terlalu panjang (maksimal 5000 karakter)."}, None),
    ("report_done", {"note": 12}, {"note": "Catatan harus berupa teks."}, None),
    # Fields that do not apply are not read: a stray officer for an infeasible proposal.
    ("assess", {"feasible": "0", "note": "Di luar kewenangan.", "officer_id": "abc",
                "target_date": "kemarin"}, {}, {"feasible": False}),
    # Ids the database cannot hold are bad input, not a crash.
    ("reassign", {"officer_id": float("inf"), "target_date": "2026-12-10", "note": "x"},
     {"officer_id": "Petugas IT tidak valid."}, None),
    ("reassign", {"officer_id": 1e300, "target_date": "2026-12-10", "note": "x"},
     {"officer_id": "Petugas IT tidak valid."}, None),
    ("reassign", {"officer_id": 2.5, "target_date": "2026-12-10", "note": "x"},
     {"officer_id": "Petugas IT tidak valid."}, None),
    ("unit_approve", {"approved": ""}, {"approved": "Kolom ini tidak dikenal untuk aksi ini."},
     None),
    ("unit_approve", {"approved": True}, {"approved": "Kolom ini tidak dikenal untuk aksi ini."},
     None),
    ("unit_approve", {"version": 3}, {}, {}),
    ("submit", ["note"], {"_schema": "Data harus berupa objek JSON."}, None),
]


@pytest.mark.parametrize("code,payload,errors,data", PAYLOADS)
def test_the_server_honours_each_fields_rules(code, payload, errors, data):
    loaded, problems = schemas.load_payload(rules.ACTIONS[code], payload)
    assert problems == errors
    if data is not None:
        assert {name: loaded.get(name) for name in data} == data
        if code == "assess" and data.get("feasible") is False:
            assert "officer_id" not in loaded and "target_date" not in loaded  # only_when
