"""Bad input that only the database notices (a number too large, text too long for a column)
answers 400 with a message, and the transaction is rolled back — never a 500 (issue #7)."""

from __future__ import annotations

from flask import Flask, abort, jsonify, request
from sqlalchemy.exc import DataError, StatementError

from app.extensions import db

MESSAGE = "Nilai yang dikirim di luar batas yang diizinkan."


def bearer_token_sent() -> bool:
    """A bearer token (the API's JWT); other Authorization schemes, e.g. a proxy's Basic auth,
    leave the browser session in charge."""
    return request.headers.get("Authorization", "").lower().startswith("bearer ")


def wants_json() -> bool:
    """Whether an answer should be JSON: the REST API, a client that sent a bearer token or
    a JSON body, or one that prefers JSON. Everyone else gets a page."""
    return (request.path.startswith("/api/")
            or bearer_token_sent()
            or request.is_json or request.accept_mimetypes.best == "application/json")


def _is_bad_value(error: Exception) -> bool:
    if isinstance(error, DataError):
        return True
    original = getattr(error, "orig", None)
    return isinstance(original, (OverflowError, ValueError))


ID_ARGS = ("pk", "attachment_id")
ID_LIMIT = 2**31 - 1  # the database's integer; beyond it no row exists


def init_errors(app: Flask) -> None:
    @app.before_request
    def _ids_in_range():
        """An id no row can have is not found, before it reaches the database (FAB's @safe
        would turn the driver's overflow into a 500)."""
        for name, value in (request.view_args or {}).items():
            if name not in ID_ARGS and not isinstance(value, int):
                continue  # other string arguments (names, dates) are the views' own
            try:
                number = int(value)
            except (TypeError, ValueError):
                continue
            if abs(number) > ID_LIMIT:
                abort(404)

    @app.errorhandler(StatementError)
    def _statement_error(error):
        db.session.rollback()
        if not _is_bad_value(error):
            raise error
        if wants_json():
            return jsonify(message=MESSAGE), 400
        return MESSAGE, 400


def error_response(api, err):
    """A domain error (status, message, per-field errors) as the API's JSON answer (SPEC §7)."""
    body = {"message": err.message}
    if err.errors:
        body["errors"] = err.errors
    return api.response(err.status, **body)
