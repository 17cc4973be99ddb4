"""Delegation and the Kabid-absent rule (issue 13): nobody abuses the absence register, nothing
is stranded by it. SPEC §2 (absences, row visibility, nobody acts on their own request), §3.

Expectations are written out here from the SPEC, not read from the code under test. Requests
are built by replaying the procedure; absences a case needs are put in the register directly
(what is under test is who may act with them) and taken out again after the test, because
one database serves the whole session.
"""

from __future__ import annotations

import datetime as dt

import pytest
from flask_appbuilder.security.sqla.models import assoc_user_role
from sqlalchemy import delete, func, select

from app.extensions import db
from app.notify.models import Outbox
from app.notify.reminders import digest_items
from app.requests.models import ServiceRequest
from app.security.models import Absence, AppUser, SecurityLog, Unit
from app.timeutil import WITA, to_utc_naive, today_wita
from app.workflow import relations
from app.workflow.service import WorkflowError
from tests.helpers import read_pdf
from tests.workflow_helpers import act, new_request, request_in, user, valid_payload

APIS = {"improvement": "/api/v1/improvement_request", "support": "/api/v1/support_request"}


def at(text: str) -> dt.datetime:
    return to_utc_naive(dt.datetime.fromisoformat(text).replace(tzinfo=WITA))


@pytest.fixture()
def register(ctx):
    """register(official, plh=None, start=0, end=0, withdrawn=False): an absence from `start`
    to `end` days from today (or on given dates); every row made is removed afterwards."""
    made: list[int] = []

    def record(official: str, plh: str | None = None, start: int | dt.date = 0,
               end: int | dt.date = 0, withdrawn: bool = False, reason: str = "Dinas luar"):
        today = today_wita()
        first = start if isinstance(start, dt.date) else today + dt.timedelta(days=start)
        last = end if isinstance(end, dt.date) else today + dt.timedelta(days=end)
        absence = Absence(user_id=user(official).id, start_date=first, end_date=last,
                          kind="dinas_luar", reason=reason,
                          acting_user_id=user(plh).id if plh else None,
                          recorded_by_id=user(official).id)
        if withdrawn:
            absence.withdrawn_at = to_utc_naive(dt.datetime.now(WITA))
        db.session.add(absence)
        db.session.commit()
        made.append(absence.id)
        return absence

    yield record
    db.session.rollback()
    db.session.execute(delete(Absence).where(Absence.id.in_(made)))
    db.session.commit()


@pytest.fixture()
def cleanup_absences(ctx):
    """Removes afterwards the absences of the named officials that a test made via the API."""
    before = set(db.session.execute(select(Absence.id)).scalars())
    yield
    db.session.rollback()
    db.session.execute(delete(Absence).where(Absence.id.not_in(before)))
    db.session.commit()


def last_log_id() -> int:
    """Absence ids come back after the register fixture deletes its rows (SQLite reuses
    them): a test reads only the log rows written after it began."""
    return db.session.execute(select(func.max(SecurityLog.id))).scalar() or 0


def head_files_while_another_heads() -> ServiceRequest:
    """A request of kabid.pelayanan waiting in pending_unit_approval: filed while another
    official headed the unit, before he took office (the Admin changed the head)."""
    unit = db.session.execute(select(Unit).where(Unit.code == "BID-PELAYANAN")).scalar_one()
    unit.head_id = user("kabid.pm").id
    db.session.commit()
    try:
        req = request_in("pending_unit_approval", requester="kabid.pelayanan")
    finally:
        unit.head_id = user("kabid.pelayanan").id
        db.session.commit()
    return req


def kasi_files_before_the_kabid_leaves() -> ServiceRequest:
    """A request of kasi.pdsi (Bidang Dalak) waiting for its head, the Kabid Dalak."""
    return request_in("pending_unit_approval", requester="kasi.pdsi")


