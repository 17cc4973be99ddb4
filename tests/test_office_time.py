"""A time typed as office time (WITA) stays that time on every surface (SPEC §3 Time, issue 16).

Each test types 08:20 (or a time near midnight) the way a person or a client does, through
the form or the API without an offset, and reads it back where people read it: the page,
the edit form, the API (with +08:00), the FM-02 of the right day, the XLSX reports, the
printed FM-03 and the email. The year 2033 is used by no other test, so its days hold only
the rows made here.
"""

from __future__ import annotations

import datetime as dt
import email
import io

import openpyxl
import pytest
from sqlalchemy import select

import reports
from app.checklist import calendar, incidents
from app.checklist.models import Incident
from app.extensions import db
from app.notify.sender import send_due
from app.requests.models import SimSystem, SupportRequest, SupportType
from app.timeutil import WITA, to_utc_naive
from tests.helpers import read_pdf
from tests.workflow_helpers import act, new_request, user


def utc(text: str) -> dt.datetime:
    """A WITA wall-clock time, as the naive UTC the database must hold for it."""
    return to_utc_naive(dt.datetime.fromisoformat(text).replace(tzinfo=WITA))


@pytest.fixture(scope="module")
def year_2033(app):
    with app.app_context():
        calendar.seed_year(2033)
        db.session.commit()
        db.session.remove()


def incident_by(description: str) -> Incident:
    return db.session.execute(
        select(Incident).where(Incident.description == description)).scalar_one()


def request_by(title: str) -> SupportRequest:
    return db.session.execute(
        select(SupportRequest).where(SupportRequest.title == title)).scalar_one()


def xlsx_rows(tmp_path, name: str, start: str, end: str, first_header: str) -> list[dict]:
    path = tmp_path / f"{name}-{start}.xlsx"
    reports.build_report(name, str(path), dt.date.fromisoformat(start),
                         dt.date.fromisoformat(end), user=user("kasi.pdsi"),
                         now=utc("2033-04-01T09:00"))
    rows = next(rows for rows in (list(sheet.iter_rows(values_only=True))
                                  for sheet in openpyxl.load_workbook(path).worksheets)
                if any(row[0] == first_header for row in rows))
    header_at = next(i for i, row in enumerate(rows) if row[0] == first_header)
    headers = rows[header_at]
    found = []
    for row in rows[header_at + 1:]:
        if row[0] is None:
            break
        found.append(dict(zip(headers, row, strict=False)))
    return found


# --- incidents: the form, the page, the edit form, the API, the XLSX ---------------------------

def test_incident_typed_in_the_form_is_office_time_everywhere(app, ctx, year_2033, login_as,
                                                              api, tmp_path):
    browser = login_as("it.budi")
    system = db.session.execute(select(SimSystem.id).limit(1)).scalar_one()
    rv = browser.post("/incidentview/add", data={
        "occurred_at": "2033-03-07T08:20", "system": str(system),
        "description": "Uji waktu: SIM lambat pagi hari", "impact": "Loket menunggu"})
    assert rv.status_code == 302, rv.get_data(as_text=True)[:2000]
    incident = incident_by("Uji waktu: SIM lambat pagi hari")
    assert incident.occurred_at == dt.datetime(2033, 3, 7, 0, 20)  # stored as UTC

    page = browser.get(f"/incidentview/show/{incident.id}").get_data(as_text=True)
    assert "7 Maret 2033, 08.20 WITA" in page
    form = browser.get(f"/incidentview/edit/{incident.id}").get_data(as_text=True)
    assert 'value="07-03-2033"' in form and 'value="08.20"' in form  # day-month-year, WITA
    # Saving the edit form unchanged keeps the time (no second shift).
    rv = browser.post(f"/incidentview/edit/{incident.id}", data={
        "occurred_at": ["07-03-2033", "08.20"], "system": str(system),
        "description": "Uji waktu: SIM lambat pagi hari", "impact": "Loket menunggu"})
    assert rv.status_code == 302
    db.session.expire_all()
    assert incident_by("Uji waktu: SIM lambat pagi hari").occurred_at == dt.datetime(
        2033, 3, 7, 0, 20)

    shown = api("it.budi").get(f"/api/v1/incident/{incident.id}").get_json()["result"]
    assert shown["occurred_at"] == "2033-03-07T08:20:00+08:00"

    # Resolved two and a half hours later (10:50 WITA): the XLSX says 2.5 hours, not -5.5.
    incidents.resolve(incident, user("it.budi"), "Cache dibersihkan.", utc("2033-03-07T10:50"))
    db.session.commit()
    [row] = [r for r in xlsx_rows(tmp_path, "incidents", "2033-03-07", "2033-03-07",
                                  "Waktu Kejadian")
             if r["Uraian"] == "Uji waktu: SIM lambat pagi hari"]
    assert row["Waktu Kejadian"] == dt.datetime(2033, 3, 7, 8, 20)
    assert row["Waktu Teratasi"] == dt.datetime(2033, 3, 7, 10, 50)
    assert row["Durasi Penanganan (jam)"] == 2.5


