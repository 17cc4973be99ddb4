"""An asset's history, newest first (issue 22): the FM-03 requests that name it (those the
reader may see), the incidents on it, the faults found on its check items, its condition
changes. Four queries, whatever the number of rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.assets.models import CONDITIONS, AssetConditionChange
from app.checklist.models import (
    INCIDENT_STATES,
    CheckItem,
    ChecklistEntry,
    ChecklistRound,
    Incident,
)
from app.extensions import db
from app.requests.models import SupportRequest
from app.timeutil import today_wita, wita_to_utc
from app.workflow import relations, rules


@dataclass(frozen=True)
class Event:
    kind: str  # request, incident, fault, condition
    at: dt.datetime  # naive UTC
    title: str
    detail: str
    endpoint: str | None = None
    pk: int | None = None


def asset_history(asset_id: int, user) -> list[Event]:
    events = (_requests(asset_id, user) + _incidents(asset_id) + _faults(asset_id)
              + _conditions(asset_id))
    return sorted(events, key=lambda e: e.at, reverse=True)


def _requests(asset_id: int, user) -> list[Event]:
    visible = relations.request_visibility(user, today_wita(), SupportRequest)
    rows = db.session.execute(select(SupportRequest).where(
        SupportRequest.asset_id == asset_id, visible)).scalars()
    return [Event("request", r.submitted_at or r.created_at, f"{r!r}: {r.title}",
                  gettext(rules.STATES[r.status]), "SupportRequestView.show", r.id) for r in rows]


def _incidents(asset_id: int) -> list[Event]:
    rows = db.session.execute(select(Incident).where(Incident.asset_id == asset_id)).scalars()
    return [Event("incident", i.occurred_at, i.description,
                  gettext(str(INCIDENT_STATES[i.status])), "IncidentView.show", i.id)
            for i in rows]


def _faults(asset_id: int) -> list[Event]:
    rows = db.session.execute(
        select(ChecklistEntry, ChecklistRound, CheckItem)
        .join(ChecklistRound, ChecklistEntry.round_id == ChecklistRound.id)
        .join(CheckItem, ChecklistEntry.item_id == CheckItem.id)
        .where(CheckItem.asset_id == asset_id, ChecklistEntry.result == "fault")).all()
    return [Event("fault", rnd.submitted_at or wita_to_utc(rnd.date, rnd.slot),
                  item.name, entry.note or "", None, None) for entry, rnd, item in rows]


def _conditions(asset_id: int) -> list[Event]:
    rows = db.session.execute(
        select(AssetConditionChange).where(AssetConditionChange.asset_id == asset_id)
        .options(selectinload(AssetConditionChange.changed_by))).scalars()
    return [Event("condition", c.changed_at,
                  f"{gettext(str(CONDITIONS[c.from_condition]))} → "
                  f"{gettext(str(CONDITIONS[c.to_condition]))}",
                  f"{c.changed_by.full_name}: {c.note or '-'}", None, None) for c in rows]
