"""Issue 17 beside the journeys: the home pages (the Kabid's proposals, a requester's own
requests, the supervisors' summary), the language switch's return, and the password policy
and the role on every way a user is made or changed (form, reset, own change, API, CLI)."""

from __future__ import annotations

import re

import pytest
from flask_appbuilder.cli import fab
from flask_appbuilder.security.sqla.models import Role
from sqlalchemy import func, select

from app.extensions import db
from app.requests.models import ServiceRequest
from app.security.models import AppUser
from app.timeutil import today_wita
from app.views import same_site_path
from tests.conftest import PASSWORD
from tests.helpers import count_queries
from tests.workflow_helpers import act, new_request, request_in, user

HAS_USERNAME = "Kata sandi tidak boleh memuat nama pengguna."
ERROR_BOX = re.compile(r'<div class="alert alert-danger">\s*(.*?)\s*</div>', re.S)


def not_feasible(note: str) -> object:
    req = request_in("pending_assessment")
    act(req, "assess", "kasi.pdsi", {"feasible": False, "note": note})
    return req


# --- home pages ------------------------------------------------------------------------------

def test_the_kabid_sees_each_proposal_in_one_line(login_as, ctx):
    feasible = request_in("pending_kabid_approval")
    refused = not_feasible("Sudah tersedia di modul lain.")
    page = login_as("kabid.dalak").get("/").get_data(as_text=True)
    budi = user("it.budi").full_name
    line = re.search(rf'data-proposal="{feasible.id}">\s*(.*?)\s*</small>', page, re.S).group(1)
    assert line.lower().startswith("usulan: layak — ") and budi in line and "target" in line
    line = re.search(rf'data-proposal="{refused.id}">\s*(.*?)\s*</small>', page, re.S).group(1)
    assert line.lower() == "usulan: tidak layak — sudah tersedia di modul lain."


def test_the_home_page_costs_the_same_queries_for_more_rows(app, login_as, ctx):
    client = login_as("kabid.dalak")
    request_in("pending_kabid_approval")
    client.get("/")  # warm up
    counts = []
    for more in (1, 5):
        for _ in range(more):
            request_in("pending_kabid_approval")
            not_feasible("Tidak layak.")
        with count_queries(app) as statements:
            assert client.get("/").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


def test_a_requester_sees_own_requests_with_target_dates(login_as, ctx):
    running = request_in("in_progress")
    draft = new_request(title="Draf yang belum diajukan")
    page = login_as("pemohon").get("/").get_data(as_text=True)
    own = page[page.index('id="own-requests"'):]
    row = re.search(rf'<tr data-request="{running.id}">(.*?)</tr>', own, re.S).group(1)
    assert running.number in row and "Sedang Dikerjakan" in row
    assert re.search(r"\d{1,2} \w+ \d{4}", row)  # the target date, as a date
    assert f'data-request="{draft.id}"' not in own  # a draft waits above, not here
    # An official with nothing filed is not shown an empty list.
    assert 'id="my-requests"' not in login_as("kabid.dalak").get("/").get_data(as_text=True)


def test_the_supervisor_summary_counts_and_links(login_as, ctx):
    page = login_as("pimpinan").get("/").get_data(as_text=True)
    assert 'id="work-summary"' in page and 'id="checklist-compliance"' in page
    day = today_wita()
    overdue = db.session.execute(select(func.count()).select_from(ServiceRequest).where(
        ServiceRequest.overdue_on(day))).scalar()
    assert re.search(rf'id="overdue-count">{overdue}<', page)
    row = re.search(r'<tr data-state="in_progress">(.*?)</tr>', page, re.S).group(1)
    link = re.search(r'href="(/supportrequestview/list/\?_flt_\d+_status=in_progress)"', row)
    listed = login_as("pimpinan").get(link.group(1).replace("&amp;", "&")).get_data(
        as_text=True)
    shown = set(re.findall(r"/supportrequestview/show/(\d+)", listed))
    expected = {str(pk) for pk in db.session.execute(select(ServiceRequest.id).where(
        ServiceRequest.kind == "support", ServiceRequest.status == "in_progress")).scalars()}
    assert shown == expected
    assert 'id="dashboard-link"' in page  # the summary leads on to the dashboard
    assert 'id="work-summary"' not in login_as("pemohon").get("/").get_data(as_text=True)


