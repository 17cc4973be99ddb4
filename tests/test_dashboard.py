"""The supervisors' dashboard (SPEC §7, issue 20): the figures on the demo and on rows made
here equal the counts written out below; the queries do not grow with the data; every figure
links to its list; only supervisors see it."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from app.checklist.models import ChecklistRound, Incident
from app.dashboard import queries
from app.dashboard.period import Period, from_args
from app.extensions import db
from app.timeutil import today_wita
from tests.helpers import count_queries
from tests.test_notifications import at
from tests.workflow_helpers import act, new_request, user

FEB = Period("custom", dt.date(2025, 2, 1), dt.date(2025, 2, 28))
JAN_FEB = Period("custom", dt.date(2025, 1, 1), dt.date(2025, 2, 28))
JAN_FEB_ARGS = "period=custom&from=01-01-2025&to=28-02-2025"


def demo_period() -> Period:
    """The demo replays its samples a week back: a period from then to today holds them."""
    today = today_wita()
    return Period("custom", today - dt.timedelta(days=7), today)


def open_counts() -> dict[tuple[str, str], int]:
    from flask import current_app

    from app.home import open_by_state

    with current_app.test_request_context():  # its links are URLs
        return {(c.state, kind): n for c in open_by_state() for kind, n in c.counts.items()
                if n}


def monthly_sum(months) -> dict[tuple[str, str], int]:
    total: dict[tuple[str, str], int] = {}
    for counts in months.values():
        for key, n in counts.items():
            total[key] = total.get(key, 0) + n
    return total


DEMO_OPEN = {
    ("pending_unit_approval", "support"): 1,
    ("pending_assessment", "improvement"): 1,
    ("pending_kabid_approval", "improvement"): 1,
    ("in_progress", "support"): 2,  # one decided by the Kasi alone (sample 10)
    ("obstacle_reported", "improvement"): 1,
    ("completion_reported", "support"): 1,
}


def test_demo_figures(app, ctx, login_as):
    period = demo_period()
    assert open_counts() == DEMO_OPEN
    assert monthly_sum(queries.monthly_requests(period)) == {
        ("submitted", "improvement"): 5, ("submitted", "support"): 5,
        ("finished", "improvement"): 1,  # the demo's innovation, done (issue 19)
        ("finished", "support"): 1}
    assert queries.finished_on_time(period) == {  # the innovation: done by its first target
        "first_target": 1, "reassigned": 1, "late": 0, "total": 2}
    assert sorted((name, n) for _id, name, n in queries.overdue_by_officer(today_wita())) == [
        (user("it.budi").full_name, 1), (user("it.sari").full_name, 1)]
    assert {step: entry["n"] for step, entry in queries.step_times(period).items()} == {
        "unit_approve": 6, "assess": 8, "kabid_approve": 5, "report_done": 4, "accept_done": 2}
    assert queries.compliance_by_officer(period) == ([], 0)
    assert sum(m["count"] for m in queries.incidents_by_month(period).values()) == 0

    args = f"period=custom&from={period.start:%d-%m-%Y}&to={period.end:%d-%m-%Y}"
    page = login_as("pimpinan").get(f"/dashboard/?{args}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert shown(html, "open-total") == "7"
    assert shown(html, "overdue-total") == "2"
    assert shown(html, "target-total") == "2"
    assert "Selesai setelah penugasan ulang" in html and "1 (50,0 %)" in html


def shown(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}">([^<]*)<', html)
    assert match, element_id
    return match.group(1)


def _request(kind, steps, title):
    """A request taken through `steps` [(action, actor, 'YYYY-MM-DD HH:MM' WITA)]."""
    req = new_request(kind, title=title, now=at(dt.date.fromisoformat(steps[0][2][:10]), "08:00"))
    for action, actor, when in steps:
        day, hhmm = when.split(" ")
        act(req, action, actor, None if action in ("assess", "reassign", "report_done",
                                                    "report_obstacle") else {},
            now=at(dt.date.fromisoformat(day), hhmm))
    return req


@pytest.fixture(scope="module")
def generated(app):
    """February 2025: five requests, seven rounds, four incidents (with one in January)."""
    with app.app_context():
        approve = [("submit", "pemohon", None), ("unit_approve", "kabid.pelayanan", None),
                   ("assess", "kasi.pdsi", None), ("kabid_approve", "kabid.dalak", None)]

        def path(times, extra=()):
            steps = zip(approve[:len(times)], times, strict=True)
            return [(a, who, when) for (a, who, _), when in steps] + list(extra)

        made = {
            "r1": _request("improvement", path(
                ["2025-02-03 09:00", "2025-02-03 11:00", "2025-02-04 09:00", "2025-02-04 10:00"],
                [("report_done", "it.budi", "2025-02-05 09:00"),
                 ("accept_done", "kasi.pdsi", "2025-02-05 10:00")]), "Dasbor R1"),
            "r2": _request("support", path(
                ["2025-02-03 09:00", "2025-02-04 09:00", "2025-02-04 10:00", "2025-02-04 11:00"],
                [("report_obstacle", "it.budi", "2025-02-06 09:00"),
                 ("reassign", "kasi.pdsi", "2025-02-06 10:00"),
                 ("report_done", "it.budi", "2025-02-10 09:00"),
                 ("accept_done", "kasi.pdsi", "2025-02-10 10:00")]), "Dasbor R2"),
            "r3": _request("improvement", path(
                ["2025-02-10 09:00", "2025-02-12 09:00", "2025-02-12 10:00", "2025-02-12 11:00"],
                [("report_done", "it.budi", "2025-02-20 09:00"),
                 ("accept_done", "kasi.pdsi", "2025-02-20 10:00")]), "Dasbor R3"),
            "r4": _request("improvement", path(["2025-02-11 09:00"]), "Dasbor R4"),
            "r5": _request("improvement", path(
                ["2025-02-12 09:00", "2025-02-12 13:00", "2025-02-12 14:00", "2025-02-12 15:00"]),
                "Dasbor R5"),
        }
        budi, sari = user("it.budi").id, user("it.sari").id
        for day, slot, status, officer in [
                (3, "08:00", "done", budi), (3, "13:00", "done", budi),
                (4, "08:00", "late", sari), (4, "13:00", "done", sari),
                (5, "08:00", "missed", None), (5, "13:00", "done", budi)]:
            db.session.add(ChecklistRound(date=dt.date(2025, 2, day), slot=slot, status=status,
                                          officer_id=officer))
        reporter = user("pemohon").id
        for occurred, hours in [("2025-01-15 09:00", 6), ("2025-02-03 08:00", 2),
                                ("2025-02-05 09:00", 4), ("2025-02-20 09:00", None)]:
            day, hhmm = occurred.split(" ")
            start = at(dt.date.fromisoformat(day), hhmm)
            db.session.add(Incident(
                occurred_at=start, description=f"Gangguan {occurred}", reported_by_id=reporter,
                status="resolved" if hours else "open",
                resolved_at=start + dt.timedelta(hours=hours) if hours else None))
        db.session.commit()
        return {name: req.id for name, req in made.items()}


def test_generated_figures(app, ctx, generated):
    assert monthly_sum(queries.monthly_requests(FEB)) == {
        ("submitted", "improvement"): 4, ("submitted", "support"): 1,
        ("finished", "improvement"): 2, ("finished", "support"): 1}
    assert queries.monthly_requests(JAN_FEB)["2025-01"] == {}
    assert queries.finished_on_time(FEB) == {
        "first_target": 1, "reassigned": 1, "late": 1, "total": 3}
    times = queries.step_times(FEB)
    expected = {  # days: median, p90 (nearest rank)
        "unit_approve": (4, 4 / 24, 2.0), "assess": (4, 1.0, 2 + 1 / 24),
        "kabid_approve": (4, 1 + 1 / 24, 2 + 2 / 24), "report_done": (3, 7.0, 10.0),
        "accept_done": (3, 7 + 1 / 24, 10 + 1 / 24)}
    for step, (n, median, p90) in expected.items():
        assert times[step]["n"] == n, step
        assert times[step]["median"] == pytest.approx(median, abs=1e-4), step
        assert times[step]["p90"] == pytest.approx(p90, abs=1e-4), step
    # now: the demo's open requests and two of February's (R4, R5); R5 overdue with it.budi
    assert open_counts() == {**DEMO_OPEN, ("pending_unit_approval", "improvement"): 1,
                             ("in_progress", "improvement"): 1}
    assert [(name, n) for _id, name, n in queries.overdue_by_officer(today_wita())] == [
        (user("it.budi").full_name, 2), (user("it.sari").full_name, 1)]
    assert queries.compliance_by_officer(FEB) == (
        [(user("it.budi").id, user("it.budi").full_name, 3, 0),
         (user("it.sari").id, user("it.sari").full_name, 1, 1)], 1)
    incidents = queries.incidents_by_month(JAN_FEB)
    assert incidents["2025-01"] == {"count": 1, "resolved": 1, "median_hours": pytest.approx(6)}
    assert incidents["2025-02"] == {"count": 3, "resolved": 2, "median_hours": pytest.approx(2)}


def test_checklist_calendar_counts_missing_slots_as_missed(app, ctx, generated):
    from app.timeutil import utcnow

    cells = {c.day.day: c.state for c in queries.checklist_month(2025, 2, utcnow())}
    assert (cells[3], cells[4], cells[5], cells[6]) == ("done", "late", "missed", "missed")
    assert (cells[1], cells[2], cells[8], cells[12]) == ("weekend", "weekend", "holiday",
                                                         "holiday")
    counted = {}
    for state in cells.values():
        counted[state] = counted.get(state, 0) + 1
    # February 2025: 19 working days (Pagerwesi on the 12th), Saraswati on Saturday the 8th.
    assert counted == {"done": 1, "late": 1, "missed": 17, "holiday": 2, "weekend": 7}


def test_page_shows_the_generated_figures_in_indonesian(app, generated, login_as):
    client = login_as("kasi.pdsi")
    html = client.get(f"/dashboard/?{JAN_FEB_ARGS}").get_data(as_text=True)
    assert shown(html, "target-total") == "3"
    assert shown(html, "incident-total") == "4"
    assert shown(html, "missed-rounds") == "1"
    assert "1 (33,3 %)" in html  # one of three finished by its first target date
    assert "median 0,2 hari" in html and "persentil ke-90: 2,0 hari" in html  # unit_approve
    assert "median 6,0 jam hingga teratasi" in html
    assert "Februari 2025" in html and "Januari 2025" in html
    assert "Gangguan SIM per Bulan" in html
    words = re.sub(r"<[^>]+>", " ", html)  # what a reader sees, not the URLs
    for english in ("Open requests", " submitted", " incidents", "median %", "Not yet", " days"):
        assert english not in words


def record_count(html: str) -> int:
    """The list's "Jumlah Data: N"."""
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    return int(re.search(r"Jumlah Data: (\d+)", text).group(1))


