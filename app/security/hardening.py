"""Security headers with CSP nonces, idle session expiry, login audit, 429 in Indonesian (issue #7)."""

from __future__ import annotations

import secrets

from flask import Flask, current_app, g, jsonify, render_template, request, session

from app.errors import wants_json
from app.extensions import db
from app.security.models import SecurityLog
from app.timeutil import utcnow

BLOCKED_MESSAGE = ("Terlalu banyak percobaan masuk yang gagal. Tunggu beberapa menit lalu coba "
                   "lagi, atau hubungi Admin.")


def csp_nonce() -> str:
    """The per-request nonce FAB's templates put on every <script> (baselib.get_nonce)."""
    if "_csp_nonce" not in g:
        g._csp_nonce = secrets.token_urlsafe(16)
    return g._csp_nonce


def _content_security_policy() -> str:
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' 'nonce-{csp_nonce()}'",
        "style-src 'self' 'unsafe-inline'",  # FAB's templates use style attributes
        "img-src 'self' data:",
        "font-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def init_hardening(app: Flask) -> None:
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.before_request
    def _idle_expiry():
        # A permanent session expires PERMANENT_SESSION_LIFETIME after the last request.
        session.permanent = True

    @app.after_request
    def _headers(response):
        response.headers.setdefault("Content-Security-Policy", _content_security_policy())
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security",
                                        "max-age=31536000; includeSubDomains")
        return response

    @app.errorhandler(429)
    def _too_many(error):
        if wants_json():
            return jsonify(message=BLOCKED_MESSAGE), 429
        appbuilder = current_app.appbuilder
        return render_template("errors/429.html", appbuilder=appbuilder,
                               base_template=appbuilder.base_template), 429


def log_security_event(event: str, username: str | None = None, detail: str | None = None,
                       commit: bool = True) -> None:
    ip = request.remote_addr if request else None
    db.session.add(SecurityLog(event=event, username=username, ip=ip, detail=detail,
                               created_at=utcnow()))
    if commit:
        db.session.commit()
