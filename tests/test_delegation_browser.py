"""The absence register and the Kabid-absent rule as the Kasi and a unit head use them, in
Chromium, in Indonesian, on a desktop and on a phone (issue 13).

Screenshots go to test-artifacts/delegation/.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import delete, select

from app.extensions import db
from app.security.models import Absence
from app.timeutil import today_wita
from tests.helpers import Person
from tests.workflow_helpers import request_in, user

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "delegation"
WIDTHS = {"desktop": (1366, 768), "phone": (390, 844)}


class Shooter(Person):
    def __init__(self, *args, name: str, **kwargs):
        super().__init__(*args, shots=False, **kwargs)
        self.name = name

    def snap(self, step: str):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{self.name}-{step}.png"), full_page=True)


@pytest.fixture()
def no_new_absences(live):
    _base, served = live
    with served.app_context():
        before = set(db.session.execute(select(Absence.id)).scalars())
        db.session.remove()
    yield
    with served.app_context():
        db.session.execute(delete(Absence).where(Absence.id.not_in(before)))
        db.session.commit()
        db.session.remove()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_kasi_records_the_kabids_absence_decides_and_ends_it(live, browser, backend, width,
                                                            no_new_absences):
    base, served = live
    with served.app_context():
        # The work that waits: a proposal for the Kabid, and a request to assess.
        proposal = request_in("pending_kabid_approval")
        fresh = request_in("pending_assessment")
        proposal_path = f"/improvementrequestview/show/{proposal.id}"
        fresh_path = f"/improvementrequestview/show/{fresh.id}"
        kabid_name = user("kabid.dalak").full_name
        today = today_wita().isoformat()
        db.session.remove()
    kasi = Shooter(browser, base, "kasi.pdsi", viewport=WIDTHS[width],
                   name=f"{backend}-{width}-kasi")

    # The Kasi records that the Kabid is away today.
    page = kasi.go("/absenceview/add")
    expect(page.locator("body")).to_contain_text("Pejabat")
    page.locator("select#user").select_option(label=kabid_name)
    page.locator("select#kind").select_option("dinas_luar")
    page.fill("#start_date", today)
    page.fill("#end_date", today)
    page.fill("#reason", "Rapat koordinasi di Kantor Gubernur")
    kasi.snap("1-absence-form")
    page.locator("button[type=submit], input[type=submit]").last.click()
    expect(page.locator(".alert-success")).to_be_visible()
    page = kasi.go("/absenceview/list/")
    expect(page.locator("table.table-bordered")).to_contain_text("Rapat koordinasi di Kantor Gubernur")
    expect(page.locator("table.table-bordered")).to_contain_text("Berlaku")
    kasi.snap("2-absence-list")

    # His home page says his decisions are final today.
    page = kasi.go("/")
    expect(page.locator("#kabid-absent-today")).to_contain_text(
        "Kabid Dalak tercatat berhalangan hadir hari ini")

    # The proposal waiting for the Kabid: he sees it and decides it.
    page = kasi.go(proposal_path)
    expect(page.locator("#proposal")).to_contain_text("Layak")
    expect(page.locator("#decides-alone-stamp")).to_have_text("Kabid Dalak berhalangan hadir")
    page.click("#btn-kabid_approve")
    modal = page.locator("#act-kabid_approve.in")
    expect(modal).to_be_visible()
    expect(modal.locator(".kabid-absence-notice")).to_contain_text(
        "Rapat koordinasi di Kantor Gubernur")
    kasi.snap("3-decide-for-the-kabid")
    modal.locator("#submit-kabid_approve").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("#req-status")).to_have_text("Sedang Dikerjakan")
    expect(page.locator("#history")).to_contain_text(
        "Diputuskan Kasi PDSI — Kabid Dalak berhalangan hadir (Rapat koordinasi di Kantor Gubernur)")
    kasi.snap("4-decided")

    # The assess form says beforehand that the decision will be final.
    page = kasi.go(fresh_path)
    page.click("#btn-assess")
    modal = page.locator("#act-assess.in")
    expect(modal).to_be_visible()
    expect(modal.locator(".kabid-absence-notice")).to_contain_text(
        "Keputusan ini final tanpa persetujuan Kabid")
    expect(modal.locator("input[name=kabid_absent]")).to_have_count(0)
    kasi.snap("5-assess-notice")

    # The Kabid turns up: the Kasi cancels the absence ("Batalkan", as it began today); it is
    # kept, marked cancelled.
    page = kasi.go("/absenceview/list/")
    row = page.locator("table.table-bordered tr", has_text="Rapat koordinasi di Kantor Gubernur")
    expect(row.locator("form.end-absence button")).to_have_text("Batalkan")
    row.locator("form.end-absence button").click()
    expect(page.locator(".alert-success")).to_contain_text("Ketidakhadiran dibatalkan.")
    expect(row).to_contain_text("Dibatalkan")
    kasi.snap("6-withdrawn")
    page = kasi.go(fresh_path)
    page.click("#btn-assess")
    expect(page.locator("#act-assess input[name=kabid_absent]")).to_have_count(1)
    kasi.close()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_a_unit_head_cannot_make_himself_plh_of_another_unit(live, browser, backend, width,
                                                            no_new_absences):
    base, served = live
    with served.app_context():
        other_head = user("kabid.pelayanan").full_name
        me = user("kasubag.umum").full_name
        today = today_wita().isoformat()
        db.session.remove()
    head = Shooter(browser, base, "kasubag.umum", viewport=WIDTHS[width],
                   name=f"{backend}-{width}-kasubag")
    page = head.go("/absenceview/add")
    page.locator("select#user").select_option(label=other_head)
    page.fill("#start_date", today)
    page.fill("#end_date", today)
    page.fill("#reason", "Cuti")
    page.locator("select#acting_user").select_option(label=me)
    page.locator("button[type=submit], input[type=submit]").last.click()
    # The form comes back with what was typed and the reason at the field.
    expect(page.locator("body")).to_contain_text(
        "Anda hanya dapat mencatat ketidakhadiran Anda sendiri.")
    expect(page.locator("#reason")).to_have_value("Cuti")
    head.snap("refused")
    with served.app_context():
        assert db.session.execute(select(Absence).where(
            Absence.user_id == user("kabid.pelayanan").id, Absence.start_date == today_wita(),
            Absence.acting_user_id == user("kasubag.umum").id)).first() is None
        db.session.remove()
    head.close()
