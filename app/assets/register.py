"""The register's menu entry, pages and API, added to the app in one call (app/views.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.assets.api import AssetApi
from app.assets.files import AssetFilesView
from app.assets.views import AssetView
from app.fab_overrides import drop_unused_routes
from app.security import roles as R


def register_assets(appbuilder) -> None:
    drop_unused_routes(AssetView)
    appbuilder.add_view(AssetView, R.M_ASSETS, label=_l("IT assets"), icon="fa-desktop")
    appbuilder.add_view_no_menu(AssetFilesView)
    appbuilder.add_api(AssetApi)
