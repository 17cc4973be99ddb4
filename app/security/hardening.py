"""Security headers and the CSP nonce (flask-talisman), idle session expiry, login audit, 429 in
Indonesian (issue #7)."""

from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template, request, session
from flask_talisman import Talisman

from app.errors import wants_json
from app.extensions import db
from app.security.models import SecurityLog
from app.timeutil import utcnow

BLOCKED_MESSAGE = ("Terlalu banyak percobaan masuk yang gagal. Tunggu beberapa menit lalu coba "
                   "lagi, atau hubungi Admin.")


# FAB's templates style with attributes (style-src needs 'unsafe-inline'); scripts need the
# nonce Talisman makes per request, which FAB's templates read through `csp_nonce()`.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'", "data:"],
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def init_hardening(app: Flask) -> None:
    secure = bool(app.config.get("SESSION_COOKIE_SECURE"))
    # One Talisman per app: it keeps its options on the instance, and tests make many apps.
    app.extensions["talisman"] = Talisman(
        app,
        force_https=False,  # nginx terminates TLS and redirects plain HTTP (DEPLOY.md)
        frame_options="DENY",
        strict_transport_security=secure,
        strict_transport_security_max_age=31536000,
        content_security_policy=CONTENT_SECURITY_POLICY,
        content_security_policy_nonce_in=["script-src"],
        referrer_policy="strict-origin-when-cross-origin",
        session_cookie_secure=secure,
        session_cookie_http_only=True,
        session_cookie_samesite=app.config.get("SESSION_COOKIE_SAMESITE") or "Lax",
    )

    @app.before_request
    def _idle_expiry():
        # A permanent session expires PERMANENT_SESSION_LIFETIME after the last request.
        session.permanent = True

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
