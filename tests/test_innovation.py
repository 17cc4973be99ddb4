"""FM-01's category (issue 19, SPEC §3): `penyempurnaan` improves an existing SIM module and names
it; `inovasi` proposes a new IT product and has none. Both through the API and the screens, the
list filter and the register; the requester's acknowledgement of the result (`acknowledge`).
"""

from __future__ import annotations

import io
import re

import openpyxl
from sqlalchemy import select

from app.extensions import db
from app.requests.models import RequestHistory, ServiceRequest, SimSystem
from app.timeutil import today_wita
from tests.workflow_helpers import request_in, target_date, user

API = "/api/v1/improvement_request"
INNOVATION = {
    "category": "inovasi", "title": "Aplikasi antrean daring untuk loket pengambilan izin",
    "current_condition": "Pemohon mengantre di loket tanpa nomor.",
    "proposed_improvement": "Produk baru: antrean daring dengan notifikasi WhatsApp.",
    "reason": "Mengurangi antrean di ruang pelayanan.", "priority": "tinggi",
}


def act_api(api, username: str, req_id: int, action: str, body: dict | None = None):
    rv = api(username).post(f"{API}/{req_id}/actions/{action}", json=body or {})
    assert rv.status_code == 200, (action, rv.get_json())
    return rv.get_json()["result"]


def test_an_innovation_goes_the_whole_path_without_a_system(app, api, ctx):
    rv = api("pemohon").post(f"{API}/", json=INNOVATION)
    assert rv.status_code == 201, rv.get_json()
    pk = rv.get_json()["id"]
    shown = api("pemohon").get(f"{API}/{pk}").get_json()["result"]
    assert shown["category"] == "inovasi" and shown["system_id"] is None

    act_api(api, "pemohon", pk, "submit")
    act_api(api, "kabid.pelayanan", pk, "unit_approve")
    act_api(api, "kasi.pdsi", pk, "assess", {
        "feasible": True, "officer_id": user("it.sari").id,
        "target_date": target_date().isoformat(), "note": "Layak, dikembangkan bertahap."})
    act_api(api, "kabid.dalak", pk, "kabid_approve")
    act_api(api, "it.sari", pk, "report_done", {"note": "Aplikasi antrean sudah berjalan."})
    done = act_api(api, "kasi.pdsi", pk, "accept_done")
    assert done["status"] == "done" and done["category"] == "inovasi"
    received = act_api(api, "pemohon", pk, "acknowledge", {"note": "Sudah dipakai di loket."})
    assert received["status"] == "done"

    req = db.session.get(ServiceRequest, pk)
    assert req.system_id is None and req.acknowledged_at is not None
    assert [h.action for h in req.history][-2:] == ["accept_done", "acknowledge"]
    last = req.history[-1]
    assert (last.from_state, last.to_state, last.note, last.actor.username) == (
        "done", "done", "Sudah dipakai di loket.", "pemohon")


def test_an_improvement_needs_its_system_and_says_so_in_indonesian(app, api, ctx):
    body = {**INNOVATION, "category": "penyempurnaan"}
    for sent in (body, {k: v for k, v in body.items() if k != "category"}):
        rv = api("pemohon").post(f"{API}/", json=sent)
        assert rv.status_code == 400, rv.get_json()
        assert rv.get_json()["message"]["system_id"] == ["Kolom ini wajib diisi."]
    rv = api("pemohon").post(f"{API}/", json={**INNOVATION, "category": "baru"})
    assert rv.status_code == 400
    assert rv.get_json()["message"]["category"] == ["Kategori harus penyempurnaan atau inovasi."]
    system = db.session.execute(select(SimSystem).where(SimSystem.active)).scalars().first()
    rv = api("pemohon").post(f"{API}/", json={**body, "system_id": system.id})
    assert rv.status_code == 201


def test_an_edit_is_checked_against_the_stored_category(app, api, ctx):
    pk = api("pemohon").post(f"{API}/", json=INNOVATION).get_json()["id"]
    rv = api("pemohon").put(f"{API}/{pk}", json={"category": "penyempurnaan"})
    assert rv.status_code == 400 and "system_id" in rv.get_json()["message"]
    rv = api("pemohon").put(f"{API}/{pk}", json={"title": "Antrean daring (revisi)",
                                                  "system_id": None})
    assert rv.status_code == 200
    db.session.expire_all()
    assert db.session.get(ServiceRequest, pk).category == "inovasi"


def test_info_offers_the_categories(app, api, ctx):
    info = api("pemohon").get(f"{API}/_info").get_json()
    fields = {f["name"]: f for f in info["add_columns"]}
    assert fields["category"]["label"] == "Kategori"
    assert fields["category"]["values"] == [
        {"id": "penyempurnaan", "value": "Penyempurnaan SIM"},
        {"id": "inovasi", "value": "Inovasi Produk Baru"}]
    assert "kosongkan untuk Inovasi Produk Baru" in fields["system_id"]["description"]


def test_the_api_list_filters_by_category(app, api, ctx):
    pk = api("pemohon").post(f"{API}/", json=INNOVATION).get_json()["id"]
    rv = api("pemohon").get(f"{API}/?q=(filters:!((col:category,opr:eq,value:inovasi)),"
                            "page_size:100)")
    assert rv.status_code == 200, rv.get_json()
    ids = rv.get_json()["ids"]
    assert pk in ids
    kinds = {db.session.get(ServiceRequest, i).category for i in ids}
    assert kinds == {"inovasi"}


