"""FM-01 and FM-03: both kinds of request share one table and one workflow (SPEC §3)."""

from __future__ import annotations

import datetime as dt
from typing import Optional

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    and_,
    text,
)
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.assets.models import Asset  # noqa: F401 — the "asset" relationships below
from app.timeutil import utcnow
from app.workflow import rules
from app.workflow.vocabulary import RUNNING_APPROVALS, Approval

# {code: label}: English msgids, shown through the catalogue in the reader's language.
PRIORITIES = {"rendah": _l("Low"), "sedang": _l("Medium"), "tinggi": _l("High")}
# FM-01's category (SPEC §3): improving an existing SIM module (SOP 2.2), or a new IT product
# for the services (SOP 2.3). Only an improvement names the system/module it changes.
IMPROVEMENT = "penyempurnaan"
INNOVATION = "inovasi"
CATEGORIES = {IMPROVEMENT: _l("SIM improvement"), INNOVATION: _l("New product innovation")}
# Requests not yet in a final state (rules.FINAL_STATES), for the partial index below.
OPEN_CONDITION = text("status NOT IN ('done', 'rejected', 'cancelled')")
UNSENT_CANCELLED = text("status = 'cancelled' AND submitted_at IS NULL")


class SimSystem(Model):
    """Master list: the SIM's systems and modules an improvement request names (FM-01)."""

    __tablename__ = "sim_system"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(200), unique=True, nullable=False)
    description: Mapped[Optional[str]] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)

    def __repr__(self) -> str:
        return self.name


class SupportType(Model):
    """Master list: kinds of IT officer support (FM-03)."""

    __tablename__ = "support_type"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(200), unique=True, nullable=False)
    description: Mapped[Optional[str]] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)

    def __repr__(self) -> str:
        return self.name


class ServiceRequest(Model):
    """What FM-01 and FM-03 have in common; `status` changes only through the workflow."""

    __tablename__ = "service_request"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    number: Mapped[Optional[str]] = mapped_column(String(60), unique=True)
    seq: Mapped[Optional[int]] = mapped_column(Integer)
    year: Mapped[Optional[int]] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    status: Mapped[str] = mapped_column(String(32), nullable=False, default="draft")
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    requester_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), nullable=False)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    submitted_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    updated_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    closed_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    # The requester confirmed the result was received (action `acknowledge`, SOP 9.3).
    acknowledged_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    # The current assignment, copied here so lists sort and filter without a join.
    officer_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id"))
    target_date: Mapped[Optional[dt.date]] = mapped_column(Date)
    # The Kasi's proposal while it waits for the Kabid (SOP 9.2.3/9.2.4).
    proposal_feasible: Mapped[Optional[bool]] = mapped_column(Boolean)
    proposal_note: Mapped[Optional[str]] = mapped_column(Text)

    # FM-01 (improvement); FM-03 rows keep the default, which nothing reads for them.
    category: Mapped[str] = mapped_column(String(20), nullable=False, default=IMPROVEMENT,
                                          server_default=IMPROVEMENT)
    system_id: Mapped[Optional[int]] = mapped_column(ForeignKey("sim_system.id"))
    current_condition: Mapped[Optional[str]] = mapped_column(Text)
    proposed_improvement: Mapped[Optional[str]] = mapped_column(Text)
    reason: Mapped[Optional[str]] = mapped_column(Text)
    priority: Mapped[Optional[str]] = mapped_column(String(10))
    desired_date: Mapped[Optional[dt.date]] = mapped_column(Date)

    # FM-03 (support)
    support_type_id: Mapped[Optional[int]] = mapped_column(ForeignKey("support_type.id"))
    description: Mapped[Optional[str]] = mapped_column(Text)
    location: Mapped[Optional[str]] = mapped_column(String(200))
    needed_from: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    needed_until: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    # The equipment the support is about (issue 22; optional).
    asset_id: Mapped[Optional[int]] = mapped_column(ForeignKey("asset.id"), index=True)

    requester = relationship("AppUser", foreign_keys=[requester_id])
    unit = relationship("Unit")
    officer = relationship("AppUser", foreign_keys=[officer_id])
    system = relationship("SimSystem")
    support_type = relationship("SupportType")
    asset = relationship("Asset")
    assignments = relationship(
        "Assignment", back_populates="request", order_by="Assignment.id",
        cascade="all, delete-orphan",
    )
    history = relationship(
        "RequestHistory", back_populates="request", order_by="RequestHistory.id",
        cascade="all, delete-orphan",
    )
    attachments = relationship(
        "Attachment", back_populates="request", order_by="Attachment.id",
        cascade="all, delete-orphan",
    )

    __table_args__ = (
        UniqueConstraint("kind", "year", "seq", name="uq_request_kind_year_seq"),
        Index("ix_request_kind_status", "kind", "status"),
        Index("ix_request_kind_unit", "kind", "unit_id"),
        Index("ix_request_kind_requester", "kind", "requester_id"),
        Index("ix_request_kind_officer", "kind", "officer_id"),
        Index("ix_request_kind_target", "kind", "target_date"),
        Index("ix_request_kind_submitted", "kind", "submitted_at"),
        # The home page ("Menunggu Tindakan Anda") looks only at open requests, a few percent
        # of the table; this index holds every column its condition and order read, so the
        # page is found without touching the rows (app/home.py).
        Index("ix_request_open", "status", "target_date", "id", "requester_id", "officer_id",
              "unit_id", "kind", postgresql_where=OPEN_CONDITION, sqlite_where=OPEN_CONDITION),
        # Drafts cancelled before they were ever submitted: their authors' alone (SPEC §2),
        # so a see-all list subtracts them from the tally; a handful of rows to count.
        Index("ix_request_unsent_cancelled", "kind", "requester_id",
              postgresql_where=UNSENT_CANCELLED, sqlite_where=UNSENT_CANCELLED),
    )
    __mapper_args__ = {"polymorphic_on": "kind", "version_id_col": version}

    def __repr__(self) -> str:
        return self.number or f"Draf #{self.id}"

    def is_overdue_on(self, day: dt.date) -> bool:
        return rules.is_overdue(self.status, self.target_date, day)

    @classmethod
    def overdue_on(cls, day: dt.date):
        """SQL for `rules.is_overdue`: in progress and past the target date."""
        return and_(cls.status == "in_progress", cls.target_date < day)

    @property
    def current_assignment(self) -> Optional[Assignment]:
        active = [a for a in self.assignments if a.is_current]
        return active[-1] if active else None


