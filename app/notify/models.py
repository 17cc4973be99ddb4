"""The outbox: mail written in the action's transaction, sent afterwards (SPEC §5)."""

from __future__ import annotations

import datetime as dt
from typing import Optional

from flask_appbuilder import Model
from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.timeutil import utcnow

OUTBOX_STATES = {"queued": "Antre", "sent": "Terkirim", "failed": "Gagal (dicoba lagi)"}


class Outbox(Model):
    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Unique when set: a digest or a missed-round notice is queued once per person and day.
    dedupe_key: Mapped[Optional[str]] = mapped_column(String(120), unique=True)
    event: Mapped[str] = mapped_column(String(40), nullable=False)
    recipient_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id"))
    recipient_email: Mapped[str] = mapped_column(String(320), nullable=False)
    subject: Mapped[str] = mapped_column(String(300), nullable=False)
    body_text: Mapped[str] = mapped_column(Text, nullable=False)
    body_html: Mapped[Optional[str]] = mapped_column(Text)
    request_id: Mapped[Optional[int]] = mapped_column(ForeignKey("service_request.id"))
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="queued")
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    last_error: Mapped[Optional[str]] = mapped_column(Text)
    # A mail is given up a day after its first try, not a day after it was queued: after a
    # weekend with the mail server down it still gets its day of retries.
    first_attempt_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    sent_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)

    recipient = relationship("AppUser")

    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)


class JobState(Model):
    """When each time-driven job last ran (for /health and for 'once per day' jobs)."""

    __tablename__ = "job_state"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_run_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    detail: Mapped[Optional[str]] = mapped_column(Text)


class OneClickUse(Model):
    """A one-click link that has been used: its token id is unique, so a link acts once even
    when it is clicked twice at the same moment (app/notify/one_click.py)."""

    __tablename__ = "one_click_use"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_id: Mapped[str] = mapped_column(String(40), unique=True, nullable=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), nullable=False)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_request.id"), nullable=False)
    action: Mapped[str] = mapped_column(String(32), nullable=False)
    used_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
