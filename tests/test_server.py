"""The served app: `python run.py` (what `make run` starts) and gunicorn (production)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, process, seconds: float = 30.0) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read().decode()
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer in {seconds} s")


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