class ImprovementRequest(ServiceRequest):
    """FM-DALAK-DAT-02-01 Formulir Permintaan Penyempurnaan Sistem IT (SOP 9.2)."""

    form_code = "FM-DALAK-DAT-02-01"
    __mapper_args__ = {"polymorphic_identity": "improvement"}


class SupportRequest(ServiceRequest):
    """FM-DALAK-DAT-02-03 Formulir Permintaan Dukungan Petugas IT (SOP 9.5)."""

    form_code = "FM-DALAK-DAT-02-03"
    __mapper_args__ = {"polymorphic_identity": "support"}


# Both kinds by their `kind` code: naming them lets the (kind, ...) indexes serve a condition.
REQUEST_KINDS = tuple(cls.__mapper__.polymorphic_identity
                      for cls in (ImprovementRequest, SupportRequest))


class Assignment(Model):
    """One assignment of an IT officer with a target date, kept after it ends (SOP 9.2.4, 9.3)."""

    __tablename__ = "assignment"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("service_request.id"), nullable=False, index=True
    )
    officer_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), nullable=False, index=True)
    assigned_by_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), nullable=False)
    # Indexed: the performance report selects assignments by when they were made.
    assigned_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, nullable=False,
                                                     index=True)
    target_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    note: Mapped[Optional[str]] = mapped_column(Text)
    # vocabulary.Approval: how it was approved; vocabulary.Outcome: how it ended.
    approval: Mapped[str] = mapped_column(String(20), nullable=False, default=Approval.PENDING)
    approved_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id"))
    approved_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    absence_reason: Mapped[Optional[str]] = mapped_column(Text)
    outcome: Mapped[Optional[str]] = mapped_column(String(20))
    outcome_note: Mapped[Optional[str]] = mapped_column(Text)
    ended_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    completed_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)

    request = relationship("ServiceRequest", back_populates="assignments")
    officer = relationship("AppUser", foreign_keys=[officer_id])
    assigned_by = relationship("AppUser", foreign_keys=[assigned_by_id])
    approved_by = relationship("AppUser", foreign_keys=[approved_by_id])

    @property
    def is_current(self) -> bool:
        return self.approval in RUNNING_APPROVALS and self.ended_at is None


class RequestHistory(Model):
    """Append-only trail of every action (SPEC §3)."""

    __tablename__ = "request_history"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("service_request.id"), nullable=False, index=True
    )
    action: Mapped[str] = mapped_column(String(32), nullable=False)
    from_state: Mapped[Optional[str]] = mapped_column(String(32))
    to_state: Mapped[str] = mapped_column(String(32), nullable=False)
    actor_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), nullable=False)
    on_behalf_of_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id"))
    stamp: Mapped[Optional[str]] = mapped_column(Text)
    # The Kasi decided without the Kabid (SOP 9.2.5 / 9.5.4), and the reason the Kabid was absent.
    decided_alone: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False,
                                                server_default=sa_false())
    absence_reason: Mapped[Optional[str]] = mapped_column(Text)
    note: Mapped[Optional[str]] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, nullable=False)

    request = relationship("ServiceRequest", back_populates="history")
    actor = relationship("AppUser", foreign_keys=[actor_id])
    on_behalf_of = relationship("AppUser", foreign_keys=[on_behalf_of_id])


class Attachment(Model):
    """A file attached to a request, stored outside the static folder under a random name."""

    __tablename__ = "attachment"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("service_request.id"), nullable=False, index=True
    )
    original_name: Mapped[str] = mapped_column(String(255), nullable=False)
    stored_name: Mapped[str] = mapped_column(String(80), unique=True, nullable=False)
    content_type: Mapped[str] = mapped_column(String(80), nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), nullable=False)
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, nullable=False)

    request = relationship("ServiceRequest", back_populates="attachments")
    uploaded_by = relationship("AppUser")


class NumberSequence(Model):
    """Last number given per kind and year; row-locked at submit so numbers have no gaps."""

    __tablename__ = "number_sequence"
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class VerificationCode(Model):
    """The short random code a printed form carries (QR and text), made at its first print
    and reused afterwards; `GET /verify/<code>` finds the form by it (SPEC §6)."""

    __tablename__ = "verification_code"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    # improvement / support (reference: the request's id) or checklist (reference: the day).
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    reference: Mapped[str] = mapped_column(String(40), nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, nullable=False)

    __table_args__ = (UniqueConstraint("kind", "reference", name="uq_verification_reference"),)


class LetterheadLogo(Model):
    """The emblem on the printed forms' letterhead, uploaded by the Admin ("Kop Surat")."""

    __tablename__ = "letterhead_logo"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    content_type: Mapped[str] = mapped_column(String(40), nullable=False)
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    uploaded_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id"))
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
