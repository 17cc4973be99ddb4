"""Verification of printed forms (issue 19, SPEC §6): the QR code decoded from the rendered page
opens the public page of that form; a forged code is 404; the code is made once per form;
look-ups are limited per address.

Works in April 2033, a month no other test uses.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from PIL import Image
from pyzbar.pyzbar import decode

from app.checklist import calendar, rounds
from app.extensions import db
from app.printing import verify
from app.requests.models import VerificationCode
from app.timeutil import WITA, to_utc_naive
from tests.helpers import ROOT, read_pdf
from tests.workflow_helpers import request_in, user

FORMS_DIR = ROOT / "test-artifacts" / "forms"
BASE = "http://layanan.test"  # TestConfig.APP_BASE_URL


def at(text: str) -> dt.datetime:
    return to_utc_naive(dt.datetime.fromisoformat(text).replace(tzinfo=WITA))


@pytest.fixture()
def year_2033(ctx):
    calendar.seed_year(2033)
    db.session.commit()


def qr_of_first_page(data: bytes, name: str) -> str:
    """Render page 1 with pdftoppm and decode the QR code in the picture with zbar."""
    FORMS_DIR.mkdir(parents=True, exist_ok=True)
    pdf = FORMS_DIR / f"{name}.pdf"
    pdf.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", str(pdf),
                    str(FORMS_DIR / name)], check=True)
    page = next(FORMS_DIR.glob(f"{name}-*1.png"))
    found = decode(Image.open(page))
    assert len(found) == 1, f"{len(found)} QR codes found on {page}"
    return found[0].data.decode()


def test_the_qr_code_of_a_printed_request_opens_its_verification_page(year_2033, backend,
                                                                      app, api):
    now = at("2033-04-04T09:00")  # a Monday
    req = request_in("in_progress", now=now)
    response = api("pemohon").get(f"/print/improvement_request/{req.id}.pdf")
    pages, text = read_pdf(response)

    url = qr_of_first_page(response.data, f"fm01-verify-{backend}")
    assert re.fullmatch(rf"{re.escape(BASE)}/verify/[A-Z2-9]{{12}}", url), url
    code = url.rsplit("/", 1)[1]
    shown = f"{code[:4]}-{code[4:8]}-{code[8:]}"
    assert f"Kode Verifikasi {shown}" in text

    page = app.test_client().get(url.removeprefix(BASE))  # nobody logged in
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for expected in ("Formulir ini terdaftar di sistem Layanan TI.", "FM-DALAK-DAT-02-01",
                     req.number, req.title, "Sedang Dikerjakan", "Disetujui Kabid Dalak", shown):
        assert expected in html, expected
    requester = user("pemohon")
    assert requester.nip not in html and requester.full_name not in html  # nothing personal

    # The same code on every later print, for the API and a browser session alike.
    again = api("kasi.pdsi").get(f"/print/improvement_request/{req.id}.pdf")
    assert f"Kode Verifikasi {shown}" in read_pdf(again)[1]
    assert db.session.query(VerificationCode).filter_by(
        kind="improvement", reference=str(req.id)).count() == 1


def test_the_checklist_print_carries_a_code_too(year_2033, backend, app, api):
    day = dt.date(2033, 4, 5)  # a Tuesday
    rounds.ensure_rounds(day)
    response = api("kasi.pdsi").get("/print/checklist/2033-04-05.pdf")
    url = qr_of_first_page(response.data, f"fm02-verify-{backend}")
    page = app.test_client().get(url.removeprefix(BASE))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "FM-DALAK-DAT-02-02" in html and "2033-04-05" in html


def test_forged_and_unknown_codes_answer_404(year_2033, app):
    client = app.test_client()
    for forged in ("AAAA-BBBB-CCCC", "ABCDEFGHJKMN", "1", "x" * 300, "%27%20OR%201=1"):
        rv = client.get(f"/verify/{forged}")
        assert rv.status_code == 404, forged
        assert "Tidak ada formulir dengan kode verifikasi ini." in rv.get_data(as_text=True)


def test_verification_codes_are_random_not_the_id(year_2033, api):
    now = at("2033-04-06T09:00")
    codes = set()
    for _ in range(2):
        req = request_in("pending_unit_approval", now=now)
        text = read_pdf(api("pemohon").get(f"/print/improvement_request/{req.id}.pdf"))[1]
        codes.add(re.search(r"Kode Verifikasi ([A-Z2-9-]{14})", text).group(1))
        assert str(req.id) not in re.sub(r"\D", "", next(iter(codes)))
    assert len(codes) == 2


def test_lookups_are_limited_per_address(year_2033, app, monkeypatch):
    monkeypatch.setitem(app.config, "VERIFY_RATE_LIMIT", "3 per minute")
    client = app.test_client()
    first = {"REMOTE_ADDR": "10.19.0.1"}
    answers = [client.get("/verify/ABCDEFGHJKMN", environ_base=first).status_code
               for _ in range(4)]
    assert answers == [404, 404, 404, 429]
    assert "Terlalu banyak pemeriksaan" in client.get(
        "/verify/ABCDEFGHJKMN", environ_base=first).get_data(as_text=True)
    other = client.get("/verify/ABCDEFGHJKMN", environ_base={"REMOTE_ADDR": "10.19.0.2"})
    assert other.status_code == 404


def test_racing_first_prints_share_one_code(year_2033, app):
    req = request_in("pending_unit_approval", now=at("2033-04-07T09:00"))
    start = threading.Barrier(4)

    def first_print(_):
        with app.app_context():
            start.wait()
            return verify.code_for("improvement", str(req.id))

    with ThreadPoolExecutor(4) as pool:
        codes = set(pool.map(first_print, range(4)))
    assert len(codes) == 1
    assert db.session.query(VerificationCode).filter_by(
        kind="improvement", reference=str(req.id)).count() == 1