# (case, absences in force, request, person, action, expected status) — SPEC §2, §3.
# Absences: ("kabid.pelayanan", "kasubag.umum", "today") = head away today with that Plh;
# "ended" = the absence ended yesterday; "withdrawn" = withdrawn before today's decisions.
CASES = [
    ("head approves", [], "pemohon", "kabid.pelayanan", "unit_approve", 200),
    ("head approves while away", [("kabid.pelayanan", "kasubag.umum", "today")],
     "pemohon", "kabid.pelayanan", "unit_approve", 200),
    ("Plh approves", [("kabid.pelayanan", "kasubag.umum", "today")],
     "pemohon", "kasubag.umum", "unit_approve", 200),
    ("Plh rejects", [("kabid.pelayanan", "kasubag.umum", "today")],
     "pemohon", "kasubag.umum", "unit_reject", 200),
    ("Plh of another day", [("kabid.pelayanan", "kasubag.umum", "tomorrow")],
     "pemohon", "kasubag.umum", "unit_approve", 404),
    ("former Plh, absence ended", [("kabid.pelayanan", "kasubag.umum", "ended")],
     "pemohon", "kasubag.umum", "unit_approve", 404),
    ("former Plh, absence withdrawn", [("kabid.pelayanan", "kasubag.umum", "withdrawn")],
     "pemohon", "kasubag.umum", "unit_approve", 404),
    ("head of another unit", [], "pemohon", "kasubag.umum", "unit_approve", 404),
    ("colleague of the unit", [], "pemohon", "rina.kusuma", "unit_approve", 403),
    ("requester who heads the unit", [], "head-files", "kabid.pelayanan", "unit_approve", 403),
    ("requester who is Plh of the unit", [("kabid.dalak", "kasi.pdsi", "today")],
     "kasi-files", "kasi.pdsi", "unit_approve", 403),
    ("Kasi without a Kabid absence", [], "pemohon", "kasi.pdsi", "kabid_approve", 403),
    ("Kasi while the Kabid is away", [("kabid.dalak", None, "today")],
     "pemohon", "kasi.pdsi", "kabid_approve", 200),
    ("Kasi declines while the Kabid is away", [("kabid.dalak", None, "today")],
     "pemohon", "kasi.pdsi", "kabid_decline", 200),
    ("Kasi after the Kabid's absence ended", [("kabid.dalak", None, "ended")],
     "pemohon", "kasi.pdsi", "kabid_approve", 403),
    ("Kasi after the Kabid's absence was withdrawn", [("kabid.dalak", None, "withdrawn")],
     "pemohon", "kasi.pdsi", "kabid_approve", 403),
    ("Kasi, Kabid away from tomorrow", [("kabid.dalak", None, "tomorrow")],
     "pemohon", "kasi.pdsi", "kabid_approve", 403),
    ("Kabid approves", [], "pemohon", "kabid.dalak", "kabid_approve", 200),
    ("Kabid approves while recorded away", [("kabid.dalak", None, "today")],
     "pemohon", "kabid.dalak", "kabid_approve", 200),
    ("IT officer", [], "pemohon", "it.budi", "kabid_approve", 403),
]
STATE_FOR = {"unit_approve": "pending_unit_approval", "unit_reject": "pending_unit_approval",
             "kabid_approve": "pending_kabid_approval", "kabid_decline": "pending_kabid_approval"}
ACTOR_OF = {"unit_approve": "unit_head", "unit_reject": "unit_head",
            "kabid_approve": "kabid", "kabid_decline": "kabid"}


def _put_in_register(register, absences):
    for official, plh, when in absences:
        if when == "today":
            register(official, plh, 0, 0)
        elif when == "tomorrow":
            register(official, plh, 1, 2)
        elif when == "ended":
            register(official, plh, -3, -1)
        elif when == "withdrawn":
            register(official, plh, 0, 1, withdrawn=True)


@pytest.mark.parametrize("case,absences,filed_by,person,action,expected", CASES,
                         ids=[c[0] for c in CASES])
