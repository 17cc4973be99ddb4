"""Every place Layanan TI reaches into Flask-AppBuilder beyond its documented extension points.

FAB 5 leaves some things to its internals: how a list is queried and counted, how a REST
filter finds its class, how @action routes fetch rows, how permissions are looked up per
menu entry. The overrides for them live here, and only here. `OVERRIDDEN` names each FAB
method we replace with the signature we replaced; `tests/test_fab_overrides.py` fails when
FAB's version or one of those signatures changes, so an upgrade starts by reading this file.
"""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    g,
    has_request_context,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_appbuilder import expose
from flask_appbuilder.api import protect, rison, safe
from flask_appbuilder.api.convert import Model2SchemaConverter
from flask_appbuilder.models.filters import Filters
from flask_appbuilder.models.sqla.filters import FilterIn, FilterNotIn
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.sqla.models import PermissionView, Role
from flask_appbuilder.security.views import RoleModelView
from flask_appbuilder.widgets import RenderTemplateWidget, SearchWidget
from flask_babel import get_locale, gettext
from flask_login import current_user
from markupsafe import Markup
from marshmallow import fields
from marshmallow.validate import Length
from sqlalchemy import func
from sqlalchemy.orm import joinedload, selectinload

from app.requests.search import SearchFilterConverter
from app.schemas import SCHEMA_MESSAGES, OfficeDateTime, in_office_words

# The FAB release these overrides were written and checked against.
FAB_VERSION = "5.3.0"

# (module, class, method): the signature FAB had when we replaced or wrapped it.
OVERRIDDEN = {
    ("flask_appbuilder.models.sqla.interface", "SQLAInterface", "apply_all"):
        "(self, query: 'Query', filters: 'Optional[Filters]' = None, order_column: 'str' = '', order_direction: 'str' = '', page: 'Optional[int]' = None, page_size: 'Optional[int]' = None, select_columns: 'Optional[list[str]]' = None, outer_default_load: 'bool' = False) -> 'Query'",
    ("flask_appbuilder.models.sqla.interface", "SQLAInterface", "query_count"):
        "(self, query: 'Query', filters: 'Optional[Filters]' = None, select_columns: 'Optional[list[str]]' = None) -> 'int'",
    ("flask_appbuilder.models.sqla.interface", "SQLAInterface", "query"):
        "(self, filters: 'Optional[Filters]' = None, order_column: 'str' = '', order_direction: 'str' = '', page: 'Optional[int]' = None, page_size: 'Optional[int]' = None, select_columns: 'Optional[list[str]]' = None, outer_default_load: 'bool' = False) -> 'Tuple[int, list[Model]]'",
    ("flask_appbuilder.models.sqla.interface", "SQLAInterface", "get_filters"):
        "(self, search_columns=None, search_filters=None)",
    ("flask_appbuilder.models.filters", "Filters", "get_joined_filters"):
        "(self, filters) -> 'Filters'",
    ("flask_appbuilder.models.filters", "Filters", "add_filter"):
        "(self, column_name: str, filter_class: flask_appbuilder.models.filters.BaseFilter, value: str)",
    ("flask_appbuilder.api", "ModelRestApi", "post_headless"):
        "(self) -> 'Response'",
    ("flask_appbuilder.api", "ModelRestApi", "put_headless"):
        "(self, pk: 'ModelKeyType') -> 'Response'",
    ("flask_appbuilder.api", "ModelRestApi", "_merge_update_item"):
        "(self, model_item: 'Model', data: 'Dict[str, Any]') -> 'Dict[str, Any]'",
    ("flask_appbuilder.api.convert", "Model2SchemaConverter", "_column2field"):
        "(self, datamodel: flask_appbuilder.models.sqla.interface.SQLAInterface, column: flask_appbuilder.api.convert.TreeNode, nested: bool = True, parent_schema_name: Optional[str] = None) -> marshmallow.fields.Field",
    ("flask_appbuilder.api.convert", "Model2SchemaConverter", "_meta_schema_factory"):
        "(self, columns: List[str], model: Optional[Type[flask_appbuilder.models.sqla.Model]], class_mixin: Type[marshmallow.schema.Schema], parent_schema_name: Optional[str] = None) -> Type[marshmallow_sqlalchemy.schema.SQLAlchemyAutoSchema]",
    ("flask_appbuilder.api", "ModelRestApi", "_get_field_info"):
        "(self, field: 'Field', filter_rel_field: 'Dict[str, Any]', page: 'Optional[int]' = None, page_size: 'Optional[int]' = None) -> 'Dict[str, Any]'",
    ("flask_appbuilder.widgets", "SearchWidget", "__call__"):
        "(self, **kwargs)",
    ("flask_appbuilder.views", "ModelView", "action"):
        "(self, name, pk)",
    ("flask_appbuilder.views", "ModelView", "action_post"):
        "(self)",
    ("flask_appbuilder.security.sqla.manager", "SecurityManager", "_has_view_access"):
        "(self, user: 'object', permission_name: 'str', view_name: 'str') -> 'bool'",
    ("flask_appbuilder.security.sqla.manager", "SecurityManager", "_get_user_permission_view_menus"):
        "(self, user: 'object', permission_name: 'str', view_menus_name: 'List[str]') -> 'Set[str]'",
}

