"""The absence register (SPEC §2): who may record, change, end or withdraw an absence.

An absence is the key to every "Plh." and to every decision the Kasi PDSI takes without the
Kabid Dalak (SOP 9.2.5, 9.5.4), so the same rule holds for the old and the new values of
every change, in the UI and the API alike:
- an official records their own absence and names their Plh;
- the Kasi PDSI may record the Kabid Dalak's absence (with a reason), but not name his Plh;
- the Admin records anyone's.
Every create, change, end and withdrawal goes into the security log with the actor, in the
same transaction as the change. A withdrawn absence stays in the table as the record of what
was on file when earlier decisions were taken; it covers no day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from app.extensions import db
from app.i18n import in_office_language
from app.messages import gettext
from app.security import access
from app.security import roles as R
from app.security.hardening import log_security_event
from app.security.models import ABSENCE_KINDS, Absence, AppUser
from app.timeutil import format_date

REASON_MAX_LENGTH = 1000
LONGEST_ABSENCE_DAYS = 366
# Officials record their own absence (the roles given the Absence write permission).
OFFICIALS = R.HEAD_ROLES


class AbsenceRefused(Exception):
    """403 not this user's absence to touch, 404, 409 no longer changeable."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Values:
    """The fields of an absence that the rules read, old or new."""

    user_id: int | None
    start_date: dt.date | None
    end_date: dt.date | None
    kind: str | None
    reason: str | None
    acting_user_id: int | None

    @classmethod
    def of(cls, absence: Absence) -> Values:
        return cls(absence.user_id, absence.start_date, absence.end_date, absence.kind,
                   absence.reason, absence.acting_user_id)


def _user(user_id: int | None) -> AppUser | None:
    return db.session.get(AppUser, user_id) if user_id else None


def authority(actor, user_id: int | None) -> str | None:
    """Why `actor` may not record an absence of `user_id`, or None when they may."""
    if access.has_role(actor, R.ADMIN):
        return None
    if user_id == actor.id:
        if access.has_role(actor, *OFFICIALS):
            return None
        return gettext("Only officials (unit heads, the Kasi PDSI, the Kabid Dalak) record "
                       "absences.")
    if access.has_role(actor, R.KASI) and user_id in access.user_ids_with_role(R.KABID):
        return None
    if access.has_role(actor, R.KASI):
        return gettext("You can only record your own absence and the Kabid Dalak's.")
    return gettext("You can only record your own absence.")


def problems(actor, new: Values, old: Values | None, today: dt.date,
             absence_id: int | None = None) -> dict[str, str]:
    """Per-field problems of recording `new` (replacing `old` on an edit); empty when none."""
    is_admin = access.has_role(actor, R.ADMIN)
    errors: dict[str, str] = {}
    _official_problems(actor, new, old, is_admin, errors)
    if not new.kind or new.kind not in ABSENCE_KINDS:
        errors["kind"] = gettext("The kind must be one of: %(choices)s.", choices=", ".join(
            str(label) for label in ABSENCE_KINDS.values()))
    reason = (new.reason or "").strip()
    if not reason:
        errors["reason"] = gettext("The reason is required.")
    elif len(reason) > REASON_MAX_LENGTH:
        errors["reason"] = gettext("The reason is too long (at most %(limit)s characters).",
                                   limit=REASON_MAX_LENGTH)
    _date_problems(new, old, today, is_admin, absence_id, errors)
    _plh_problems(actor, new, old, is_admin, errors)
    return errors


def _official_problems(actor, new: Values, old: Values | None, is_admin: bool,
                       errors: dict[str, str]) -> None:
    refusal = authority(actor, new.user_id)
    if refusal:
        errors["user_id"] = refusal
    elif _user(new.user_id) is None:
        errors["user_id"] = gettext("Official not found.")
    elif old is not None and new.user_id != old.user_id and not is_admin:
        # An absence is not turned into someone else's (with its Plh): withdraw it and
        # record the other official's anew.
        errors["user_id"] = gettext("The official of a recorded absence cannot be changed; "
                                    "end it, then record a new one.")


def _date_problems(new: Values, old: Values | None, today: dt.date, is_admin: bool,
                   absence_id: int | None, errors: dict[str, str]) -> None:
    start, end = new.start_date, new.end_date
    if start is None:
        errors["start_date"] = gettext("The start date is required.")
    if end is None:
        errors["end_date"] = gettext("The end date is required.")
    if not (start and end):
        return
    if end < start:
        errors["end_date"] = gettext("The end date cannot be before the start date.")
    elif (end - start).days >= LONGEST_ABSENCE_DAYS:
        errors["end_date"] = gettext("An absence lasts at most %(days)s days.",
                                     days=LONGEST_ABSENCE_DAYS)
    # The register speaks of today and after; the past is history (SPEC §2).
    if not is_admin and start < today and (old is None or start != old.start_date):
        errors["start_date"] = gettext("The start date cannot be before today (%(today)s).",
                                       today=format_date(today))
    if not is_admin and end < today and (old is None or end != old.end_date):
        errors.setdefault("end_date", gettext("The end date cannot be before today; use the "
                                              "End now button to end it."))
    if new.user_id and "user_id" not in errors and not errors.get("end_date"):
        clash = overlapping(new.user_id, start, end, absence_id)
        if clash is not None:
            errors["start_date"] = gettext(
                "An overlapping absence is already recorded: %(start)s to %(end)s.",
                start=format_date(clash.start_date), end=format_date(clash.end_date))


