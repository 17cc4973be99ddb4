"""The REST API speaks Indonesian and describes itself (SPEC §7, issue 16).

Every `_info` and every error answer a demo role can reach is read for English words, the
translation catalogue's header and Python leftovers; and a client that knows nothing but
`_info` fills and sends an FM-01 and an FM-03.
"""

from __future__ import annotations

import re

import pytest

RESOURCES = ["improvement_request", "support_request", "checklist_round", "incident", "absence",
             "check_item"]
ROLES = ["admin", "pemohon", "kabid.pelayanan", "kasi.pdsi", "kabid.dalak", "it.budi",
         "pimpinan"]

# Words that give English away in an answer meant to be Indonesian. Extend freely.
ENGLISH_WORDS = {
    "Add", "Edit", "Show", "List", "Delete", "Forbidden", "Not", "found", "authorized",
    "Missing", "required", "field", "Field", "may", "null", "Invalid", "Unknown",
    "Header", "segments", "padding", "expired", "Signature", "Could",
    "process", "entity", "Arguments", "correct", "error", "Internal", "Fatal", "Request",
    "Improvement", "Support", "Incident", "Absence", "Check", "Round", "Date", "Desired",
    "Condition", "Current", "Proposed", "Reason", "Priority", "Description", "Location",
    "Needed", "Title", "Number", "Created", "Submitted", "Officer",
    "Requester", "System", "Type", "Kind", "From", "Until", "Official", "Occurred", "Impact",
    "Resolved", "Action", "taken", "Reported", "Recorded", "Withdrawn", "Version", "Status of",
    "Starts", "Ends", "Contains", "Equal", "Greater", "Smaller", "Relation", "with",
}
# Same word in both languages, or a name: never counted as English ("Target", "Unit",
# "Status", "token", "valid" are Indonesian too, so they are not in the list above).
SHARED_WORDS = {"Status"}
LEFTOVERS = ["Project-Id-Version", "__None", "Traceback", "Errno", "<OneOf", "<Length"]


def texts(answer, keys=("label", "description", "message", "msg", "add_title", "edit_title",
                        "show_title", "list_title", "name")) -> list[str]:
    """The strings of an answer that are words for a person (not data): labels, titles,
    descriptions, messages and per-field errors, filter names."""
    found: list[str] = []

    def walk(node, key=None):
        if isinstance(node, dict):
            for k, v in node.items():
                if k in ("label_columns", "description_columns"):
                    found.extend(str(x) for x in v.values())
                elif k in ("result", "values", "ids", "list_columns", "show_columns",
                           "order_columns", "search_columns"):
                    continue  # data, and column names
                else:
                    walk(v, k)
        elif isinstance(node, list):
            for v in node:
                walk(v, key)
        elif isinstance(node, str) and (key in keys or key is None):
            found.append(node)

    walk(answer)
    return found


def problems(answer) -> list[str]:
    bad = []
    for text in texts(answer):
        bad += [f"{word!r} in {text!r}" for word in ENGLISH_WORDS - SHARED_WORDS
                if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text)]
        bad += [f"{leftover!r} in {text!r}" for leftover in LEFTOVERS if leftover in text]
        if text.strip() in ("None", "True", "False") or re.fullmatch(r"\[.*\]", text.strip()):
            bad.append(f"raw value {text!r}")
    return bad


def test_word_lists_catch_what_they_are_for():
    assert problems({"message": "Not found"}) and problems({"label": "System Id"})
    assert problems({"add_columns": [{"description": "Project-Id-Version: x"}]})
    assert not problems({"message": "Data tidak ditemukan.", "label": "Sistem / Modul"})


@pytest.mark.parametrize("username", ROLES)
def test_info_and_errors_of_every_resource_are_indonesian(app, api, username):
    client = api(username)
    seen, found = [], []
    for resource in RESOURCES:
        base = f"/api/v1/{resource}/"
        answers = [client.get(base + "_info"), client.get(base + "999999"),
                   client.get(base + "?q=(page_size:1)"),
                   client.post(base, json={"tidak_dikenal": [1, 2]}),
                   client.post(base, data="bukan json", content_type="text/plain"),
                   client.put(base + "999999", json={}),
                   client.get(base + "?q=((("),
                   client.post(base + "999999/actions/submit", json={})]
        for rv in answers:
            assert rv.status_code < 500, (resource, rv.status_code, rv.get_data(as_text=True))
            body = rv.get_json()
            if rv.status_code >= 400:
                assert body and body.get("message"), (resource, rv.status_code, body)
            found += [f"{rv.request.method} {rv.request.path}: {problem}"
                      for problem in problems(body)]
            seen.append(rv.status_code)
    assert not found, "\n".join(sorted(set(found)))
    assert 200 in seen and 404 in seen and {400, 403} & set(seen)


