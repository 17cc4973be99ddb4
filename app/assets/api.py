"""REST API /api/v1/asset/ (issue 22): the same row rule as the screens; the Kasi PDSI and the
Admin create and edit; IT officers change the condition with a note:
POST /api/v1/asset/<pk>/actions/condition {"condition": "rusak_ringan", "note": "..."}."""

from __future__ import annotations

from flask import request
from flask_appbuilder.api import ModelRestApi, expose, protect, safe
from flask_babel import lazy_gettext as _l

from app.assets import service
from app.assets.labels import LABELS
from app.assets.models import CONDITIONS, STATUSES, Asset
from app.assets.schemas import AssetSchema, asset_field_errors
from app.assets.visibility import VISIBLE_ASSETS
from app.errors import error_response
from app.fab_overrides import CheckedWritesMixin, EagerSQLAInterface, ReferencedApi
from app.security import roles as R
from app.security.access import current_actor
from app.timeutil import utcnow

API_LABELS = {**LABELS, "id": _l("Id"), "unit_id": _l("Unit"), "unit.id": _l("Unit"),
              "unit.name": _l("Unit"), "holder_id": _l("Holder"), "holder.id": _l("Holder"),
              "holder.username": _l("Holder"), "created_at": _l("Created at")}
WRITABLE = ["inventory_number", "goods_code", "category", "brand_type", "serial_number",
            "unit_id", "room", "holder_id", "year_acquired", "status", "notes"]


class AssetApi(ReferencedApi, CheckedWritesMixin, ModelRestApi):
    resource_name = "asset"
    allow_browser_login = False
    datamodel = EagerSQLAInterface(Asset, eager=("unit", "holder"))
    class_permission_name = R.ASSET
    method_permission_name = {**R.API_VERBS, "perform_action": "act"}
    base_permissions = ["can_read", "can_write", "can_act"]
    base_filters = VISIBLE_ASSETS
    base_order = ("inventory_number", "asc")
    label_columns = API_LABELS
    list_title = show_title = _l("IT asset register")
    add_title = _l("Add an asset")
    edit_title = _l("Edit asset")
    list_columns = ["id", "inventory_number", "goods_code", "category", "brand_type",
                    "serial_number", "unit.id", "unit.name", "room", "holder.id",
                    "holder.username", "year_acquired", "condition", "status", "notes"]
    show_columns = list_columns
    search_columns = ["inventory_number", "category", "condition", "status", "room", "unit"]
    order_columns = ["inventory_number", "category", "condition", "room", "year_acquired"]
    # A new asset may say its condition; afterwards it changes through the action only.
    add_columns = WRITABLE + ["condition"]
    edit_columns = WRITABLE
    required_columns = AssetSchema.required_names()
    references = {"unit_id": ("unit", []), "holder_id": ("holder", [])}
    choices_columns = {"condition": CONDITIONS, "status": STATUSES}

    def write_errors(self, data, item):
        return asset_field_errors(data, item)

    @expose("/<int:pk>/actions/condition", methods=["POST"])
    @protect()
    @safe
    def perform_action(self, pk: int):
        """Record an asset's condition with a note (IT officers, the Kasi PDSI, the Admin).
        ---
        post:
          parameters:
          - in: path
            schema:
              type: integer
            name: pk
          responses:
            200:
              description: The asset after the change
            400:
              $ref: '#/components/responses/400'
            404:
              $ref: '#/components/responses/404'
            409:
              description: Already in that condition
        """
        payload = request.get_json(silent=True)
        if not isinstance(payload, dict):
            return self.response(400, message="Data harus berupa objek JSON.")
        try:
            asset = service.change_condition(pk, current_actor(), payload.get("condition"),
                                             payload.get("note"), utcnow())
        except service.AssetError as err:
            return error_response(self, err)
        return self.response(200, id=pk, result=self.show_model_schema.dump(asset))
