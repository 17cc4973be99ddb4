"""REST API for both request kinds (SPEC §7), including the workflow actions."""

from __future__ import annotations

from flask import current_app, request
from flask_appbuilder.api import ModelRestApi, expose, protect, safe
from flask_appbuilder.models.sqla.filters import FilterEqual
from flask_babel import lazy_gettext as _l

from app.assets.fields import ASSET_REFERENCE
from app.errors import error_response
from app.fab_overrides import CheckedWritesMixin, ReferencedApi
from app.requests.labels import API_LABELS
from app.requests.listing import LIST_EAGER, VISIBLE_REQUESTS, RequestInterface
from app.requests.models import CATEGORIES, PRIORITIES, ImprovementRequest, SupportRequest
from app.requests.schemas import (
    ImprovementSchema,
    SupportSchema,
    edit_refusal,
    field_errors,
    fill_new_request,
)
from app.security import roles as R
from app.security.access import current_actor
from app.timeutil import today_wita
from app.workflow import relations, service
from app.workflow.vocabulary import Kind

COMMON_COLUMNS = [
    "id", "number", "title", "status", "unit.id", "unit.name", "requester.id",
    "requester.username", "officer.id", "officer.username", "target_date", "submitted_at",
    "created_at", "version",
]


ACTIVE = [["active", FilterEqual, True]]


class RequestApi(ReferencedApi, CheckedWritesMixin, ModelRestApi):
    allow_browser_login = False
    label_columns = API_LABELS
    method_permission_name = R.API_VERBS
    base_permissions = ["can_read", "can_write", "can_act"]  # requests are never deleted
    base_filters = VISIBLE_REQUESTS
    base_order = ("id", "desc")
    list_columns = COMMON_COLUMNS
    order_columns = ["id", "number", "title", "status", "target_date", "submitted_at"]
    search_columns = ["number", "title", "status", "target_date", "submitted_at"]
    kind_columns: list[str] = []

    def __init__(self):
        self.show_columns = COMMON_COLUMNS + self.kind_columns
        self.add_columns = ["title"] + self.kind_columns
        self.edit_columns = self.add_columns
        super().__init__()

    def pre_add(self, item):
        fill_new_request(item, current_actor())

    def write_errors(self, data, item):
        if item is None and not getattr(current_actor(), "unit_id", None):
            return {"unit": ["Akun Anda belum terdaftar pada unit kerja; hubungi Admin."]}
        return field_errors(self.kind, data, partial=item is not None, stored=item)

    def edit_refusal(self, item):
        refusal = edit_refusal(item, current_actor())
        if refusal:
            return (403 if item.requester_id != current_actor().id else 409), refusal
        return None

    @expose("/<int:pk>/actions/<action>", methods=["POST"])
    @protect()
    @safe
    def perform_action(self, pk: int, action: str):
        """Apply a workflow action (SPEC §3) to a request.
        ---
        post:
          parameters:
          - in: path
            schema:
              type: integer
            name: pk
          - in: path
            schema:
              type: string
            name: action
          requestBody:
            content:
              application/json:
                schema:
                  type: object
          responses:
            200:
              description: The request after the action
            400:
              $ref: '#/components/responses/400'
            401:
              $ref: '#/components/responses/401'
            403:
              description: Not allowed for this user
            404:
              $ref: '#/components/responses/404'
            409:
              description: Not allowed in the current state, or changed meanwhile
        """
        user = current_actor()
        payload = request.get_json(silent=True)
        if payload is None:
            payload = {} if not request.data else None
        if payload is None or not isinstance(payload, dict):
            return self.response(400, message="Data harus berupa objek JSON.",
                                 errors={"_schema": "Data harus berupa objek JSON."})
        version = payload.pop("version", None)
        model = self.datamodel.obj
        try:
            req = service.load_for_update(model, pk, relations.request_visibility(user, today_wita()))
            if version is not None and not isinstance(version, int):
                raise service.WorkflowError(400, "Periksa kembali isian Anda.",
                                            {"version": "Versi harus berupa angka."})
            service.perform(req, action, user, payload, expected_version=version,
                            number_formats=current_app.config["REQUEST_NUMBER_FORMAT"])
        except service.WorkflowError as err:
            return error_response(self, err)
        return self.response(200, id=req.id, result=self.show_model_schema.dump(req))


class ImprovementRequestApi(RequestApi):
    resource_name = "improvement_request"
    kind = Kind.IMPROVEMENT
    class_permission_name = R.IMPROVEMENT
    datamodel = RequestInterface(ImprovementRequest, eager=LIST_EAGER)
    kind_columns = ["category", "system_id", "current_condition", "proposed_improvement", "reason",
                    "priority", "desired_date"]
    # Required for the default category (penyempurnaan): a client that fills only what is
    # required gets a complete improvement; an innovation leaves it empty (its description).
    required_columns = ImprovementSchema.required_names() | {"system_id"}
    description_columns = {
        "system_id": _l("Required for a SIM improvement; leave empty for a new product "
                        "innovation."),
        "category": _l("penyempurnaan: improving an existing SIM module; inovasi: a new IT "
                       "product for the services. Default: penyempurnaan."),
    }
    search_columns = RequestApi.search_columns + ["category"]
    references = {"system_id": ("system", ACTIVE)}
    choices_columns = {"priority": PRIORITIES, "category": CATEGORIES}
    list_title = _l("Improvement requests (FM-01)")

    def _init_model_schemas(self):
        super()._init_model_schemas()
        # An innovation has no system: FAB's inferred field would refuse the empty value
        # (sent, or merged from the stored row on an edit).
        for schema in (self.add_model_schema, self.edit_model_schema):
            schema.fields["system_id"].allow_none = True

    add_title = _l("New improvement request")
    edit_title = _l("Edit improvement request")
    show_title = _l("Improvement request")


class SupportRequestApi(RequestApi):
    resource_name = "support_request"
    kind = Kind.SUPPORT
    class_permission_name = R.SUPPORT
    datamodel = RequestInterface(SupportRequest, eager=LIST_EAGER)
    kind_columns = ["support_type_id", "asset_id", "description", "location", "needed_from",
                    "needed_until"]
    required_columns = SupportSchema.required_names()
    references = {"support_type_id": ("support_type", ACTIVE), "asset_id": ASSET_REFERENCE}
    list_title = _l("Support requests (FM-03)")
    add_title = _l("New support request")
    edit_title = _l("Edit support request")
    show_title = _l("Support request")