def test_who_may_act_in_every_absence_situation(api, register, case, absences, filed_by,
                                                person, action, expected):
    if filed_by == "head-files":
        req = head_files_while_another_heads()
    elif filed_by == "kasi-files":
        req = kasi_files_before_the_kabid_leaves()
    else:
        req = request_in(STATE_FOR[action], requester=filed_by)
    _put_in_register(register, absences)
    before = req.status

    rv = api(person).post(f"{APIS[req.kind]}/{req.id}/actions/{action}",
                          json=valid_payload(action))
    assert rv.status_code == expected, (case, rv.get_json())
    db.session.expire_all()
    after = db.session.get(ServiceRequest, req.id)
    if expected != 200:
        assert after.status == before, case
    # Who is told and reminded is who may act (one relation, four answers).
    office = relations.Office.load(today_wita())
    told = user(person).id in relations.people(ACTOR_OF[action], after, office)
    assert told == (expected == 200), case


def test_plh_and_kasi_decisions_are_stamped(api, register):
    proposal = request_in("pending_kabid_approval")
    register("kabid.pelayanan", "kasubag.umum", 0, 0)
    register("kabid.dalak", None, 0, 0, reason="Rapat di Kementerian Investasi")
    unit_req = request_in("pending_unit_approval")
    rv = api("kasubag.umum").post(f"{APIS['improvement']}/{unit_req.id}/actions/unit_approve",
                                  json={})
    assert rv.status_code == 200
    rv = api("kasi.pdsi").post(f"{APIS['improvement']}/{proposal.id}/actions/kabid_approve",
                               json={"note": "Diputuskan saat Kabid rapat."})
    assert rv.status_code == 200 and rv.get_json()["result"]["status"] == "in_progress"
    db.session.expire_all()
    plh_row = db.session.get(ServiceRequest, unit_req.id).history[-1]
    assert plh_row.stamp.startswith("Plh. a.n. Ni Made Sri Wahyuni")
    assert plh_row.on_behalf_of.username == "kabid.pelayanan"
    decided = db.session.get(ServiceRequest, proposal.id)
    last = decided.history[-1]
    assert last.decided_alone and last.absence_reason == "Rapat di Kementerian Investasi"
    assert last.stamp == ("Diputuskan Kasi PDSI — Kabid Dalak berhalangan hadir "
                          "(Rapat di Kementerian Investasi)")
    assignment = decided.current_assignment
    assert assignment.approval == "kasi_alone" and assignment.approved_by.username == "kasi.pdsi"
    mails = {(m.event, m.recipient.username) for m in db.session.execute(
        select(Outbox).where(Outbox.request_id == proposal.id)).scalars()}
    assert ("decided_alone", "kabid.dalak") in mails
    assert {("assigned", "it.budi"), ("assigned", "pemohon")} <= mails


# --- the reproductions of issue 13 --------------------------------------------------------

def test_no_escalation_through_the_absence_api(api, register, cleanup_absences):
    kabid_away = register("kabid.dalak", None, 0, 1, reason="Tugas ke Jakarta")
    own = register("kasubag.umum", None, 3, 4, reason="Cuti")
    plh_me = {"user_id": user("kabid.pelayanan").id, "acting_user_id": user("kasubag.umum").id,
              "start_date": today_wita().isoformat(), "end_date": today_wita().isoformat(),
              "kind": "cuti", "reason": "x"}
    client = api("kasubag.umum")
    # Rewriting the Kabid's absence (the evidence behind "decided alone"): refused.
    rv = client.put(f"/api/v1/absence/{kabid_away.id}", json=plh_me)
    assert rv.status_code == 403, rv.get_json()
    # Turning one's own absence into another head's, with oneself as Plh: refused.
    rv = client.put(f"/api/v1/absence/{own.id}", json=plh_me)
    assert rv.status_code == 400 and "user_id" in rv.get_json()["message"]
    # Recording another head's absence with oneself as Plh: refused.
    rv = client.post("/api/v1/absence/", json=plh_me)
    assert rv.status_code == 400 and "user_id" in rv.get_json()["message"]
    # Nor can the Kasi move his own absence, Plh and all, onto the Kabid.
    kasi_own = register("kasi.pdsi", "kabid.pelayanan", 5, 6, reason="Diklat")
    rv = api("kasi.pdsi").put(f"/api/v1/absence/{kasi_own.id}",
                              json={"user_id": user("kabid.dalak").id})
    assert rv.status_code == 400 and "user_id" in rv.get_json()["message"]
    # Naming oneself Plh in one's own absence gives nothing either.
    rv = client.put(f"/api/v1/absence/{own.id}", json={"acting_user_id": user("kasubag.umum").id})
    assert rv.status_code == 400 and "acting_user_id" in rv.get_json()["message"]
    db.session.expire_all()
    kabid_row = db.session.get(Absence, kabid_away.id)
    assert (kabid_row.user.username, kabid_row.acting_user_id) == ("kabid.dalak", None)
    own_row = db.session.get(Absence, own.id)
    assert (own_row.user.username, own_row.acting_user_id) == ("kasubag.umum", None)
    # So the Plh of Bidang Pelayanan is not kasubag.umum, who still cannot see its requests.
    req = request_in("pending_unit_approval")
    rv = client.post(f"{APIS['improvement']}/{req.id}/actions/unit_approve", json={})
    assert rv.status_code == 404


