"""Questions asked of the register by the list page, the dashboard and the report, each one
SQL statement and each under the reader's row rule (issue 22)."""

from __future__ import annotations

from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload

from app.assets.models import DAMAGED, Asset
from app.assets.visibility import asset_visibility
from app.extensions import db
from app.security.models import Unit


def units_with_assets(user) -> list[Unit]:
    """The units whose assets this user sees (the print form's choices)."""
    ids = select(Asset.unit_id).where(asset_visibility(user)).distinct()
    return list(db.session.execute(
        select(Unit).where(Unit.id.in_(ids)).order_by(Unit.name)).scalars())


def damaged_by_unit(user) -> list[tuple[str, int, int]]:
    """For the dashboard's figure: (unit, Rusak Ringan, Rusak Berat) of the assets in use,
    units with none left out, the most damaged first."""
    light = func.sum(case((Asset.condition == "rusak_ringan", 1), else_=0))
    heavy = func.sum(case((Asset.condition == "rusak_berat", 1), else_=0))
    rows = db.session.execute(
        select(Unit.name, light, heavy).join(Asset, Asset.unit_id == Unit.id)
        .where(asset_visibility(user), Asset.status == "aktif",
               Asset.condition.in_(DAMAGED))
        .group_by(Unit.name).order_by((light + heavy).desc(), Unit.name)).all()
    return [(name, int(a), int(b)) for name, a, b in rows]


def assets_to_choose(user) -> list[Asset]:
    """The assets in use a request or an incident may name: what the user holds first, then
    their unit's, then the others they see."""
    order = case((Asset.holder_id == user.id, 0),
                 (Asset.unit_id == (getattr(user, "unit_id", None) or -1), 1), else_=2)
    return list(db.session.execute(
        select(Asset).where(asset_visibility(user), Asset.status == "aktif")
        .options(selectinload(Asset.holder))  # named in each choice's label
        .order_by(order, Asset.inventory_number)).scalars())


def may_name_asset(asset_id, user) -> bool:
    """An id a form or the API may name: an asset in use that this user sees."""
    if isinstance(asset_id, bool) or not isinstance(asset_id, int):
        return False
    return db.session.execute(select(Asset.id).where(
        Asset.id == asset_id, Asset.status == "aktif", asset_visibility(user))).first() is not None


def asset_choice_label(asset: Asset) -> str:
    holder = f" · {asset.holder}" if asset.holder_id else ""
    return f"{asset.inventory_number} — {asset.category}, {asset.brand_type}{holder}"