def test_each_figure_links_to_its_list(app, generated, login_as):
    client = login_as("kasi.pdsi")
    html = client.get(f"/dashboard/?{JAN_FEB_ARGS}").get_data(as_text=True)
    hrefs = [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]+_flt_[^"]+)"', html)]
    submitted_feb = next(h for h in hrefs if h.startswith("/improvementrequestview/list/")
                         and "_flt_1_submitted_at=2025-01-31" in h)
    listed = client.get(submitted_feb).get_data(as_text=True)
    assert record_count(listed) == 4
    assert all(f"Dasbor R{i}" in listed for i in (1, 3, 4, 5))
    finished_feb = next(h for h in hrefs if h.startswith("/improvementrequestview/list/")
                        and "_closed_at=2025-01-31" in h)
    listed = client.get(finished_feb).get_data(as_text=True)
    assert record_count(listed) == 2  # R1 and R3 were accepted as done in February
    assert "Dasbor R1" in listed and "Dasbor R3" in listed and "Dasbor R5" not in listed
    incidents_feb = next(h for h in hrefs if h.startswith("/incidentview/list/")
                         and "_flt_1_occurred_at=2025-01-31" in h)
    listed = client.get(incidents_feb).get_data(as_text=True)
    assert record_count(listed) == 3
    assert "Gangguan 2025-02-03 08:00" in listed and "Gangguan 2025-01-15 09:00" not in listed
    day = next(h for h in hrefs if h.startswith("/checklistroundview/list/")
               and "date=2025-02-04" in h)
    assert client.get(day).status_code == 200
    for href in set(hrefs):
        assert client.get(href).status_code == 200, href


def test_queries_do_not_grow_with_the_data(app, generated, login_as):
    client = login_as("kabid.dalak")
    with count_queries(app) as small:
        assert client.get("/dashboard/?period=custom&from=01-03-2025&to=31-03-2025"
                          ).status_code == 200
    with count_queries(app) as large:
        assert client.get(f"/dashboard/?{JAN_FEB_ARGS}").status_code == 200
    assert len(large) == len(small)
    assert len(large) < 45


def test_period_picker(app, ctx):
    today = dt.date(2026, 3, 15)
    assert (from_args({}, today).start, from_args({}, today).end) == (
        dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    last = from_args({"period": "last_month"}, today)
    assert (last.start, last.end) == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    year = from_args({"period": "this_year"}, today)
    assert (year.start, year.end) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    custom = from_args({"period": "custom", "from": "05-01-2026", "to": "20-01-2026"}, today)
    assert (custom.start, custom.end, custom.errors) == (
        dt.date(2026, 1, 5), dt.date(2026, 1, 20), {})
    wrong = from_args({"period": "custom", "from": "31-02-2026", "to": "01-01-2026"}, today)
    assert set(wrong.errors) == {"from"} and wrong.start == dt.date(2026, 3, 1)
    backwards = from_args({"period": "custom", "from": "05-01-2026", "to": "01-01-2026"}, today)
    assert backwards.errors == {"to": "Akhir periode tidak boleh sebelum awalnya."}


def test_the_home_summary_links_to_the_dashboard(app, login_as):
    client = login_as("pimpinan")
    home = client.get("/").get_data(as_text=True)
    assert 'id="dashboard-link" href="/dashboard/"' in home
    assert client.get("/dashboard/").status_code == 200


def test_bad_period_is_said_per_field(app, login_as):
    html = login_as("pimpinan").get("/dashboard/?period=custom&from=xx&to=01-01-2026"
                                    ).get_data(as_text=True)
    assert 'id="error-from"' in html and "Tanggal tidak valid" in html


@pytest.mark.parametrize("username,allowed", [
    ("pimpinan", True), ("kasi.pdsi", True), ("kabid.dalak", True), ("admin", True),
    ("pemohon", False), ("it.budi", False), ("kasubag.umum", False)])
def test_only_supervisors(app, login_as, username, allowed):
    response = login_as(username).get("/dashboard/")
    assert (response.status_code == 200) is allowed
    if not allowed:
        assert response.status_code in (302, 403)


def test_damaged_equipment_by_unit(app, login_as):
    """Issue 22's figure: the assets in use that are Rusak Ringan / Rusak Berat, per unit, now;
    each condition opens the register filtered by it."""
    from app.assets.models import Asset
    from app.security.models import Unit

    with app.app_context():
        unit = Unit(code="UJI-DSB", name="Bidang Uji Dasbor")
        db.session.add(unit)
        db.session.flush()
        for number, condition, status in (("DSB/1", "rusak_ringan", "aktif"),
                                          ("DSB/2", "rusak_ringan", "aktif"),
                                          ("DSB/3", "rusak_berat", "aktif"),
                                          ("DSB/4", "rusak_berat", "dihapus"),
                                          ("DSB/5", "baik", "aktif")):
            db.session.add(Asset(inventory_number=number, category="Printer",
                                 brand_type="Epson L3210", unit_id=unit.id,
                                 condition=condition, status=status))
        db.session.commit()
    html = login_as("pimpinan").get("/dashboard/").get_data(as_text=True)
    figure = html.split('id="figure-assets"')[1].split('id="figure-', 1)[0]
    assert "Bidang Uji Dasbor" in figure
    chart = figure.split("Bidang Uji Dasbor", 1)[1].split("</svg>", 1)[0]
    assert ">3</text>" in chart  # two slightly damaged and one badly damaged in use
    assert "Rusak Ringan" in figure and "Rusak Berat" in figure
    link = re.search(r'href="(/assetview/list/\?_flt_\d+_condition=rusak_berat)"', figure)
    listed = login_as("pimpinan").get(link.group(1)).get_data(as_text=True)
    assert "DSB/3" in listed and "DSB/1" not in listed and "DSB/5" not in listed