def test_no_escalation_through_the_absence_form(login_as, register):
    began = last_log_id()
    own = register("kasubag.umum", None, 3, 4, reason="Cuti tahunan")
    browser = login_as("kasubag.umum")
    rv = browser.post(f"/absenceview/edit/{own.id}", data={
        "user": str(user("kabid.pelayanan").id), "kind": "cuti",
        "start_date": own.start_date.isoformat(), "end_date": own.end_date.isoformat(),
        "reason": "Cuti tahunan", "acting_user": str(user("kasubag.umum").id)})
    page = rv.get_data(as_text=True)
    assert rv.status_code == 200  # the form again, with what was typed and why not
    assert "Anda hanya dapat mencatat ketidakhadiran Anda sendiri." in page
    db.session.expire_all()
    row = db.session.get(Absence, own.id)
    assert (row.user.username, row.acting_user_id) == ("kasubag.umum", None)
    # Another official's absence cannot even be opened for editing by the form's POST.
    kabid_away = register("kabid.pelayanan", None, 5, 6, reason="Bimtek")
    rv = browser.post(f"/absenceview/edit/{kabid_away.id}", data={
        "user": str(user("kabid.pelayanan").id), "kind": "cuti",
        "start_date": kabid_away.start_date.isoformat(),
        "end_date": kabid_away.end_date.isoformat(), "reason": "Bimtek",
        "acting_user": str(user("kasubag.umum").id)})
    assert "Anda tidak berwenang mengubah ketidakhadiran ini." in rv.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Absence, kabid_away.id).acting_user_id is None
    # A change the form may make is in the security log with the new Plh's name.
    rv = browser.post(f"/absenceview/edit/{own.id}", data={
        "user": str(user("kasubag.umum").id), "kind": "cuti",
        "start_date": own.start_date.isoformat(), "end_date": own.end_date.isoformat(),
        "reason": "Cuti tahunan", "acting_user": str(user("kabid.pm").id)})
    assert rv.status_code == 302
    logged = db.session.execute(select(SecurityLog).where(
        SecurityLog.event == "absence_changed", SecurityLog.detail.like(f"#{own.id} %"),
        SecurityLog.id > began)).scalar_one()
    assert logged.username == "kasubag.umum"
    assert "sesudah" in logged.detail and user("kabid.pm").full_name in logged.detail


def test_a_requester_made_plh_of_their_own_unit_does_not_approve_their_request(api, register):
    waiting = kasi_files_before_the_kabid_leaves()
    register("kabid.dalak", "kasi.pdsi", 0, 0)  # the Kabid names the Kasi his Plh today
    client = api("kasi.pdsi")
    rv = client.post(f"{APIS['improvement']}/{waiting.id}/actions/unit_approve", json={})
    assert rv.status_code == 403
    # A request the Plh files today goes straight to the assessment, as a head's does.
    fresh = new_request(requester="kasi.pdsi")
    rv = client.post(f"{APIS['improvement']}/{fresh.id}/actions/submit", json={})
    assert rv.status_code == 200 and rv.get_json()["result"]["status"] == "pending_assessment"
    # And the Plh still approves a colleague's request of the unit for the Kabid.
    colleague = request_in("pending_unit_approval", requester="it.budi")
    rv = client.post(f"{APIS['improvement']}/{colleague.id}/actions/unit_approve", json={})
    assert rv.status_code == 200


