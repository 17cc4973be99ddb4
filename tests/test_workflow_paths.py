"""Whole paths through SOP 9.2/9.3/9.5, numbering, Kabid absence, Plh, bad input (issue #3)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.extensions import db
from app.notify.models import Outbox
from app.requests.models import Assignment, RequestHistory, ServiceRequest
from app.security.models import Absence
from app.timeutil import WITA, to_utc_naive, today_wita
from app.workflow.service import WorkflowError
from tests.workflow_helpers import act, new_request, request_in, target_date, user


def at(text: str) -> dt.datetime:
    """A WITA wall-clock time as the naive UTC that the code stores."""
    return to_utc_naive(dt.datetime.fromisoformat(text).replace(tzinfo=WITA))


def mails(req, event=None):
    rows = db.session.execute(select(Outbox).where(Outbox.request_id == req.id)).scalars()
    return [(r.event, r.recipient.username) for r in rows if event in (None, r.event)]


def test_happy_path_with_obstacle_and_reassignment(ctx):
    now = at("2027-02-01T09:00")  # a Monday
    req = request_in("draft", now=now)
    act(req, "submit", "pemohon", {}, now=now)
    assert req.number.endswith("/PPS-TI/DPMPTSP/II/2027")
    assert mails(req, "submit") == [("submit", "kabid.pelayanan")]
    act(req, "unit_approve", "kabid.pelayanan", {}, now=now)
    assert mails(req, "unit_approve") == [("unit_approve", "kasi.pdsi")]
    act(req, "assess", "kasi.pdsi", now=now)
    assert req.status == "pending_kabid_approval"
    assert mails(req, "assess_proposal") == [("assess_proposal", "kabid.dalak")]
    act(req, "kabid_approve", "kabid.dalak", {}, now=now)
    assert req.status == "in_progress" and req.officer.username == "it.budi"
    assert sorted(mails(req, "assigned")) == [("assigned", "it.budi"), ("assigned", "pemohon")]
    act(req, "report_obstacle", "it.budi", {"note": "Server uji belum tersedia."}, now=now)
    assert mails(req, "report_obstacle") == [("report_obstacle", "kasi.pdsi")]
    new_target = target_date(now, 6)
    act(req, "reassign", "kasi.pdsi", {"officer_id": user("it.sari").id,
                                       "target_date": new_target.isoformat(),
                                       "note": "Dialihkan ke Sari."}, now=now)
    assert req.status == "in_progress" and req.officer.username == "it.sari"
    assert req.target_date == new_target
    with pytest.raises(WorkflowError) as err:  # the first officer no longer acts on it
        act(req, "report_done", "it.budi", {"note": "x"}, now=now)
    assert err.value.status == 403
    act(req, "report_done", "it.sari", {"note": "Fitur selesai dan diuji."}, now=now)
    assert sorted(mails(req, "report_done")) == [("report_done", "kasi.pdsi"),
                                                 ("report_done", "pemohon")]
    act(req, "accept_done", "kasi.pdsi", {}, now=now)
    assert req.status == "done" and req.closed_at == now
    assert mails(req, "accept_done") == [("accept_done", "pemohon")]

    first, second = req.assignments
    assert (first.officer.username, first.approval, first.outcome) == ("it.budi", "kabid", "obstacle")
    assert first.outcome_note == "Server uji belum tersedia."
    assert first.approved_by.username == "kabid.dalak"
    assert (second.officer.username, second.outcome, second.target_date) == (
        "it.sari", "done", new_target)
    actions = [h.action for h in req.history]
    assert actions == ["submit", "unit_approve", "assess", "kabid_approve", "report_obstacle",
                       "reassign", "report_done", "accept_done"]
    assert all(h.created_at == now for h in req.history)


def test_not_feasible_goes_to_kabid_then_requester_is_told(ctx):
    req = request_in("pending_assessment")
    with pytest.raises(WorkflowError) as err:
        act(req, "assess", "kasi.pdsi", {"feasible": False})
    assert err.value.status == 400 and "note" in err.value.errors
    act(req, "assess", "kasi.pdsi", {"feasible": False, "note": "Di luar kewenangan daerah."})
    assert req.status == "pending_kabid_approval" and not req.assignments
    act(req, "kabid_approve", "kabid.dalak", {})
    assert req.status == "rejected"
    rejected = db.session.execute(
        select(Outbox).where(Outbox.request_id == req.id, Outbox.event == "rejected")).scalar_one()
    assert rejected.recipient.username == "pemohon"
    assert "Di luar kewenangan daerah." in rejected.body_text


def test_rejected_by_unit_head(ctx):
    req = request_in("pending_unit_approval")
    act(req, "unit_reject", "kabid.pelayanan", {"note": "Sudah ada fitur serupa."})
    assert req.status == "rejected" and req.closed_at is not None
    assert mails(req, "unit_reject") == [("unit_reject", "pemohon")]


def test_returned_for_revision_keeps_its_number(ctx):
    req = request_in("pending_unit_approval")
    number = req.number
    act(req, "unit_return", "kabid.pelayanan", {"note": "Lengkapi kondisi saat ini."})
    assert req.status == "draft" and req.number == number
    assert mails(req, "unit_return") == [("unit_return", "pemohon")]
    act(req, "submit", "pemohon", {})
    assert req.status == "pending_unit_approval" and req.number == number


def test_requester_who_heads_the_unit_goes_straight_to_the_kasi(ctx):
    req = request_in("draft", requester="kabid.pelayanan")
    act(req, "submit", "kabid.pelayanan", {})
    assert req.status == "pending_assessment"
    assert mails(req) == [("submit_direct", "kasi.pdsi")]


def test_kabid_absent_on_record_kasi_decides_alone(ctx):
    now = at("2027-02-03T10:00")
    kabid = user("kabid.dalak")
    db.session.add(Absence(user_id=kabid.id, start_date=now.date(), end_date=now.date(),
                           kind="dinas_luar", reason="Dinas luar ke Jakarta"))
    db.session.commit()
    req = request_in("pending_assessment", now=now)
    act(req, "assess", "kasi.pdsi", now=now)
    assert req.status == "in_progress"
    assignment = req.assignments[0]
    assert assignment.approval == "kasi_alone" and assignment.approved_by_id is None
    stamp = req.history[-1].stamp
    assert "Kabid Dalak berhalangan hadir" in stamp
    assert ("decided_alone", "kabid.dalak") in mails(req)
    assert ("assigned", "it.budi") in mails(req)


def test_kabid_absent_stated_by_kasi_applies_to_that_decision_only(ctx):
    now = at("2027-02-04T10:00")
    req = request_in("pending_assessment", now=now)
    with pytest.raises(WorkflowError) as err:  # a stated absence needs its reason
        act(req, "assess", "kasi.pdsi", {"feasible": False, "note": "Tidak layak.",
                                         "kabid_absent": True}, now=now)
    assert "absence_reason" in err.value.errors
    act(req, "assess", "kasi.pdsi", {"feasible": False, "note": "Tidak layak.",
                                     "kabid_absent": True, "absence_reason": "Sakit"}, now=now)
    assert req.status == "rejected"
    last = req.history[-1]
    assert last.decided_alone and last.absence_reason == "Sakit" and "Sakit" in last.stamp
    # No day-long absence is recorded by the statement (SPEC §3 (b)).
    assert db.session.execute(select(Absence).where(
        Absence.user_id == user("kabid.dalak").id, Absence.start_date == now.date())).first() is None
    assert set(mails(req)) >= {("rejected", "pemohon"), ("decided_alone", "kabid.dalak")}
    # The next assessment that day waits for the Kabid as usual.
    later = request_in("pending_assessment", now=now + dt.timedelta(minutes=5))
    act(later, "assess", "kasi.pdsi", now=now + dt.timedelta(minutes=5))
    assert later.status == "pending_kabid_approval" and not later.history[-1].decided_alone


def test_plh_approves_for_the_absent_unit_head(ctx):
    now = at("2027-02-05T09:00")
    head, plh = user("kabid.pelayanan"), user("kasubag.umum")
    db.session.add(Absence(user_id=head.id, start_date=now.date(), end_date=now.date(),
                           kind="cuti", reason="Cuti tahunan", acting_user_id=plh.id))
    db.session.commit()
    req = request_in("pending_unit_approval", now=now)
    act(req, "unit_approve", "kasubag.umum", {}, now=now)
    last = req.history[-1]
    assert last.actor_id == plh.id and last.on_behalf_of_id == head.id
    assert last.stamp.startswith("Plh.")
    # The day after, the Plh no longer acts for that unit.
    later = request_in("pending_unit_approval", now=now + dt.timedelta(days=3))
    with pytest.raises(WorkflowError) as err:
        act(later, "unit_approve", "kasubag.umum", {}, now=now + dt.timedelta(days=3))
    assert err.value.status == 403


def test_numbers_are_per_kind_and_year(ctx):
    now = at("2029-01-15T09:00")
    first = request_in("pending_unit_approval", now=now)
    second = request_in("pending_unit_approval", now=now)
    support = request_in("pending_unit_approval", kind="support", now=now)
    assert first.number == "001/PPS-TI/DPMPTSP/I/2029"
    assert second.number == "002/PPS-TI/DPMPTSP/I/2029"
    assert support.number == "001/PDT-TI/DPMPTSP/I/2029"


def test_cancel_only_before_assessment(ctx):
    req = request_in("pending_assessment")
    act(req, "cancel", "pemohon", {"note": "Tidak diperlukan lagi."})
    assert req.status == "cancelled"
    later = request_in("pending_kabid_approval")
    with pytest.raises(WorkflowError) as err:
        act(later, "cancel", "pemohon", {"note": "x"})
    assert err.value.status == 409


def _next(weekday: int) -> dt.date:
    """The next given weekday (5 = Saturday) after today: within the year a target may be."""
    today = today_wita()
    return today + dt.timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def _next_christmas() -> dt.date:
    today = today_wita()
    christmas = dt.date(today.year, 12, 25)
    return christmas if christmas >= today else dt.date(today.year + 1, 12, 25)


BAD_INPUT = [
    ("assess", lambda: {"feasible": True, "officer_id": user("it.budi").id,
                        "target_date": "2020-01-06"}, "target_date", "sebelum hari ini"),
    ("assess", lambda: {"feasible": True, "officer_id": user("it.budi").id,
                        "target_date": _next(5).isoformat()}, "target_date", "hari kerja"),
    ("assess", lambda: {"feasible": True, "officer_id": user("it.budi").id,
                        "target_date": _next_christmas().isoformat()}, "target_date", "Natal"),
    ("assess", lambda: {"feasible": True, "officer_id": user("it.budi").id,
                        "target_date": "31-12-2030"}, "target_date", "Format tanggal"),
    ("assess", lambda: {"feasible": True, "officer_id": user("pemohon").id,
                        "target_date": "2030-12-02"}, "officer_id", "bukan Petugas IT"),
    ("assess", lambda: {"feasible": True, "officer_id": "abc",
                        "target_date": "2030-12-02"}, "officer_id", "tidak valid"),
    ("assess", lambda: {"feasible": "mungkin"}, "feasible", "layak"),
    ("assess", lambda: {"feasible": True, "officer_id": user("it.budi").id,
                        "target_date": "2030-12-02", "note": "x" * 5001}, "note", "terlalu panjang"),
    ("assess", lambda: {"feasible": True, "note": 12}, "note", "teks"),
    ("assess", lambda: {"feasible": True, "officer_id": user("it.budi").id,
                        "target_date": "2030-12-02", "status": "done"}, "status", "tidak dikenal"),
]


@pytest.mark.parametrize("action,payload,field,words", BAD_INPUT)
def test_bad_input_answers_400_per_field_and_writes_nothing(api, ctx, action, payload, field, words):
    req = request_in("pending_assessment")
    before = (req.version, len(req.history), db.session.query(Outbox).count())
    rv = api("kasi.pdsi").post(f"/api/v1/improvement_request/{req.id}/actions/{action}",
                               json=payload())
    assert rv.status_code == 400
    assert words in rv.get_json()["errors"][field]
    db.session.expire_all()
    after = db.session.get(ServiceRequest, req.id)
    assert (after.version, len(after.history), db.session.query(Outbox).count()) == before
    assert after.status == "pending_assessment"
    assert db.session.query(Assignment).filter_by(request_id=req.id).count() == 0


@pytest.mark.parametrize("action", ["unit_reject", "unit_return"])
def test_missing_required_note(api, ctx, action):
    req = request_in("pending_unit_approval")
    rv = api("kabid.pelayanan").post(
        f"/api/v1/improvement_request/{req.id}/actions/{action}", json={"note": "   "})
    assert rv.status_code == 400 and rv.get_json()["errors"]["note"] == "Catatan wajib diisi."


def test_non_object_body_is_400(api, ctx):
    req = request_in("draft")
    rv = api("pemohon").post(f"/api/v1/improvement_request/{req.id}/actions/submit",
                             data="[1,2]", content_type="application/json")
    assert rv.status_code == 400


def test_stale_version_is_409(api, ctx):
    req = request_in("pending_unit_approval")
    rv = api("kabid.pelayanan").post(
        f"/api/v1/improvement_request/{req.id}/actions/unit_approve",
        json={"version": req.version - 1})
    assert rv.status_code == 409 and "diubah oleh pengguna lain" in rv.get_json()["message"]


def test_head_of_another_unit_cannot_approve(ctx):
    req = request_in("pending_unit_approval")
    with pytest.raises(WorkflowError):
        act(req, "unit_approve", "kasubag.umum", {})
    assert db.session.query(RequestHistory).filter_by(request_id=req.id).count() == 1


def test_api_creates_edits_and_lists_drafts(api, ctx):
    system_id = db.session.execute(select(ServiceRequest.system_id).where(
        ServiceRequest.system_id.isnot(None))).scalars().first()
    client = api("pemohon")
    rv = client.post("/api/v1/improvement_request/", json={
        "title": "Dari API", "system_id": system_id, "current_condition": "a",
        "proposed_improvement": "b", "reason": "c", "priority": "tinggi"})
    assert rv.status_code == 201, rv.get_json()
    pk = rv.get_json()["id"]
    shown = client.get(f"/api/v1/improvement_request/{pk}").get_json()["result"]
    assert shown["status"] == "draft" and shown["unit"]["name"] == "Bidang Pelayanan Perizinan"
    assert shown["requester"]["username"] == "pemohon"
    assert client.put(f"/api/v1/improvement_request/{pk}", json={"title": "Diubah"}).status_code == 200
    # A colleague of the same unit does not even see the draft (SPEC §2); nobody may set
    # status through an edit.
    assert api("rina.kusuma").put(f"/api/v1/improvement_request/{pk}",
                                  json={"title": "x"}).status_code == 404
    rv = client.put(f"/api/v1/improvement_request/{pk}", json={"status": "done"})
    assert rv.status_code in (400, 422)
    missing = client.post("/api/v1/improvement_request/", json={"title": "Tanpa isi"})
    assert missing.status_code == 400
    assert missing.get_json()["message"]["system_id"] == ["Kolom ini wajib diisi."]
    act(db.session.get(ServiceRequest, pk), "submit", "pemohon", {})
    assert client.put(f"/api/v1/improvement_request/{pk}", json={"title": "y"}).status_code == 409


def test_row_visibility_in_list_show_and_api(api, login_as, ctx):
    req = new_request(requester="pemohon", title="Rahasia unit pelayanan")
    other = login_as("pemohon2")
    assert "Rahasia unit pelayanan" not in other.get(
        "/improvementrequestview/list/").get_data(as_text=True)
    assert other.get(f"/improvementrequestview/show/{req.id}").status_code == 404
    assert api("pemohon2").get(f"/api/v1/improvement_request/{req.id}").status_code == 404
    titles = [r["title"] for r in api("pemohon2").get(
        "/api/v1/improvement_request/?q=(page_size:100)").get_json()["result"]]
    assert "Rahasia unit pelayanan" not in titles
    assert login_as("pemohon").get(f"/improvementrequestview/show/{req.id}").status_code == 200
