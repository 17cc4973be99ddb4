"""The optional "Perangkat" field that an FM-03 request, an incident and a check item share
(issue 22): a select of the assets the person may name, theirs first, and the API's check."""

from __future__ import annotations

from flask_appbuilder.fields import QuerySelectField
from flask_appbuilder.fieldwidgets import Select2Widget
from flask_appbuilder.models.sqla.filters import FilterEqual
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from wtforms.validators import Optional

from app.assets.queries import asset_choice_label, assets_to_choose, may_name_asset
from app.assets.visibility import VisibleAssetsFilter
from app.i18n import N_
from app.messages import gettext
from app.security.access import current_actor

ASSET_LABEL = _l("Equipment")
UNKNOWN_ASSET = N_("The equipment was not found or is not in use.")
# For a DescribedApi's `references`: the assets this user may name.
ASSET_REFERENCE = ("asset", [["id", VisibleAssetsFilter, None], ["status", FilterEqual, "aktif"]])


def asset_select() -> QuerySelectField:
    return QuerySelectField(
        ASSET_LABEL, validators=[Optional()], allow_blank=True, blank_text="-",
        query_func=lambda: assets_to_choose(current_actor()), get_pk_func=lambda a: a.id,
        get_label=asset_choice_label, widget=Select2Widget())


def check_asset_id(given) -> None:
    """marshmallow validator of an `asset_id` sent to the API."""
    if given is not None and not may_name_asset(given, current_actor()):
        raise ValidationError(gettext(UNKNOWN_ASSET))