def test_the_kabid_absent_statement_is_refused_when_the_kabid_is_plainly_at_work(ctx):
    now = at("2031-03-11T09:00")  # a Tuesday
    req = request_in("pending_kabid_approval", now=now)
    act(req, "kabid_decline", "kabid.dalak", {"note": "Target terlalu dekat."}, now=now)
    assert req.status == "pending_assessment"
    with pytest.raises(WorkflowError) as err:  # a minute later: "the Kabid is absent"
        act(req, "assess", "kasi.pdsi", {**valid_payload("assess", now), "kabid_absent": True,
                                         "absence_reason": "Rapat"},
            now=now + dt.timedelta(minutes=1))
    assert err.value.status == 400
    assert "09.00 WITA" in err.value.errors["kabid_absent"]
    assert req.status == "pending_assessment"
    # The next day, with the Kabid not at work, the statement holds for that one decision.
    act(req, "assess", "kasi.pdsi", {**valid_payload("assess", now), "kabid_absent": True,
                                     "absence_reason": "Sakit"}, now=at("2031-03-12T09:00"))
    assert req.status == "in_progress" and req.history[-1].absence_reason == "Sakit"


def test_an_absence_is_withdrawn_or_ended_and_logged(api, register, cleanup_absences):
    began = last_log_id()
    kasi = api("kasi.pdsi")
    today = today_wita()
    proposal = request_in("pending_kabid_approval")
    rv = kasi.post("/api/v1/absence/", json={
        "user_id": user("kabid.dalak").id, "kind": "dinas_luar", "reason": "Rapat koordinasi",
        "start_date": today.isoformat(), "end_date": (today + dt.timedelta(days=2)).isoformat()})
    assert rv.status_code == 201, rv.get_json()
    pk = rv.get_json()["id"]
    # Another head may not withdraw it.
    assert api("kasubag.umum").delete(f"/api/v1/absence/{pk}").status_code == 403
    rv = kasi.delete(f"/api/v1/absence/{pk}")  # the Kabid turned up after all
    assert rv.status_code == 200, rv.get_json()
    db.session.expire_all()
    row = db.session.get(Absence, pk)
    assert row is not None and row.withdrawn_at is not None  # kept as evidence
    assert row.withdrawn_by.username == "kasi.pdsi" and not row.covers(today)
    rv = kasi.post(f"{APIS['improvement']}/{proposal.id}/actions/kabid_approve", json={})
    assert rv.status_code == 403  # no longer decides for the Kabid
    assert kasi.delete(f"/api/v1/absence/{pk}").status_code == 409  # withdrawn already
    # A longer absence that began earlier ends yesterday; the Admin may do it too.
    begun = register("kabid.pelayanan", "kasubag.umum", -2, 3, reason="Cuti")
    rv = api("admin").delete(f"/api/v1/absence/{begun.id}")
    assert rv.status_code == 200, rv.get_json()
    db.session.expire_all()
    assert db.session.get(Absence, begun.id).end_date == today - dt.timedelta(days=1)
    # Ending it again would move its end: refused, even for the Admin.
    assert api("admin").delete(f"/api/v1/absence/{begun.id}").status_code == 409
    db.session.expire_all()
    assert db.session.get(Absence, begun.id).end_date == today - dt.timedelta(days=1)
    events = db.session.execute(select(SecurityLog.event, SecurityLog.username).where(
        SecurityLog.detail.like(f"#{pk} %"), SecurityLog.id > began)).all()
    assert ("absence_recorded", "kasi.pdsi") in events
    assert ("absence_withdrawn", "kasi.pdsi") in events
    assert db.session.execute(select(SecurityLog).where(
        SecurityLog.event == "absence_ended", SecurityLog.username == "admin",
        SecurityLog.detail.like(f"#{begun.id} %"), SecurityLog.id > began)).first()


