"""Bad input of any shape is a 4xx in Indonesian, never a 500 (SPEC §8, issue 14).

Each case is one that answered 500 (or was wrongly accepted) before: written out here with
the answer a client should get.
"""

from __future__ import annotations

import datetime as dt
import io
import threading

from sqlalchemy import delete, func, select

from app.extensions import db
from app.notify.models import Outbox
from app.notify.sender import send_due
from app.requests.models import Attachment, ServiceRequest
from app.timeutil import WITA, to_utc_naive
from tests.helpers import tiny_png
from tests.workflow_helpers import act, new_request, request_in, user

API = "/api/v1/support_request/"


def test_hostile_api_input_is_answered_in_indonesian(api, ctx):
    admin, pemohon = api("admin"), api("pemohon")
    support_type = db.session.execute(select(ServiceRequest.support_type_id).where(
        ServiceRequest.support_type_id.isnot(None))).scalars().first()
    cases = [
        (admin.get("/api/v1/improvement_request/?q=(page:99999999999999999999)"), 400,
         "Angka di luar batas"),
        (admin.get("/api/v1/improvement_request/?q=" + "(" * 80), 400, "bersarang"),
        (admin.get("/api/v1/improvement_request/?q=(page_size:100000)"), 400,
         "Ukuran halaman"),
        (pemohon.post(API, data=b'{"title": "\\ud800", "description": "x"}',
                      content_type="application/json"), 400, "karakter yang tidak valid"),
        (pemohon.post(API, json={"title": "a\x00b", "support_type_id": support_type,
                                 "description": "x"}), 400, "karakter yang tidak valid"),
        (pemohon.post(API, json={"title": "a", "support_type_id": 2**63,
                                 "description": "x"}), 400, "Angka di luar batas"),
        (pemohon.post(API, data=b'{"title": "' + b"a" * (8 * 1024 * 1024) + b'"}',
                      content_type="application/json"), 413, "terlalu besar"),
        (pemohon.post(API, data=b'{"title": "' + b"a" * (2 * 1024 * 1024) + b'"}',
                      content_type="application/json"), 413, "terlalu besar"),
        (admin.put(f"/api/v1/security/users/{user('pemohon').id}", data="x",
                   content_type="text/plain"), 400, "JSON"),
        (admin.put("/api/v1/security/roles/99999999999999999999/users",
                   json={"user_ids": []}), 404, None),
        (admin.post("/api/v1/security/roles/", json={"name": ""}), 400, "wajib diisi"),
        (api(None).post("/api/v1/security/login", json={"username": "x", "password": "y"}),
         400, "provider"),
    ]
    for n, (rv, status, words) in enumerate(cases):
        assert rv.status_code == status, (n, rv.status_code, rv.get_data(as_text=True)[:200])
        if words:
            assert words in str(rv.get_json()), (n, rv.get_json())


def test_hostile_pages_and_dates_are_answered_plainly(login_as, ctx):
    browser = login_as("kasi.pdsi")
    assert browser.get("/checklist/month?m=9999-12").status_code == 400
    assert browser.get("/checklist/month?m=2026-13").status_code == 400
    assert browser.get("/print/checklist/0001-01-01.pdf").status_code == 400
    assert browser.get("/print/checklist/20261215.pdf").status_code == 400
    rv = browser.get("/improvementrequestview/list/?page_ImprovementRequestView=99999999999999")
    assert rv.status_code == 400 and "Halaman" in rv.get_data(as_text=True)


def test_a_list_page_size_is_capped(login_as, ctx):
    rv = login_as("kasi.pdsi").get(
        "/supportrequestview/list/?psize_SupportRequestView=60000&_oc_SupportRequestView=id")
    assert rv.status_code == 302
    assert "psize_SupportRequestView=100" in rv.headers["Location"]
    assert "_oc_SupportRequestView=id" in rv.headers["Location"]
    rv = login_as("kasi.pdsi").get("/supportrequestview/list/?psize_SupportRequestView=-1")
    assert rv.status_code == 302 and "psize_SupportRequestView=100" in rv.headers["Location"]


