"""Concurrent actions on PostgreSQL, with real threads and separate connections (issue #3)."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter

import pytest
from flask_migrate import upgrade
from sqlalchemy import select

from app.extensions import db
from app.requests.models import RequestHistory, ServiceRequest
from app.timeutil import WITA, to_utc_naive
from app.workflow.service import WorkflowError
from tests.conftest import create_pg_database, drop_pg_database, make_app
from tests.workflow_helpers import act, new_request, request_in


@pytest.fixture(scope="module")
def pg_app():
    """Its own PostgreSQL database: these tests are about PostgreSQL's locking."""
    name, url = create_pg_database()
    app = make_app(url, SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 20, "max_overflow": 40})
    with app.app_context():
        upgrade()
        from app.security.roles import sync_all_roles
        from seeds.loader import load_demo

        sync_all_roles()
        load_demo(with_samples=False)
        db.session.remove()
    yield app
    with app.app_context():
        db.engine.dispose()
    drop_pg_database(name)


def run_together(app, count: int, work):
    """Start `count` threads at one barrier; each runs work(i) in its own app context."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def runner(i):
        with app.app_context():
            barrier.wait()
            try:
                results[i] = ("ok", work(i))
            except WorkflowError as err:
                results[i] = (err.status, err.message)
            except Exception as err:  # noqa: BLE001 — reported by the assertion below
                results[i] = ("error", repr(err))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_twenty_conflicting_actions_exactly_one_wins(pg_app):
    with pg_app.app_context():
        req_id = request_in("pending_unit_approval").id
        db.session.remove()
    actions = ["unit_approve", "unit_reject", "unit_return", "cancel"]

    def work(i):
        req = db.session.get(ServiceRequest, req_id)
        action = actions[i % len(actions)]
        actor = "pemohon" if action == "cancel" else "kabid.pelayanan"
        act(req, action, actor, {"note": f"percobaan {i}"})
        return action

    results = run_together(pg_app, 20, work)
    outcomes = Counter(r[0] for r in results)
    assert outcomes["ok"] == 1, results
    assert outcomes[409] == 19, results
    with pg_app.app_context():
        req = db.session.get(ServiceRequest, req_id)
        history = db.session.execute(
            select(RequestHistory).where(RequestHistory.request_id == req_id)).scalars().all()
        winner = next(r[1] for r in results if r[0] == "ok")
        assert [h.action for h in history] == ["submit", winner]
        assert req.status == {"unit_approve": "pending_assessment", "unit_reject": "rejected",
                              "unit_return": "draft", "cancel": "cancelled"}[winner]


def test_fifty_concurrent_submits_get_fifty_consecutive_numbers(pg_app):
    now = to_utc_naive(dt.datetime(2031, 3, 3, 9, 0, tzinfo=WITA))
    with pg_app.app_context():
        ids = [new_request(now=now).id for _ in range(50)]
        db.session.remove()

    def work(i):
        req = db.session.get(ServiceRequest, ids[i])
        act(req, "submit", "pemohon", {}, now=now)
        return req.number

    results = run_together(pg_app, 50, work)
    assert all(r[0] == "ok" for r in results), results
    numbers = sorted(r[1] for r in results)
    assert numbers == [f"{n:03d}/PPS-TI/DPMPTSP/III/2031" for n in range(1, 51)]


def test_two_run_due_processes_create_each_round_once(pg_app):
    """Two `flask jobs run-due` processes on one database through a day (issues #4, #5, #8)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from aiosmtpd.controller import Controller

    from app.checklist.models import ChecklistRound
    from app.notify.models import Outbox
    from tests.helpers import Inbox, free_port

    inbox, port = Inbox(), free_port()
    smtp = Controller(inbox, hostname="127.0.0.1", port=port)
    smtp.start()
    flask = str(Path(sys.executable).parent / "flask")
    env = {**os.environ, "DATABASE_URL": pg_app.config["SQLALCHEMY_DATABASE_URI"],
           "FLASK_APP": "run.py", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(port)}
    root = Path(__file__).resolve().parent.parent
    with pg_app.app_context():  # overdue work, so the 07.30 digests have something to say
        request_in("in_progress", now=to_utc_naive(dt.datetime(2027, 3, 30, 9, tzinfo=WITA)))
        db.session.remove()
    # A simulated working day, both processes at every step.
    for step in ("07:00", "07:31", "08:10", "09:05", "09:06", "12:59", "13:30", "14:05", "16:00"):
        procs = [subprocess.Popen([flask, "jobs", "run-due", "--now", f"2027-04-06T{step}"],
                                  cwd=root, env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE) for _ in range(2)]
        for proc in procs:
            out, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err.decode()[-2000:]
    smtp.stop()
    with pg_app.app_context():
        day_rounds = db.session.execute(select(ChecklistRound).where(
            ChecklistRound.date == dt.date(2027, 4, 6))).scalars().all()
        assert sorted((r.slot, r.status) for r in day_rounds) == [
            ("08:00", "missed"), ("13:00", "missed")]
        for rnd in day_rounds:
            notices = db.session.execute(select(Outbox).where(
                Outbox.dedupe_key.like(f"missed:{rnd.id}:%"))).scalars().all()
            assert len(notices) == 3
        digests = db.session.execute(select(Outbox.recipient_id).where(
            Outbox.dedupe_key.like("digest:%:2027-04-06"))).scalars().all()
        assert digests and len(digests) == len(set(digests))
        # Every queued mail was delivered exactly once, though two processes sent.
        rows = db.session.execute(select(Outbox).where(Outbox.status == "sent")).scalars().all()
        assert rows and len(inbox.messages) == len(rows)
        for person in set(digests):
            email = db.session.get(Outbox, next(r.id for r in rows if r.recipient_id == person
                                                and r.event == "digest")).recipient_email
            assert len([m for m in inbox.to(email) if "Pengingat" in m["Subject"]]) == 1