# Templates and scripts of FAB's that we replace by copies under app/templates and app/static
# (so they speak the reader's language and show values in words): the FAB file each copy was
# made from, and the start of its SHA-256 then. A changed original means the copy is stale.
COPIED = {
    "app/templates/appbuilder/init.html": ("templates/appbuilder/init.html", "63cd58ec542d996f"),
    "app/templates/appbuilder/baselayout.html":
        ("templates/appbuilder/baselayout.html", "105fed3336242802"),
    "app/templates/appbuilder/navbar_right.html":
        ("templates/appbuilder/navbar_right.html", "0a7b39c996f2f3a1"),
    "app/templates/appbuilder/general/alert.html":
        ("templates/appbuilder/general/alert.html", "a1d8f674dcdba297"),
    "app/templates/appbuilder/general/confirm.html":
        ("templates/appbuilder/general/confirm.html", "b40fa102c061f75b"),
    "app/templates/appbuilder/navbar_menu.html":  # stands in for it; the copy is below
        ("templates/appbuilder/navbar_menu.html", "c80d05552fa166cf"),
    "app/templates/appbuilder/navbar_menu_entries.html":
        ("templates/appbuilder/navbar_menu.html", "c80d05552fa166cf"),
    "app/templates/appbuilder/general/widgets/list.html":
        ("templates/appbuilder/general/widgets/list.html", "2a0fad48fe42239c"),
    "app/templates/appbuilder/general/widgets/show.html":
        ("templates/appbuilder/general/widgets/show.html", "babd5b80d4e383c4"),
    "app/templates/appbuilder/general/widgets/roles/list.html":
        ("templates/appbuilder/general/widgets/roles/list.html", "fbf2cb3dbc25ccb6"),
    "app/templates/appbuilder/general/widgets/roles/show.html":
        ("templates/appbuilder/general/widgets/roles/show.html", "3d84311595cea9f6"),
    "app/static/js/ab.js": ("static/appbuilder/js/ab.js", "5fe48ab0140a5620"),
    "app/static/js/ab_actions.js": ("static/appbuilder/js/ab_actions.js", "812879e558747ce2"),
    "app/static/js/ab_filters.js": ("static/appbuilder/js/ab_filters.js", "88fc3eb5572de292"),
}


# --- lists -----------------------------------------------------------------------------------