def _plh_problems(actor, new: Values, old: Values | None, is_admin: bool,
                  errors: dict[str, str]) -> None:
    if new.acting_user_id is None:
        return
    acting_changed = new.acting_user_id != (old.acting_user_id if old else None)
    plh = _user(new.acting_user_id)
    if new.acting_user_id == new.user_id:
        errors["acting_user_id"] = gettext("The acting official (Plh.) must be someone else.")
    elif plh is None or not plh.active or not access.has_role(plh, *R.HEAD_ROLES):
        errors["acting_user_id"] = gettext("The Plh. must be an active official: a unit head, "
                                           "the Kasi PDSI or the Kabid Dalak.")
    elif acting_changed and not is_admin and new.user_id != actor.id:
        # Nobody names themselves (or anyone) Plh of a unit they do not head.
        errors["acting_user_id"] = gettext("A Plh. can only be named by the official "
                                           "concerned or by the Admin.")


def overlapping(user_id: int, start: dt.date, end: dt.date,
                except_id: int | None = None) -> Absence | None:
    query = select(Absence).where(
        Absence.user_id == user_id, Absence.withdrawn_at.is_(None),
        Absence.start_date <= end, Absence.end_date >= start)
    if except_id is not None:
        query = query.where(Absence.id != except_id)
    return db.session.execute(query.limit(1)).scalar_one_or_none()


def may_change(actor, absence: Absence, today: dt.date) -> None:
    """Raise AbsenceRefused unless `actor` may change or end this absence now."""
    if authority(actor, absence.user_id) is not None:
        raise AbsenceRefused(403, gettext("You may not change this absence."))
    if absence.withdrawn_at is not None:
        raise AbsenceRefused(409, gettext("This absence has already been cancelled."))
    if absence.end_date < today and not access.has_role(actor, R.ADMIN):
        raise AbsenceRefused(409, gettext("This absence has already ended and cannot be "
                                          "changed."))


@in_office_language
def describe(values: Values) -> str:
    """One line for the security log, in the words of the register (stored: Indonesian)."""
    person, plh = _user(values.user_id), _user(values.acting_user_id)
    return (f"{person.full_name if person else values.user_id}: "
            f"{ABSENCE_KINDS.get(values.kind, values.kind)} "
            f"{format_date(values.start_date)} s.d. {format_date(values.end_date)}; "
            f"Plh.: {plh.full_name if plh else '-'}; alasan: {values.reason}")


def record(actor, absence: Absence) -> None:
    """A new absence (its rules checked already): oneself when no official is named, who
    recorded it, and the log row, all in the transaction that adds it."""
    absence.user_id = absence.user_id or (absence.user.id if absence.user else actor.id)
    absence.kind = absence.kind or "cuti"
    absence.recorded_by_id = actor.id
    db.session.add(absence)
    db.session.flush()
    log_security_event("absence_recorded", actor.username,
                       f"#{absence.id} {describe(Values.of(absence))}", commit=False)


def log_changed(actor, absence: Absence, old: Values) -> None:
    db.session.flush()  # a form sets the relations; their ids follow at the flush
    new = Values.of(absence)
    if new == old:
        return
    log_security_event("absence_changed", actor.username,
                       f"#{absence.id} sebelum: {describe(old)} | sesudah: {describe(new)}",
                       commit=False)


def withdraws(absence: Absence, today: dt.date) -> bool:
    """Whether ending it now withdraws it (it has not begun before today) or cuts it short."""
    return absence.start_date >= today


def end(actor, absence: Absence, today: dt.date, now: dt.datetime) -> str:
    """End an absence now (SPEC §2): one not begun before today is withdrawn (cancelled); a
    longer one ends yesterday. Decisions already taken keep their stamps. Returns what was
    done, in the reader's language."""
    may_change(actor, absence, today)
    if absence.end_date < today:  # nothing left to end; moving the date would lengthen it
        raise AbsenceRefused(409, gettext("This absence has already ended."))
    before = describe(Values.of(absence))
    if withdraws(absence, today):
        absence.withdrawn_at, absence.withdrawn_by_id = now, actor.id
        event, done = "absence_withdrawn", gettext("Absence cancelled.")
    else:
        absence.end_date = today - dt.timedelta(days=1)
        event, done = "absence_ended", gettext("Absence ended; its last day is %(day)s.",
                                               day=format_date(absence.end_date))
    log_security_event(event, actor.username, f"#{absence.id} {before}", commit=False)
    return done
