"""The request pages in the browser session: buttons, action forms, errors, query counts."""

from __future__ import annotations

import re

from app.extensions import db
from app.requests.models import ServiceRequest
from tests.helpers import count_queries
from tests.workflow_helpers import request_in, target_date, user


def buttons(html: str) -> set[str]:
    return set(re.findall(r'id="btn-([a-z_]+)"', html)) - {"attach"}


def test_request_page_shows_exactly_the_allowed_buttons(login_as, ctx):
    req = request_in("pending_unit_approval")
    url = f"/improvementrequestview/show/{req.id}"
    assert buttons(login_as("kabid.pelayanan").get(url).get_data(as_text=True)) == {
        "unit_approve", "unit_reject", "unit_return"}
    assert buttons(login_as("pemohon").get(url).get_data(as_text=True)) == {"cancel"}
    assert buttons(login_as("kasi.pdsi").get(url).get_data(as_text=True)) == set()
    assert buttons(login_as("pimpinan").get(url).get_data(as_text=True)) == set()


def test_action_through_the_form_moves_the_request(login_as, ctx):
    req = request_in("pending_assessment")
    client = login_as("kasi.pdsi")
    rv = client.post(f"/improvementrequestview/act/{req.id}/assess", data={
        "feasible": "1", "officer_id": user("it.budi").id,
        "target_date": target_date().isoformat(), "note": "Layak.", "version": req.version})
    assert rv.status_code == 302
    db.session.expire_all()
    assert db.session.get(ServiceRequest, req.id).status == "pending_kabid_approval"
    page = client.get(f"/improvementrequestview/show/{req.id}").get_data(as_text=True)
    assert "Layak." in page


def test_bad_input_reopens_the_form_with_the_message(login_as, ctx):
    req = request_in("pending_assessment")
    rv = login_as("kasi.pdsi").post(f"/improvementrequestview/act/{req.id}/assess", data={
        "feasible": "1", "officer_id": user("it.budi").id, "target_date": "2020-01-06"})
    assert rv.status_code == 400
    assert "Target waktu tidak boleh sebelum hari ini" in rv.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(ServiceRequest, req.id).status == "pending_assessment"


def test_action_on_an_invisible_id_is_404_and_changes_nothing(login_as, ctx):
    req = request_in("pending_unit_approval")
    rv = login_as("kasubag.umum").post(f"/improvementrequestview/act/{req.id}/unit_approve",
                                       data={})
    assert rv.status_code == 404
    rv = login_as("pemohon2").post(f"/improvementrequestview/act/{req.id}/cancel",
                                   data={"note": "x"})
    assert rv.status_code == 404
    db.session.expire_all()
    assert db.session.get(ServiceRequest, req.id).status == "pending_unit_approval"


def test_someone_elses_edit_is_refused(login_as, ctx):
    draft = request_in("draft")  # a colleague's draft is not there for them at all
    rv = login_as("rina.kusuma").post(f"/improvementrequestview/edit/{draft.id}",
                                      data={"title": "Dibajak"})
    assert rv.status_code == 404
    submitted = request_in("pending_unit_approval")  # seen by the unit, edited by nobody
    rv = login_as("rina.kusuma").post(f"/improvementrequestview/edit/{submitted.id}",
                                      data={"title": "Dibajak"})
    assert rv.status_code == 302
    db.session.expire_all()
    assert db.session.get(ServiceRequest, draft.id).title != "Dibajak"
    assert db.session.get(ServiceRequest, submitted.id).title != "Dibajak"


def test_home_lists_what_waits_overdue_first(login_as, ctx):
    waiting = request_in("pending_kabid_approval")
    page = login_as("kabid.dalak").get("/").get_data(as_text=True)
    assert waiting.title in page
    kasi_page = login_as("kasi.pdsi").get("/").get_data(as_text=True)
    assert waiting.title not in kasi_page
    # The seeded sample that is past its target date comes before everything else.
    rows = re.findall(r'<tr class="(danger|)">', kasi_page)
    assert rows and rows[0] == "danger"


def test_list_page_statements_do_not_grow_with_page_size(app, login_as, ctx):
    for _ in range(30):
        request_in("pending_unit_approval")
    client = login_as("kabid.pelayanan")  # Kepala Unit: the row filter is on
    client.get("/improvementrequestview/list/")  # warm up
    counts = {}
    for size in (5, 25):
        with count_queries(app) as statements:
            rv = client.get(f"/improvementrequestview/list/?psize_ImprovementRequestView={size}")
        assert rv.status_code == 200
        assert rv.get_data(as_text=True).count("/improvementrequestview/show/") >= size
        counts[size] = len(statements)
    assert counts[5] == counts[25], counts
    assert counts[25] <= 8, counts


def test_attachments_by_content_size_limited_and_row_checked(app, login_as, ctx):
    import io

    from tests.helpers import tiny_png

    req = request_in("draft")
    client = login_as("pemohon")
    url = f"/improvementrequestview/attach/{req.id}"
    rv = client.post(url, data={"file": (io.BytesIO(b"<script>alert(1)</script>"), "foto.png")},
                     content_type="multipart/form-data")
    assert rv.status_code == 400 and "Jenis berkas tidak diizinkan" in rv.get_data(as_text=True)
    big = b"%PDF-" + b"0" * app.config["ATTACHMENT_MAX_BYTES"]
    rv = client.post(url, data={"file": (io.BytesIO(big), "besar.pdf")},
                     content_type="multipart/form-data")
    assert rv.status_code in (400, 413)
    rv = client.post(url, data={"file": (io.BytesIO(tiny_png()), "../../layar.png")},
                     content_type="multipart/form-data")
    assert rv.status_code == 302
    db.session.expire_all()
    attachment = db.session.get(ServiceRequest, req.id).attachments[0]
    assert attachment.content_type == "image/png" and attachment.original_name == "layar.png"
    assert attachment.stored_name != "layar.png" and "static" not in app.config["ATTACHMENT_FOLDER"]
    download = f"/improvementrequestview/attachment/{req.id}/{attachment.id}"
    rv = client.get(download)
    assert rv.status_code == 200 and rv.data == tiny_png()
    assert rv.headers["Content-Disposition"].startswith("attachment")
    assert login_as("pemohon2").get(download).status_code == 404
    assert login_as("rina.kusuma").post(url, data={}).status_code == 404  # a draft is private
