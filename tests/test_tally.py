"""The request tally (app/requests/tally.py): the counts the Kasi's lists show must be exact,
through inserts, workflow actions, deletes, compaction and concurrent writers."""

from __future__ import annotations

import re
import threading

from sqlalchemy import delete, func, select, text

from app.extensions import db
from app.requests import tally
from app.requests.models import ServiceRequest
from tests.helpers import count_queries
from tests.workflow_helpers import act, new_request, request_in, user


def real_counts() -> dict[tuple[str, str], int]:
    rows = db.session.execute(select(ServiceRequest.kind, ServiceRequest.status, func.count())
                              .group_by(ServiceRequest.kind, ServiceRequest.status)).all()
    return {(kind, status): n for kind, status, n in rows}


def tallied() -> dict[tuple[str, str], int]:
    counts = {}
    for kind, status in {*real_counts(), ("improvement", "done"), ("support", "draft")}:
        n = tally.count(kind, status)
        if n:
            counts[(kind, status)] = n
    return counts


def assert_exact():
    db.session.expire_all()
    assert tallied() == real_counts()
    for kind in ("improvement", "support"):
        assert tally.count(kind) == sum(n for (k, _), n in real_counts().items() if k == kind)


def test_tally_follows_inserts_actions_deletes_and_compaction(app, ctx):
    assert_exact()  # the migration filled it from the seeded requests
    req = request_in("pending_assessment")
    support = request_in("in_progress", kind="support")
    act(support, "report_obstacle", "it.budi")
    assert_exact()
    db.session.execute(delete(ServiceRequest).where(ServiceRequest.id == new_request().id))
    db.session.commit()
    assert_exact()
    tally.compact()
    assert_exact()
    rows = db.session.execute(select(func.count()).select_from(tally._tally)).scalar()
    assert rows == len(real_counts())  # one row per (kind, state) after compaction
    tally.compact()  # nothing to fold: still exact
    act(req, "cancel", "pemohon")
    assert_exact()


def test_kasi_list_counts_come_from_the_tally_and_are_exact(app, login_as, ctx):
    request_in("pending_assessment")
    client = login_as("kasi.pdsi")
    db.session.expire_all()
    kasi = user("kasi.pdsi")
    new_request(requester="kasi.pdsi")  # the Kasi's own draft is in his list; others' are not
    new_request()
    # What the Kasi sees (SPEC §2): every submitted request and his own drafts.
    act(new_request(), "cancel", "pemohon", {"note": "Tidak jadi."})  # never submitted
    seen = db.session.execute(select(func.count()).select_from(ServiceRequest).where(
        ServiceRequest.kind == "improvement",
        ((ServiceRequest.status != "draft") & ServiceRequest.submitted_at.isnot(None))
        | (ServiceRequest.requester_id == kasi.id))).scalar()
    for query, expected in (
        ("", seen),
        ("?_flt_3_status=pending_assessment", real_counts()[("improvement",
                                                             "pending_assessment")]),
    ):
        with count_queries(app) as statements:
            page = client.get(f"/improvementrequestview/list/{query}").get_data(as_text=True)
        assert any("request_tally" in s for s in statements), (query, statements)
        # Only what the tally cannot tell is counted in the table: his own drafts, and the
        # drafts others cancelled unsent.
        counted = [s for s in statements if "count(" in s.lower() and "service_request" in s]
        assert all("requester_id" in s and "status" in s for s in counted), counted
        assert re.search(rf"Jumlah Data:</strong>\s*{expected}\s", page), expected
    # Anyone else's list is counted from the table (their rows are a subset).
    with count_queries(app) as statements:
        login_as("pemohon").get("/improvementrequestview/list/")
    assert not any("request_tally" in s for s in statements)


def test_concurrent_writers_and_compactors_keep_the_tally_exact(app, backend):
    """Writers append while two compactors fold: no delta lost or counted twice."""
    with app.app_context():
        template = new_request()
        fields = {c: getattr(template, c) for c in (
            "requester_id", "unit_id", "system_id", "current_condition",
            "proposed_improvement", "reason", "priority")}
        db.session.remove()
    errors: list[BaseException] = []

    def writer(n: int):
        try:
            with app.app_context():
                from app.requests.models import ImprovementRequest

                for i in range(25):
                    db.session.add(ImprovementRequest(title=f"Tally {n}-{i}", status="draft",
                                                      **fields))
                    db.session.commit()
                db.session.remove()
        except BaseException as err:  # noqa: BLE001 — reported below
            errors.append(err)

    def compactor():
        try:
            with app.app_context():
                for _ in range(40):
                    tally.compact()
                db.session.remove()
        except BaseException as err:  # noqa: BLE001
            errors.append(err)

    with app.app_context():
        tally.compact()  # one row per key: the next fold empties the table (rowids restart)
        db.session.remove()
    threads = [threading.Thread(target=writer, args=(n,)) for n in range(5)]
    threads += [threading.Thread(target=compactor) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    with app.app_context():
        assert_exact()
        tally.compact()
        assert_exact()
        db.session.remove()


def test_recount_repairs_a_tally_made_wrong_behind_the_triggers(app, ctx):
    db.session.execute(tally._tally.insert().values(kind="improvement", status="draft", n=5))
    db.session.commit()
    assert tally.count("improvement", "draft") == real_counts().get(
        ("improvement", "draft"), 0) + 5
    result = app.test_cli_runner().invoke(args=["jobs", "recount"])
    assert result.exit_code == 0 and "dihitung ulang" in result.output, result.output
    db.session.expire_all()
    assert_exact()


def test_repair_search_adds_the_trigram_indexes_a_database_lacks(app, ctx, backend):
    """A PostgreSQL upgraded before pg_trgm was there has no trigram indexes (migration 0003
    goes on without them); `flask repair-search` adds them, and says when nothing is missing."""
    runner = app.test_cli_runner()
    names = ("ix_request_number_trgm", "ix_request_title_trgm")
    if backend == "postgresql":
        for name in names:
            db.session.execute(text(f"DROP INDEX IF EXISTS {name}"))
        db.session.commit()
        result = runner.invoke(args=["repair-search"])
        assert result.exit_code == 0, result.output
        assert "Indeks pencarian dibuat: ix_request_number_trgm, ix_request_title_trgm." in \
            result.output
        present = set(db.session.execute(text(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'service_request'")).scalars())
        assert set(names) <= present
    result = runner.invoke(args=["repair-search"])
    assert result.exit_code == 0, result.output
    assert "Indeks pencarian sudah lengkap." in result.output
