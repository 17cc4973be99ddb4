"""FM-02: a whole working day with --now steps, the calendar, submit rules, probes (issue #4)."""

from __future__ import annotations

import datetime as dt
import http.server
import threading

import pytest
from sqlalchemy import select

from app.checklist import rounds
from app.checklist.models import CheckItem, ChecklistRound
from app.extensions import db
from app.notify.models import Outbox
from app.timeutil import WITA, to_utc_naive
from tests.workflow_helpers import user


def at(text: str) -> dt.datetime:
    return to_utc_naive(dt.datetime.fromisoformat(text).replace(tzinfo=WITA))


def states(day: str) -> dict[str, str]:
    db.session.expire_all()
    rows = db.session.execute(select(ChecklistRound).where(
        ChecklistRound.date == dt.date.fromisoformat(day))).scalars()
    return {r.slot: r.status for r in rows}


def run_due(app, when: str) -> str:
    result = app.test_cli_runner().invoke(args=["jobs", "run-due", "--now", when])
    assert result.exit_code == 0, result.output
    return result.output


def all_entries(result="ok", note="", **overrides):
    items = rounds.active_items()
    entries = [{"item_id": item.id, "result": result, "value": "", "note": note}
               for item in items]
    for index, changes in overrides.items():
        entries[int(index.removeprefix("i"))].update(changes)
    return entries


def test_a_whole_working_day(app, ctx):
    day = "2027-03-02"  # a Tuesday
    assert "rounds_created=2" in run_due(app, f"{day}T07:00")
    assert states(day) == {"08:00": "scheduled", "13:00": "scheduled"}
    assert "rounds_created=0" in run_due(app, f"{day}T08:30")
    assert states(day) == {"08:00": "open", "13:00": "scheduled"}
    run_due(app, f"{day}T09:05")
    assert states(day) == {"08:00": "missed", "13:00": "scheduled"}
    morning = db.session.execute(select(ChecklistRound).where(
        ChecklistRound.date == dt.date(2027, 3, 2), ChecklistRound.slot == "08:00")).scalar_one()
    notices = db.session.execute(select(Outbox).where(
        Outbox.event == "round_missed", Outbox.dedupe_key.like(f"missed:{morning.id}:%"))).scalars()
    assert sorted(n.recipient.username for n in notices) == ["it.budi", "it.sari", "kasi.pdsi"]
    run_due(app, f"{day}T12:59")
    assert states(day) == {"08:00": "missed", "13:00": "scheduled"}
    run_due(app, f"{day}T13:30")
    assert states(day) == {"08:00": "missed", "13:00": "open"}
    afternoon = db.session.execute(select(ChecklistRound).where(
        ChecklistRound.date == dt.date(2027, 3, 2), ChecklistRound.slot == "13:00")).scalar_one()
    # The clock's probes found faults here (nothing listens in tests): "ok" is said with a note.
    rounds.submit_round(afternoon, user("it.sari"), all_entries(note="Diperiksa langsung"),
                        at(f"{day}T13:40"))
    run_due(app, f"{day}T14:05")
    assert states(day) == {"08:00": "missed", "13:00": "done"}
    # The missed morning round, filled in afterwards, becomes late.
    rounds.submit_round(morning, user("it.budi"), all_entries(note="Diperiksa langsung"),
                        at(f"{day}T14:10"))
    assert states(day) == {"08:00": "late", "13:00": "done"}
    # Running again changes nothing and sends no second notice.
    run_due(app, f"{day}T14:06")
    assert db.session.query(Outbox).filter(
        Outbox.dedupe_key.like(f"missed:{morning.id}:%")).count() == 3


@pytest.mark.parametrize("day", [
    "2027-03-06",  # Saturday
    "2027-08-17",  # Hari Kemerdekaan
    "2026-12-24",  # cuti bersama Natal
    "2026-06-16", "2026-06-17", "2026-06-18",  # Galungan 2026 and its days
])
def test_no_rounds_on_days_off(app, ctx, day):
    run_due(app, f"{day}T08:30")
    assert states(day) == {}


def test_an_officer_opening_the_rounds_makes_them_when_the_clock_stopped(ctx):
    """The officer's "Buka putaran ini" (a POST) makes the day's rounds as the clock would."""
    todays = rounds.open_today(at("2027-01-20T08:10"))  # before any round of this module
    assert [(r.slot, r.status) for r in todays] == [("08:00", "open"), ("13:00", "scheduled")]