class EagerSQLAInterface(SQLAInterface):
    """FAB's SQLAInterface, with the list queries a big table needs.

    - A page is found from the indexes first (its ids, in a subquery), then only its rows
      are read, with the relations named in `eager`: many-to-one ones joined into the same
      statement, others in one statement per relation (no query per row).
    - A COUNT a subclass knows without counting comes from `fast_count` (the request
      tally); any other COUNT runs over the filtered table alone, without the joins of the
      API's dotted columns (all many-to-one, so they cannot change the count).
    - Text filters take the typed text literally; "contains" on a request's number or title
      is answered by a trigram index (app.requests.search).
    - A page past the middle is read from the other end: the order is reversed (FAB adds the
      primary key as a tie-breaker, so the order is total and NULLs flip with it on SQLite
      and PostgreSQL), the offset counted from the end, and the rows turned back. The last
      page costs what the first does instead of reading every row before it.
    """

    filter_converter_class = SearchFilterConverter

    def __init__(self, obj, eager: tuple[str, ...] = (), session=None):
        super().__init__(obj, session=session)
        self.eager = eager

    def get_filters(self, search_columns=None, search_filters=None):
        return ColumnFilters(self.filter_converter_class, self,
                             search_columns=search_columns or [], search_filters=search_filters)

    def apply_all(self, query, *args, **kwargs):
        select_columns = kwargs.get("select_columns") or (args[5] if len(args) > 5 else None)
        query = super().apply_all(query, *args, **kwargs)
        # With select_columns (the REST API) FAB joins the relations itself.
        return query if select_columns else self._with_eager(query)

    def _with_eager(self, query):
        if not self.eager:
            return query
        return query.options(*(
            joinedload(getattr(self.obj, rel)) if self.is_relation_many_to_one(rel)
            else selectinload(getattr(self.obj, rel))
            for rel in self.eager
        ))

    def query_count(self, query, filters=None, select_columns=None) -> int:
        known = self.fast_count(filters)
        if known is not None:
            return known
        counted = self.session.query(func.count()).select_from(self.obj)
        return self.apply_filters(counted, filters).scalar()

    def fast_count(self, filters) -> int | None:
        """A count known without counting (a subclass's tally), or None."""
        return None

    def query(self, filters=None, order_column="", order_direction="", page=None,
              page_size=None, select_columns=None, outer_default_load=False):
        count = self.query_count(None, filters, select_columns)
        if select_columns and self.exists_col_to_many(select_columns):
            # FAB pages an inner query and joins the collections outside it: leave it be.
            return count, self._rows(super().apply_all(
                self.session.query(self.obj), filters, order_column, order_direction, page,
                page_size, select_columns, outer_default_load))
        direction, offset, limit, backwards = self._page_plan(
            count, order_column, order_direction, page, page_size)
        if select_columns:  # the REST API: FAB's own joins for the dotted columns
            query = super().apply_all(self.session.query(self.obj), filters, order_column,
                                      direction, None, None, select_columns, outer_default_load)
            query = self._paginate(query, offset, limit)
        else:
            # A deferred join: the page's ids come from the indexes alone, then only those
            # rows are read, with their many-to-one relations joined.
            ids = super().apply_all(self.session.query(self.obj.id), filters, order_column,
                                    direction)
            ids = self._paginate(ids, offset, limit).subquery()
            query = self.session.query(self.obj).join(ids, ids.c.id == self.obj.id)
            query = self.apply_order_by(query, order_column, direction, add_pk=True)
            query = self._with_eager(query)
        rows = self._rows(query)
        return count, rows[::-1] if backwards else rows

    @staticmethod
    def _page_plan(count, order_column, order_direction, page, page_size):
        """(direction, offset, limit, backwards): past the middle, read from the other end."""
        offset = (page or 0) * (page_size or 0)
        if page_size and order_column and count // 2 < offset < count:
            after = count - offset - page_size  # rows after this page in the asked order
            reverse = "desc" if order_direction == "asc" else "asc"
            return reverse, max(after, 0), page_size + min(after, 0), True
        return order_direction, offset, page_size, False

    @staticmethod
    def _paginate(query, offset, limit):
        if offset:
            query = query.offset(offset)
        if limit:
            query = query.limit(limit)
        return query

    def _rows(self, query) -> list:
        rows = query.all()
        name = self.obj.__name__
        if rows and hasattr(rows[0], name):
            return [getattr(row, name) for row in rows]
        return rows


