"""The words for an asset's fields (English msgids, in the reader's language through the
catalogue), shared by the screens, the API, the import page and the import's header reader."""

from __future__ import annotations

from flask_babel import lazy_gettext

from app.i18n import N_

FIELD_NAMES = {
    "inventory_number": N_("Inventory number"), "goods_code": N_("Goods code"),
    "category": N_("Category"), "brand_type": N_("Brand and type"),
    "serial_number": N_("Serial number"), "unit": N_("Unit"), "room": N_("Room"),
    "holder": N_("Holder"), "year_acquired": N_("Year acquired"),
    "condition": N_("Condition"), "status": N_("Status"), "notes": N_("Remarks"),
}
LABELS = {key: lazy_gettext(msgid) for key, msgid in FIELD_NAMES.items()}
