"""The domain's messages in the reader's language (SPEC §7, issue 16): a person on the English
screens reads per-field problems and refusals in English, one on the Indonesian screens reads
them in Indonesian, and the REST API answers the same cases in Indonesian. What is stored (the
security log) stays Indonesian whoever caused it. Every expectation is written out here."""

from __future__ import annotations

import datetime as dt
import html
import io

import pytest
from sqlalchemy import select

from app.checklist import rounds
from app.checklist.models import ChecklistRound
from app.extensions import db
from app.security.models import SecurityLog
from app.timeutil import WITA, to_utc_naive
from tests.workflow_helpers import request_in, target_date, user

# The same message in each language, as a person reads it.
MESSAGES = {
    "required": {"en": "This field is required.", "id": "Kolom ini wajib diisi."},
    "title_too_long": {"en": "At most 200 characters.", "id": "Maksimal 200 karakter."},
    "not_feasible_reason": {"en": "The reason it is not feasible is required.",
                            "id": "Alasan tidak layak wajib diisi."},
    "officer_missing": {"en": "Choose an IT officer.", "id": "Pilih petugas IT."},
    "target_missing": {"en": "The target date is required.", "id": "Target waktu wajib diisi."},
    "target_past": {"en": "The target date cannot be before today",
                    "id": "Target waktu tidak boleh sebelum hari ini"},
    "wrong_state": {"en": "This action is not possible in the state 'Rejected'.",
                    "id": "Aksi ini tidak dapat dilakukan pada status 'Ditolak'."},
    "not_yours": {"en": "You may not take this action on this request.",
                  "id": "Anda tidak berwenang melakukan aksi ini pada permintaan ini."},
    "absence_order": {"en": "The end date cannot be before the start date.",
                      "id": "Tanggal selesai tidak boleh sebelum tanggal mulai."},
    "absence_reason": {"en": "The reason is required.", "id": "Alasan wajib diisi."},
    "fault_note": {"en": "Item '{item}' has a fault: remarks are required.",
                   "id": "Item '{item}' bergangguan: keterangan wajib diisi."},
    "file_kind": {"en": "This kind of file is not allowed; only PNG, JPEG or PDF.",
                  "id": "Jenis berkas tidak diizinkan; hanya PNG, JPEG, atau PDF."},
    "file_size": {"en": "The file is too large (at most 5 MB).",
                  "id": "Berkas terlalu besar (maksimal 5 MB)."},
    "file_missing": {"en": "Choose a file to attach.", "id": "Pilih berkas yang akan dilampirkan."},
    "edit_not_draft": {"en": "A request can only be changed while it is a draft.",
                       "id": "Permintaan hanya dapat diubah selama berstatus Draf."},
}
OTHER = {"en": "id", "id": "en"}
LANGUAGES = ["en", "id"]


def reads(page: str, key: str, lang: str, **values) -> bool:
    """The page says message `key` in `lang`, and not in the other language."""
    text = html.unescape(page)
    said = MESSAGES[key][lang].format(**values)
    other = MESSAGES[key][OTHER[lang]].format(**values)
    return said in text and other not in text


@pytest.fixture()
def browser(login_as):
    """browser("pemohon", "en"): a logged-in session reading the screens in that language."""

    def open_as(username: str, lang: str):
        client = login_as(username)
        if lang == "en":
            client.get("/lang/en")
        return client

    return open_as


@pytest.fixture()
def past_round(ctx):
    """An unfilled 08:00 round of a past working day (Tuesday 24 November 2026)."""
    rounds.open_today(to_utc_naive(dt.datetime(2026, 11, 24, 8, 0, tzinfo=WITA)))
    return db.session.execute(select(ChecklistRound).where(
        ChecklistRound.date == dt.date(2026, 11, 24), ChecklistRound.slot == "08:00")
    ).scalar_one()


def test_the_word_lists_differ():
    for key, said in MESSAGES.items():
        assert said["en"] != said["id"], key


# --- the screens, in each language ----------------------------------------------------------