class ColumnFilters(Filters):
    """FAB's filter set, but a REST filter (`opr:ct`) takes the class this column's converter
    gives for that operation. FAB looks `opr` up in a module-wide dict that the last filter
    instance made anywhere writes to, so which "contains" ran depended on what was loaded.

    A datamodel's `extra_filters` ({column: [filter classes]}) come after FAB's own for that
    column, in the search form and in the URL (`_flt_<index>_<column>`) alike; FAB would add
    them to the form only, and a URL naming one would fail. FAB reads one digit of the index,
    so "in list"/"not in list" (which a person never types into a search) make room for them:
    FAB's indexes 0-7 stay what they were."""

    # The filter objects of each column are the same on every request (they hold only the
    # column and the datamodel): made once per datamodel, converter and search columns, and
    # each request gets its own lists of them (FAB made ~80 filter objects per list page).
    _tables: dict[tuple, tuple] = {}

    def __init__(self, filter_converter, datamodel, search_columns=None, search_filters=None):
        key = (id(datamodel), filter_converter, tuple(search_columns or ()))
        made = None if search_filters else self._tables.get(key)
        if made is not None and made[0] is datamodel:
            self.search_columns = search_columns or []
            self.filter_converter, self.datamodel = filter_converter, datamodel
            self.clear_filters()
            self._search_filters = {col: list(fs) for col, fs in made[1].items()}
            self._all_filters = {col: list(fs) for col, fs in made[2].items()}
            return
        super().__init__(filter_converter, datamodel, search_columns, search_filters)
        for column, classes in getattr(datamodel, "extra_filters", {}).items():
            for table in (self._search_filters, self._all_filters):
                if column in table:
                    kept = [f for f in table[column] if not isinstance(f, (FilterIn, FilterNotIn))]
                    table[column] = kept + [cls(column, datamodel) for cls in classes]
        if not search_filters:  # the datamodel is kept with them: its id stays its own
            self._tables[key] = (datamodel, {c: list(f) for c, f in self._search_filters.items()},
                                 {c: list(f) for c, f in self._all_filters.items()})

    def get_joined_filters(self, filters) -> Filters:
        """FAB's, but the joined set is one of ours (FAB made a plain Filters, with every
        column's filter objects built again, twice per list page)."""
        joined = type(self)(self.filter_converter, self.datamodel)
        joined.filters = self.filters + filters.filters
        joined.values = self.values + filters.values
        return joined

    def add_filter(self, column_name, filter_class, value):
        own = next((type(f) for f in self.filter_converter(self.datamodel).convert(column_name)
                    if f.arg_name == filter_class.arg_name), filter_class)
        return super().add_filter(column_name, own, value)


class StaticSearchWidget(SearchWidget):
    """FAB's search widget ("More filters"), with what depends only on the view and the
    reader's language made once per process: the labels, each filter field's empty HTML and
    each column's filter names (a seventh of a request list page, rendered on every page
    though it is folded away). The active filters are read per request as before.

    Only for search columns that are not relations: a relation's field lists rows of the
    database (units, people), which change; such a view renders its fields every time."""

    _parts: dict[tuple, tuple[dict, dict, dict]] = {}

    def __call__(self, **kwargs):
        args = self.template_args
        columns = tuple(args["include_cols"])
        datamodel = self.filters.datamodel
        if any(datamodel.is_relation(col) for col in columns):
            return super().__call__(**kwargs)
        key = (args["route_base"], columns, str(get_locale()))
        if key not in self._parts:
            form, search_filters = args["form"], self.filters.get_search_filters()
            self._parts[key] = (
                {col: str(form[col].label.text) for col in columns},
                {col: str(form[col]()) for col in columns},
                {col: [str(flt.name) for flt in search_filters[col]] for col in columns},
            )
        labels, fields, names = self._parts[key]
        kwargs.update(label_columns=labels, form_fields=fields, search_filters=names,
                      active_filters=self.filters.get_filters_values_tojson())
        return RenderTemplateWidget.__call__(self, **kwargs)