@pytest.fixture()
def open_round(ctx):
    def make(day: str, slot: str = "08:00"):
        now = at(f"{day}T{slot}")
        rounds.open_today(now)
        return db.session.execute(select(ChecklistRound).where(
            ChecklistRound.date == dt.date.fromisoformat(day),
            ChecklistRound.slot == slot)).scalar_one()
    return make


def test_submit_rules_through_the_api(api, open_round, ctx):
    rnd = open_round("2026-11-27")  # a past Friday: filled in now, it is late
    path = f"/api/v1/checklist_round/{rnd.id}/actions/submit"
    officer = api("it.budi")
    rv = officer.post(path, json={"entries": all_entries(i0={"result": "fault"})})
    assert rv.status_code == 400
    assert "keterangan wajib diisi" in rv.get_json()["errors"]["entries.0.note"]
    twice = all_entries()
    twice.append(dict(twice[0]))
    rv = officer.post(path, json={"entries": twice})
    assert rv.status_code == 400 and "lebih dari sekali" in str(rv.get_json()["errors"])
    inactive = db.session.execute(select(CheckItem).where(CheckItem.code == "INACTIVE-TEST")
                                  ).scalar_one_or_none()
    if inactive is None:
        inactive = CheckItem(code="INACTIVE-TEST", category="Server", name="Item lama",
                             order=999, active=False)
        db.session.add(inactive)
        db.session.commit()
    rv = officer.post(path, json={"entries": all_entries() + [
        {"item_id": inactive.id, "result": "ok"}]})
    assert rv.status_code == 400 and "tidak aktif" in str(rv.get_json()["errors"])
    rv = officer.post(path, json={"entries": all_entries()[1:]})
    assert rv.status_code == 400 and "belum diisi" in rv.get_json()["errors"]["entries"]
    assert api("pemohon").post(path, json={"entries": all_entries()}).status_code == 403
    assert api("admin").post(path, json={"entries": all_entries()}).status_code == 403
    rv = officer.post(path, json={"entries": all_entries(
        i0={"result": "fault", "note": "Aplikasi lambat", "follow_up": "Restart layanan"})})
    assert rv.status_code == 200, rv.get_json()
    body = rv.get_json()["result"]
    assert body["status"] == "late" and body["officer"]["username"] == "it.budi"
    assert officer.post(path, json={"entries": all_entries()}).status_code == 409
    listed = officer.get(f"/api/v1/checklist_round/{rnd.id}").get_json()["result"]
    assert listed["date"] == "2026-11-27" and listed["slot"] == "08:00"


