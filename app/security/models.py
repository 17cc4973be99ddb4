"""People and organisation: the extended user, units, absences, the security log."""

from __future__ import annotations

import datetime as dt
from typing import Optional

from flask_appbuilder import Model
from flask_appbuilder.security.sqla.models import User
from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, DateTime, Float, ForeignKey, Integer, String, Text, and_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.timeutil import utcnow

# {code: label}: English msgids, shown through the catalogue in the reader's language.
ABSENCE_KINDS = {
    "cuti": _l("Leave"),
    "dinas_luar": _l("Official travel"),
    "sakit": _l("Sick"),
    "lainnya": _l("Other"),
}


class Unit(Model):
    """A Bidang or Sub Bagian; `head` decides who approves its requests (SOP 9.2.1)."""

    __tablename__ = "unit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(200), unique=True, nullable=False)
    short_name: Mapped[Optional[str]] = mapped_column(String(80))
    parent_id: Mapped[Optional[int]] = mapped_column(ForeignKey("unit.id"))
    head_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("ab_user.id", use_alter=True, name="fk_unit_head_id")
    )
    parent = relationship("Unit", remote_side=[id])
    head = relationship("AppUser", foreign_keys=[head_id])

    def __repr__(self) -> str:
        return self.short_name or self.name


class AppUser(User):
    """FAB's user with what the forms print: NIP, position (jabatan) and unit."""

    nip: Mapped[Optional[str]] = mapped_column(String(18), unique=True)
    position: Mapped[Optional[str]] = mapped_column(String(200))
    unit_id: Mapped[Optional[int]] = mapped_column(ForeignKey("unit.id"))
    # Carried in the session cookie and every token: raising it ends them all (logout,
    # password change or reset, deactivation, role change; SPEC §7).
    session_version: Mapped[int] = mapped_column(Integer, nullable=False, default=0,
                                                 server_default="0")
    # Browser sessions ended by logging out: [[session id, when it would have expired], ...]
    # (JSON), read with the user's row on every request, so checking costs no query.
    ended_sessions: Mapped[Optional[str]] = mapped_column(Text)
    unit = relationship("Unit", foreign_keys=[unit_id])

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def __repr__(self) -> str:
        return self.full_name


class Absence(Model):
    """Leave or official travel of an official; for unit heads, who acts (Plh)."""

    __tablename__ = "absence"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), nullable=False, index=True)
    start_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    end_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False, default="cuti")
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    acting_user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id"))
    recorded_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    # Withdrawn rows stay as evidence of what was on record when earlier decisions were
    # taken; they cover no day (SPEC §2).
    withdrawn_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    withdrawn_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id"))

    user = relationship("AppUser", foreign_keys=[user_id])
    acting_user = relationship("AppUser", foreign_keys=[acting_user_id])
    recorded_by = relationship("AppUser", foreign_keys=[recorded_by_id])
    withdrawn_by = relationship("AppUser", foreign_keys=[withdrawn_by_id])

    def covers(self, day: dt.date) -> bool:
        return self.withdrawn_at is None and self.start_date <= day <= self.end_date

    @property
    def register_state(self) -> Absence:
        """The row itself, for the list's state column (its formatter reads the dates)."""
        return self

    @classmethod
    def covering(cls, day: dt.date):
        """SQL condition: an absence in force on `day`."""
        return and_(cls.withdrawn_at.is_(None), cls.start_date <= day, cls.end_date >= day)


class SecurityLog(Model):
    """Logins, user and role changes, absences, Kabid-absent decisions (read by the Admin)."""

    __tablename__ = "security_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, nullable=False, index=True)
    event: Mapped[str] = mapped_column(String(40), nullable=False)
    username: Mapped[Optional[str]] = mapped_column(String(128))
    ip: Mapped[Optional[str]] = mapped_column(String(64))
    detail: Mapped[Optional[str]] = mapped_column(Text)


class LoginLimit(Model):
    """Failed-login counters of app/security/login_limits.py (one row per name or address)."""

    __tablename__ = "login_limit"
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    hits: Mapped[int] = mapped_column(Integer, nullable=False)
    expires_at: Mapped[float] = mapped_column(Float, nullable=False)
