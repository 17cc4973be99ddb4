"""What the checklist's forms must hold (FM-02): check items, incident reports, a round's
entries and an incident's resolution, with lengths read from the columns (SPEC §4)."""

from __future__ import annotations

import datetime as dt

from marshmallow import ValidationError, validates, validates_schema
from sqlalchemy import select

from app.checklist.models import (
    CATEGORIES,
    PROBE_KINDS,
    RESULTS,
    CheckItem,
    ChecklistEntry,
    Incident,
)
from app.extensions import db
from app.requests.models import SimSystem
from app.schemas import FormSchema, max_length, text, value
from app.timeutil import FIRST_YEAR, LAST_YEAR

VALUE_MAX = max_length(ChecklistEntry.value)
NOTE_MAX = max_length(ChecklistEntry.note)
ACTION_TAKEN_MAX = max_length(Incident.action_taken)
UNKNOWN_CATEGORY = "Kategori harus salah satu dari: " + ", ".join(CATEGORIES) + "."


class CheckItemSchema(FormSchema):
    """A check item; `item` is the one being edited (None for a new one)."""

    code = text(CheckItem.code, required="Kode wajib diisi.")
    name = text(CheckItem.name, required="Nama wajib diisi.")
    category = value(required=UNKNOWN_CATEGORY)
    order = value()
    probe_kind = value()
    probe_target = text(CheckItem.probe_target)

    def __init__(self, item: CheckItem | None = None, **kwargs):
        super().__init__(**kwargs)
        self.item = item

    @validates("code")
    def _code_free(self, code, **kwargs):
        if not isinstance(code, str) or not code.strip():
            return
        taken = db.session.execute(select(CheckItem.id).where(CheckItem.code == code)).scalar()
        if taken is not None and (self.item is None or taken != self.item.id):
            raise ValidationError("Kode sudah dipakai butir pemeriksaan lain.")

    @validates("category")
    def _known_category(self, category, **kwargs):
        if not isinstance(category, str) or category not in CATEGORIES:
            raise ValidationError(UNKNOWN_CATEGORY)

    @validates("order")
    def _order_in_range(self, order, **kwargs):
        if not isinstance(order, int) or isinstance(order, bool) or not 0 <= order <= 10_000:
            raise ValidationError("Urutan harus bilangan 0 sampai 10000.")

    @validates_schema(skip_on_field_errors=False)
    def _probe(self, data, **kwargs):
        item = self.item
        kind = data.get("probe_kind", item.probe_kind if item else None) or None
        if kind is not None and (not isinstance(kind, str) or kind not in PROBE_KINDS):
            raise ValidationError({"probe_kind": [
                "Pemeriksaan otomatis harus salah satu dari: " + ", ".join(
                    f"{code} ({label})" for code, label in PROBE_KINDS.items()) + "."]})
        if kind is not None and not (data.get("probe_target",
                                              item.probe_target if item else None) or ""):
            raise ValidationError({"probe_target": [
                "Sasaran pemeriksaan otomatis wajib diisi bila pemeriksaan otomatis dipilih."]})


def check_item_field_errors(data, item: CheckItem | None) -> dict[str, list[str]]:
    return CheckItemSchema(item).errors_of(data, partial=item is not None)


class IncidentSchema(FormSchema):
    """An incident report: what happened, when, on which system."""

    description = text(Incident.description, required="Uraian kejadian wajib diisi.")
    impact = text(Incident.impact)
    occurred_at = value(required="Waktu kejadian tidak valid (contoh 2026-12-01T10:15).")
    system_id = value()

    @validates("occurred_at")
    def _moment(self, moment, **kwargs):
        try:
            parsed = dt.datetime.fromisoformat(str(moment))
        except ValueError:
            parsed = None
        if parsed is None or not FIRST_YEAR <= parsed.year <= LAST_YEAR:
            raise ValidationError("Waktu kejadian tidak valid (contoh 2026-12-01T10:15).")

    @validates("system_id")
    def _system(self, system_id, **kwargs):
        if system_id is None:
            return
        if (not isinstance(system_id, int) or isinstance(system_id, bool)
                or not 0 < system_id < 2**31 or db.session.get(SimSystem, system_id) is None):
            raise ValidationError("Sistem/modul tidak ditemukan.")


INCIDENT_SCHEMA = IncidentSchema()


def incident_field_errors(data, partial: bool) -> dict[str, list[str]]:
    return INCIDENT_SCHEMA.errors_of(data, partial=partial)


def _entry_text(given, limit: int, label: str, errors: dict, key: str) -> str | None:
    if given is None:
        return None
    if not isinstance(given, str):
        errors[key] = f"{label} harus berupa teks."
        return None
    given = given.strip()
    if len(given) > limit:
        errors[key] = f"{label} terlalu panjang (maksimal {limit} karakter)."
    return given or None


def entry_errors(entries, items: list[CheckItem]) -> tuple[dict[int, dict], dict[str, str]]:
    """One entry per active item; a fault needs a note (SPEC §4): (parsed, errors)."""
    if not isinstance(entries, list) or not entries:
        return {}, {"entries": "Isi hasil pemeriksaan untuk setiap item."}
    by_id = {item.id: item for item in items}
    errors: dict[str, str] = {}
    parsed: dict[int, dict] = {}
    for index, entry in enumerate(entries):
        key = f"entries.{index}"
        if not isinstance(entry, dict):
            errors[key] = "Setiap baris harus berupa objek."
            continue
        item_id = entry.get("item_id")
        if not isinstance(item_id, int) or isinstance(item_id, bool) or item_id not in by_id:
            errors[f"{key}.item_id"] = "Item pemeriksaan tidak dikenal atau tidak aktif."
            continue
        if item_id in parsed:
            errors[f"{key}.item_id"] = f"Item '{by_id[item_id].name}' diisi lebih dari sekali."
            continue
        result = entry.get("result")
        if not isinstance(result, str) or result not in RESULTS:
            errors[f"{key}.result"] = "Hasil harus ok, fault, atau not_checked."
        entry_value = _entry_text(entry.get("value"), VALUE_MAX, "Nilai", errors, f"{key}.value")
        note = _entry_text(entry.get("note"), NOTE_MAX, "Keterangan", errors, f"{key}.note")
        follow_up = _entry_text(entry.get("follow_up"), NOTE_MAX, "Tindak lanjut", errors,
                                f"{key}.follow_up")
        if result == "fault" and not note:
            errors[f"{key}.note"] = (f"Item '{by_id[item_id].name}' bergangguan: "
                                     "keterangan wajib diisi.")
        parsed[item_id] = {"result": result, "value": entry_value, "note": note,
                           "follow_up": follow_up}
    missing = [item.name for item in items if item.id not in parsed]
    if missing and not errors:
        errors["entries"] = "Item belum diisi: " + ", ".join(missing)
    return parsed, errors


def action_taken_problem(action_taken) -> str | None:
    """An incident is resolved with what was done about it."""
    if not isinstance(action_taken, str) or not action_taken.strip():
        return "Tindakan penanganan wajib diisi."
    if len(action_taken) > ACTION_TAKEN_MAX:
        return f"Maksimal {ACTION_TAKEN_MAX} karakter."
    return None
