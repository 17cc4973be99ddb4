"""Who stands in which relation to a request (`rules.ACTORS`) on a day: one answer per question.

The relations (SPEC §2, §3):
  requester  the person who filed the request
  unit_head  the head of the request's unit, or the Plh named in the head's absence covering
             the day; never the requester (nobody acts on their own request)
  kasi       an active Kasi PDSI
  kabid      an active Kabid Dalak; and the Kasi PDSI while an absence of a Kabid Dalak
             covering the day is on record (SOP 9.2.5 / 9.5.4)
  officer    the IT officer of the current assignment

The questions, each answered here and nowhere else:
  standing(user, req, actor, day)   may this user act as `actor` now, and how (Plh, alone)?
  waiting_condition(user, day)      SQL: the requests whose next move is this user's
  people(actor, req, office)        who is told of an event, or reminded of a waiting request
  request_visibility(user, day)     SQL: the requests this user may see (UI, API, reports, print)

`Office.load(day)` reads who holds which office on a day once, for a batch (an event's
recipients, the daily digest).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from flask import g, has_request_context
from sqlalchemy import and_, event, exists, false, func, null, or_, select, true, union_all
from sqlalchemy.orm import Session

from app.extensions import db
from app.requests.models import (
    OPEN_CONDITION,
    REQUEST_KINDS,
    Assignment,
    RequestHistory,
    ServiceRequest,
)
from app.security import access
from app.security import roles as R
from app.security.models import Absence, Unit
from app.timeutil import wita_to_utc
from app.workflow.rules import WAITING_ON


@dataclass(frozen=True)
class Standing:
    """How a user stands in a relation: for whom as Plh, or as the Kasi deciding alone
    because an absence of the Kabid is on record (with that absence's reason)."""

    on_behalf_of_id: int | None = None
    kabid_absence: Absence | None = None

    @property
    def decides_alone(self) -> bool:
        return self.kabid_absence is not None


# --- the registers behind the relations ---------------------------------------------

def _unit_approvers(day: dt.date):
    """SQL rows (unit_id, approver_id, on_behalf_of_id): each unit's head, and the Plh named
    in the head's absence covering the day; only active officials (HEAD_ROLES) count."""
    heads = select(Unit.id.label("unit_id"), Unit.head_id.label("approver_id"),
                   null().label("on_behalf_of_id")).where(Unit.head_id.isnot(None))
    plhs = (select(Unit.id, Absence.acting_user_id, Unit.head_id)
            .join(Absence, Absence.user_id == Unit.head_id)
            .where(Absence.covering(day), Absence.acting_user_id.isnot(None)))
    rows = union_all(heads, plhs).subquery()
    return select(rows).where(rows.c.approver_id.in_(access.active_user_ids(*R.HEAD_ROLES)))


def _remembered(key: tuple, compute):
    """Answers read from units and absences, asked several times per page (the list's COUNT
    and its rows, the home page, the buttons): a request remembers them until a flush
    touches a unit or an absence, or a rollback."""
    if not has_request_context():
        return compute()
    cache = g.setdefault("_relations", {})
    if key not in cache:
        cache[key] = compute()
    return cache[key]


@event.listens_for(Session, "after_flush")
def _forget_on_change(session, _context) -> None:
    """A changed unit head or absence makes the request's remembered answers stale."""
    if not has_request_context() or "_relations" not in g:
        return
    changed = (*session.new, *session.dirty, *session.deleted)
    if any(isinstance(obj, Unit | Absence) for obj in changed):
        g.pop("_relations", None)


@event.listens_for(Session, "after_rollback")
def _forget_on_rollback(_session) -> None:
    """What was answered from rolled-back rows is not true any more."""
    if has_request_context():
        g.pop("_relations", None)


def headed_unit_ids(user, day: dt.date) -> dict[int, int | None]:
    """Units this user approves for on `day`: unit id -> on whose behalf (None when the head)."""
    if not access.has_role(user, *R.HEAD_ROLES):
        return {}

    def read():
        rows = _unit_approvers(day).subquery()
        return dict(db.session.execute(
            select(rows.c.unit_id, rows.c.on_behalf_of_id).where(rows.c.approver_id == user.id)
        ).all())

    return dict(_remembered(("headed_units", user.id, day), read))


def unit_approver_ids(unit_id: int, day: dt.date) -> dict[int, int | None]:
    """approver id -> on whose behalf, for one unit."""
    rows = _unit_approvers(day).subquery()
    return dict(db.session.execute(
        select(rows.c.approver_id, rows.c.on_behalf_of_id).where(rows.c.unit_id == unit_id)
    ).all())


def kabid_absence(day: dt.date) -> Absence | None:
    """The absence of a Kabid Dalak covering the day, if one is on record (SOP 9.2.5)."""
    return _remembered(("kabid_absence", day), lambda: db.session.execute(
        select(Absence).where(Absence.covering(day),
                              Absence.user_id.in_(access.active_user_ids(R.KABID)))
        .order_by(Absence.start_date, Absence.id).limit(1)
    ).scalar_one_or_none())


def kabid_action_on(day: dt.date) -> dt.datetime | None:
    """When a Kabid Dalak last acted on a request on `day` (WITA): then he was at work."""
    return db.session.execute(
        select(func.max(RequestHistory.created_at)).where(
            RequestHistory.actor_id.in_(access.active_user_ids(R.KABID)),
            RequestHistory.created_at >= wita_to_utc(day, "00:00"),
            RequestHistory.created_at < wita_to_utc(day + dt.timedelta(days=1), "00:00"),
        )
    ).scalar()


def units_without_head() -> list[Unit]:
    """Units whose requests nobody could approve: no head, or a head who cannot act."""
    return list(db.session.execute(
        select(Unit).where(or_(Unit.head_id.is_(None),
                               Unit.head_id.not_in(access.active_user_ids(*R.HEAD_ROLES))))
        .order_by(Unit.name)
    ).scalars())


@dataclass
class Office:
    """Who holds which office on a day, read once (for a batch: an event's mail, the digest)."""

    kasi: list[int]
    kabid: list[int]
    kabid_absence: Absence | None
    approvers: dict[int, dict[int, int | None]] = field(default_factory=dict)

    @classmethod
    def load(cls, day: dt.date) -> Office:
        approvers: dict[int, dict[int, int | None]] = defaultdict(dict)
        for unit_id, approver_id, behalf in db.session.execute(_unit_approvers(day)):
            approvers[unit_id][approver_id] = behalf
        return cls(
            kasi=sorted(access.user_ids_with_role(R.KASI)),
            kabid=sorted(access.user_ids_with_role(R.KABID)),
            kabid_absence=kabid_absence(day),
            approvers=dict(approvers),
        )


# --- the four answers -------------------------------------------------------------------

def standing(user, req: ServiceRequest, actor: str, day: dt.date) -> Standing | None:
    """May this user act as `actor` on the request on `day`? None when not."""
    if user is None or not getattr(user, "is_authenticated", True):
        return None
    if actor == "requester":
        return Standing() if req.requester_id == user.id else None
    if actor == "unit_head":
        if req.requester_id == user.id:  # SPEC §2: nobody acts on their own request
            return None
        units = headed_unit_ids(user, day)
        return Standing(on_behalf_of_id=units[req.unit_id]) if req.unit_id in units else None
    if actor == "kasi":
        return Standing() if access.has_role(user, R.KASI) else None
    if actor == "kabid":
        if access.has_role(user, R.KABID):
            return Standing()
        if access.has_role(user, R.KASI):
            absence = kabid_absence(day)
            return Standing(kabid_absence=absence) if absence is not None else None
        return None
    if actor == "officer":
        ok = (req.officer_id is not None and req.officer_id == user.id
              and access.has_role(user, R.PETUGAS_IT))
        return Standing() if ok else None
    raise ValueError(actor)


def people(actor: str, req: ServiceRequest, office: Office) -> list[int]:
    """Ids of the people standing in `actor` to the request: told of events, reminded."""
    if actor == "requester":
        return [req.requester_id]
    if actor == "unit_head":
        return [uid for uid in office.approvers.get(req.unit_id, {}) if uid != req.requester_id]
    if actor == "kasi":
        return list(office.kasi)
    if actor == "kabid":
        return list(office.kabid) + (list(office.kasi) if office.kabid_absence else [])
    if actor == "officer":
        return [req.officer_id] if req.officer_id else []
    raise ValueError(actor)


def waiting_condition(user, day: dt.date):
    """SQL: requests whose next move belongs to this user (rules.WAITING_ON); overdue work
    waits on the Kasi as well (SOP 9.3)."""
    units = list(headed_unit_ids(user, day))
    is_kasi = access.has_role(user, R.KASI)
    is_kabid = access.has_role(user, R.KABID) or (is_kasi and kabid_absence(day) is not None)
    relation = {
        "requester": ServiceRequest.requester_id == user.id,
        "unit_head": (and_(ServiceRequest.unit_id.in_(units),
                           ServiceRequest.requester_id != user.id) if units else false()),
        "kasi": true() if is_kasi else false(),
        "kabid": true() if is_kabid else false(),
        "officer": ServiceRequest.officer_id == user.id,
    }
    parts = [and_(ServiceRequest.status == state, relation[actor])
             for state, actor in WAITING_ON.items() if relation[actor] is not false()]
    if is_kasi:
        parts.append(ServiceRequest.overdue_on(day))
    if not parts:
        return false()
    # Only open requests wait for anyone; saying so (and naming both kinds) lets the
    # partial index ix_request_open answer the whole condition.
    return and_(OPEN_CONDITION, ServiceRequest.kind.in_(REQUEST_KINDS), or_(*parts))


def request_visibility(user, day: dt.date, model=ServiceRequest):
    """SQL: the requests this user may see (SPEC §2). A draft is its author's alone; a
    submitted request is seen by its requester, its unit's members, the unit's head or Plh,
    the officers assigned to it, and the see-all roles."""
    names = access.role_names(user)
    if not names:
        return false()
    own = model.requester_id == user.id
    # A returned draft is a draft again; a draft cancelled before it was ever submitted
    # stays its author's too.
    submitted = and_(model.status != "draft", model.submitted_at.isnot(None))
    if names & R.SEE_ALL_REQUESTS:
        return or_(submitted, own)
    seen: list = []
    if getattr(user, "unit_id", None) and R.PEMOHON in names:
        seen.append(model.unit_id == user.unit_id)
    units = list(headed_unit_ids(user, day))
    if units:
        seen.append(model.unit_id.in_(units))
    if R.PETUGAS_IT in names:
        seen.append(model.officer_id == user.id)
        seen.append(exists().where(and_(Assignment.request_id == model.id,
                                        Assignment.officer_id == user.id)))
    if not seen:
        return own
    return or_(own, and_(submitted, or_(*seen)))
