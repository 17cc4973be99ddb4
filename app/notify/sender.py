"""Deliver the outbox through Flask-Mail, once per row, retrying with back-off (SPEC §5).

A row is claimed with a conditional UPDATE before it is sent, so two processes never send the
same row; a claim that is not finished (a crashed sender) expires and the row is tried again.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib

from flask import current_app
from flask_mail import Connection, Message
from sqlalchemy import and_, or_, select, update

from app.extensions import db
from app.notify.models import Outbox
from app.timeutil import utcnow

log = logging.getLogger(__name__)

# Minutes before attempt n+1 after n failures; then hourly until a day after the first try.
BACKOFF_MINUTES = [1, 5, 15, 60]
GIVE_UP_AFTER = dt.timedelta(days=1)
CLAIM_LEASE = dt.timedelta(minutes=10)
BATCH = 100


class TimedConnection(Connection):
    """Flask-Mail's connection with a socket timeout, so a dead server cannot hang the clock."""

    def configure_host(self):
        timeout = current_app.config.get("MAIL_TIMEOUT", 20)
        cls = smtplib.SMTP_SSL if self.mail.use_ssl else smtplib.SMTP
        host = cls(self.mail.server, self.mail.port, timeout=timeout)
        if self.mail.use_tls:
            host.starttls()
        if self.mail.username and self.mail.password:
            host.login(self.mail.username, self.mail.password)
        return host


def next_delay(attempts: int) -> dt.timedelta:
    index = attempts - 1
    return dt.timedelta(minutes=BACKOFF_MINUTES[index] if index < len(BACKOFF_MINUTES) else 60)


def _due(now: dt.datetime):
    return or_(
        and_(Outbox.status == "queued", Outbox.next_attempt_at <= now),
        and_(Outbox.status == "sending", Outbox.next_attempt_at <= now),  # an expired claim
    )


def _claim(row_id: int, now: dt.datetime) -> bool:
    result = db.session.execute(
        update(Outbox).where(Outbox.id == row_id, _due(now))
        .values(status="sending", next_attempt_at=now + CLAIM_LEASE)
    )
    db.session.commit()
    return bool(result.rowcount)


def send_due(now: dt.datetime | None = None, limit: int = BATCH,
             only_ids: list[int] | None = None) -> dict[str, int]:
    """Send what is due; returns counts. Never raises for a mail problem."""
    now = now or utcnow()
    query = select(Outbox.id).where(_due(now)).order_by(Outbox.id).limit(limit)
    if only_ids is not None:
        query = query.where(Outbox.id.in_(only_ids))
    candidates = list(db.session.execute(query).scalars())
    counts = {"sent": 0, "failed": 0, "given_up": 0}
    if not candidates:
        return counts
    claimed = [row_id for row_id in candidates if _claim(row_id, now)]
    if not claimed:
        return counts
    rows = db.session.execute(select(Outbox).where(Outbox.id.in_(claimed))).scalars().all()
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    try:
        connection = TimedConnection(current_app.extensions["mail"])
        connection.__enter__()
    except Exception as err:  # SMTP down: every claimed row waits for its next attempt
        for row in rows:
            _failed(row, now, err, counts)
        db.session.commit()
        return counts
    try:
        for row in rows:
            message = Message(subject=row.subject, recipients=[row.recipient_email],
                              body=row.body_text, html=row.body_html, sender=sender)
            try:
                connection.send(message)
            except Exception as err:  # noqa: BLE001 — recorded on the row, retried later
                _failed(row, now, err, counts)
            else:
                row.status, row.sent_at, row.last_error = "sent", now, None
                row.first_attempt_at = row.first_attempt_at or now
                row.attempts += 1
                counts["sent"] += 1
            db.session.commit()  # each row's outcome is kept even if a later one breaks
    finally:
        try:
            connection.__exit__(None, None, None)
        except Exception:  # noqa: BLE001 — closing a broken connection
            pass
    return counts


def _failed(row: Outbox, now: dt.datetime, err: Exception, counts: dict) -> None:
    row.attempts += 1
    row.first_attempt_at = row.first_attempt_at or now
    row.last_error = f"{type(err).__name__}: {err}"[:2000]
    if now - row.first_attempt_at >= GIVE_UP_AFTER:
        row.status = "failed"
        counts["given_up"] += 1
    else:
        row.status = "queued"
        row.next_attempt_at = now + next_delay(row.attempts)
        counts["failed"] += 1
    log.warning("mail %s to %s failed (attempt %s): %s", row.id, row.recipient_email,
                row.attempts, row.last_error)


def retry_now(ids: list[int], now: dt.datetime | None = None) -> dict[str, int]:
    """The outbox page's "send now": make the rows due and send them."""
    now = now or utcnow()
    db.session.execute(
        update(Outbox).where(Outbox.id.in_(ids), Outbox.status.in_(("queued", "failed")))
        .values(status="queued", next_attempt_at=now)
    )
    db.session.commit()
    return send_due(now, only_ids=ids)