# --- writes through the REST API ------------------------------------------------------------

class CheckedWritesMixin:
    """For a ModelRestApi: POST and PUT answer 404, 403/409 (an edit this user may not make)
    or 400 with a message per field in Indonesian before FAB writes anything."""

    def write_errors(self, data, item) -> dict[str, list[str]]:
        """Per-field problems of a create (`item` None) or an edit of `item`."""
        return {}

    def edit_refusal(self, item) -> tuple[int, str] | None:
        """(status, message) when this user may not edit `item` at all."""
        return None

    def post_headless(self):
        errors = self.write_errors(request.get_json(silent=True), None)
        if errors:
            return self.response_400(message=errors)
        return super().post_headless()

    def _merge_update_item(self, model_item, data):
        """FAB fills what a PUT leaves out from the stored row; a stored None is left out
        instead: FAB infers a nullable foreign key (system_id, asset_id) that refuses None,
        so an edit of another field was refused (issue 22)."""
        sent = set(data)
        merged = super()._merge_update_item(model_item, data)
        return {name: value for name, value in merged.items()
                if name in sent or value is not None}

    def put_headless(self, pk):
        item = self.datamodel.get(pk, self._base_filters)
        if item is None:
            return self.response_404()
        refusal = self.edit_refusal(item)
        if refusal:
            return self.response(refusal[0], message=refusal[1])
        errors = self.write_errors(request.get_json(silent=True), item)
        if errors:
            return self.response_400(message=errors)
        return super().put_headless(pk)


# --- what the REST API says about itself -----------------------------------------------------

class OfficeSchemaConverter(Model2SchemaConverter):
    """FAB's model-to-schema converter with the office's edges: date-times are WITA in and
    out (`OfficeDateTime`), and marshmallow's messages are Indonesian."""

    def _column2field(self, datamodel, column, nested=True, parent_schema_name=None):
        field = super()._column2field(datamodel, column, nested, parent_schema_name)
        if type(field) is fields.DateTime:
            office = OfficeDateTime(required=field.required, allow_none=field.allow_none,
                                    dump_only=field.dump_only, validate=field.validators or None)
            office.unique = getattr(field, "unique", False)
            field = office
        return in_office_words(field)

    def _meta_schema_factory(self, columns, model, class_mixin, parent_schema_name=None):
        schema = super()._meta_schema_factory(columns, model, class_mixin, parent_schema_name)
        schema.error_messages = SCHEMA_MESSAGES
        return schema


