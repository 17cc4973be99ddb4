"""The served app: `python run.py` (what `make run` starts) and gunicorn (production)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import free_port, wait_for

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


@pytest.mark.parametrize("command", ["dev", "gunicorn"])
def test_server_serves_the_login_page(app, database_url, command):
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "PORT": str(port),
           "SECRET_KEY": "server-test-secret-key-long-enough-for-jwt"}
    args = ([sys.executable, "run.py"] if command == "dev" else
            [str(VENV_BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}",
             "run:app"])
    process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    try:
        page = wait_for(f"http://127.0.0.1:{port}/login/", process)
        assert "Masuk" in page and "Kata Sandi" in page
    finally:
        process.terminate()
        process.wait(timeout=10)
