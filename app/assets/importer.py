"""The office's spreadsheet of equipment into the register (issue 22): XLSX or CSV, one asset
per row under a header row. `read_rows` reads the file, `check` finds every problem of every
row (nothing is written), `apply` writes all rows or none. Rows are keyed by the inventory
number: importing the same file again changes nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from sqlalchemy import select

from app.assets.labels import FIELD_NAMES
from app.assets.models import CATEGORIES, CONDITIONS, STATUSES, Asset, AssetConditionChange
from app.assets.schemas import UNKNOWN_CATEGORY, UNKNOWN_CONDITION, UNKNOWN_STATUS, year_problem
from app.extensions import db
from app.i18n import N_, indonesian
from app.messages import gettext
from app.schemas import max_length
from app.security.models import AppUser, Unit

# The columns as the office heads them, and the field each fills.
COLUMNS = {
    "Nomor Inventaris": "inventory_number",
    "Kode Barang": "goods_code",
    "Kategori": "category",
    "Merek/Tipe": "brand_type",
    "Nomor Seri": "serial_number",
    "Unit Kerja": "unit",
    "Ruangan": "room",
    "Pemegang": "holder",
    "Tahun Perolehan": "year_acquired",
    "Kondisi": "condition",
    "Status": "status",
    "Keterangan": "notes",
}
REQUIRED = ("inventory_number", "category", "brand_type", "unit")
TEXT_FIELDS = ("inventory_number", "goods_code", "brand_type", "serial_number", "room", "notes")
HEADER_SEARCH_ROWS = 10  # title rows an office puts above the table
MAX_ROWS = 20_000
IMPORT_NOTE = N_("Changed by a spreadsheet import")
# Conditions as the office writes them (GLOSSARY), or their codes.
CONDITION_WORDS = {"baik": "baik", "rusak ringan": "rusak_ringan", "rusak berat": "rusak_berat",
                   **{code: code for code in CONDITIONS}}


class ImportFileError(ValueError):
    """The file as a whole cannot be read (not a spreadsheet, no header row)."""


@dataclass
class Problem:
    row: int  # the spreadsheet's own row number
    column: str
    message: str


@dataclass
class Checked:
    """What a file would do: its problems, or its rows ready to write."""

    problems: list[Problem] = field(default_factory=list)
    rows: list[tuple[int, dict]] = field(default_factory=list)
    created: int = 0
    changed: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)


# --- reading -------------------------------------------------------------------------------


def read_rows(data: bytes, filename: str) -> list[tuple[int, dict[str, str]]]:
    """[(row number, {field: text})] of the data rows below the header."""
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        table = _xlsx_table(data)
    elif name.endswith(".csv"):
        table = _csv_table(data)
    else:
        raise ImportFileError(gettext("Upload an XLSX or CSV file."))
    return _rows_below_header(table)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return str(value.year)
    return str(value).strip()


def _xlsx_table(data: bytes):
    from openpyxl import load_workbook  # only when a spreadsheet arrives

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as err:  # BadZipFile, InvalidFileException, KeyError, OSError, ValueError
        raise ImportFileError(gettext("The file is not a readable XLSX spreadsheet.")) from err
    sheet = book.worksheets[0]
    return ([_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True))


def _csv_table(data: bytes):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
    return ([cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), dialect))


def _header_names() -> dict[str, str]:
    """Header text (lower case) -> field: the office's Indonesian headings, and the screens'
    English words for the same fields (LABELS), so a sheet headed in either language reads."""
    names = {msgid.lower(): key for key, msgid in FIELD_NAMES.items()}
    return {**names, **{name.lower(): key for name, key in COLUMNS.items()}}


def _rows_below_header(table) -> list[tuple[int, dict[str, str]]]:
    wanted = _header_names()
    positions, rows = None, []
    for number, cells in enumerate(table, start=1):
        if positions is None:
            found = {i: wanted[c.lower()] for i, c in enumerate(cells) if c.lower() in wanted}
            if "inventory_number" in found.values():
                positions = found
            elif number >= HEADER_SEARCH_ROWS:
                break
            continue
        if not any(cells):
            continue
        rows.append((number, {key: cells[i] if i < len(cells) else ""
                              for i, key in positions.items()}))
        if len(rows) > MAX_ROWS:
            raise ImportFileError(gettext("At most %(n)s rows per file.", n=MAX_ROWS))
    if positions is None:
        raise ImportFileError(gettext(
            "No header row with the column \"Nomor Inventaris\" was found in the first rows."))
    return rows


# --- checking ------------------------------------------------------------------------------


class Lookups:
    """Everything a row is checked against, read once per file (no query per row)."""

    def __init__(self):
        units = db.session.execute(select(Unit)).scalars().all()
        self.units = {}
        for unit in units:
            for key in (unit.code, unit.name, unit.short_name):
                if key:
                    self.units[key.strip().lower()] = unit.id
        users = db.session.execute(select(AppUser.id, AppUser.username, AppUser.nip)).all()
        self.users = {**{u.username.lower(): u.id for u in users},
                      **{u.nip: u.id for u in users if u.nip}}
        self.assets = {a.inventory_number: a for a in db.session.execute(select(Asset)).scalars()}
        self.categories = {c.lower(): c for c in CATEGORIES}


HEADERS = {key: name for name, key in COLUMNS.items()}


def check(rows: list[tuple[int, dict[str, str]]]) -> Checked:
    """Every problem of every row, and what the file would create and change."""
    lookups, result, seen = Lookups(), Checked(), {}
    for number, raw in rows:
        values, problems = _row_values(raw, lookups)
        number_text = values.get("inventory_number")
        if number_text and number_text in seen:
            problems.append(("inventory_number", gettext(
                "The inventory number is repeated (also on row %(row)s).",
                row=seen[number_text])))
        elif number_text:
            seen[number_text] = number
        result.problems += [Problem(number, HEADERS[key], message) for key, message in problems]
        result.rows.append((number, values))
    if not result.problems:
        _tally(result, lookups)
    return result


def _row_values(raw: dict[str, str], lookups: Lookups) -> tuple[dict, list[tuple[str, str]]]:
    values, problems = {}, []
    for key in REQUIRED:
        if not raw.get(key):
            problems.append((key, gettext("This field is required.")))
    for key in TEXT_FIELDS:
        text = raw.get(key, "")
        limit = max_length(getattr(Asset, key))
        if len(text) > limit:
            problems.append((key, gettext("At most %(limit)s characters.", limit=limit)))
        values[key] = text or None
    for key, reader in READERS.items():
        given = raw.get(key, "")
        if given:
            value, problem = reader(given, lookups)
            if problem:
                problems.append((key, problem))
            values[key] = value
    values.setdefault("condition", None)
    values.setdefault("status", None)
    return values, problems


def _category(given, lookups):
    found = lookups.categories.get(given.lower())
    return found, None if found else str(UNKNOWN_CATEGORY)


def _unit(given, lookups):
    found = lookups.units.get(given.lower())
    return found, None if found else gettext("Unknown unit: %(unit)s.", unit=given)


def _holder(given, lookups):
    found = lookups.users.get(given.lower()) or lookups.users.get(given)
    return found, None if found else gettext("Unknown user: %(user)s.", user=given)


def _year(given, lookups):
    year = int(given) if given.isdigit() else None
    return year, year_problem(year)


def _condition(given, lookups):
    found = CONDITION_WORDS.get(given.lower())
    return found, None if found else gettext(UNKNOWN_CONDITION)


def _status(given, lookups):
    found = given.lower() if given.lower() in STATUSES else None
    return found, None if found else gettext(UNKNOWN_STATUS)


READERS = {"category": _category, "unit": _unit, "holder": _holder, "year_acquired": _year,
           "condition": _condition, "status": _status}
# The register's columns a row sets (the holder and unit by their ids).
FIELDS = {"inventory_number": "inventory_number", "goods_code": "goods_code",
          "category": "category", "brand_type": "brand_type", "serial_number": "serial_number",
          "unit": "unit_id", "room": "room", "holder": "holder_id",
          "year_acquired": "year_acquired", "notes": "notes"}


def _wanted(values: dict, asset: Asset | None) -> dict:
    """The columns a row sets; a blank condition or status keeps what the asset has."""
    wanted = {column: values.get(key) for key, column in FIELDS.items()}
    wanted["condition"] = values.get("condition") or (asset.condition if asset else "baik")
    wanted["status"] = values.get("status") or (asset.status if asset else "aktif")
    return wanted


def _differs(asset: Asset, wanted: dict) -> bool:
    return any(getattr(asset, column) != value for column, value in wanted.items())


def _tally(result: Checked, lookups: Lookups) -> None:
    for _number, values in result.rows:
        asset = lookups.assets.get(values["inventory_number"])
        if asset is None:
            result.created += 1
        elif _differs(asset, _wanted(values, asset)):
            result.changed += 1
        else:
            result.unchanged += 1


# --- writing -------------------------------------------------------------------------------


def apply(checked: Checked, user, now: dt.datetime) -> Checked:
    """Write every row in one transaction (the caller commits); only a clean file."""
    if not checked.ok:
        raise ValueError("a file with problems is never written")
    existing = {a.inventory_number: a for a in db.session.execute(select(Asset)).scalars()}
    note = indonesian(IMPORT_NOTE)
    for _number, values in checked.rows:
        asset = existing.get(values["inventory_number"])
        wanted = _wanted(values, asset)
        if asset is None:
            db.session.add(Asset(**wanted, created_at=now))
            continue
        if asset.condition != wanted["condition"]:
            db.session.add(AssetConditionChange(
                asset_id=asset.id, changed_by_id=user.id, changed_at=now,
                from_condition=asset.condition, to_condition=wanted["condition"], note=note))
        for column, value in wanted.items():
            if getattr(asset, column) != value:
                setattr(asset, column, value)
    db.session.flush()
    return checked
