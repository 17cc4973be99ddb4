"""Routes outside FAB's views that a browser and an API client both use (XLSX reports, PDF
forms, SPEC §7): one decorator lets in a browser session or a bearer token and checks the
permission, and one answer for a refusal, JSON or a page as the client wants."""

from __future__ import annotations

import functools

from flask import abort, current_app, jsonify, make_response, redirect, request
from flask_jwt_extended import get_current_user, verify_jwt_in_request
from flask_jwt_extended.exceptions import JWTExtendedException
from flask_login import current_user
from jwt import PyJWTError
from markupsafe import escape

from app.errors import bearer_token_sent as token_sent
from app.errors import wants_json
from app.i18n import N_
from app.messages import gettext
from app.security import roles as R
from app.timeutil import reader_locale

NOT_LOGGED_IN = N_("Please log in first.")


def authenticated_user():
    """The user of the bearer token when one is sent, else of the browser session."""
    if token_sent():
        try:
            verify_jwt_in_request(optional=True)
            return get_current_user()
        except (JWTExtendedException, PyJWTError):
            return None
    if current_user.is_authenticated:
        return current_user._get_current_object()
    return None


def refuse(status: int, message: str, back: tuple[str, str] | None = None):
    """Stop here with `message` (said already, in the reader's language): JSON for an API
    client, a short page for a browser, with a link `back` = (label, url) when given."""
    if wants_json():
        abort(make_response(jsonify(message=message), status))
    link = f"<p><a href='{escape(back[1])}'>{escape(back[0])}</a></p>" if back else ""
    abort(make_response(
        f"<!doctype html><html lang={reader_locale()}><meta charset=utf-8><title>{status}</title>"
        f"<p>{escape(message)}</p>{link}", status))


def session_or_token(permission_object: str, refused: str):
    """Let in a browser session or a bearer token whose user holds can_read on
    `permission_object`; the view gets the user as `user`. Without a login: 401 for an API
    client, the login page for a browser; without the permission: 403 with `refused`."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            user = authenticated_user()
            if user is None or not user.is_active:
                if token_sent() or wants_json():
                    refuse(401, gettext(NOT_LOGGED_IN))
                return redirect(current_app.appbuilder.get_url_for_login_with(
                    request.full_path.rstrip("?")))
            if not current_app.appbuilder.sm._has_view_access(user, R.READ, permission_object):
                refuse(403, refused)
            return view(*args, user=user, **kwargs)

        return wrapper

    return decorator
