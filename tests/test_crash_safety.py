"""A server killed (SIGKILL) in the middle of an action leaves all of it or none (issue #7)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from sqlalchemy import func, select

from app.extensions import db
from app.notify.models import Outbox
from app.requests.models import NumberSequence, RequestHistory, ServiceRequest
from tests.conftest import PASSWORD
from tests.helpers import free_port, wait_for
from tests.workflow_helpers import request_in

ROOT = Path(__file__).resolve().parent.parent


def test_killed_mid_action_leaves_nothing_half_written(app, database_url, ctx, tmp_path):
    req = request_in("draft")
    year_seq = db.session.execute(select(func.coalesce(func.max(NumberSequence.last_value), 0))
                                  ).scalar_one()
    before = {
        "history": db.session.query(RequestHistory).filter_by(request_id=req.id).count(),
        "outbox": db.session.query(Outbox).filter_by(request_id=req.id).count(),
    }
    db.session.remove()

    marker = tmp_path / "paused"
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "PORT": str(port),
           "SECRET_KEY": "crash-test-secret-key-long-enough-for-jwt",
           "PAUSE_MARKER": str(marker)}
    server = subprocess.Popen([sys.executable, "tests/paused_server.py"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(f"http://127.0.0.1:{port}/login/", server)
        token = _token(port)
        answer: dict = {}

        def submit():
            try:
                request = urllib.request.Request(
                    f"http://127.0.0.1:{port}/api/v1/improvement_request/{req.id}/actions/submit",
                    data=b"{}", method="POST",
                    headers={"Authorization": f"Bearer {token}",
                             "Content-Type": "application/json"})
                urllib.request.urlopen(request, timeout=60)
                answer["status"] = "answered"
            except Exception as err:  # noqa: BLE001 — the connection dies with the server
                answer["status"] = repr(err)

        thread = threading.Thread(target=submit)
        thread.start()
        _wait_for(marker, server)  # the action has written everything and not committed
        os.kill(server.pid, signal.SIGKILL)
        thread.join(timeout=30)
        assert answer["status"] != "answered"
    finally:
        server.kill()
        server.wait(timeout=10)

    db.session.expire_all()
    after = db.session.get(ServiceRequest, req.id)
    assert after.status == "draft" and after.number is None
    assert db.session.query(RequestHistory).filter_by(request_id=req.id).count() == before["history"]
    assert db.session.query(Outbox).filter_by(request_id=req.id).count() == before["outbox"]
    assert db.session.execute(select(func.coalesce(func.max(NumberSequence.last_value), 0))
                              ).scalar_one() == year_seq  # no number was used up


def _token(port: int) -> str:
    import json

    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/security/login",
        data=json.dumps({"username": "pemohon", "password": PASSWORD,
                         "provider": "db"}).encode(),
        headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["access_token"]


def _wait_for(marker: Path, server, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not marker.exists():
        assert server.poll() is None, "the server died before the action reached its commit"
        assert time.monotonic() < deadline, "the action never reached its commit"
        time.sleep(0.05)