@pytest.mark.parametrize("lang", LANGUAGES)
def test_fm01_form_with_missing_fields(browser, ctx, lang):
    rv = browser("pemohon", lang).post("/improvementrequestview/add", data={
        "title": "x" * 201, "priority": "sedang"})
    page = rv.get_data(as_text=True)
    assert rv.status_code == 200  # FAB shows the form again, each problem at its field
    assert reads(page, "required", lang) and reads(page, "title_too_long", lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_workflow_payload_problems(browser, ctx, lang):
    req = request_in("pending_assessment")
    client = browser("kasi.pdsi", lang)
    url = f"/improvementrequestview/act/{req.id}/assess"
    rv = client.post(url, data={"feasible": "0", "version": req.version})
    assert rv.status_code == 400 and reads(rv.get_data(as_text=True), "not_feasible_reason", lang)
    rv = client.post(url, data={"feasible": "1", "version": req.version})
    page = rv.get_data(as_text=True)
    assert rv.status_code == 400
    assert reads(page, "officer_missing", lang) and reads(page, "target_missing", lang)
    rv = client.post(url, data={"feasible": "1", "officer_id": user("it.budi").id,
                                "target_date": "2020-01-06", "version": req.version})
    assert rv.status_code == 400 and reads(rv.get_data(as_text=True), "target_past", lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_workflow_refusals(browser, ctx, lang):
    rejected = request_in("rejected")
    rv = browser("pemohon", lang).post(f"/improvementrequestview/act/{rejected.id}/cancel",
                                       data={"note": "Tidak jadi."})
    assert rv.status_code == 409 and reads(rv.get_data(as_text=True), "wrong_state", lang)
    waiting = request_in("pending_assessment")
    rv = browser("pemohon", lang).post(f"/improvementrequestview/act/{waiting.id}/cancel",
                                       data={"note": "x", "version": waiting.version})
    assert rv.status_code == 302  # the requester may cancel here: the refusal above is the state
    pending = request_in("pending_unit_approval")
    client = browser("pemohon", lang)
    rv = client.post(f"/improvementrequestview/act/{pending.id}/unit_approve", data={})
    assert rv.status_code == 403 and reads(rv.get_data(as_text=True), "not_yours", lang)
    rv = client.get(f"/improvementrequestview/edit/{pending.id}", follow_redirects=True)
    assert reads(rv.get_data(as_text=True), "edit_not_draft", lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_absence_with_a_bad_date_range(browser, ctx, lang):
    rv = browser("kabid.pelayanan", lang).post("/absenceview/add", data={
        "user": user("kabid.pelayanan").id, "kind": "cuti", "start_date": "05-07-2030",
        "end_date": "01-07-2030", "reason": "Cuti tahunan"})
    assert rv.status_code == 200  # the form again, the problem at its field
    assert reads(rv.get_data(as_text=True), "absence_order", lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_checklist_fault_without_a_note(browser, past_round, lang):
    items = rounds.active_items()
    form = {f"result_{item.id}": "ok" for item in items}
    form[f"result_{items[0].id}"] = "fault"
    rv = browser("it.sari", lang).post(f"/checklist/round/{past_round.id}/submit", data=form)
    assert rv.status_code == 400
    assert reads(rv.get_data(as_text=True), "fault_note", lang, item=items[0].name)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_attachments_refused(app, browser, ctx, lang):
    req = request_in("draft")
    client = browser("pemohon", lang)
    url = f"/improvementrequestview/attach/{req.id}"
    rv = client.post(url, data={"file": (io.BytesIO(b"<script>alert(1)</script>"), "foto.png")},
                     content_type="multipart/form-data")
    assert rv.status_code == 400 and reads(rv.get_data(as_text=True), "file_kind", lang)
    big = b"%PDF-" + b"0" * app.config["ATTACHMENT_MAX_BYTES"]
    rv = client.post(url, data={"file": (io.BytesIO(big), "besar.pdf")},
                     content_type="multipart/form-data")
    assert rv.status_code == 400 and reads(rv.get_data(as_text=True), "file_size", lang)
    rv = client.post(url, data={}, content_type="multipart/form-data")
    assert rv.status_code == 400 and reads(rv.get_data(as_text=True), "file_missing", lang)


# --- the API: Indonesian, whoever asks ----------------------------------------------------

def test_api_answers_the_same_cases_in_indonesian(api, browser, past_round):
    browser("pemohon", "en")  # a browser session in English changes nothing for the API
    rv = api("pemohon").post("/api/v1/improvement_request/", json={"title": "x" * 201})
    errors = rv.get_json()["message"]
    assert rv.status_code == 400
    assert errors["title"] == [MESSAGES["title_too_long"]["id"]]
    assert errors["reason"] == [MESSAGES["required"]["id"]]

    waiting = request_in("pending_assessment")
    rv = api("kasi.pdsi").post(f"/api/v1/improvement_request/{waiting.id}/actions/assess",
                               json={"feasible": False})
    assert rv.status_code == 400
    assert rv.get_json()["errors"] == {"note": MESSAGES["not_feasible_reason"]["id"]}
    assert rv.get_json()["message"] == "Periksa kembali isian Anda."
    rejected = request_in("rejected")
    rv = api("pemohon").post(f"/api/v1/improvement_request/{rejected.id}/actions/cancel",
                             json={"note": "Tidak jadi."})
    assert rv.status_code == 409 and rv.get_json()["message"] == MESSAGES["wrong_state"]["id"]

    rv = api("kabid.pelayanan").post("/api/v1/absence/", json={
        "kind": "cuti", "start_date": "2030-07-05", "end_date": "2030-07-01", "reason": ""})
    assert rv.status_code == 400
    assert rv.get_json()["message"] == {"end_date": [MESSAGES["absence_order"]["id"]],
                                        "reason": [MESSAGES["absence_reason"]["id"]]}

    items = rounds.active_items()
    entries = [{"item_id": item.id, "result": "ok"} for item in items]
    entries[0]["result"] = "fault"
    rv = api("it.sari").post(f"/api/v1/checklist_round/{past_round.id}/actions/submit",
                             json={"entries": entries})
    assert rv.status_code == 400
    assert rv.get_json()["errors"] == {
        "entries.0.note": MESSAGES["fault_note"]["id"].format(item=items[0].name)}


# --- what is stored stays Indonesian --------------------------------------------------------

def test_what_an_english_reader_causes_is_logged_in_indonesian(browser, ctx):
    req = request_in("pending_assessment")
    rv = browser("kasi.pdsi", "en").post(f"/improvementrequestview/act/{req.id}/assess", data={
        "feasible": "1", "officer_id": user("it.budi").id,
        "target_date": target_date().isoformat(), "note": "Layak.", "kabid_absent": "1",
        "absence_reason": "Dinas luar", "version": req.version})
    assert rv.status_code == 302, html.unescape(rv.get_data(as_text=True))[-3000:]
    db.session.expire_all()
    detail = db.session.execute(select(SecurityLog.detail).where(
        SecurityLog.event == "kabid_absent_decision").order_by(SecurityLog.id.desc())
    ).scalars().first()
    assert detail == f"Permintaan {db.session.get(type(req), req.id).number}: Dinas luar"
