"""Attachments: PNG, JPEG or PDF by content, size-limited, stored outside static (issue #7)."""

from __future__ import annotations

import os
import secrets

from flask import current_app
from sqlalchemy import func, select, update
from werkzeug.utils import secure_filename

from app.extensions import db
from app.messages import gettext
from app.requests.models import Attachment, ServiceRequest
from app.timeutil import utcnow

# Recognised by their first bytes, never by the name or the browser's claim.
SIGNATURES = [
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"%PDF-", "application/pdf", ".pdf"),
]
MAX_PER_REQUEST = 10


class AttachmentError(ValueError):
    pass


def sniff(head: bytes) -> tuple[str, str] | None:
    for magic, content_type, ext in SIGNATURES:
        if head.startswith(magic):
            return content_type, ext
    return None


def folder() -> str:
    path = current_app.config["ATTACHMENT_FOLDER"]
    os.makedirs(path, exist_ok=True)
    return path


def save(req, upload, user) -> Attachment:
    """Check and store one uploaded file; the caller took `lock_request` first and commits."""
    limit = current_app.config["ATTACHMENT_MAX_BYTES"]
    if upload is None or not upload.filename:
        raise AttachmentError(gettext("Choose a file to attach."))
    stored_count = db.session.execute(
        select(func.count()).select_from(Attachment).where(Attachment.request_id == req.id)
    ).scalar()
    if stored_count >= MAX_PER_REQUEST:
        raise AttachmentError(gettext("At most %(count)s attachments per request.",
                                      count=MAX_PER_REQUEST))
    data = upload.stream.read(limit + 1)
    if len(data) > limit:
        raise AttachmentError(gettext("The file is too large (at most %(size)s MB).",
                                      size=limit // (1024 * 1024)))
    if not data:
        raise AttachmentError(gettext("The file is empty."))
    kind = sniff(data[:16])
    if kind is None:
        raise AttachmentError(gettext("This kind of file is not allowed; only PNG, JPEG or PDF."))
    content_type, ext = kind
    stored = secrets.token_hex(16) + ext
    with open(os.path.join(folder(), stored), "xb") as handle:
        handle.write(data)
    # The name keeps the user's words but takes the extension of what the file is: a PNG
    # named x.html downloads as x.png, never as a page a browser would open.
    stem = os.path.splitext(secure_filename(upload.filename))[0] or "lampiran"
    name = stem[:255 - len(ext)] + ext
    attachment = Attachment(request=req, original_name=name, stored_name=stored,
                            content_type=content_type, size=len(data), uploaded_by_id=user.id,
                            uploaded_at=utcnow())
    db.session.add(attachment)
    return attachment


def lock_request(pk: int) -> None:
    """Hold the request's row until the commit, so parallel uploads count one after another.
    First in the transaction: on SQLite this write takes the database's one write lock before
    anything is read (a read first could not be turned into a write once another upload
    committed)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(ServiceRequest.id).where(ServiceRequest.id == pk)
                           .with_for_update())
    else:
        db.session.execute(update(ServiceRequest).where(ServiceRequest.id == pk)
                           .values(updated_at=ServiceRequest.updated_at)
                           .execution_options(synchronize_session=False))


def path_of(attachment: Attachment) -> str:
    return os.path.join(folder(), attachment.stored_name)