def test_the_laporan_page_takes_the_pickers_day_month_year(login_as):
    client = login_as("pimpinan")
    assert 'value="01-' in client.get("/reports/").get_data(as_text=True)
    rv = client.get("/reports/overdue.xlsx?from=01-12-2026&to=31-12-2026")
    assert rv.status_code == 200 and rv.headers["Content-Disposition"].endswith(
        "overdue_20261201_20261231.xlsx")
    assert client.get("/reports/overdue.xlsx?from=31-13-2026&to=31-12-2026").status_code == 400


# --- the language switch ---------------------------------------------------------------------

@pytest.mark.parametrize("target", ["//evil.example/x", "/\\evil.example", "https://evil.example/",
                                    "/\t/evil.example", "evil.example", "", None,
                                    "javascript:alert(1)", "/%5Cevil"])
def test_the_language_switch_never_leaves_the_site(target):
    assert same_site_path(target) in (None, "/%5Cevil")  # a plain path, even an odd one


def test_the_language_switch_returns_to_the_page(login_as):
    client = login_as("pimpinan")
    rv = client.get("/lang/en?next=/reports/%3Fx%3D1")
    assert rv.status_code == 302 and rv.headers["Location"] == "/reports/?x=1"
    rv = client.get("/lang/id?next=//evil.example/")
    assert rv.status_code == 302 and "evil.example" not in rv.headers["Location"]
    page = client.get("/reports/").get_data(as_text=True)
    assert 'href="/lang/en?next=/reports/"' in page and 'rel="icon"' in page


# --- users: a role and the password policy on every path -------------------------------------

def form_errors(rv) -> list[str]:
    return [" ".join(e.split()) for e in ERROR_BOX.findall(rv.get_data(as_text=True))]


def role_id(name: str) -> int:
    return db.session.execute(select(Role.id).where(Role.name == name)).scalar_one()


NEW_USER = {"first_name": "Made", "last_name": "Uji", "username": "made.uji", "active": "y",
            "email": "made.uji@denpasarkota.go.id", "password": "kopi bali pagi hari",
            "conf_password": "kopi bali pagi hari"}


def test_the_user_form_asks_for_a_role_and_keeps_what_was_typed(login_as, ctx):
    admin = login_as("admin")
    rv = admin.post("/users/add", data=NEW_USER)
    page = rv.get_data(as_text=True)
    assert rv.status_code == 200 and len(form_errors(rv)) == 1  # beside "Peran", no 500
    assert 'value="made.uji"' in page and 'value="kopi bali pagi hari"' in page
    rv = admin.post("/users/add", data={**NEW_USER, "roles": role_id("Pemohon"),
                                        "password": "made.uji pagi", "conf_password":
                                        "made.uji pagi"})
    assert any(HAS_USERNAME in e for e in form_errors(rv))
    assert 'value="made.uji pagi"' not in rv.get_data(as_text=True)  # refused: emptied
    rv = admin.post("/users/add", data={**NEW_USER, "roles": role_id("Pemohon"), "nip": "123"})
    assert len(form_errors(rv)) == 1  # the NIP has 18 digits
    rv = admin.post("/users/add", data={**NEW_USER, "roles": role_id("Pemohon")})
    assert rv.status_code == 302 and "/users/show/" in rv.headers["Location"]
    made = db.session.execute(select(AppUser).where(AppUser.username == "made.uji")).scalar_one()
    assert made.nip is None and [r.name for r in made.roles] == ["Pemohon"]
    rv = admin.post(f"/users/edit/{made.id}", data={**NEW_USER, "roles": []})
    assert rv.status_code == 200 and len(form_errors(rv)) == 1  # a role stays required


