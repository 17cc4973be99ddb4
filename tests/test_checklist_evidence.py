"""FM-02 that never overstates (issue 18): the days the clock did not run count as missed, a
check is a check, reading does not write, the Kasi's "Mengetahui" is a real act, and the print
tells when a late round was filled in and who recorded an incident.

Each test names the reproduction of the issue it covers. The module's clock runs in 2030, a
year the seeded holiday table does not cover: the only day off besides weekends is the one the
test inserts.
"""

from __future__ import annotations

import datetime as dt
import socket

import openpyxl
import pytest
from sqlalchemy import event, select

from app.checklist import acknowledgement, rounds
from app.checklist.models import (
    ChecklistAcknowledgement,
    ChecklistEntry,
    ChecklistRound,
    Holiday,
    Incident,
)
from app.extensions import db
from app.jobs import run_due
from app.notify.models import Outbox
from app.requests.models import SimSystem
from app.timeutil import WITA, to_utc_naive
from tests.helpers import read_pdf
from tests.workflow_helpers import user


def at(text: str) -> dt.datetime:
    return to_utc_naive(dt.datetime.fromisoformat(text).replace(tzinfo=WITA))


def entries(result="ok", note="", **by_index):
    """One entry per active item; `i3={"result": "fault"}` changes the fourth."""
    rows = [{"item_id": item.id, "result": result, "value": "", "note": note}
            for item in rounds.active_items()]
    for index, changes in by_index.items():
        rows[int(index.removeprefix("i"))].update(changes)
    return rows


def round_at(day: str, slot: str) -> ChecklistRound:
    db.session.expire_all()
    return db.session.execute(select(ChecklistRound).where(
        ChecklistRound.date == dt.date.fromisoformat(day), ChecklistRound.slot == slot)
    ).scalar_one()


def missed_notices(since: dt.datetime) -> list[Outbox]:
    return list(db.session.execute(select(Outbox).where(
        Outbox.event == "round_missed", Outbox.created_at >= since)).scalars())


def sheet_rows(sheet) -> dict[str, list]:
    """The table of a report sheet by its first column (the rows under the header)."""
    rows = list(sheet.iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row[1] == "Jumlah Putaran")
    return {row[0]: list(row[1:8]) for row in rows[header + 1:] if row[0]}


# --- the clock stopped for three working days --------------------------------------------------