def test_an_edit_is_logged_with_old_and_new_values(api, cleanup_absences):
    began = last_log_id()
    client = api("kabid.pelayanan")
    start = today_wita() + dt.timedelta(days=20)
    rv = client.post("/api/v1/absence/", json={
        "kind": "cuti", "reason": "Cuti tahunan", "start_date": start.isoformat(),
        "end_date": start.isoformat()})
    assert rv.status_code == 201, rv.get_json()
    pk = rv.get_json()["id"]
    rv = client.put(f"/api/v1/absence/{pk}", json={"acting_user_id": user("kasubag.umum").id})
    assert rv.status_code == 200, rv.get_json()
    row = db.session.execute(select(SecurityLog).where(
        SecurityLog.event == "absence_changed", SecurityLog.detail.like(f"#{pk} %"),
        SecurityLog.id > began)).scalar_one()
    assert row.username == "kabid.pelayanan"
    assert "Plh.: -" in row.detail and "Plh.: I Gusti Ayu Made Suartini" in row.detail


def test_the_kasi_decides_a_proposal_already_waiting_when_the_kabid_turns_out_absent(
        api, login_as, register):
    proposal = request_in("pending_kabid_approval")
    rejected = request_in("pending_assessment")
    act(rejected, "assess", "kasi.pdsi", {"feasible": False, "note": "Di luar kewenangan."})
    assert rejected.status == "pending_kabid_approval"
    register("kabid.dalak", None, 0, 0, reason="Sakit")
    kasi = api("kasi.pdsi")
    rv = kasi.post(f"{APIS['improvement']}/{proposal.id}/actions/kabid_approve", json={})
    assert rv.status_code == 200 and rv.get_json()["result"]["status"] == "in_progress"
    rv = kasi.post(f"{APIS['improvement']}/{rejected.id}/actions/kabid_approve", json={})
    assert rv.status_code == 200 and rv.get_json()["result"]["status"] == "rejected"
    db.session.expire_all()
    for pk in (proposal.id, rejected.id):
        last = db.session.get(ServiceRequest, pk).history[-1]
        assert last.decided_alone and last.absence_reason == "Sakit"
        assert db.session.execute(select(Outbox).where(
            Outbox.request_id == pk, Outbox.event == "decided_alone")).scalar_one(
        ).recipient.username == "kabid.dalak"
    # The printed form carries the stamp and the reason, and the Kasi signs as deciding.
    _pages, text = read_pdf(login_as("kasi.pdsi").get(
        f"/print/improvement_request/{proposal.id}.pdf"))
    assert "Diputuskan Kasi PDSI — Kabid Dalak berhalangan hadir (Sakit)" in text


def test_the_assess_form_says_beforehand_when_the_decision_is_final(login_as, register):
    req = request_in("pending_assessment")
    browser = login_as("kasi.pdsi")
    page = browser.get(f"/improvementrequestview/show/{req.id}").get_data(as_text=True)
    assert "kabid-absence-notice" not in page and 'name="kabid_absent"' in page
    register("kabid.dalak", None, 0, 0, reason="Dinas luar ke Denpasar Selatan")
    page = browser.get(f"/improvementrequestview/show/{req.id}").get_data(as_text=True)
    assert "kabid-absence-notice" in page and "Dinas luar ke Denpasar Selatan" in page
    assert 'name="kabid_absent"' not in page  # (a) applies: nothing to state