def test_target_dates_are_strict_and_within_a_year(api, ctx):
    req = request_in("pending_assessment")
    kasi = api("kasi.pdsi")
    for typed in ("9999-12-31", "20261215", "2026-W50-2", "2090-01-02"):
        rv = kasi.post(f"/api/v1/improvement_request/{req.id}/actions/assess", json={
            "feasible": True, "officer_id": user("it.budi").id, "target_date": typed})
        assert rv.status_code == 400, typed
        assert "target_date" in rv.get_json()["errors"], typed
    db.session.expire_all()
    assert db.session.get(ServiceRequest, req.id).status == "pending_assessment"


def test_percent_and_underscore_are_searched_as_typed(api, login_as, ctx):
    marked = new_request(title="Diskon 50%_khusus loket")
    plain = new_request(title="Diskon lima puluh persen")
    for req in (marked, plain):
        act(req, "submit", "pemohon", {})
    client = api("kasi.pdsi")
    for typed, expected in (("%", {marked.id}), ("_", {marked.id}), ("50%_", {marked.id}),
                            ("Diskon", {marked.id, plain.id})):
        value = typed.replace("%", "%25")
        rv = client.get("/api/v1/improvement_request/?q=(filters:!((col:title,opr:ct,"
                        f"value:'{value}')),page_size:100)")
        found = {row["id"] for row in rv.get_json()["result"]} & {marked.id, plain.id}
        assert found == expected, typed
    page = login_as("kasi.pdsi").get("/improvementrequestview/list/?_flt_2_title=%25"
                                     ).get_data(as_text=True)
    assert f"/improvementrequestview/show/{marked.id}" in page
    assert f"/improvementrequestview/show/{plain.id}" not in page


def test_parallel_uploads_respect_the_limit_and_names_follow_the_content(app, login_as, ctx):
    req = request_in("pending_unit_approval")
    url = f"/improvementrequestview/attach/{req.id}"
    clients = [login_as("pemohon") for _ in range(15)]
    codes: list[int] = []

    def upload(client, n):
        rv = client.post(url, data={"file": (io.BytesIO(tiny_png()), f"bukti-{n}.png")},
                         content_type="multipart/form-data")
        codes.append(rv.status_code)

    threads = [threading.Thread(target=upload, args=(c, n)) for n, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(codes) == 15 and set(codes) <= {302, 400}, codes
    stored = db.session.execute(select(func.count()).select_from(Attachment).where(
        Attachment.request_id == req.id)).scalar()
    assert stored == 10
    # A PNG that says it is a page is stored and downloaded as what it is.
    other = request_in("pending_unit_approval")
    rv = login_as("pemohon").post(f"/improvementrequestview/attach/{other.id}", data={
        "file": (io.BytesIO(tiny_png() + b"<html><script>alert(1)</script>"), "x.html")},
        content_type="multipart/form-data")
    assert rv.status_code == 302
    attachment = db.session.execute(select(Attachment).where(
        Attachment.request_id == other.id)).scalar_one()
    assert attachment.original_name == "x.png"
    rv = login_as("pemohon").get(f"/improvementrequestview/attachment/{other.id}/{attachment.id}")
    assert rv.headers["Content-Disposition"].startswith("attachment")
    assert "x.png" in rv.headers["Content-Disposition"] and rv.mimetype == "image/png"


def test_a_mail_first_tried_after_a_weekend_outage_still_gets_its_day(app, ctx, login_as):
    db.session.execute(delete(Outbox).where(Outbox.status.in_(("queued", "failed"))))
    db.session.commit()
    friday = to_utc_naive(dt.datetime(2027, 5, 7, 17, 0, tzinfo=WITA))
    req = request_in("draft", now=friday)
    act(req, "submit", "pemohon", {}, now=friday)
    row = db.session.execute(select(Outbox).where(Outbox.request_id == req.id)).scalar_one()
    monday = friday + dt.timedelta(days=3)  # the clock (and mail) come back on Monday
    send_due(monday)  # nothing listens on the test's mail port: the first try fails
    db.session.refresh(row)
    assert row.status == "queued" and row.attempts == 1  # not given up after one try
    send_due(monday + dt.timedelta(hours=23))
    db.session.refresh(row)
    assert row.status == "queued"
    send_due(monday + dt.timedelta(days=1, minutes=1))
    db.session.refresh(row)
    assert row.status == "failed"
    home = login_as("admin").get("/").get_data(as_text=True)
    assert 'id="failed-mail"' in home and "tidak dapat dikirim" in home
    db.session.execute(delete(Outbox).where(Outbox.id == row.id))
    db.session.commit()