def test_a_stopped_clock_leaves_every_missed_round_one_notice_and_honest_compliance(
        app, ctx, tmp_path):
    """Thursday 3 October 2030 both rounds are filled (one on time, one late); the clock then
    stops until Thursday 10 October 07.00 WITA. Between: Friday 4 (working), the weekend 5-6,
    Monday 7 (a Mayor's circular, inserted here), Tuesday 8 and Wednesday 9 (working)."""
    db.session.add(Holiday(date=dt.date(2030, 10, 7), name="Edaran Wali Kota (uji)",
                           kind="edaran"))
    db.session.commit()
    run_due(at("2030-10-03T07:00"))
    rounds.submit_round(round_at("2030-10-03", "08:00"), user("it.budi"),
                        entries(note="Diperiksa langsung"), at("2030-10-03T08:20"))
    rounds.submit_round(round_at("2030-10-03", "13:00"), user("it.sari"),
                        entries(note="Diperiksa langsung"), at("2030-10-03T14:30"))
    run_due(at("2030-10-03T16:00"))
    assert missed_notices(at("2030-10-03T00:00")) == []

    resumed = at("2030-10-10T07:00")
    result = run_due(resumed)  # ONE pass after the gap

    db.session.expire_all()
    gap = db.session.execute(select(ChecklistRound).where(
        ChecklistRound.date.between(dt.date(2030, 10, 4), dt.date(2030, 10, 9)))
        .order_by(ChecklistRound.date, ChecklistRound.slot)).scalars().all()
    assert [(r.date.isoformat(), r.slot, r.status) for r in gap] == [
        ("2030-10-04", "08:00", "missed"), ("2030-10-04", "13:00", "missed"),
        ("2030-10-08", "08:00", "missed"), ("2030-10-08", "13:00", "missed"),
        ("2030-10-09", "08:00", "missed"), ("2030-10-09", "13:00", "missed"),
    ]
    assert result["missed"] == 6
    today = db.session.execute(select(ChecklistRound.slot, ChecklistRound.status).where(
        ChecklistRound.date == dt.date(2030, 10, 10)).order_by(ChecklistRound.slot)).all()
    assert [tuple(r) for r in today] == [("08:00", "scheduled"), ("13:00", "scheduled")]

    # One summary per person (the IT officers and the Kasi), listing all six rounds.
    notices = missed_notices(resumed)
    assert sorted(n.recipient.username for n in notices) == ["it.budi", "it.sari", "kasi.pdsi"]
    body = notices[0].body_text
    for day in ("Jumat, 4 Oktober 2030", "Selasa, 8 Oktober 2030", "Rabu, 9 Oktober 2030"):
        assert body.count(day) == 2
    assert "Senin, 7 Oktober 2030" not in body and "Sabtu" not in body
    assert notices[0].subject == "6 putaran checklist terlewat"

    # The next pass, and a second one at the same minute, create and send nothing more.
    assert run_due(resumed)["rounds_created"] == 0
    run_due(at("2030-10-10T07:01"))
    assert len(missed_notices(resumed)) == 3
    assert db.session.query(ChecklistRound).filter(
        ChecklistRound.date.between(dt.date(2030, 10, 4), dt.date(2030, 10, 9))).count() == 6

    # The report counts every slot: 1 on time, 1 late, 6 missed (the 10th's are not due yet).
    path = tmp_path / "checklist.xlsx"
    out = app.test_cli_runner().invoke(args=[
        "report", "checklist", "--from", "2030-10-01", "--to", "2030-10-31",
        "--output", str(path), "--now", "2030-10-10T07:05:00+08:00"])
    assert out.exit_code == 0, out.output
    book = openpyxl.load_workbook(path)
    by_month = sheet_rows(book["Kepatuhan per Bulan"])
    assert by_month["Oktober 2030"] == [8, 1, 1, 6, 0.125, 0.125, 0.75]
    by_officer = sheet_rows(book["Kepatuhan per Petugas"])
    budi, sari = user("it.budi").full_name, user("it.sari").full_name
    assert by_officer == {
        budi: [1, 1, 0, 0, 1.0, 0.0, 0.0],
        sari: [1, 0, 1, 0, 0.0, 1.0, 0.0],
        "(tanpa petugas)": [6, 0, 0, 6, 0.0, 0.0, 1.0],
    }
    charts = book["Kepatuhan per Bulan"]._charts
    assert len(charts) == 1 and charts[0].grouping == "stacked"


def test_catch_up_is_bounded_per_pass_and_continues_where_it_stopped(app, ctx):
    """A stop longer than CATCH_UP_DAYS is filled over several passes, oldest days first."""
    assert rounds.CATCH_UP_DAYS == 31
    # The last pass above caught up to 10 October. Stopped until Monday 2 December 2030:
    first = run_due(at("2030-12-02T07:00"))
    db.session.expire_all()
    made = db.session.execute(select(ChecklistRound.date).where(
        ChecklistRound.date > dt.date(2030, 10, 10)).distinct()).scalars().all()
    # 11 October .. 10 November (31 days, 21 working days up to Friday 8 November) and today.
    assert len(made) == 21 + 1 and max(d for d in made if d.month != 12) == dt.date(2030, 11, 8)
    assert first["rounds_created"] == 2 * 22
    second = run_due(at("2030-12-02T07:01"))  # 11 Nov .. 2 Dec: 15 working days left
    assert second["rounds_created"] == 2 * 15
    assert run_due(at("2030-12-02T07:02"))["rounds_created"] == 0
    assert db.session.query(ChecklistRound).filter(
        ChecklistRound.date.between(dt.date(2030, 10, 11), dt.date(2030, 12, 1)),
        ChecklistRound.status != "missed").count() == 0


# --- a check is a check ------------------------------------------------------------------------

