"""Attachments: PNG, JPEG or PDF by content, size-limited, stored outside static (issue #7)."""

from __future__ import annotations

import os
import secrets

from flask import current_app
from werkzeug.utils import secure_filename

from app.extensions import db
from app.requests.models import Attachment
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
    """Check and store one uploaded file; the caller commits."""
    limit = current_app.config["ATTACHMENT_MAX_BYTES"]
    if upload is None or not upload.filename:
        raise AttachmentError("Pilih berkas yang akan dilampirkan.")
    if len(req.attachments) >= MAX_PER_REQUEST:
        raise AttachmentError(f"Maksimal {MAX_PER_REQUEST} lampiran per permintaan.")
    data = upload.stream.read(limit + 1)
    if len(data) > limit:
        raise AttachmentError(f"Berkas terlalu besar (maksimal {limit // (1024 * 1024)} MB).")
    if not data:
        raise AttachmentError("Berkas kosong.")
    kind = sniff(data[:16])
    if kind is None:
        raise AttachmentError("Jenis berkas tidak diizinkan; hanya PNG, JPEG, atau PDF.")
    content_type, ext = kind
    stored = secrets.token_hex(16) + ext
    with open(os.path.join(folder(), stored), "xb") as handle:
        handle.write(data)
    name = secure_filename(upload.filename) or f"lampiran{ext}"
    attachment = Attachment(request=req, original_name=name[:255], stored_name=stored,
                            content_type=content_type, size=len(data), uploaded_by_id=user.id,
                            uploaded_at=utcnow())
    db.session.add(attachment)
    return attachment


def path_of(attachment: Attachment) -> str:
    return os.path.join(folder(), attachment.stored_name)
