"""Bad input that only the database notices (a number too large, text too long for a column)
answers 400 with a message, and the transaction is rolled back — never a 500 (issue #7)."""

from __future__ import annotations

import json

from flask import Flask, abort, current_app, g, jsonify, render_template, request
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy.exc import DataError, StatementError
from werkzeug.exceptions import HTTPException

from app.extensions import db
from app.i18n import N_

MESSAGE = N_("The value sent is outside the allowed range.")  # Indonesian for the API


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


def ids_in_range():
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


# A page's title and text for each status an HTTP error can have here (msgids; the reader's
# language). The API answers JSON instead, in Indonesian (`API_ERRORS`).
ERROR_PAGES = {
    400: (N_("The request could not be read"),
          N_("Check what you filled in and try again.")),
    403: (N_("Not allowed"), N_("Your account may not open this page or do this action.")),
    404: (N_("Not found"),
          N_("The page or data does not exist, or it is not visible to your account.")),
    405: (N_("Not allowed"), N_("This address does not take that kind of request.")),
    500: (N_("Something went wrong"),
          N_("The server could not finish your request and saved nothing of it. Try again; "
             "if it happens again, tell the Admin.")),
}
API_ERRORS = {
    400: "Permintaan tidak dapat dibaca.",
    403: "Anda tidak berwenang melakukan ini.",
    404: "Alamat API tidak ditemukan.",
    405: "Metode ini tidak diizinkan untuk alamat API ini.",
    500: "Terjadi kesalahan pada server; tidak ada yang tersimpan.",
}


def http_error(error):
    """An HTTP error as a page in the reader's language, or JSON in Indonesian for the API."""
    status = error.code if isinstance(error, HTTPException) and error.code else 500
    if status >= 500:
        db.session.rollback()
    if wants_json():
        return jsonify(message=API_ERRORS.get(status, API_ERRORS[500])), status
    title, message = ERROR_PAGES.get(status, ERROR_PAGES[500])
    if "user" not in g:  # refused before FAB's before_request (CSRF): the menu needs the user
        g.user = current_user
    appbuilder = current_app.appbuilder
    return render_template("errors/error.html", appbuilder=appbuilder,
                           base_template=appbuilder.base_template, status=status,
                           title=gettext(title), message=gettext(message)), status


def statement_error(error):
    db.session.rollback()
    if not _is_bad_value(error):
        raise error
    if wants_json():
        return jsonify(message=gettext(MESSAGE)), 400
    return gettext(MESSAGE), 400


def init_errors(app: Flask) -> None:
    app.before_request(ids_in_range)
    app.after_request(in_office_language)
    for status in ERROR_PAGES:
        app.register_error_handler(status, http_error)
    app.register_error_handler(StatementError, statement_error)


def error_response(api, err):
    """A domain error (status, message, per-field errors) as the API's JSON answer (SPEC §7)."""
    body = {"message": err.message}
    if err.errors:
        body["errors"] = err.errors
    return api.response(err.status, **body)


# --- the API's answers in Indonesian (SPEC §7: every API message is Indonesian) ---------------

TOKEN_MISSING = "Token tidak dikirim. Masuk dulu di /api/v1/security/login."
TOKEN_INVALID = "Token tidak valid. Masuk lagi untuk mendapat token baru."
TOKEN_EXPIRED = "Token sudah kedaluwarsa. Masuk lagi untuk mendapat token baru."
TOKEN_ENDED = "Token sudah tidak berlaku (sesi diakhiri). Masuk lagi."
TOKEN_NOT_FRESH = "Aksi ini memerlukan token baru dari login."

# What FAB's BaseApi answers by default, word for word, and what we say instead.
FAB_MESSAGES = {
    "Not authorized": "Anda belum masuk atau nama pengguna/kata sandi salah.",
    "Forbidden": "Anda tidak berwenang melakukan ini.",
    "Not found": "Data tidak ditemukan.",
    "Arguments are not correct": "Argumen permintaan tidak benar.",
    "Could not process entity": "Data tidak dapat diproses.",
    "Internal error": "Terjadi kesalahan pada server.",
    "Fatal error": "Terjadi kesalahan pada server.",
    "Record not found": "Data tidak ditemukan.",
    "Method Not Allowed": "Metode tidak diizinkan.",
}


def token_refused(jwt_manager) -> None:
    """flask-jwt-extended's refusals, each a 401 with an Indonesian `message`."""

    def refuse(message):
        return lambda *args: (jsonify(message=message), 401)

    jwt_manager.unauthorized_loader(refuse(TOKEN_MISSING))
    jwt_manager.invalid_token_loader(refuse(TOKEN_INVALID))
    jwt_manager.expired_token_loader(refuse(TOKEN_EXPIRED))
    jwt_manager.revoked_token_loader(refuse(TOKEN_ENDED))
    jwt_manager.user_lookup_error_loader(refuse(TOKEN_ENDED))
    jwt_manager.needs_fresh_token_loader(refuse(TOKEN_NOT_FRESH))


# marshmallow's English, where a schema FAB wrote itself (the security API's) answers.
MARSHMALLOW_MESSAGES = {
    "Missing data for required field.": "Kolom ini wajib diisi.",
    "Field may not be null.": "Kolom ini wajib diisi.",
    "Unknown field.": "Kolom ini tidak dikenal.",
    "Invalid input type.": "Data harus berupa objek JSON.",
    "Not a valid string.": "Isian ini harus berupa teks.",
    "Not a valid integer.": "Harus berupa bilangan bulat.",
    "Not a valid boolean.": "Harus bernilai true atau false.",
    "Not a valid email address.": "Alamat email tidak valid.",
    "Not a valid list.": "Harus berupa daftar.",
    "Not a valid datetime.": "Tanggal dan jam tidak valid (contoh 2026-12-01T10:15).",
    "Not a valid date.": "Format tanggal TTTT-BB-HH, misalnya 2026-12-01.",
    "Invalid value.": "Nilai tidak valid.",
}


def _translated(message):
    """An answer's message (text, or errors per field, nested) with English defaults replaced."""
    if isinstance(message, str):
        return FAB_MESSAGES.get(message) or MARSHMALLOW_MESSAGES.get(message) or message
    if isinstance(message, list):
        return [_translated(part) for part in message]
    if isinstance(message, dict):
        return {key: _translated(part) for key, part in message.items()}
    return message


def in_office_language(response):
    """An API answer with one of FAB's or marshmallow's English defaults says it in Indonesian."""
    if response.status_code < 400 or not response.is_json or not request.path.startswith("/api/"):
        return response
    body = response.get_json(silent=True)
    if isinstance(body, dict) and "message" in body:
        translated = _translated(body["message"])
        if translated != body["message"]:
            body["message"] = translated
            response.set_data(json.dumps(body))
    return response
