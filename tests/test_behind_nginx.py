"""The app as docs/DEPLOY.md runs it: gunicorn (two workers) behind Debian's nginx (issue 14).

Clients come from different loopback addresses (127.0.0.0/8 is all loopback on Linux), so nginx
sees each one's own address and passes it on in X-Forwarded-For; the app trusts one hop
(TRUSTED_PROXIES=1). The failed-login counters are in the database, shared by both workers.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from app.extensions import db
from app.security.models import SecurityLog
from tests.conftest import PASSWORD
from tests.helpers import DEMO_USERS, free_port, wait_for

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
NGINX = "/usr/sbin/nginx"

NGINX_CONF = """
worker_processes 1;
error_log {dir}/error.log;
pid {dir}/nginx.pid;
events {{ worker_connections 256; }}
http {{
    access_log {dir}/access.log;
    client_body_temp_path {dir}/client_body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    client_max_body_size 8m;
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://127.0.0.1:{upstream};
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
        }}
    }}
}}
"""


@pytest.fixture()
def behind_nginx(app, database_url, tmp_path):
    """(base URL of nginx) with gunicorn behind it on the session's database."""
    upstream, port = free_port(), free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "TRUSTED_PROXIES": "1",
           "SECRET_KEY": "nginx-test-secret-key-long-enough-for-jwt", "START_CLOCK": "0",
           "LOGIN_LIMIT_ENABLED": "1", "RATELIMIT_STORAGE_URI": "database://"}
    gunicorn = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{upstream}",
         "run:app"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    (tmp_path / "nginx.conf").write_text(NGINX_CONF.format(dir=tmp_path, port=port,
                                                           upstream=upstream))
    nginx = subprocess.Popen([NGINX, "-c", str(tmp_path / "nginx.conf"), "-g", "daemon off;"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for(f"http://127.0.0.1:{upstream}/login/", gunicorn)
        wait_for(f"http://127.0.0.1:{port}/login/", nginx)
        yield f"http://127.0.0.1:{port}"
    finally:
        nginx.send_signal(signal.SIGQUIT)
        gunicorn.terminate()
        for process in (nginx, gunicorn):
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        with app.app_context():
            app.extensions["layanan_login_limits"]["limiter"].storage.reset()
            db.session.remove()


def client_from(address: str) -> httpx.Client:
    """A browser on another machine: its own address as nginx sees it."""
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=20)


def form_login(base: str, address: str, username: str, password: str) -> httpx.Response:
    with client_from(address) as client:
        page = client.get(f"{base}/login/").text
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        return client.post(f"{base}/login/", data={"username": username, "password": password,
                                                   "csrf_token": token})


def test_behind_nginx_the_office_logs_in_and_failures_are_counted_per_client(behind_nginx, ctx):
    base = behind_nginx
    started = time.monotonic()
    # 20 different people log in within a minute, all through the one nginx.
    for n, username in enumerate(DEMO_USERS):
        rv = form_login(base, f"127.0.0.{10 + n}", username, PASSWORD)
        assert rv.status_code == 302 and "/login" not in rv.headers["location"], username
    assert time.monotonic() - started < 60

    # Ten wrong passwords from one client: that client is refused, in Indonesian...
    for n in range(10):
        rv = form_login(base, "127.0.0.50", "pemohon2", f"salah-{n}-abcdef")
        assert rv.status_code == 302 and "/login" in rv.headers["location"]
    rv = form_login(base, "127.0.0.50", "pemohon", PASSWORD)
    assert rv.status_code == 429 and "Terlalu banyak percobaan masuk" in rv.text
    with client_from("127.0.0.50") as client:
        rv = client.post(f"{base}/api/v1/security/login", json={
            "username": "pemohon", "password": PASSWORD, "provider": "db"})
        assert rv.status_code == 429
    # ...while another client logs in, and one cannot pass itself off as another address.
    rv = form_login(base, "127.0.0.51", "pemohon", PASSWORD)
    assert rv.status_code == 302 and "/login" not in rv.headers["location"]
    with client_from("127.0.0.52") as client:
        rv = client.post(f"{base}/api/v1/security/login", headers={
            "X-Forwarded-For": "127.0.0.50"}, json={
            "username": "it.budi", "password": "salah-sekali-123", "provider": "db"})
        assert rv.status_code == 401  # counted against 127.0.0.52, not blocked as .50

    # The security log records the real client addresses.
    rows = set(db.session.execute(select(SecurityLog.event, SecurityLog.ip).where(
        SecurityLog.ip.like("127.0.0.%"))).all())
    assert ("login_failure", "127.0.0.50") in rows
    assert ("login_blocked", "127.0.0.50") in rows
    assert ("login_success", "127.0.0.51") in rows
    assert ("login_failure", "127.0.0.52") in rows
    assert {("login_success", f"127.0.0.{10 + n}") for n in range(len(DEMO_USERS))} <= rows