def test_a_bad_time_in_the_form_is_refused_in_indonesian(app, ctx, login_as):
    browser = login_as("it.budi")
    rv = browser.post("/incidentview/add", data={
        "occurred_at": "kemarin pagi", "description": "Uji waktu: isian salah", "impact": ""})
    page = rv.get_data(as_text=True)
    assert rv.status_code == 200 and "Tanggal dan jam tidak valid" in page
    assert db.session.execute(select(Incident).where(
        Incident.description == "Uji waktu: isian salah")).first() is None


def test_incident_near_midnight_lands_on_its_wita_day(app, ctx, year_2033, api, login_as,
                                                      tmp_path):
    client = api("it.budi")
    sent = {  # as sent by a client -> the WITA wall-clock time it means
        "Uji waktu: 17.30 tanpa zona": ("2033-03-08T17:30", "17.30"),
        "Uji waktu: 23.50 dengan zona UTC": ("2033-03-08T15:50:00Z", "23.50"),
        "Uji waktu: 00.10 esok hari": ("2033-03-09T00:10", "00.10"),
    }
    for description, (moment, _) in sent.items():
        rv = client.post("/api/v1/incident/", json={"occurred_at": moment,
                                                    "description": description})
        assert rv.status_code == 201, rv.get_json()
    assert client.get(f"/api/v1/incident/{incident_by('Uji waktu: 00.10 esok hari').id}"
                      ).get_json()["result"]["occurred_at"] == "2033-03-09T00:10:00+08:00"

    # The FM-02 of 8 March lists the first two; the one at 00.10 is on 9 March's.
    kasi = login_as("kasi.pdsi")
    _, eighth = read_pdf(kasi.get("/print/checklist/2033-03-08.pdf"))
    _, ninth = read_pdf(kasi.get("/print/checklist/2033-03-09.pdf"))
    assert "17.30 WITA" in eighth and "23.50 WITA" in eighth and "Uji waktu: 00.10" not in eighth
    assert "00.10 WITA" in ninth and "Uji waktu: 17.30" not in ninth

    on_eighth = [r["Uraian"] for r in xlsx_rows(tmp_path, "incidents", "2033-03-08",
                                                "2033-03-08", "Waktu Kejadian")]
    on_ninth = [r["Uraian"] for r in xlsx_rows(tmp_path, "incidents", "2033-03-09",
                                               "2033-03-09", "Waktu Kejadian")]
    assert on_eighth == ["Uji waktu: 17.30 tanpa zona", "Uji waktu: 23.50 dengan zona UTC"]
    assert on_ninth == ["Uji waktu: 00.10 esok hari"]
    # The same report downloaded in the browser.
    rv = kasi.get("/reports/incidents.xlsx?from=2033-03-08&to=2033-03-08")
    assert rv.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(rv.data)).worksheets[0]
    times = [row[0] for row in sheet.iter_rows(values_only=True)
             if isinstance(row[0], dt.datetime)]
    assert times == [dt.datetime(2033, 3, 8, 17, 30), dt.datetime(2033, 3, 8, 23, 50)]


# --- FM-03: needed from/until through the form; page, API, print, email -----------------------

def test_support_request_times_typed_in_the_form(app, ctx, year_2033, login_as, api, mail_to):
    inbox = mail_to()
    while send_due(dt.datetime(2100, 1, 1))["sent"]:
        pass  # earlier tests' mail
    inbox.messages.clear()
    browser = login_as("pemohon")
    kind = db.session.execute(select(SupportType.id).limit(1)).scalar_one()
    rv = browser.post("/supportrequestview/add", data={
        "support_type": str(kind), "title": "Uji waktu: dukungan rapat pagi",
        "description": "Proyektor dan Zoom.", "location": "Ruang Rapat",
        "needed_from": ["10-03-2033", "08.20"], "needed_until": ["10-03-2033", "12.00"]})
    assert rv.status_code == 302, rv.get_data(as_text=True)[:2000]
    req = request_by("Uji waktu: dukungan rapat pagi")
    assert (req.needed_from, req.needed_until) == (dt.datetime(2033, 3, 10, 0, 20),
                                                   dt.datetime(2033, 3, 10, 4, 0))

    page = browser.get(f"/supportrequestview/show/{req.id}").get_data(as_text=True)
    assert "10 Maret 2033, 08.20 WITA" in page and "10 Maret 2033, 12.00 WITA" in page
    form = browser.get(f"/supportrequestview/edit/{req.id}").get_data(as_text=True)
    assert 'value="10-03-2033"' in form and 'value="08.20"' in form and 'value="12.00"' in form

    shown = api("pemohon").get(f"/api/v1/support_request/{req.id}").get_json()["result"]
    assert shown["needed_from"] == "2033-03-10T08:20:00+08:00"
    assert shown["needed_until"] == "2033-03-10T12:00:00+08:00"
    assert shown["created_at"].endswith("+08:00")

    act(req, "submit", "pemohon", {}, now=utc("2033-03-09T09:00"))
    db.session.commit()
    assert send_due(dt.datetime(2100, 1, 1))["sent"] == 1
    [message] = inbox.messages
    body = next(part.get_payload(decode=True).decode() for part in message.walk()
                if part.get_content_type() == "text/plain")
    assert "Dibutuhkan: 10 Maret 2033, 08.20 WITA s.d. 10 Maret 2033, 12.00 WITA." in body
    assert email.utils.parseaddr(message["X-Rcpt"])[1] == user("kabid.pelayanan").email

    _, printed = read_pdf(browser.get(f"/print/support_request/{req.id}.pdf"))
    assert "10 Maret 2033, 08.20 WITA" in printed and "10 Maret 2033, 12.00 WITA" in printed


