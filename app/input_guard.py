"""Hostile input answered before it reaches a view: 400/404/413 with a message in the reader's
language (Indonesian for the API), never a 500 (SPEC §8).

FAB's REST API wraps every method in `@safe`, which turns any exception — a driver's overflow, a
string PostgreSQL cannot store, a body of the wrong type — into "500 Fatal error". So the shape
of what comes in is checked here, once, for the UI and the API alike:
- request bodies: size (JSON at most `MAX_JSON_BYTES`), JSON only on the API, text without NUL
  or lone surrogates (PostgreSQL and UTF-8 refuse both), integers within the database's range;
- the API's `q` argument (rison): length, nesting, page and page size;
- the UI lists' `page_*` and `psize_*` arguments: a page size above `UI_MAX_PAGE_SIZE` is
  brought down to it (a redirect), a page number beyond reach is 400.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlencode

import prison
from flask import Flask, current_app, jsonify, redirect, request
from werkzeug.exceptions import HTTPException

from app.errors import wants_json
from app.i18n import N_
from app.messages import gettext

INT_LIMIT = 2**31 - 1
MAX_JSON_BYTES = 1024 * 1024
MAX_Q_LENGTH = 2000
MAX_Q_DEPTH = 8
MAX_PAGE = 1_000_000
UI_MAX_PAGE_SIZE = 100
WRITE_METHODS = ("POST", "PUT", "PATCH")

MESSAGES = {  # msgids
    413: N_("The data sent is too large."),
    415: N_("The data must be sent as JSON (Content-Type: application/json)."),
}
BAD_TEXT = N_("The text contains characters that are not allowed.")
PAGE_RANGE = N_("The page must be a number from 0 to %(last)s.")


class BadInput(HTTPException):
    code = 400

    def __init__(self, message: str, code: int = 400):
        super().__init__(description=message)
        self.code = code


def _bad_text(value: str) -> bool:
    if "\x00" in value:
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return True
    return False


def check_value(value, depth: int = 0) -> str | None:
    """Why a decoded JSON value cannot be stored, or None."""
    if depth > 20:
        return gettext("The data is nested too deeply.")
    if isinstance(value, bool) or value is None or isinstance(value, float):
        return None
    if isinstance(value, int):
        return None if -INT_LIMIT <= value <= INT_LIMIT else gettext(
            "The number is outside the allowed range.")
    if isinstance(value, str):
        return gettext(BAD_TEXT) if _bad_text(value) else None
    parts = ([part for pair in value.items() for part in pair] if isinstance(value, dict)
             else value if isinstance(value, list) else [])
    return next((problem for part in parts
                 if (problem := check_value(part, depth + 1))), None)


def _depth(text: str) -> int:
    deepest = level = 0
    for char in text:
        if char == "(":
            level += 1
            deepest = max(deepest, level)
        elif char == ")":
            level -= 1
    return deepest


def _check_q() -> None:
    raw = request.args.get("q")
    if raw is None:
        return
    if len(raw) > MAX_Q_LENGTH or _depth(raw) > MAX_Q_DEPTH:
        raise BadInput(gettext("The q argument is too long or nested too deeply."))
    try:
        parsed = prison.loads(raw)
    except Exception:  # noqa: BLE001 — any parse failure is the client's
        raise BadInput(gettext("The q argument is not valid rison.")) from None
    problem = check_value(parsed)
    if problem:
        raise BadInput(problem)
    if isinstance(parsed, dict):
        page, size = parsed.get("page"), parsed.get("page_size")
        if page is not None and (not isinstance(page, int) or not 0 <= page <= MAX_PAGE):
            raise BadInput(gettext(PAGE_RANGE, last=MAX_PAGE))
        limit = current_app.config.get("FAB_API_MAX_PAGE_SIZE", 100)
        if size is not None and (not isinstance(size, int) or not -1 <= size <= limit):
            raise BadInput(gettext("The page size is at most %(limit)s.", limit=limit))


def _check_body() -> None:
    if request.method not in WRITE_METHODS:
        return
    length = request.content_length or 0
    is_form = request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded")
    if not is_form and length > MAX_JSON_BYTES:
        raise BadInput(gettext(MESSAGES[413]), 413)
    if request.path.startswith("/api/"):
        _check_api_body(length)
    elif is_form and request.mimetype != "multipart/form-data":
        for key, value in request.form.items(multi=True):
            if _bad_text(key) or _bad_text(value):
                raise BadInput(gettext(BAD_TEXT))


def _check_api_body(length: int) -> None:
    """The REST API takes JSON only, and JSON the database can store."""
    if length and not request.is_json:
        raise BadInput(gettext(MESSAGES[415]))
    if not (request.is_json and length):
        return
    try:
        data = json.loads(request.get_data(cache=True))
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise BadInput(gettext("The data is not valid JSON.")) from None
    problem = check_value(data)
    if problem:
        raise BadInput(problem)


PAGE_ARG = re.compile(r"^(page|psize)_\w+$")


def _check_ui_paging():
    """A page size above the cap is brought down to it; an unreachable page is 400."""
    if request.path.startswith("/api/") or request.method != "GET":
        return None
    capped = {}
    for name, value in request.args.items():
        if not PAGE_ARG.match(name):
            continue
        try:
            number = int(value)
        except ValueError:
            raise BadInput(gettext("The page number or page size must be a number.")) from None
        if name.startswith("psize_") and (number > UI_MAX_PAGE_SIZE or number == -1):
            capped[name] = str(UI_MAX_PAGE_SIZE)  # -1 is FAB's "show all"
        elif not 0 <= number <= MAX_PAGE:
            raise BadInput(gettext(PAGE_RANGE, last=MAX_PAGE))
    if capped:
        args = request.args.copy()
        for name, value in capped.items():
            args[name] = value
        return redirect(request.path + "?" + urlencode(list(args.items(multi=True))))
    return None


def _check_api_login() -> None:
    """FAB's API login answers 500 when `provider` is missing (a KeyError under @safe)."""
    if request.endpoint != "SecurityApi.login" or request.method != "POST":
        return
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise BadInput(gettext("The data must be a JSON object."))
    errors = {name: gettext("Required (text).") for name in ("username", "password")
              if not isinstance(data.get(name), str) or not data.get(name)}
    if data.get("provider") != "db":
        errors["provider"] = gettext('Fill in "db".')
    if errors:
        raise BadInput("; ".join(f"{name}: {text}" for name, text in errors.items()))


def init_input_guard(app: Flask) -> None:
    @app.before_request
    def _guard():
        _check_body()
        _check_api_login()
        if request.path.startswith("/api/"):
            _check_q()
        return _check_ui_paging()

    @app.errorhandler(BadInput)
    def _bad_input(error: BadInput):
        if wants_json():
            return jsonify(message=error.description), error.code
        return error.description, error.code

    @app.errorhandler(413)
    def _too_large(_error):
        message = gettext(MESSAGES[413])
        if wants_json():
            return jsonify(message=message), 413
        return message, 413
