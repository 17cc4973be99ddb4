"""The register's screens (issue 22): the list with filters by unit, category and condition,
the asset's page with its history and the condition form, the Kasi's add and edit forms."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import ModelView, expose, has_access
from flask_appbuilder.fieldwidgets import BS3TextAreaFieldWidget
from flask_appbuilder.models.sqla.filters import FilterContains, FilterEqual
from flask_appbuilder.validators import Unique
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms import IntegerField, SelectField, TextAreaField
from wtforms.validators import Optional, ValidationError

from app.assets import service
from app.assets.history import asset_history
from app.assets.labels import LABELS
from app.assets.models import CATEGORIES, CONDITIONS, STATUSES, Asset
from app.assets.queries import units_with_assets
from app.assets.schemas import TAKEN, year_problem
from app.assets.visibility import CONDITION_ROLES, VISIBLE_ASSETS
from app.fab_overrides import EagerSQLAInterface
from app.security import access
from app.security import roles as R
from app.security.access import current_actor
from app.timeutil import today_wita, utcnow

CONDITION_CSS = {"baik": "success", "rusak_ringan": "warning", "rusak_berat": "danger"}
EVENT_LABELS = {"request": _l("Support request (FM-03)"), "incident": _l("SIM incident"),
                "fault": _l("Checklist fault"), "condition": _l("Condition changed")}
VERBS = {**R.VIEW_VERBS, "condition": "act"}
ASSETS = EagerSQLAInterface(Asset, eager=("unit", "holder"))


CATEGORY_CHOICES = [(c, c) for c in CATEGORIES]


def _year_acquired_ok(form, field) -> None:
    """The form keeps the API's and the import's rule for the year (schemas.year_problem)."""
    problem = field.data is not None and year_problem(field.data)
    if problem:
        raise ValidationError(problem)


def condition_badge(code: str) -> Markup:
    label = gettext(str(CONDITIONS.get(code, code)))
    css = CONDITION_CSS.get(code, "default")
    return Markup(f'<span class="label label-{css} asset-condition">{escape(label)}</span>')


class AssetView(ModelView):
    datamodel = ASSETS
    class_permission_name = R.ASSET
    method_permission_name = VERBS
    base_permissions = ["can_read", "can_write", "can_act"]
    base_filters = VISIBLE_ASSETS
    base_order = ("inventory_number", "asc")
    list_template = "assets/list.html"
    show_template = "assets/show.html"
    list_title = _l("IT asset register")
    show_title = _l("IT asset")
    add_title = _l("Add an asset")
    edit_title = _l("Edit asset")
    page_size = 25
    list_columns = ["inventory_number", "category", "brand_type", "unit", "room", "holder",
                    "condition"]
    search_columns = ["inventory_number", "category", "brand_type", "unit", "room", "condition",
                      "status"]
    order_columns = ["inventory_number", "category", "brand_type", "room", "condition"]
    add_columns = ["inventory_number", "goods_code", "category", "brand_type", "serial_number",
                   "unit", "room", "holder", "year_acquired", "condition", "status", "notes"]
    # The condition changes only through its own form, which keeps the history.
    edit_columns = [c for c in add_columns if c != "condition"]
    show_columns = add_columns
    label_columns = LABELS
    formatters_columns = {
        "condition": condition_badge,
        "status": lambda s: gettext(str(STATUSES.get(s, s))),
        "holder": lambda h: h or "-",
        "room": lambda r: r or "-",
    }
    search_form_extra_fields = {
        "category": SelectField(_l("Category"), choices=CATEGORY_CHOICES),
        "condition": SelectField(_l("Condition"), choices=list(CONDITIONS.items())),
        "status": SelectField(_l("Status"), choices=list(STATUSES.items())),
    }
    add_form_extra_fields = {
        **search_form_extra_fields,
        "condition": SelectField(_l("Condition"), choices=list(CONDITIONS.items()),
                                 default="baik"),
        "status": SelectField(_l("Status"), choices=list(STATUSES.items()), default="aktif"),
        "year_acquired": IntegerField(_l("Year acquired"),
                                      validators=[Optional(), _year_acquired_ok]),
        "notes": TextAreaField(_l("Remarks"), widget=BS3TextAreaFieldWidget()),
    }
    edit_form_extra_fields = add_form_extra_fields
    validators_columns = {"inventory_number": [Unique(ASSETS, "inventory_number",
                                                      message=_l(TAKEN))]}

    @expose("/list/")
    @has_access
    def list(self):
        """FAB's list, with the files and prints above the filters (open while in use)."""
        self.update_redirect()
        widgets = self._list()
        search_arg = self._filter_arg("inventory_number", FilterContains)
        condition_arg = self._filter_arg("condition", FilterEqual)
        filters_open = any(name.startswith("_flt_") and name not in (search_arg, condition_arg)
                           and value for name, value in request.args.items())
        return self.render_template(
            self.list_template, title=self.list_title, widgets=widgets,
            filters_open=filters_open, print_units=units_with_assets(current_actor()),
            can_import=self.appbuilder.sm.has_access(R.WRITE, R.ASSET),
            search_arg=search_arg, search_value=request.args.get(search_arg, ""),
            condition_arg=condition_arg, condition_value=request.args.get(condition_arg),
            conditions=CONDITIONS)

    def _filter_arg(self, column: str, kind: type) -> str:
        """The URL argument of one of FAB's filters on a column (FAB counts from 0), for the
        search box and the condition links above the list."""
        column_filters = self._filters.get_search_filters()[column]
        index = next(i for i, f in enumerate(column_filters)
                     if isinstance(f, kind))
        return f"_flt_{index}_{column}"

    @expose("/show/<int:pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        return self._render_show(pk)

    @expose("/condition/<int:pk>", methods=["POST"])
    @has_access
    def condition(self, pk):
        """An IT officer records the condition found, with a note (CSRF-protected form)."""
        condition, note = request.form.get("condition"), request.form.get("note")
        try:
            service.change_condition(pk, current_actor(), condition, note, utcnow())
        except service.AssetError as err:
            if err.status == 404:
                abort(404)
            if err.status == 400:
                return self._render_show(pk, err.errors, condition, note), 400
            flash(err.message, "warning" if err.status == 409 else "danger")
        else:
            flash(gettext("Condition recorded."), "success")
        return redirect(url_for("AssetView.show", pk=pk))

    def _render_show(self, pk, errors=None, condition=None, note=None):
        asset = self.datamodel.get(pk, self._base_filters) or abort(404)
        widgets = self._get_show_widget(pk, asset)
        user = current_actor()
        self.update_redirect()
        return self.render_template(
            self.show_template, pk=pk, title=self.show_title, widgets=widgets, asset=asset,
            history=asset_history(asset.id, user), event_labels=EVENT_LABELS,
            conditions=CONDITIONS, errors=errors or {}, typed_condition=condition,
            typed_note=note or "", can_change=access.has_role(user, *CONDITION_ROLES),
            today=today_wita())

