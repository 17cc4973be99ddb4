"""FM-02: check items, the holiday calendar, rounds, entries, incidents (SPEC §4)."""

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
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.assets.models import Asset  # noqa: F401 — the "asset" relationships below
from app.timeutil import utcnow

CATEGORIES = ["Aplikasi SIM", "Server", "Jaringan", "Pendukung"]
# {code: label}: English msgids, shown through the catalogue in the reader's language.
RESULTS = {"ok": _l("OK"), "fault": _l("Fault"), "not_checked": _l("Not checked")}
ROUND_STATES = {
    "scheduled": _l("Scheduled"),
    "open": _l("Opened"),  # rounds "Dibuka", incidents "Terbuka": two words in Indonesian
    "done": _l("Done"),
    "late": _l("Late"),
    "missed": _l("Missed"),
}
INCIDENT_STATES = {"open": _l("Open"), "resolved": _l("Resolved")}
HOLIDAY_KINDS = {
    "nasional": _l("National holiday"),
    "cuti_bersama": _l("Joint leave"),
    "bali": _l("Balinese holy day"),
    "edaran": _l("Governor's or Mayor's circular"),
}
PROBE_KINDS = {"http": "HTTP(S)", "tcp": "TCP", "disk": _l("Disk space")}


class CheckItem(Model):
    __tablename__ = "check_item"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True, nullable=False)
    category: Mapped[str] = mapped_column(String(40), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    how_to_check: Mapped[Optional[str]] = mapped_column(Text)
    expected: Mapped[Optional[str]] = mapped_column(String(200))
    order: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    probe_kind: Mapped[Optional[str]] = mapped_column(String(10))
    probe_target: Mapped[Optional[str]] = mapped_column(String(300))
    probe_expect: Mapped[Optional[str]] = mapped_column(String(40))
    # The equipment this item checks (issue 22; optional): its faults join the asset's history.
    asset_id: Mapped[Optional[int]] = mapped_column(ForeignKey("asset.id"), index=True)
    asset = relationship("Asset")

    def __repr__(self) -> str:
        return self.name


class Holiday(Model):
    """A day off in the office calendar; working days are Mon–Fri minus these."""

    __tablename__ = "holiday"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date, unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(300), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False, default="nasional")

    def __repr__(self) -> str:
        return self.name


class ChecklistRound(Model):
    """One check slot (date + WITA time); created by the clock or on demand (SOP 9.4.1)."""

    __tablename__ = "checklist_round"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    slot: Mapped[str] = mapped_column(String(5), nullable=False)
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="scheduled")
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    officer_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id"))
    submitted_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    probed_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    missed_notified_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, nullable=False)

    officer = relationship("AppUser")
    entries = relationship(
        "ChecklistEntry", back_populates="round", order_by="ChecklistEntry.id",
        cascade="all, delete-orphan",
    )

    __table_args__ = (UniqueConstraint("date", "slot", name="uq_round_date_slot"),)
    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"{self.date.isoformat()} {self.slot}"


class ChecklistEntry(Model):
    __tablename__ = "checklist_entry"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("checklist_round.id"), nullable=False)
    item_id: Mapped[int] = mapped_column(ForeignKey("check_item.id"), nullable=False, index=True)
    result: Mapped[Optional[str]] = mapped_column(String(12))
    value: Mapped[Optional[str]] = mapped_column(String(200))
    # What an officer writes beside one item: a line or two, not a report.
    note: Mapped[Optional[str]] = mapped_column(Text, info={"max_length": 2000})
    follow_up: Mapped[Optional[str]] = mapped_column(Text, info={"max_length": 2000})
    # What an automatic probe suggested when the round opened; the officer confirms.
    suggested_result: Mapped[Optional[str]] = mapped_column(String(12))
    suggested_value: Mapped[Optional[str]] = mapped_column(String(200))
    suggested_error: Mapped[Optional[str]] = mapped_column(Text)

    round = relationship("ChecklistRound", back_populates="entries")
    item = relationship("CheckItem")

    __table_args__ = (UniqueConstraint("round_id", "item_id", name="uq_entry_round_item"),)


class ChecklistAcknowledgement(Model):
    """The Kasi PDSI's "Mengetahui" on one day's FM-02: who, when (SOP 9.4.1, SPEC §6)."""

    __tablename__ = "checklist_acknowledgement"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date, unique=True, nullable=False)
    acknowledged_by_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), nullable=False)
    acknowledged_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)

    acknowledged_by = relationship("AppUser")


class Incident(Model):
    """A SIM crash or error (SOP 9.1.2); shown with that day's checklist."""

    __tablename__ = "incident"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    occurred_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, index=True)
    system_id: Mapped[Optional[int]] = mapped_column(ForeignKey("sim_system.id"))
    description: Mapped[str] = mapped_column(Text, nullable=False)
    impact: Mapped[Optional[str]] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="open")
    reported_by_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), nullable=False)
    recorded_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id"))
    action_taken: Mapped[Optional[str]] = mapped_column(Text)
    resolved_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    # The equipment that failed (issue 22; optional).
    asset_id: Mapped[Optional[int]] = mapped_column(ForeignKey("asset.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, nullable=False)

    system = relationship("SimSystem")
    asset = relationship("Asset")
    reported_by = relationship("AppUser", foreign_keys=[reported_by_id])
    recorded_by = relationship("AppUser", foreign_keys=[recorded_by_id])
