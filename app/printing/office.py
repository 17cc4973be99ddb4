"""The office on its printed forms: letterhead and document control from the configuration
(OFFICE_ADDRESS, OFFICE_PHONE, OFFICE_EMAIL, OFFICE_WEBSITE, FORM_REVISION,
FORM_EFFECTIVE_DATE), the emblem uploaded by the Admin on the page "Kop Surat"
(`GET/POST /letterhead/`): PNG or JPEG, at most LOGO_MAX_BYTES, checked by decoding it."""

from __future__ import annotations

import datetime as dt
import io

from flask import current_app, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext
from sqlalchemy import select

from app.extensions import db
from app.requests.models import LetterheadLogo
from app.security import roles as R
from app.security.access import current_actor
from app.security.hardening import log_security_event
from app.timeutil import utcnow

LOGO_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}
MAX_LOGO_PIXELS = 4000  # per side: a letterhead emblem, not a poster


def office_settings():
    """The letterhead's data as `layout.Office` (imported with the print layouts)."""
    from app.printing.layout import Office

    config = current_app.config
    try:
        effective = dt.date.fromisoformat(config.get("FORM_EFFECTIVE_DATE") or "")
    except ValueError:
        effective = None
    stored = stored_logo()
    logo = stored.data if stored is not None else None
    return Office(address=config["OFFICE_ADDRESS"], phone=config["OFFICE_PHONE"],
                  email=config["OFFICE_EMAIL"], website=config["OFFICE_WEBSITE"],
                  revision=config["FORM_REVISION"], effective_date=effective, logo=logo)


def stored_logo() -> LetterheadLogo | None:
    return db.session.execute(select(LetterheadLogo).order_by(
        LetterheadLogo.id.desc()).limit(1)).scalar()


def checked_logo(data: bytes) -> tuple[str | None, str | None]:
    """(content type, None) for an acceptable emblem, else (None, the reason)."""
    if not data:
        return None, gettext("Choose an image file.")
    if len(data) > current_app.config["LOGO_MAX_BYTES"]:
        return None, gettext("The image is too large (at most %(kb)s KB).",
                             kb=current_app.config["LOGO_MAX_BYTES"] // 1024)
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            kind, size = image.format, image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return None, gettext("The file is not a PNG or JPEG image.")
    if kind not in LOGO_TYPES:
        return None, gettext("The file is not a PNG or JPEG image.")
    if max(size) > MAX_LOGO_PIXELS:
        return None, gettext("The image is too large (at most %(px)s pixels per side).",
                             px=MAX_LOGO_PIXELS)
    return LOGO_TYPES[kind], None


class LetterheadView(BaseView):
    """Kop Surat: the emblem on every printed form (Admin)."""

    route_base = "/letterhead"
    default_view = "index"
    class_permission_name = R.MASTER
    method_permission_name = {"index": "read", "logo": "read", "upload": "write",
                              "remove": "write"}

    @expose("/")
    @has_access
    def index(self):
        return self.render_template("printing/letterhead.html", stored=stored_logo(),
                                    office=office_settings(),
                                    max_kb=current_app.config["LOGO_MAX_BYTES"] // 1024)

    @expose("/logo")
    @has_access
    def logo(self):
        from app.printing.layout import default_emblem

        stored = stored_logo()
        data, kind = (stored.data, stored.content_type) if stored else (default_emblem(),
                                                                        "image/png")
        return current_app.response_class(data, mimetype=kind,
                                          headers={"Cache-Control": "no-store"})

    @expose("/upload", methods=["POST"])
    @has_access
    def upload(self):
        upload = request.files.get("logo")
        data = upload.read(current_app.config["LOGO_MAX_BYTES"] + 1) if upload else b""
        kind, problem = checked_logo(data)
        if problem:
            flash(problem, "danger")
            return redirect(url_for("LetterheadView.index"))
        db.session.query(LetterheadLogo).delete()
        db.session.add(LetterheadLogo(content_type=kind, data=data,
                                      uploaded_by_id=current_actor().id, uploaded_at=utcnow()))
        log_security_event("letterhead_logo", current_actor().username,
                           f"Lambang kop surat diganti ({kind}, {len(data)} bita)", commit=False)
        db.session.commit()
        flash(gettext("The letterhead emblem was saved."), "success")
        return redirect(url_for("LetterheadView.index"))

    @expose("/remove", methods=["POST"])
    @has_access
    def remove(self):
        db.session.query(LetterheadLogo).delete()
        log_security_event("letterhead_logo", current_actor().username,
                           "Lambang kop surat kembali ke lambang bawaan", commit=False)
        db.session.commit()
        flash(gettext("The default emblem is used again."), "info")
        return redirect(url_for("LetterheadView.index"))