class DescribedApi:
    """For a ModelRestApi (FAB's security APIs too): an `_info` a client can fill a form from
    (SPEC §7), and schemas from `OfficeSchemaConverter`.

    FAB's `_info` labels a field with the catalogue's header when it has no description,
    takes `required` from the table (a nullable foreign key the product requires reads as
    optional) and offers choices only for relation fields. Here a field's label and
    description come from the API's tables, `required_columns` adds what the domain schema
    requires, a foreign-key column named in `references` lists its choices in `values`
    (FAB's related-field convention) and at `GET related/<column>`, and a code column named
    in `choices_columns` lists its codes with their labels.
    """

    model2schemaconverter = OfficeSchemaConverter
    required_columns: frozenset[str] = frozenset()
    # foreign-key column -> (relation, FAB filters of the rows one may choose)
    references: dict[str, tuple[str, list]] = {}
    choices_columns: dict[str, dict] = {}

    def _get_field_info(self, field, filter_rel_field, page=None, page_size=None):
        info = super()._get_field_info(field, filter_rel_field, page=page, page_size=page_size)
        label = self.label_columns.get(field.name)
        description = self.description_columns.get(field.name)
        info["label"] = gettext(str(label)) if label else field.name
        info["description"] = str(description) if description else ""
        info["required"] = bool(field.required or field.name in self.required_columns)
        info.pop("validate", None)  # validators' reprs are Python, not words for a client
        limit = next((v.max for v in field.validators if isinstance(v, Length) and v.max), None)
        if limit:
            info["max_length"] = limit
        if field.name in self.references:
            info["type"] = "Integer"  # the chosen row's id (marshmallow infers nothing)
            info["count"], info["values"] = self.reference_values(field.name, page, page_size)
        elif field.name in self.choices_columns:
            choices = self.choices_columns[field.name]
            info["values"] = [{"id": code, "value": gettext(str(label))}
                              for code, label in choices.items()]
        return info

    def reference_values(self, column, page=None, page_size=None):
        """(count, [{"id", "value"}]) of the rows a reference column may name."""
        relation, rel_filters = self.references[column]
        datamodel = self.datamodel.get_related_interface(relation)
        filters = datamodel.get_filters(datamodel.get_search_columns_list())
        if rel_filters:
            filters = filters.add_filter_list(rel_filters)
        page, page_size = self._sanitize_page_args(page, page_size)
        count, rows = datamodel.query(filters, "", "", page=page, page_size=page_size)
        return count, [{"id": datamodel.get_pk_value(row), "value": str(row)} for row in rows]


class ReferencedApi(DescribedApi):
    """A DescribedApi that also answers `GET related/<column>` for its `references`."""

    @expose("/related/<column_name>", methods=["GET"])
    @protect()
    @safe
    @rison()
    def related(self, column_name, **kwargs):
        """The choices of a reference column, paged as `?q=(page:0,page_size:25)`.
        ---
        get:
          parameters:
          - in: path
            schema:
              type: string
            name: column_name
          responses:
            200:
              description: count and result ([{id, value}])
            404:
              $ref: '#/components/responses/404'
        """
        if column_name not in self.references:
            return self.response_404()
        args = kwargs.get("rison") or {}
        page, page_size = args.get("page"), args.get("page_size")
        if not all(v is None or (isinstance(v, int) and not isinstance(v, bool))
                   for v in (page, page_size)):
            return self.response_400(message="page dan page_size harus berupa angka.")
        count, values = self.reference_values(column_name, page, page_size)
        return self.response(200, count=count, result=values)


# --- @action routes ---------------------------------------------------------------------------

class RowCheckedActions:
    """FAB's @action routes fetch rows without `base_filters` and crash on unknown ids
    (STYLE.md fact 2). Here, before FAB's route runs: the action exists, this user holds its
    permission, and every id is a row this user may see (404 otherwise). Every registered
    view that declares an action carries this mixin (tests/test_fab_overrides.py)."""

    @expose("/action/<string:name>/<pk>", methods=["GET", "POST"])
    def action(self, name, pk):
        refusal = self._refuse_action(name, [pk])
        return refusal or super().action(name, pk)

    @expose("/action_post", methods=["POST"])
    def action_post(self):
        refusal = self._refuse_action(request.form.get("action"), request.form.getlist("rowid"))
        return refusal or super().action_post()

    def _refuse_action(self, name, ids):
        if name not in self.actions:
            abort(404)
        permission = self.get_action_permission_name(name)
        if not self.appbuilder.sm.has_access(permission, self.class_permission_name):
            if not current_user.is_authenticated:  # FAB would flash; send to the login page
                return redirect(url_for(self.appbuilder.sm.auth_view.endpoint + ".login"))
            abort(403)
        if not ids or any(self.datamodel.get(pk, self._base_filters) is None for pk in ids):
            abort(404)
        return None


class RowCheckedRoleModelView(RowCheckedActions, RoleModelView):
    """FAB's role list, whose 'copy role' action goes through the check above."""


