"""Master lists of FM-01 and FM-03, edited by the Admin."""

from flask_appbuilder import ModelView
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l

from app.requests.models import SimSystem, SupportType
from app.security import roles as R

_LABELS = {"code": _l("Code"), "name": _l("Name"), "description": _l("Remarks"),
           "active": _l("Active")}


class SimSystemView(ModelView):
    datamodel = SQLAInterface(SimSystem)
    class_permission_name = R.MASTER
    method_permission_name = R.VIEW_VERBS
    list_title = _l("SIM systems and modules")
    list_columns = ["code", "name", "active"]
    add_columns = edit_columns = ["code", "name", "description", "active"]
    search_columns = ["code", "name"]
    label_columns = _LABELS
    show_columns = add_columns
    add_title = _l("Add a SIM system or module")
    edit_title = _l("Edit SIM system or module")
    show_title = _l("SIM system or module")


class SupportTypeView(SimSystemView):
    datamodel = SQLAInterface(SupportType)
    list_title = _l("Support types")
    add_title = _l("Add a support type")
    edit_title = _l("Edit support type")
    show_title = _l("Support type")
