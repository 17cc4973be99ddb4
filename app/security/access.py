"""Who is who: roles of a user, unit heads and their Plh, absences (SPEC §2)."""

from __future__ import annotations

import datetime as dt

from flask import g, has_request_context
from sqlalchemy import and_, event, exists, false, or_, select, true
from sqlalchemy.orm import Session

from app.extensions import db
from app.requests.models import Assignment, ServiceRequest
from app.security import roles as R
from app.security.models import Absence, AppUser, Unit


def role_names(user) -> frozenset[str]:
    if user is None or not getattr(user, "is_authenticated", True):
        return frozenset()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = frozenset(role.name for role in user.roles)
        try:
            user._role_names = cached
        except AttributeError:
            pass
    return cached


def has_role(user, *names: str) -> bool:
    return bool(role_names(user) & set(names))


def acting_for(user_id: int, day: dt.date) -> list[int]:
    """Ids of the officials whose Plh this user is on `day`."""
    return list(db.session.execute(_acting_for(user_id, day)).scalars())


def _acting_for(user_id: int, day: dt.date):
    return select(Absence.user_id).where(
        Absence.acting_user_id == user_id,
        Absence.start_date <= day,
        Absence.end_date >= day,
    )


def headed_unit_ids(user, day: dt.date) -> dict[int, int | None]:
    """Units this user may approve for: unit id -> on whose behalf (None when the head).

    Asked several times per page (the list's COUNT and its rows, the home page, the buttons),
    so a request remembers the answer until a flush touches a unit or an absence, or a
    rollback.
    """
    if not has_role(user, R.KEPALA_UNIT):
        return {}
    cache = g.setdefault("_headed_units", {}) if has_request_context() else {}
    key = (user.id, day)
    if key not in cache:
        rows = db.session.execute(
            select(Unit.id, Unit.head_id).where(
                or_(Unit.head_id == user.id, Unit.head_id.in_(_acting_for(user.id, day)))
            )
        )
        cache[key] = {unit_id: None if head_id == user.id else head_id
                      for unit_id, head_id in rows}
    return dict(cache[key])


@event.listens_for(Session, "after_flush")
def _forget_headed_units(session, _context) -> None:
    """A changed unit head or absence makes the request's remembered answer stale."""
    if not has_request_context() or "_headed_units" not in g:
        return
    changed = (*session.new, *session.dirty, *session.deleted)
    if any(isinstance(obj, Unit | Absence) for obj in changed):
        g.pop("_headed_units", None)


@event.listens_for(Session, "after_rollback")
def _forget_headed_units_on_rollback(_session) -> None:
    """What was answered from rolled-back rows is not true any more."""
    if has_request_context():
        g.pop("_headed_units", None)


def is_absent(user_id: int, day: dt.date) -> bool:
    return db.session.execute(
        select(exists().where(
            Absence.user_id == user_id, Absence.start_date <= day, Absence.end_date >= day
        ))
    ).scalar()


def users_with_role(name: str) -> list[AppUser]:
    from flask_appbuilder.security.sqla.models import Role

    return list(
        db.session.execute(
            select(AppUser).join(AppUser.roles).where(Role.name == name, AppUser.active == true())
            .order_by(AppUser.id)
        ).scalars()
    )


def kabid_absent(day: dt.date) -> bool:
    """An absence of a Kabid Dalak covering the day is on record (SOP 9.2.5)."""
    return any(is_absent(user.id, day) for user in users_with_role(R.KABID))


def request_visibility(user, day: dt.date, model=ServiceRequest):
    """SQL condition for the requests this user may see; the same in UI, API, reports, print."""
    names = role_names(user)
    if names & R.SEE_ALL_REQUESTS:
        return true()
    conditions = []
    if R.PEMOHON in names:
        conditions.append(model.requester_id == user.id)
        if getattr(user, "unit_id", None):
            conditions.append(model.unit_id == user.unit_id)
    if R.KEPALA_UNIT in names:
        units = list(headed_unit_ids(user, day))
        if units:
            conditions.append(model.unit_id.in_(units))
    if R.PETUGAS_IT in names:
        conditions.append(model.officer_id == user.id)
        conditions.append(
            exists().where(and_(Assignment.request_id == model.id, Assignment.officer_id == user.id))
        )
    return or_(*conditions) if conditions else false()
