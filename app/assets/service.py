"""Changing an asset's condition: an IT officer (or the Kasi, the Admin) with a note; every
change is kept as a history row (issue 22)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app.assets.models import CONDITIONS, Asset, AssetConditionChange
from app.assets.visibility import CONDITION_ROLES, asset_visibility
from app.extensions import db
from app.i18n import N_
from app.messages import gettext
from app.security import access

NOTE_LIMIT = 2000
NOT_FOUND = N_("The asset was not found.")


class AssetError(Exception):
    def __init__(self, status: int, message: str, errors: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.errors = status, message, errors or {}


def load_visible(pk: int, user, for_update: bool = False) -> Asset:
    statement = select(Asset).where(Asset.id == pk, asset_visibility(user))
    if for_update:
        statement = statement.with_for_update()
    asset = db.session.execute(statement).scalar_one_or_none()
    if asset is None:
        raise AssetError(404, gettext(NOT_FOUND))
    return asset


def condition_errors(condition, note) -> dict[str, str]:
    errors = {}
    if condition not in CONDITIONS:
        errors["condition"] = gettext("Choose Good, Slightly damaged or Badly damaged.")
    if not isinstance(note, str) or not note.strip():
        errors["note"] = gettext("Write what was found (a note is required).")
    elif len(note) > NOTE_LIMIT:
        errors["note"] = gettext("At most %(limit)s characters.", limit=NOTE_LIMIT)
    return errors


def change_condition(pk: int, user, condition, note, now: dt.datetime) -> Asset:
    """Record the new condition with its note; the row is locked, so of two officers acting
    at once the second sees the first one's change (409 when it is already that)."""
    if not access.has_role(user, *CONDITION_ROLES):
        raise AssetError(403, gettext("Only IT officers may change an asset's condition."))
    errors = condition_errors(condition, note)
    if errors:
        raise AssetError(400, gettext("Please check your input."), errors)
    asset = load_visible(pk, user, for_update=True)
    if asset.condition == condition:
        raise AssetError(409, gettext("The asset is already in this condition."))
    db.session.add(AssetConditionChange(
        asset_id=asset.id, changed_by_id=user.id, changed_at=now,
        from_condition=asset.condition, to_condition=condition, note=note.strip()))
    asset.condition = condition
    db.session.commit()
    return asset