def test_the_english_screen_writes_english_dates_and_paper_stays_indonesian(app, ctx, year_2033,
                                                                           login_as):
    req = new_request("support", "pemohon", title="Uji waktu: layar bahasa Inggris")
    req.needed_from = utc("2033-03-11T08:20")
    db.session.commit()
    browser = login_as("pemohon")
    browser.get("/lang/en")
    page = browser.get(f"/supportrequestview/show/{req.id}").get_data(as_text=True)
    assert "11 March 2033, 08:20 WITA" in page
    _, printed = read_pdf(browser.get(f"/print/support_request/{req.id}.pdf"))
    assert "11 Maret 2033, 08.20 WITA" in printed
    browser.get("/lang/id")


# --- the registers and the officers' report: an instant just after midnight WITA --------------

def test_requests_just_after_midnight_are_in_the_new_month(app, ctx, year_2033, tmp_path):
    """00:10 WITA on 1 March is 16:10 UTC on 28 February: every report puts it in March."""
    fm01 = new_request("improvement", "pemohon", title="Uji waktu: FM-01 lewat tengah malam",
                       now=utc("2033-02-28T23:00"))
    fm03 = new_request("support", "pemohon", title="Uji waktu: FM-03 lewat tengah malam",
                       now=utc("2033-02-28T23:00"))
    for req in (fm01, fm03):
        act(req, "submit", "pemohon", {}, now=utc("2033-03-01T00:10"))
        act(req, "unit_approve", "kabid.pelayanan", {}, now=utc("2033-03-01T00:11"))
        act(req, "assess", "kasi.pdsi", {
            "feasible": True, "officer_id": user("it.sari").id, "target_date": "2033-03-04",
            "note": "Layak."}, now=utc("2033-03-01T00:12"))
        act(req, "kabid_approve", "kabid.dalak", {}, now=utc("2033-03-01T00:13"))
    db.session.commit()

    def titles(name, start, end):
        return [r["Judul"] for r in xlsx_rows(tmp_path, name, start, end, "Nomor Permintaan")]

    assert "Uji waktu: FM-01 lewat tengah malam" in titles(
        "improvement_requests", "2033-03-01", "2033-03-31")
    assert "Uji waktu: FM-01 lewat tengah malam" not in titles(
        "improvement_requests", "2033-02-01", "2033-02-28")
    assert "Uji waktu: FM-03 lewat tengah malam" in titles(
        "support_requests", "2033-03-01", "2033-03-31")
    assert "Uji waktu: FM-03 lewat tengah malam" not in titles(
        "support_requests", "2033-02-01", "2033-02-28")
    assert fm01.number.endswith("/III/2033") and fm03.number.endswith("/III/2033")

    def assignments(start, end):
        rows = xlsx_rows(tmp_path, "performance", start, end, "Petugas IT")
        return {r["Petugas IT"]: r["Penugasan"] for r in rows}

    sari = user("it.sari").full_name
    assert assignments("2033-03-01", "2033-03-31").get(sari) == 2
    assert assignments("2033-02-01", "2033-02-28").get(sari, 0) == 0


def test_needed_until_before_needed_from_is_refused(app, ctx, login_as, api):
    kind = db.session.execute(select(SupportType.id).limit(1)).scalar_one()
    body = {"support_type": str(kind), "title": "Uji waktu: urutan terbalik",
            "description": "Proyektor.", "location": "Aula",
            "needed_from": "2033-03-14T10:00", "needed_until": "2033-03-14T09:00"}
    rv = login_as("pemohon").post("/supportrequestview/add", data=body)
    assert rv.status_code == 200
    assert "Waktu selesai tidak boleh sebelum waktu mulai." in rv.get_data(as_text=True)
    rv = api("pemohon").post("/api/v1/support_request/", json={
        "support_type_id": kind, "title": body["title"], "description": "Proyektor.",
        "needed_from": "2033-03-14T10:00", "needed_until": "2033-03-14T09:00"})
    assert rv.status_code == 400
    assert rv.get_json()["message"] == {
        "needed_until": ["Waktu selesai tidak boleh sebelum waktu mulai."]}
    rv = api("pemohon").post("/api/v1/support_request/", json={
        "support_type_id": kind, "title": body["title"], "description": "Proyektor.",
        "needed_from": "besok pagi"})
    assert rv.status_code == 400 and list(rv.get_json()["message"]) == ["needed_from"]
    assert db.session.execute(select(SupportRequest).where(
        SupportRequest.title == "Uji waktu: urutan terbalik")).first() is None