def test_without_or_with_a_bad_token_the_answer_is_indonesian(app, api):
    anonymous = api(None)
    for headers in ({}, {"Authorization": "Bearer abc"}, {"Authorization": "Bearer a.b.c"}):
        rv = anonymous.client.get("/api/v1/improvement_request/", headers=headers)
        assert rv.status_code == 401
        assert not problems(rv.get_json()) and rv.get_json()["message"]
    rv = anonymous.client.post("/api/v1/security/login", json={
        "username": "pemohon", "password": "salah-sekali-ini", "provider": "db"})
    assert rv.status_code == 401 and not problems(rv.get_json())


def test_security_api_info_and_errors_are_indonesian(app, api):
    admin = api("admin")
    for path in ("/api/v1/security/users/_info", "/api/v1/security/roles/_info",
                 "/api/v1/security/users/999999"):
        rv = admin.get(path)
        assert not problems(rv.get_json()), (path, problems(rv.get_json()))
    rv = admin.post("/api/v1/security/users/", json={"username": "baru"})
    assert rv.status_code == 400 and not problems(rv.get_json()), rv.get_json()
    shown = admin.get("/api/v1/security/users/1").get_json()
    assert not problems({"label_columns": shown["label_columns"]})
    assert shown["result"]["created_on"].endswith("+08:00")


def test_a_409_names_the_state_in_indonesian(app, ctx, api):
    from tests.workflow_helpers import request_in

    req = request_in("done")
    rv = api("pemohon").post(f"/api/v1/improvement_request/{req.id}/actions/submit", json={})
    assert rv.status_code == 409 and "Selesai" in rv.get_json()["message"]
    assert not problems(rv.get_json())


# --- a client that knows only `_info` -------------------------------------------------------

SAMPLE = {"String": "Uji klien dari _info", "Date": "2033-06-01",
          "OfficeDateTime": "2033-06-01T08:20", "Integer": 1, "Boolean": True}


def fill_from_info(info: dict) -> dict:
    """What a generic form client sends: every required field, each filled from its
    description only (a choice from `values`, else a sample of its type)."""
    body = {}
    for field in info["add_columns"]:
        if not field["required"]:
            continue
        if field.get("values"):
            body[field["name"]] = field["values"][0]["id"]
        else:
            sample = SAMPLE[field["type"]]
            if isinstance(sample, str) and field.get("max_length"):
                sample = sample[:field["max_length"]]
            body[field["name"]] = sample
    return body


@pytest.mark.parametrize("resource", ["improvement_request", "support_request"])
def test_a_client_built_from_info_alone_creates_a_request(app, api, resource):
    client = api("pemohon")
    info = client.get(f"/api/v1/{resource}/_info").get_json()
    for field in info["add_columns"]:
        assert field["label"] and not problems({"label": field["label"]})
        if "count" in field:  # a reference: the same choices at the related endpoint
            related = client.get(f"/api/v1/{resource}/related/{field['name']}").get_json()
            assert related["result"] == field["values"] and related["count"] == field["count"]
    reference = {"improvement_request": "system_id", "support_request": "support_type_id"}
    described = {f["name"]: f for f in info["add_columns"]}[reference[resource]]
    assert described["required"] and described["values"]
    body = fill_from_info(info)
    rv = client.post(f"/api/v1/{resource}/", json=body)
    assert rv.status_code == 201, (body, rv.get_json())
    created = client.get(f"/api/v1/{resource}/{rv.get_json()['id']}").get_json()["result"]
    assert created["status"] == "draft" and created["title"] == body["title"]
    assert created[reference[resource]] == described["values"][0]["id"]
    # Leaving a required field out is refused, per field, in Indonesian.
    rv = client.post(f"/api/v1/{resource}/", json={"title": "Tanpa isian lain"})
    assert rv.status_code == 400 and reference[resource] in rv.get_json()["message"]
    assert not problems(rv.get_json())


def test_related_of_an_unknown_column_is_404(app, api):
    rv = api("pemohon").get("/api/v1/improvement_request/related/requester_id")
    assert rv.status_code == 404 and not problems(rv.get_json())


def test_the_api_answers_indonesian_whatever_the_screens_speak(app, api):
    """`_l_=en` (FAB's switch) changes the screens' language, never the API's."""
    rv = api("pemohon").post("/api/v1/improvement_request/?_l_=en", json={"title": ""})
    assert rv.status_code == 400
    assert rv.get_json()["message"]["title"] == ["Kolom ini wajib diisi."]
    info = api("pemohon").get("/api/v1/improvement_request/_info?_l_=en").get_json()
    assert {f["name"]: f["label"] for f in info["add_columns"]}["title"] == "Judul"
