"""Which assets a user sees (issue 22), for the screens, the API, reports and prints alike:
everyone their own unit's (and what they hold, and the units they head or act for); the
supervisors, the Kasi PDSI, the Kabid Dalak, the Admin and the IT officers every asset."""

from __future__ import annotations

from flask_appbuilder.models.filters import BaseFilter
from sqlalchemy import false, or_, true

from app.assets.models import Asset
from app.security import access
from app.security import roles as R
from app.security.access import current_actor
from app.timeutil import today_wita
from app.workflow.relations import headed_unit_ids

SEE_ALL_ASSETS = R.SEE_ALL_REQUESTS | {R.PETUGAS_IT}
# Who changes an asset's condition (with a note) and who manages the register.
CONDITION_ROLES = (R.PETUGAS_IT, R.KASI, R.ADMIN)


def asset_visibility(user):
    """SQL: the assets this user may see."""
    names = access.role_names(user)
    if not names:
        return false()
    if names & SEE_ALL_ASSETS:
        return true()
    seen = [Asset.holder_id == user.id]
    if getattr(user, "unit_id", None):
        seen.append(Asset.unit_id == user.unit_id)
    units = list(headed_unit_ids(user, today_wita()))
    if units:
        seen.append(Asset.unit_id.in_(units))
    return or_(*seen)


class VisibleAssetsFilter(BaseFilter):
    """FAB applies it to the list, show and edit pages and to the API."""

    name = "Visible to the current user"
    arg_name = "visible_asset"

    def apply(self, query, value):
        return query.filter(asset_visibility(current_actor()))


VISIBLE_ASSETS = [["id", VisibleAssetsFilter, lambda: None]]