@pytest.fixture()
def fresh_round(ctx):
    """A round of a past working day (2026), made as the clock would, not yet filled in."""
    def make(day: str, slot: str = "08:00") -> ChecklistRound:
        rounds.ensure_rounds(dt.date.fromisoformat(day))
        return round_at(day, slot)
    return make


def test_a_round_with_every_item_not_checked_is_refused(api, login_as, fresh_round):
    rnd = fresh_round("2026-11-23")  # a Monday
    path = f"/api/v1/checklist_round/{rnd.id}/actions/submit"
    rv = api("it.budi").post(path, json={"entries": entries("not_checked")})
    assert rv.status_code == 400
    assert rv.get_json()["errors"] == {"entries": (
        "Tidak ada item yang diperiksa: satu putaran memerlukan sedikitnya satu item yang "
        "diperiksa (Normal atau Gangguan).")}
    # The same in the browser form, the round left as it was.
    form = {f"result_{item.id}": "not_checked" for item in rounds.active_items()}
    rv = login_as("it.sari").post(f"/checklist/round/{rnd.id}/submit", data=form)
    assert rv.status_code == 400
    assert "Tidak ada item yang diperiksa" in rv.get_data(as_text=True)
    assert round_at("2026-11-23", "08:00").submitted_at is None
    # One item checked is a check.
    rv = api("it.budi").post(path, json={"entries": entries("not_checked", i0={"result": "ok"})})
    assert rv.status_code == 200 and rv.get_json()["result"]["status"] == "late"


def test_overriding_a_probe_fault_as_ok_needs_a_note(api, login_as, fresh_round):
    rnd = fresh_round("2026-11-24")  # a Tuesday
    probed = rounds.active_items()[2]
    db.session.add(ChecklistEntry(round_id=rnd.id, item_id=probed.id, suggested_result="fault",
                                  suggested_error="Koneksi ditolak"))
    db.session.commit()
    path = f"/api/v1/checklist_round/{rnd.id}/actions/submit"
    rv = api("it.budi").post(path, json={"entries": entries()})
    assert rv.status_code == 400
    assert rv.get_json()["errors"] == {"entries.2.note": (
        f"Item '{probed.name}': pemeriksaan otomatis menemukan gangguan; jelaskan di keterangan "
        "mengapa kondisinya normal.")}
    # In the browser the message stands beside that item's note.
    form = {f"result_{item.id}": "ok" for item in rounds.active_items()}
    page = login_as("it.sari").post(f"/checklist/round/{rnd.id}/submit", data=form)
    assert page.status_code == 400
    assert f'id="error-note_{probed.id}">Item &#39;{probed.name}&#39;: pemeriksaan otomatis' \
        in page.get_data(as_text=True)
    # Agreeing with the probe is a fault, which needs its note too; the override with one passes.
    rv = api("it.budi").post(path, json={"entries": entries(i2={"note": "Dicek manual: normal"})})
    assert rv.status_code == 200, rv.get_json()


# --- reading does not write ----------------------------------------------------------------

@pytest.fixture()
def no_sockets(monkeypatch):
    opened = []

    def refuse(*args, **kwargs):
        opened.append(args)
        raise OSError("no network in a page view")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    return opened