def drop_unused_routes(view_class):
    """Turn off FAB routes a view does not use; they answer 500 to names they do not know.

    /download/<filename> serves FAB file columns (we have none); /action and /action_post
    serve @action methods, so they stay only on views that declare one.
    """
    has_actions = any(getattr(getattr(view_class, name, None), "_action", None)
                      for name in dir(view_class))
    unused = {"download"} | (set() if has_actions else {"action", "action_post"})
    view_class.exclude_route_methods = set(view_class.exclude_route_methods) | unused
    return view_class


# --- permissions -----------------------------------------------------------------------------

class CachedPermissions:
    """For the security manager: a role's permissions read once per request, not per menu entry
    (STYLE.md fact 7: FAB asks the database about every entry of the menu)."""

    def _role_permissions(self, roles) -> set[tuple[str, str]]:
        """All (permission, view) pairs of the roles, once per request (FAB asks per menu entry)."""
        role_ids = tuple(sorted(role.id for role in roles if role.name not in self.builtin_roles))
        cache = g.setdefault("_perm_cache", {}) if has_request_context() else {}
        if role_ids not in cache:
            rows = (
                self.session.query(self.permission_model.name, self.viewmenu_model.name)
                .select_from(PermissionView)
                .join(PermissionView.permission)
                .join(PermissionView.view_menu)
                .join(PermissionView.role)
                .filter(Role.id.in_(role_ids))
                .all()
            ) if role_ids else []
            cache[role_ids] = {(perm, view) for perm, view in rows}
        return cache[role_ids]

    def _has_view_access(self, user, permission_name: str, view_name: str) -> bool:
        builtin, granted = self._access_of(user)
        if any(self._has_access_builtin_roles(role, permission_name, view_name)
               for role in builtin):
            return True
        return (permission_name, view_name) in granted

    def _access_of(self, user) -> tuple[list, set[tuple[str, str]]]:
        """(builtin roles, granted pairs) of a user, once per request and user: a page asks
        about every menu entry and button (18 times for a request list)."""
        memo = g.setdefault("_access_memo", {}) if has_request_context() else {}
        key = id(user)
        if key not in memo:
            roles = self.get_user_roles(user)
            memo[key] = ([role for role in roles if role.name in self.builtin_roles],
                         self._role_permissions(roles), user)  # user: keeps its id unique
        return memo[key][:2]

    def menu_key(self) -> tuple | None:
        """What decides which menu entries the signed-in user sees (their builtin roles and
        granted pairs), or None when nobody is signed in through a session."""
        if getattr(g, "_api_key_user", False) or not current_user.is_authenticated:
            return None
        user = self._get_safe_user(g.user)
        if user is None or not user.is_active:
            return None
        builtin, granted = self._access_of(user)
        return tuple(sorted(role.name for role in builtin)), frozenset(granted)

    def _get_user_permission_view_menus(self, user, permission_name, view_menus_name):
        roles = [self.get_public_role()] if user is None else self.get_user_roles(user)
        roles = [role for role in roles if role is not None]
        granted = self._role_permissions(roles)
        names = view_menus_name or {view for _, view in granted}
        return {name for name in names if (permission_name, name) in granted}


MENU_ENTRIES = "appbuilder/navbar_menu_entries.html"


def navbar_menu(menu) -> Markup:
    """The menu's entries as FAB writes them, made once per app, language and set of
    permissions (a change of a role's permissions is a new set, so a new menu)."""
    key = current_app.appbuilder.sm.menu_key()
    if key is None:
        return Markup(render_template(MENU_ENTRIES, menu=menu))
    menus = current_app.extensions.setdefault("layanan_menus", {})
    key = (str(get_locale()), *key)
    if key not in menus:
        if len(menus) >= 64:  # roles x languages; more means permissions keep changing
            menus.clear()
        menus[key] = Markup(render_template(MENU_ENTRIES, menu=menu))
    return menus[key]
