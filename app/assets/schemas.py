"""What an asset must hold, for the web form, the API and the spreadsheet import alike:
required fields, lengths from the columns, the fixed lists, the year (issue 22)."""

from __future__ import annotations

from marshmallow import ValidationError, validates
from sqlalchemy import select

from app.assets.models import CATEGORIES, CONDITIONS, STATUSES, Asset
from app.extensions import db
from app.i18n import N_
from app.messages import gettext, lazy_gettext
from app.schemas import FormSchema, text, value
from app.security.models import AppUser, Unit
from app.timeutil import today_wita

FIRST_YEAR_ACQUIRED = 1980
UNKNOWN_CATEGORY = lazy_gettext("The category must be one of: %(choices)s.",
                                choices=", ".join(CATEGORIES))
UNKNOWN_CONDITION = N_("The condition must be Baik, Rusak Ringan or Rusak Berat.")
UNKNOWN_STATUS = N_("The status must be aktif or dihapus.")
TAKEN = N_("This inventory number is already registered.")
BAD_YEAR = N_("The year acquired must be a year between %(first)s and %(last)s.")


def year_problem(year) -> str | None:
    """None for a plausible year of acquisition (an int), else the message."""
    last = today_wita().year
    if isinstance(year, bool) or not isinstance(year, int) or not (
            FIRST_YEAR_ACQUIRED <= year <= last):
        return gettext(BAD_YEAR, first=FIRST_YEAR_ACQUIRED, last=last)
    return None


def _exists(model, message):
    def check(given):
        if isinstance(given, bool) or not isinstance(given, int) or \
                db.session.get(model, given) is None:
            raise ValidationError(gettext(message))
    return check


class AssetSchema(FormSchema):
    """An asset sent to the API; `item` is the one edited (None for a new one)."""

    inventory_number = text(Asset.inventory_number, required=True)
    goods_code = text(Asset.goods_code)
    category = value(required=UNKNOWN_CATEGORY)
    brand_type = text(Asset.brand_type, required=True)
    serial_number = text(Asset.serial_number)
    unit_id = value(required=True, validate=_exists(Unit, N_("The unit was not found.")))
    room = text(Asset.room)
    holder_id = value(validate=_exists(AppUser, N_("The holder was not found.")))
    year_acquired = value()
    condition = value()
    status = value()
    notes = text(Asset.notes)

    def __init__(self, item: Asset | None = None, **kwargs):
        super().__init__(**kwargs)
        self.item = item

    @validates("inventory_number")
    def _free(self, number, **kwargs):
        if not isinstance(number, str) or not number.strip():
            return
        taken = db.session.execute(
            select(Asset.id).where(Asset.inventory_number == number.strip())).scalar()
        if taken is not None and (self.item is None or taken != self.item.id):
            raise ValidationError(gettext(TAKEN))

    @validates("category")
    def _category(self, category, **kwargs):
        if category not in CATEGORIES:
            raise ValidationError(str(UNKNOWN_CATEGORY))

    @validates("year_acquired")
    def _year(self, year, **kwargs):
        problem = year is not None and year_problem(year)
        if problem:
            raise ValidationError(problem)

    @validates("condition")
    def _condition(self, condition, **kwargs):
        if condition is not None and condition not in CONDITIONS:
            raise ValidationError(gettext(UNKNOWN_CONDITION))

    @validates("status")
    def _status(self, status, **kwargs):
        if status is not None and status not in STATUSES:
            raise ValidationError(gettext(UNKNOWN_STATUS))


def asset_field_errors(data, item: Asset | None) -> dict[str, list[str]]:
    return AssetSchema(item).errors_of(data, partial=item is not None)