# --- the screens --------------------------------------------------------------------------

def test_the_form_takes_an_innovation_without_a_system(app, login_as, ctx):
    client = login_as("pemohon")
    form = client.get("/improvementrequestview/add").get_data(as_text=True)
    assert "Inovasi Produk Baru" in form and "Penyempurnaan SIM" in form
    fields = {**INNOVATION, "title": "Inovasi dari formulir", "desired_date": ""}
    rv = client.post("/improvementrequestview/add", data=fields)
    assert rv.status_code == 302, rv.get_data(as_text=True)[:2000]
    req = db.session.execute(select(ServiceRequest).where(
        ServiceRequest.title == "Inovasi dari formulir")).scalar_one()
    assert req.category == "inovasi" and req.system_id is None
    page = client.get(f"/improvementrequestview/show/{req.id}").get_data(as_text=True)
    assert "Inovasi Produk Baru" in page

    rv = client.post("/improvementrequestview/add", data={
        **fields, "category": "penyempurnaan", "title": "Tanpa sistem"})
    assert rv.status_code == 200
    html = rv.get_data(as_text=True)
    assert re.search(r'id="system".*?Kolom ini wajib diisi\.', html, re.S)
    assert db.session.execute(select(ServiceRequest).where(
        ServiceRequest.title == "Tanpa sistem")).first() is None


def test_the_list_shows_and_filters_the_category(app, login_as, ctx):
    client = login_as("pemohon")
    client.post("/improvementrequestview/add", data={**INNOVATION, "title": "Inovasi di daftar"})
    page = client.get("/improvementrequestview/list/").get_data(as_text=True)
    assert '<a href="#" name="category" class="filter">' in page  # offered as a filter
    assert CELL.findall(page, "Inovasi Produk Baru")
    assert CELL.findall(page, "Penyempurnaan SIM")  # the seeded improvements
    # FAB's first filter of a text column: "starts with".
    listed = client.get("/improvementrequestview/list/?_flt_0_category=inovasi").get_data(
        as_text=True)
    assert "Inovasi di daftar" in listed
    assert CELL.findall(listed, "Inovasi Produk Baru")
    assert CELL.findall(listed, "Penyempurnaan SIM") == []


class CELL:
    """A table cell holding exactly a text (not the filter's option of the same words)."""

    @staticmethod
    def findall(page: str, text: str) -> list[str]:
        return re.findall(rf"<td[^>]*>\s*{re.escape(text)}\s*</td>", page)


# --- the requester's acknowledgement ------------------------------------------------------

def test_only_the_requester_acknowledges_a_done_request_once(app, api, login_as, ctx):
    req = request_in("done")
    closed = req.closed_at
    for other in ("kasi.pdsi", "it.budi", "kabid.pelayanan"):
        rv = api(other).post(f"{API}/{req.id}/actions/acknowledge", json={})
        assert rv.status_code == 403, other
    running = request_in("in_progress")
    rv = api("pemohon").post(f"{API}/{running.id}/actions/acknowledge", json={})
    assert rv.status_code == 409

    home = login_as("pemohon").get("/").get_data(as_text=True)
    assert "Konfirmasi hasil diterima" in home and req.number in home
    page = login_as("pemohon").get(f"/improvementrequestview/show/{req.id}").get_data(
        as_text=True)
    assert 'id="btn-acknowledge"' in page and "Konfirmasi Hasil Diterima" in page

    rv = login_as("pemohon").post(f"/improvementrequestview/act/{req.id}/acknowledge",
                                  data={"note": "", "version": req.version})
    assert rv.status_code == 302
    rv = api("pemohon").post(f"{API}/{req.id}/actions/acknowledge", json={})
    assert rv.status_code == 409
    assert rv.get_json()["message"] == "Hasil permintaan ini sudah dikonfirmasi diterima."
    db.session.expire_all()
    req = db.session.get(ServiceRequest, req.id)
    assert req.status == "done" and req.closed_at == closed and req.acknowledged_at
    rows = db.session.execute(select(RequestHistory).where(
        RequestHistory.request_id == req.id, RequestHistory.action == "acknowledge")).scalars()
    assert [(r.note, r.actor.username) for r in rows] == [(None, "pemohon")]
    page = login_as("pemohon").get(f"/improvementrequestview/show/{req.id}").get_data(
        as_text=True)
    assert 'id="btn-acknowledge"' not in page and 'id="acknowledged"' in page
    assert req.number not in login_as("pemohon").get("/").get_data(as_text=True).split(
        'id="to-acknowledge"')[-1].split("</table>")[0]


# --- the register (SPEC §6: improvement_requests) --------------------------------------------

def test_the_register_has_the_category_column(app, api, login_as, ctx):
    pk = api("pemohon").post(f"{API}/", json={**INNOVATION, "title": "Inovasi di rekap"}
                             ).get_json()["id"]
    act_api(api, "pemohon", pk, "submit")
    number = db.session.get(ServiceRequest, pk).number
    day = today_wita().isoformat()
    rv = login_as("kasi.pdsi").get(f"/reports/improvement_requests.xlsx?from={day}&to={day}")
    assert rv.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(rv.data))["Daftar Permintaan"]
    rows = list(sheet.iter_rows(values_only=True))
    header = next(row for row in rows if row[0] == "Nomor Permintaan")
    assert header[4:6] == ("Kategori", "Sistem/Modul")
    mine = next(row for row in rows if row[0] == number)
    assert mine[4:7] == ("Inovasi Produk Baru", None, "Inovasi di rekap")
