"""What keeps the request lists quick on a big table (issue 9), checked for correctness here;
the speed itself is measured by `make bench`, never in a test."""

from __future__ import annotations

import datetime as dt
import re
import uuid

from flask_appbuilder.models.sqla.interface import SQLAInterface
from sqlalchemy import event, select, text, update

from app.extensions import db
from app.fab_overrides import EagerSQLAInterface
from app.requests.models import ImprovementRequest
from tests.helpers import count_queries
from tests.workflow_helpers import act, new_request, request_in, target_date, user

LIST = "/improvementrequestview/list/"


def _ids(rows) -> list[int]:
    return [row.id for row in rows]


def test_pages_past_the_middle_are_the_same_rows_as_offset_pages(app, ctx):
    """A deep page is read from the end; it must hold exactly the rows OFFSET would give,
    in the same order, for every order a user can pick (ties and NULL target dates too)."""
    base = dt.date(2030, 1, 7)
    for n in range(23):
        req = new_request(title=f"Urutan {n % 4}")
        req.target_date = None if n % 5 == 0 else base + dt.timedelta(days=n % 3)
    db.session.commit()
    ours, fab = EagerSQLAInterface(ImprovementRequest), SQLAInterface(ImprovementRequest)
    total = db.session.execute(select(db.func.count()).select_from(ImprovementRequest)).scalar()
    size = 4
    with app.test_request_context():
        for column in ("id", "target_date", "title", "number"):
            for direction in ("asc", "desc"):
                for page in range((total + size - 1) // size + 1):  # and one past the end
                    count, rows = ours.query(None, column, direction, page, size)
                    fab_count, fab_rows = fab.query(None, column, direction, page, size)
                    assert count == fab_count == total
                    assert _ids(rows) == _ids(fab_rows), (column, direction, page)


def test_list_page_runs_at_most_eight_statements_whatever_the_page(app, login_as, ctx):
    """Issue 9: ≤ 8 statements, the same for 5 or 25 rows and however many distinct units,
    requesters and officers the rows name, for the Kasi and for a Kepala Unit (row filter)."""
    for state in ("pending_unit_approval", "in_progress"):
        for _ in range(4):
            request_in(state)
    for _ in range(3):
        new_request(requester="kabid.pelayanan")
    sari = {"officer_id": user("it.sari").id, "target_date": target_date(n=4).isoformat(),
            "note": "Dialihkan."}
    act(request_in("in_progress"), "reassign", "kasi.pdsi", sari)
    for username in ("kasi.pdsi", "kabid.pelayanan"):
        client = login_as(username)
        client.get(LIST)  # warm up
        counts = {}
        for query in ("psize_ImprovementRequestView=5", "psize_ImprovementRequestView=25",
                      "_oc_ImprovementRequestView=target_date&_od_ImprovementRequestView=asc",
                      "page_ImprovementRequestView=1&psize_ImprovementRequestView=5"):
            with count_queries(app) as statements:
                rv = client.get(f"{LIST}?{query}")
            assert rv.status_code == 200
            counts[query] = len(statements)
        print(username, counts)
        assert len(set(counts.values())) == 1 and max(counts.values()) <= 8, (username, counts)


def test_title_contains_finds_through_the_trigram_index(app, login_as, ctx, backend):
    word = f"Kata{uuid.uuid4().hex[:8]}"
    req = new_request(title=f"Perbaikan modul {word} pada SIM")
    other = new_request(title="Perbaikan lain")
    for submitted in (req, other):  # the Kasi sees submitted requests (drafts are private)
        act(submitted, "submit", "pemohon", {})
    client = login_as("kasi.pdsi")

    def found(term: str) -> set[int]:
        page = client.get(f"{LIST}?_flt_2_title={term}").get_data(as_text=True)
        return {int(pk) for pk in re.findall(r"/improvementrequestview/show/(\d+)", page)}

    with count_queries(app) as statements:
        assert found(word.lower()) == {req.id}  # case-insensitive, inside a word
    search_sql = " ".join(statements)
    if backend == "sqlite":
        assert "request_search" in search_sql
    # The index follows edits of the title (SQLite: triggers; PostgreSQL: the index itself).
    db.session.execute(update(ImprovementRequest).where(ImprovementRequest.id == req.id)
                       .values(title="Judul baru tanpa kata itu"))
    db.session.commit()
    assert found(word) == set()
    assert req.id in found("tanpa kata") and other.id not in found("tanpa kata")
    # Searching by number too: submit gives a number, the index must know it.
    submitted = request_in("pending_unit_approval")
    db.session.refresh(submitted)
    seq = submitted.number.split("/")[0]
    page = client.get(f"{LIST}?_flt_2_number={submitted.number}").get_data(as_text=True)
    assert f"/improvementrequestview/show/{submitted.id}" in page and seq in page
    if backend == "postgresql":
        # On a table this small the planner scans; forbid that to see the index serve ILIKE.
        with db.engine.connect() as conn:
            conn.execute(text("SET enable_seqscan = off"))
            plan = "\n".join(conn.execute(text(
                "EXPLAIN SELECT id FROM service_request WHERE title ILIKE :p"),
                {"p": f"%{word}%"}).scalars())
        assert "ix_request_title_trgm" in plan, plan


def test_the_search_box_is_answered_by_the_indexes_of_both_columns(app, login_as, ctx, backend):
    """The search box looks in the number and the title. SQLite's FTS5 table answers
    `column LIKE` from its trigram index only for a column on its own: an OR of the two
    columns read the whole table (half a second for one match at a million requests, issue
    21). Every read of the table must name its LIKE column in the plan ("0:L<n>")."""
    word = f"Cari{uuid.uuid4().hex[:8]}"
    req = new_request(title=f"Perbaikan {word}")
    act(req, "submit", "pemohon", {})
    client = login_as("kasi.pdsi")
    with app.app_context():
        engine = db.engine
    seen: list[tuple[str, object]] = []

    def listener(conn, cursor, statement, parameters, *args):
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", listener)
    try:
        search = re.search(r'name="(_flt_\d+_title)" id="search-words"',
                           client.get(LIST).get_data(as_text=True)).group(1)
        page = client.get(f"{LIST}?{search}={word.lower()}").get_data(as_text=True)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert f"/improvementrequestview/show/{req.id}" in page
    if backend == "sqlite":
        reads = [(sql, params) for sql, params in seen if "request_search" in sql]
        assert reads
        with engine.connect() as conn:
            for sql, params in reads:
                plan = [row[3] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}",
                                                               params)]
                scans = [step for step in plan if "request_search" in step]
                assert scans and all(re.search(r"INDEX 0:[LM]\d", step) for step in scans), plan
    else:
        with engine.connect() as conn:
            conn.execute(text("SET enable_seqscan = off"))
            plan = "\n".join(conn.execute(text(
                "EXPLAIN SELECT id FROM service_request WHERE number ILIKE :p OR title ILIKE :p"),
                {"p": f"%{word}%"}).scalars())
        assert "ix_request_title_trgm" in plan and "ix_request_number_trgm" in plan, plan