def test_the_checklist_pages_write_nothing_and_open_no_socket(app, login_as, ctx, no_sockets):
    """GET /checklist/ (today: the clock made no round in this module's 2026), a round whose
    probes have not run, a day without rounds, the month: no INSERT/UPDATE/DELETE, no COMMIT,
    no socket."""
    rnd = round_at("2026-11-23", "13:00")  # made in an earlier test, never probed
    assert rnd.probed_at is None
    officer, kasi = login_as("it.budi"), login_as("kasi.pdsi")
    writes, commits = [], []

    def on_statement(conn, cursor, statement, *args):
        if statement.lstrip().split(" ", 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            writes.append(statement)

    def on_commit(conn):
        commits.append(conn)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", on_statement)
    event.listen(engine, "commit", on_commit)
    try:
        pages = [officer.get("/checklist/"), kasi.get("/checklist/"),
                 officer.get(f"/checklist/round/{rnd.id}"),
                 kasi.get("/checklist/day/2026-11-26"), officer.get("/checklist/month?m=2026-11")]
    finally:
        event.remove(engine, "before_cursor_execute", on_statement)
        event.remove(engine, "commit", on_commit)
    assert writes == [] and commits == [] and no_sockets == []
    assert [p.status_code for p in pages] == [200] * 5
    db.session.expire_all()
    assert db.session.get(ChecklistRound, rnd.id).probed_at is None
    # The round the clock never moved reads as what it is by now, though stored `scheduled`.
    assert 'id="round-status">Terlewat</span>' in pages[2].get_data(as_text=True)
    assert db.session.get(ChecklistRound, rnd.id).status == "scheduled"
    # A day's slots are shown from the calendar, though no round exists yet.
    page = pages[3].get_data(as_text=True)
    assert page.count('class="list-group-item round-pending"') == 2


def test_an_officer_opens_the_rounds_the_clock_did_not_make(login_as, ctx):
    """Thursday 26 November 2026 has no rounds (shown from the calendar above): an officer's
    POST makes both, as the clock would, and opens the one asked for."""
    assert denied(login_as("kasi.pdsi").post("/checklist/day/2026-11-26/open",
                                             data={"slot": "13:00"}))
    officer = login_as("it.budi")
    assert officer.get("/checklist/day/2026-11-26/open").status_code == 405
    assert officer.post("/checklist/day/2031-11-26/open").status_code == 404  # not begun
    page = officer.get("/checklist/day/2026-11-26").get_data(as_text=True)
    assert page.count("Buka putaran ini") == 2
    rv = officer.post("/checklist/day/2026-11-26/open", data={"slot": "13:00"})
    made = {r.slot: r for r in rounds.rounds_of(dt.date(2026, 11, 26))}
    assert sorted(made) == ["08:00", "13:00"]
    assert {r.status for r in made.values()} == {"missed"}
    assert rv.status_code == 302
    assert rv.headers["Location"].endswith(f"/checklist/round/{made['13:00'].id}")


def test_check_again_runs_the_probes_on_an_officers_post(login_as, ctx, fresh_round):
    rnd = fresh_round("2026-11-25")
    officer = login_as("it.budi")
    page = officer.get(f"/checklist/round/{rnd.id}").get_data(as_text=True)
    assert 'id="probe-again"' in page and "Pemeriksaan otomatis belum dijalankan" in page
    assert denied(login_as("kasi.pdsi").post(f"/checklist/round/{rnd.id}/probe"))
    assert officer.get(f"/checklist/round/{rnd.id}/probe").status_code == 405
    rv = officer.post(f"/checklist/round/{rnd.id}/probe")
    assert rv.status_code == 302
    db.session.expire_all()
    rnd = db.session.get(ChecklistRound, rnd.id)
    assert rnd.probed_at is not None
    probed = {e.item.code for e in rnd.entries if e.suggested_result}
    assert len(probed) == 3  # the three seeded items with a probe (HTTP, disk, TCP)
    page = officer.get(f"/checklist/round/{rnd.id}").get_data(as_text=True)
    assert "Pemeriksaan otomatis terakhir" in page and 'id="probed-at"' in page


def denied(response) -> bool:
    return response.status_code == 403 or (
        response.status_code == 302 and "/login/" in response.headers["Location"])


# --- the print -------------------------------------------------------------------------------

def test_a_late_round_prints_its_fill_in_date(api, fresh_round):
    """Rounds of 1 December filled on 2 December at 08.28 WITA."""
    morning = fresh_round("2026-12-01", "08:00")
    rounds.submit_round(morning, user("it.budi"), entries(), at("2026-12-02T08:28"))
    afternoon = round_at("2026-12-01", "13:00")
    rounds.submit_round(afternoon, user("it.sari"), entries(), at("2026-12-01T13:20"))
    _pages, text = read_pdf(api("kasi.pdsi").get("/print/checklist/2026-12-01.pdf"))
    assert "2 Desember 2026, 08.28 WITA" in text
    assert "13.20 WITA" in text and "1 Desember 2026, 13.20 WITA" not in text


def test_mengetahui_is_empty_until_the_kasi_acknowledges(api, login_as, ctx):
    """1 December 2026 (filled in above): the block is dotted until the Kasi acts."""
    kasi = user("kasi.pdsi")
    _pages, text = read_pdf(api("kasi.pdsi").get("/print/checklist/2026-12-01.pdf"))
    assert "Mengetahui" in text and kasi.full_name not in text and kasi.nip not in text
    assert login_as("it.budi").post("/checklist/day/2026-12-01/acknowledge").status_code == 403
    assert login_as("admin").post("/checklist/day/2026-12-01/acknowledge").status_code == 403
    page = login_as("kasi.pdsi").get("/checklist/day/2026-12-01").get_data(as_text=True)
    assert 'id="acknowledge"' in page and 'id="not-acknowledged"' not in page

    rv = login_as("kasi.pdsi").post("/checklist/day/2026-12-01/acknowledge")
    assert rv.status_code == 302
    ack = db.session.execute(select(ChecklistAcknowledgement).where(
        ChecklistAcknowledgement.date == dt.date(2026, 12, 1))).scalar_one()
    assert ack.acknowledged_by.username == "kasi.pdsi"
    rv = login_as("kasi.pdsi").post("/checklist/day/2026-12-01/acknowledge")
    assert rv.status_code == 409  # once only, said on the day's page
    assert "Checklist tanggal 1 Desember 2026 sudah diberi tanda Mengetahui." in rv.get_data(
        as_text=True)
    ack.acknowledged_at = at("2026-12-03T09:00")  # a known moment for the printed date
    db.session.commit()
    _pages, text = read_pdf(api("kasi.pdsi").get("/print/checklist/2026-12-01.pdf"))
    assert kasi.full_name in text and f"NIP. {kasi.nip}" in text
    assert "Denpasar, 3 Desember 2026" in text
    page = login_as("it.budi").get("/checklist/day/2026-12-01").get_data(as_text=True)
    assert 'id="acknowledged-by"' in page and kasi.full_name in page
    assert "3 Desember 2026, 09.00 WITA" in page


def test_a_day_with_a_round_still_to_come_cannot_be_acknowledged(ctx):
    day = dt.date(2030, 12, 2)  # the clock made it at 07.00 above; 13.00 not reached at 10.00
    with pytest.raises(rounds.ChecklistError) as refused:
        acknowledgement.acknowledge(day, user("kasi.pdsi"), at("2030-12-02T10:00"))
    assert refused.value.status == 409
    acknowledgement.acknowledge(day, user("kasi.pdsi"), at("2030-12-02T14:01"))  # both missed


def test_an_incident_is_recorded_by_the_it_officer(api, ctx):
    rv = api("it.budi").post("/api/v1/incident/", json={
        "occurred_at": "2026-12-01T10:15:00", "description": "Server basis data lambat"})
    assert rv.status_code == 201, rv.get_json()
    by_officer = db.session.get(Incident, rv.get_json()["id"])
    assert by_officer.recorded_by.username == "it.budi"

    rv = api("pemohon").post("/api/v1/incident/", json={
        "occurred_at": "2026-12-01T11:00:00", "description": "Cetak izin gagal di loket 2"})
    by_staff = rv.get_json()["id"]
    assert db.session.get(Incident, by_staff).recorded_by_id is None
    system = db.session.execute(select(SimSystem.id).where(SimSystem.active.is_(True))).scalar()
    rv = api("it.sari").put(f"/api/v1/incident/{by_staff}", json={
        "impact": "Loket 2 dilayani manual", "system_id": system})
    assert rv.status_code == 200, rv.get_json()
    db.session.expire_all()
    assert db.session.get(Incident, by_staff).recorded_by.username == "it.sari"

    _pages, text = read_pdf(api("kasi.pdsi").get("/print/checklist/2026-12-01.pdf"))
    assert f"Dicatat oleh: {user('it.budi').full_name}" in text
    assert f"Dicatat oleh: {user('it.sari').full_name}" in text
    assert f"Dilaporkan oleh: {user('pemohon').full_name}" in text
