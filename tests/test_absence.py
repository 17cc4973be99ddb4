"""Absences of officials and their acting official (Plh.) — UI and API (issue #3)."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.security.models import Absence, SecurityLog
from tests.workflow_helpers import user


def test_unit_head_records_own_absence_with_plh(api, ctx):
    rv = api("kabid.pelayanan").post("/api/v1/absence/", json={
        "start_date": "2030-07-01", "end_date": "2030-07-05", "kind": "dinas_luar",
        "reason": "Bimtek OSS RBA di Jakarta", "acting_user_id": user("kasubag.umum").id})
    assert rv.status_code == 201, rv.get_json()
    absence = db.session.get(Absence, rv.get_json()["id"])
    assert absence.user.username == "kabid.pelayanan"
    assert absence.recorded_by.username == "kabid.pelayanan"
    assert absence.acting_user.username == "kasubag.umum"
    assert db.session.execute(select(SecurityLog).where(
        SecurityLog.event == "absence_recorded", SecurityLog.username == "kabid.pelayanan")).first()


def test_official_cannot_record_someone_elses_absence(api, ctx):
    rv = api("kabid.pelayanan").post("/api/v1/absence/", json={
        "user_id": user("kabid.dalak").id, "start_date": "2030-07-01", "end_date": "2030-07-01",
        "reason": "x"})
    assert rv.status_code == 400
    assert "sendiri" in rv.get_json()["message"]["user_id"][0]


def test_admin_records_anyones_absence(api, ctx):
    rv = api("admin").post("/api/v1/absence/", json={
        "user_id": user("kabid.dalak").id, "start_date": "2030-08-01", "end_date": "2030-08-02",
        "kind": "cuti", "reason": "Cuti tahunan"})
    assert rv.status_code == 201


def test_bad_absence_dates_and_missing_reason(api, ctx):
    client = api("kasi.pdsi")
    rv = client.post("/api/v1/absence/", json={"start_date": "2030-07-05",
                                               "end_date": "2030-07-01", "reason": "x"})
    assert rv.status_code == 400
    rv = client.post("/api/v1/absence/", json={"start_date": "2030-07-01",
                                               "end_date": "2030-07-01"})
    assert rv.status_code == 400 and "reason" in rv.get_json()["message"]


def test_pemohon_may_not_record_absences(api, ctx):
    rv = api("pemohon").post("/api/v1/absence/", json={
        "start_date": "2030-07-01", "end_date": "2030-07-01", "reason": "x"})
    assert rv.status_code == 403