def test_remembered_units_of_a_head_are_forgotten_when_an_absence_is_recorded(app, ctx):
    """headed_unit_ids() is remembered for the request; a Plh recorded in the same request
    takes effect at once (the flush drops the remembered answer)."""
    from app.security.models import Absence, Unit
    from app.timeutil import today_wita
    from app.workflow import relations

    plh, head = user("kabid.pelayanan"), user("kasubag.umum")
    day = today_wita()
    umum = db.session.execute(select(Unit.id).where(Unit.head_id == head.id)).scalar_one()
    with app.test_request_context():
        before = relations.headed_unit_ids(plh, day)
        assert umum not in before
        absence = Absence(user_id=head.id, start_date=day, end_date=day, kind="cuti",
                          reason="Cuti", acting_user_id=plh.id, recorded_by_id=head.id)
        db.session.add(absence)
        db.session.flush()
        assert relations.headed_unit_ids(plh, day) == {**before, umum: head.id}
        db.session.rollback()
        assert relations.headed_unit_ids(plh, day) == before


def test_every_list_sorts_by_each_of_its_columns_on_every_page(app, login_as, ctx):
    """The deferred join and the read-from-the-end apply to every list on EagerSQLAInterface:
    each sortable column, both directions, first and last page, answers 200."""
    from app.fab_overrides import EagerSQLAInterface

    client = login_as("admin")
    checked = []
    for view in app.appbuilder.baseviews:
        model = getattr(view, "datamodel", None)
        if not isinstance(model, EagerSQLAInterface) or not hasattr(view, "order_columns"):
            continue
        if not hasattr(view, "list") or "list" in getattr(view, "exclude_route_methods", ()):
            continue
        name = view.__class__.__name__
        base = f"{view.route_base}/list/"
        for column in view.order_columns:
            for direction in ("asc", "desc"):
                for page in (0, 1, 10_000):
                    rv = client.get(f"{base}?_oc_{name}={column}&_od_{name}={direction}"
                                    f"&page_{name}={page}&psize_{name}=2")
                    assert rv.status_code == 200, (base, column, direction, page)
        checked.append(name)
    assert {"ImprovementRequestView", "SupportRequestView", "IncidentView"} <= set(checked)


def test_the_open_requests_index_matches_the_final_states():
    """ix_request_open's condition is written out as SQL; it must name exactly the final
    states of the workflow, or the home page would miss requests or the index."""
    from app.requests.models import OPEN_CONDITION
    from app.workflow.rules import FINAL_STATES

    named = set(re.findall(r"'([a-z_]+)'", str(OPEN_CONDITION)))
    assert named == set(FINAL_STATES)
