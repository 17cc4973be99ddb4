"""One log line per request: method, path, status, duration, user (issue #8). No bodies, no
query strings, no headers — so no passwords or tokens reach the log."""

from __future__ import annotations

import logging
import time

from flask import Flask, g, request

log = logging.getLogger("layanan.requests")


def init_request_log(app: Flask) -> None:
    @app.before_request
    def _start_timer():
        g._started = time.perf_counter()

    @app.after_request
    def _log_request(response):
        started = g.pop("_started", None)
        if started is not None and not request.path.startswith("/static/"):
            user = getattr(g, "user", None)
            username = getattr(user, "username", None) if user is not None else None
            log.info("%s %s %s %.1fms user=%s", request.method, request.path,
                     response.status_code, (time.perf_counter() - started) * 1000,
                     username or "-")
        return response