def test_a_unit_without_a_head_refuses_submission_and_tells_the_admin(api, login_as, ctx):
    unit = Unit(code="UJI-TANPA-KEPALA", name="Unit Uji Tanpa Kepala", short_name="Unit Uji")
    db.session.add(unit)
    db.session.flush()
    member = AppUser(first_name="Staf", last_name="Uji", username="staf.tanpa.kepala",
                     email="staf.uji@dpmptsp.denpasarkota.go.id", active=True, unit_id=unit.id)
    roles, password = list(user("pemohon").roles), user("pemohon").password
    db.session.add(member)
    member.roles, member.password = roles, password
    db.session.commit()
    try:
        req = new_request(requester="staf.tanpa.kepala")
        client = api("staf.tanpa.kepala")
        for _ in range(2):
            rv = client.post(f"{APIS['improvement']}/{req.id}/actions/submit", json={})
            assert rv.status_code == 409
            assert "Unit Uji Tanpa Kepala belum memiliki Kepala Unit" in rv.get_json()["message"]
        db.session.expire_all()
        assert db.session.get(ServiceRequest, req.id).status == "draft"
        told = db.session.execute(select(Outbox).where(
            Outbox.event == "unit_without_head")).scalars().all()
        assert [m.recipient.username for m in told] == ["admin"]  # once, not per attempt
        assert "Unit Uji Tanpa Kepala" in told[0].subject
        home = login_as("admin").get("/").get_data(as_text=True)
        assert 'id="units-without-head"' in home and "Unit Uji Tanpa Kepala" in home
        # Every demo unit has its head.
        assert login_as("admin").get("/").get_data(as_text=True).count("<li><a href=\"/unitview") == 1
    finally:
        db.session.rollback()
        db.session.execute(delete(Outbox).where(Outbox.event == "unit_without_head"))
        db.session.execute(delete(ServiceRequest).where(ServiceRequest.id == req.id))
        db.session.execute(delete(assoc_user_role).where(assoc_user_role.c.user_id == member.id))
        db.session.execute(delete(AppUser).where(AppUser.id == member.id))
        db.session.execute(delete(Unit).where(Unit.id == unit.id))
        db.session.commit()


def test_a_plh_is_reminded_and_the_kasi_for_an_absent_kabid(register):
    start = at("2031-04-01T09:00")  # a Tuesday; the digest comes on 10 April
    waiting_head = request_in("pending_unit_approval", now=start)
    waiting_kabid = request_in("pending_kabid_approval", now=start)
    day = dt.date(2031, 4, 10)
    register("kabid.pelayanan", "kasubag.umum", day, day, reason="Cuti")
    register("kabid.dalak", None, day, day, reason="Dinas luar")
    items = digest_items(day)
    lines = {name: " ".join(items[user(name).id]["approval"])
             for name in ("kabid.pelayanan", "kasubag.umum", "kasi.pdsi", "kabid.dalak")}
    assert waiting_head.number in lines["kasubag.umum"]  # the Plh
    assert waiting_head.number in lines["kabid.pelayanan"]  # and the head himself
    assert waiting_kabid.number in lines["kasi.pdsi"]  # who may decide it today
    assert waiting_kabid.number in lines["kabid.dalak"]
    # The day after, the Plh is no longer reminded.
    after = digest_items(dt.date(2031, 4, 11))
    assert waiting_head.number not in " ".join(after[user("kasubag.umum").id]["approval"])


def test_a_draft_is_its_authors_alone(api, login_as, ctx):
    unsent = new_request(title="Draf yang dibatalkan sebelum diajukan")
    act(unsent, "cancel", "pemohon", {"note": "Tidak jadi."})
    for person in ("rina.kusuma", "kabid.pelayanan", "kasi.pdsi", "pimpinan"):
        assert api(person).get(f"{APIS['improvement']}/{unsent.id}").status_code == 404, person
    assert api("pemohon").get(f"{APIS['improvement']}/{unsent.id}").status_code == 200
    req = new_request(title="Draf pribadi tentang antrian")
    for person in ("rina.kusuma", "kabid.pelayanan", "kasi.pdsi", "pimpinan", "admin"):
        assert api(person).get(f"{APIS['improvement']}/{req.id}").status_code == 404, person
        assert login_as(person).get(
            f"/improvementrequestview/show/{req.id}").status_code == 404, person
        listed = api(person).get(f"{APIS['improvement']}/?q=(page_size:100)").get_json()["result"]
        assert req.id not in {row["id"] for row in listed}, person
    assert api("pemohon").get(f"{APIS['improvement']}/{req.id}").status_code == 200
    act(req, "submit", "pemohon", {})
    for person in ("rina.kusuma", "kabid.pelayanan", "kasi.pdsi", "pimpinan"):
        assert api(person).get(f"{APIS['improvement']}/{req.id}").status_code == 200, person
