"""Report jobs: a report asked for on the web is built by a worker, outside the request."""

from __future__ import annotations

import datetime as dt
from typing import Optional

from flask_appbuilder import Model
from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.timeutil import utcnow

# queued -> running -> done | failed; done -> expired when its file is cleaned away.
JOB_STATES = ("queued", "running", "done", "failed", "expired")


class ReportJob(Model):
    __tablename__ = "report_job"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # name|from|to|scope|today while the job can still serve a request (queued, running, or
    # done and fresh); NULL afterwards. Unique: identical requests share one build, even
    # when two web workers queue it at the same moment.
    active_key: Mapped[Optional[str]] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(40), nullable=False)
    start: Mapped[dt.date] = mapped_column(Date, nullable=False)
    end: Mapped[dt.date] = mapped_column(Date, nullable=False)
    # Whose rows: "all" for the roles that see every request, "user:<id>" otherwise.
    scope: Mapped[str] = mapped_column(String(40), nullable=False)
    # The user whose row filter the build applies (the first to ask, within the scope).
    user_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="queued")
    rows_done: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    rows_total: Mapped[Optional[int]] = mapped_column(Integer)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # A running job whose worker has not written progress by then is taken over (crash).
    lease_until: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    worker: Mapped[Optional[str]] = mapped_column(String(80))
    error: Mapped[Optional[str]] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    # The moment the build's "Dibuat" line shows (the first request's).
    asked_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    finished_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)

    __table_args__ = (Index("ix_report_job_status", "status", "created_at"),)