def test_resets_and_own_changes_meet_the_policy_with_the_username(app, login_as, ctx):
    budi = user("it.budi")
    admin = login_as("admin")
    rv = admin.post(f"/resetpassword/form?pk={budi.id}",
                    data={"password": "IT.BUDI pagi hari", "conf_password": "IT.BUDI pagi hari"})
    assert any(HAS_USERNAME in e for e in form_errors(rv))
    rv = admin.post("/resetpassword/form?pk=99999999",
                    data={"password": "kopi bali pagi hari", "conf_password": "kopi bali pagi hari"})
    assert rv.status_code == 200 and form_errors(rv)  # no such user: said, not a 500
    own = login_as("it.sari")
    wrong = {"current_password": "bukan sandinya", "password": "kopi bali pagi hari",
             "conf_password": "kopi bali pagi hari"}
    assert form_errors(own.post("/resetmypassword/form", data=wrong))
    mine = {**wrong, "current_password": PASSWORD, "password": "it.sari pagi hari",
            "conf_password": "it.sari pagi hari"}
    assert any(HAS_USERNAME in e for e in form_errors(own.post("/resetmypassword/form",
                                                                 data=mine)))
    db.session.expire_all()
    assert app.appbuilder.sm.auth_user_db("it.sari", PASSWORD) is not None  # unchanged


def test_the_security_api_refuses_in_indonesian_per_field(api, ctx, fresh_tokens):
    admin = api("admin")
    body = {"username": "api.uji", "first_name": "Api", "last_name": "Uji",
            "email": "api.uji@denpasarkota.go.id", "password": "api.uji pagi hari"}
    rv = admin.post("/api/v1/security/users/", json=body)
    assert rv.status_code == 400
    assert rv.get_json()["message"] == {"password": [HAS_USERNAME],
                                        "roles": ["Pilih paling sedikit satu peran."]}
    rv = admin.post("/api/v1/security/users/", json={**body, "password": "kopi bali pagi hari",
                                                      "roles": [role_id("Pemohon")]})
    assert rv.status_code == 201, rv.get_json()
    pk = rv.get_json()["id"]
    rv = admin.put(f"/api/v1/security/users/{pk}", json={"password": "API.UJI 2026 pagi"})
    assert rv.status_code == 400 and rv.get_json()["message"] == {"password": [HAS_USERNAME]}
    rv = admin.put(f"/api/v1/security/users/{pk}", json={"roles": []})
    assert rv.status_code == 400 and "roles" in rv.get_json()["message"]


def test_the_cli_meets_the_policy_with_the_username(app, ctx):
    runner = app.test_cli_runner()
    result = runner.invoke(fab, ["reset-password", "--username", "it.budi",
                                 "--password", "it.budi 12345 abc"])
    assert result.exit_code == 1 and HAS_USERNAME in result.output
    result = runner.invoke(fab, ["create-user", "--role", "Pemohon", "--username", "cli.uji",
                                 "--firstname", "C", "--lastname", "U", "--email",
                                 "cli.uji@denpasarkota.go.id", "--password", "cli.uji pagi hari"])
    assert HAS_USERNAME in result.output
    assert db.session.execute(select(AppUser).where(AppUser.username == "cli.uji")).scalar() \
        is None


def test_this_months_compliance_counts_settled_rounds_of_the_month(ctx):
    import datetime as dt

    from app.checklist.home import month_compliance
    from app.checklist.models import ChecklistRound

    day = dt.date(2031, 3, 12)  # a month no other row of this module's database is in
    for date, slot, status in [(dt.date(2031, 3, 3), "08:00", "done"),
                               (dt.date(2031, 3, 3), "13:00", "done"),
                               (dt.date(2031, 3, 4), "08:00", "late"),
                               (dt.date(2031, 3, 5), "08:00", "missed"),
                               (dt.date(2031, 3, 12), "13:00", "scheduled"),  # not yet
                               (dt.date(2031, 2, 28), "08:00", "missed"),  # last month
                               (dt.date(2031, 3, 13), "08:00", "missed")]:  # after the day
        db.session.add(ChecklistRound(date=date, slot=slot, status=status))
    db.session.commit()
    result = month_compliance(day)
    assert (result.done, result.late, result.missed, result.total) == (2, 1, 1, 4)
    assert (result.percent("done"), result.percent("missed")) == (50, 25)