def test_the_round_page_all_normal_form(login_as, open_round, ctx):
    rnd = open_round("2026-11-26")
    client = login_as("it.sari")
    page = client.get(f"/checklist/round/{rnd.id}").get_data(as_text=True)
    assert 'id="all-ok"' in page and "Aplikasi SIM" in page
    form = {f"result_{item.id}": "ok" for item in rounds.active_items()}
    first = rounds.active_items()[0]
    form[f"result_{first.id}"] = "fault"
    rv = client.post(f"/checklist/round/{rnd.id}/submit", data=form)
    assert rv.status_code == 400 and "keterangan wajib diisi" in rv.get_data(as_text=True)
    form[f"note_{first.id}"] = "Halaman login lambat"
    rv = client.post(f"/checklist/round/{rnd.id}/submit", data=form)
    assert rv.status_code == 302
    db.session.expire_all()
    rnd = db.session.get(ChecklistRound, rnd.id)
    assert rnd.status == "late" and rnd.officer.username == "it.sari"
    fault = next(e for e in rnd.entries if e.item_id == first.id)
    assert (fault.result, fault.note) == ("fault", "Halaman login lambat")


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        self.send_response(200 if self.path == "/ok" else 500)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_probes_prefill_the_round_when_it_opens(app, ctx, tmp_path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    try:
        items = [
            CheckItem(code="PROBE-OK", category="Aplikasi SIM", name="Probe ok", order=901,
                      probe_kind="http", probe_target=f"http://127.0.0.1:{port}/ok"),
            CheckItem(code="PROBE-500", category="Aplikasi SIM", name="Probe 500", order=902,
                      probe_kind="http", probe_target=f"http://127.0.0.1:{port}/bad"),
            CheckItem(code="PROBE-DISK", category="Server", name="Probe disk", order=903,
                      probe_kind="disk", probe_target=str(tmp_path), probe_expect="0"),
        ]
        db.session.add_all(items)
        db.session.commit()
        run_due(app, "2027-09-14T08:05")  # a Tuesday no earlier pass reached
        db.session.expire_all()
        rnd = db.session.execute(select(ChecklistRound).where(
            ChecklistRound.date == dt.date(2027, 9, 14), ChecklistRound.slot == "08:00")
        ).scalar_one()
        suggested = {e.item.code: e for e in rnd.entries}
        assert suggested["PROBE-OK"].suggested_result == "ok"
        assert suggested["PROBE-500"].suggested_result == "fault"
        assert "500" in suggested["PROBE-500"].suggested_error
        assert suggested["PROBE-DISK"].suggested_result == "ok"
        assert rnd.probed_at is not None
    finally:
        server.shutdown()
        for item in items:
            item.active = False  # later rounds do not carry the test's items
        db.session.commit()


def test_month_view_shows_compliance(login_as, ctx):
    page = login_as("kasi.pdsi").get("/checklist/month?m=2027-03").get_data(as_text=True)
    assert 'id="month-grid"' in page and "Maret 2027" in page
    assert 'id="compliance"' in page


def test_incident_reported_by_anyone_resolved_by_it(api, ctx):
    from app.checklist.models import Incident

    rv = api("pemohon").post("/api/v1/incident/", json={
        "occurred_at": "2027-03-02T10:15:00", "description": "SIM Perizinan error 500 saat cetak",
        "impact": "Loket cetak izin berhenti 20 menit"})
    assert rv.status_code == 201, rv.get_json()
    pk = rv.get_json()["id"]
    path = f"/api/v1/incident/{pk}/actions/resolve"
    assert api("pemohon").post(path, json={"action_taken": "x"}).status_code == 403
    rv = api("it.budi").post(path, json={"action_taken": ""})
    assert rv.status_code == 400 and "action_taken" in rv.get_json()["errors"]
    rv = api("it.budi").post(path, json={"action_taken": "Restart layanan aplikasi"})
    assert rv.status_code == 200
    assert api("it.budi").post(path, json={"action_taken": "lagi"}).status_code == 409
    incident = db.session.get(Incident, pk)
    assert (incident.status, incident.recorded_by.username) == ("resolved", "it.budi")
    assert incident.reported_by.username == "pemohon"


def test_check_item_api_refuses_bad_input_per_field(api, ctx):
    admin = api("admin")
    good = {"code": "SRV-UJI-1", "category": "Server", "name": "Suhu CPU server aplikasi",
            "order": 90, "active": False}  # inactive: other tests fill every active item
    rv = admin.post("/api/v1/check_item/", json=good)
    assert rv.status_code == 201, rv.get_json()
    pk = rv.get_json()["id"]
    rv = admin.post("/api/v1/check_item/", json={**good, "category": "Dapur", "order": -5})
    errors = rv.get_json()["message"]
    assert rv.status_code == 400
    assert errors["code"] == ["Kode sudah dipakai butir pemeriksaan lain."]
    assert "Kategori harus salah satu dari" in errors["category"][0] and "order" in errors
    rv = admin.post("/api/v1/check_item/", json={**good, "code": " ", "probe_kind": "ftp"})
    assert rv.status_code == 400 and set(rv.get_json()["message"]) == {"code", "probe_kind"}
    rv = admin.post("/api/v1/check_item/", json={**good, "code": "SRV-UJI-2",
                                                 "probe_kind": "tcp"})
    assert rv.get_json()["message"] == {"probe_target": [
        "Sasaran pemeriksaan otomatis wajib diisi bila pemeriksaan otomatis dipilih."]}
    # An edit may keep its own code, not take another item's.
    assert admin.put(f"/api/v1/check_item/{pk}", json={"name": "Suhu CPU"}).status_code == 200
    other = db.session.execute(select(CheckItem.code).where(CheckItem.id != pk)).scalars().first()
    rv = admin.put(f"/api/v1/check_item/{pk}", json={"code": other})
    assert rv.status_code == 400 and "code" in rv.get_json()["message"]
