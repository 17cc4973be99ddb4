"""The one XLSX writer every report uses (SPEC §6).

xlsxwriter in constant-memory mode: each sheet keeps only its current row in memory, so rows
must arrive in order per sheet. A summary sheet can still come first in the workbook: create it
early (`book.sheet(...)` writes its title block), stream the data sheets, then `begin()` the
summary with the totals gathered on the way.

Every value goes through `Sheet._write`: text with `write_string` (a title such as
`=HYPERLINK(...)` stays text, never a formula), dates and datetimes as real Excel dates,
`Percent` as a percentage. Dates are written as their Excel serial number with a date format,
which is what `write_datetime` stores; a report writes hundreds of thousands of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

import xlsxwriter

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 1_048_576  # Excel's limit per sheet; a longer table continues on another sheet
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
FORMATS = {
    "int": "#,##0",
    "decimal": "#,##0.0",
    "percent": "0.0%",
}


EXCEL_EPOCH = dt.datetime(1899, 12, 30)  # serial 0; right for every date after 1 March 1900


def excel_serial(value: dt.date | dt.datetime) -> float:
    """A date or naive datetime as Excel's serial number, which a date format shows as a date:
    what `write_datetime` stores, computed without its per-cell checks."""
    if type(value) is dt.date:
        return float((value - EXCEL_EPOCH.date()).days)
    delta = value - EXCEL_EPOCH
    return delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400


class Percent(float):
    """A share between 0 and 1, written with a percentage format."""


@dataclass(frozen=True)
class Column:
    header: str
    width: float = 14
    # How numbers in this column look: "int", "decimal" or "percent" (None: general).
    number: str | None = None


class Workbook:
    """An XLSX file with the office's title block on every sheet."""

    def __init__(self, target, title: str, period: str, generated: str, progress=None,
                 every: int = 2000):
        # `progress(rows)` is called every `every` data rows (and once at the close): the
        # report queue's progress bar, `flask report`'s terminal bar.
        self.progress, self.every = progress, every
        self.rows, self.next_tick = 0, every
        # constant_memory is ignored when in_memory is set, so never set in_memory.
        self.book = xlsxwriter.Workbook(target, {"constant_memory": True})
        self.title, self.period, self.generated = title, period, generated
        self.book.set_properties({"title": title, "company": "DPMPTSP Kota Denpasar"})
        add = self.book.add_format
        self.fmt = {
            "title": add({"bold": True, "font_size": 14}),
            "meta": add({"italic": True, "font_color": "#555555"}),
            "label": add({"bold": True}),
            "header": add({"bold": True, "bg_color": "#D9E1F2", "border": 1,
                           "text_wrap": True, "valign": "top"}),
            "date": add({"num_format": DATE_FORMAT}),
            "datetime": add({"num_format": DATETIME_FORMAT}),
            **{name: add({"num_format": code}) for name, code in FORMATS.items()},
        }
        self.names: set[str] = set()

    def sheet(self, name: str) -> Sheet:
        """A new sheet with the title, period and generated-at rows already written."""
        sheet = Sheet(self, self._unique(name))
        sheet.write_row([self.title], fmt=self.fmt["title"])
        sheet.write_row([self.period], fmt=self.fmt["meta"])
        sheet.write_row([self.generated], fmt=self.fmt["meta"])
        return sheet

    def close(self) -> None:
        self.book.close()
        if self.progress is not None:
            self.progress(self.rows)

    def tick(self) -> None:
        """Called by a sheet every `every` rows."""
        self.next_tick = self.rows + self.every
        if self.progress is not None:
            self.progress(self.rows)

    def _unique(self, name: str) -> str:
        name = "".join("-" if ch in "[]:*?/\\" else ch for ch in name)[:31]
        base, n = name, 2
        while name.lower() in self.names:
            suffix = f" ({n})"
            name, n = base[: 31 - len(suffix)] + suffix, n + 1
        self.names.add(name.lower())
        return name


class Sheet:
    """One table: notes, a frozen header with autofilter, typed rows, an optional chart."""

    def __init__(self, book: Workbook, name: str):
        self.book, self.name = book, name
        self.ws = book.book.add_worksheet(name)
        self.row = 0
        self.columns: list[Column] = []
        self.header_row: int | None = None
        self.rows_written = 0
        self.continuation: Sheet | None = None
        self._footer_started = False

    # --- layout -------------------------------------------------------------------------

    def begin(self, columns: Sequence[Column], notes: Iterable = ()) -> Sheet:
        """Notes (text, or (label, value) pairs), a blank row, then the frozen header."""
        for note in notes:
            if isinstance(note, tuple):
                self._write(self.row, 0, note[0], self.book.fmt["label"])
                self._write(self.row, 1, note[1])
                self.row += 1
            else:
                self.write_row([note], fmt=self.book.fmt["meta"])
        self.row += 1
        self.columns = list(columns)
        for col, column in enumerate(self.columns):
            self.ws.set_column(col, col, column.width)
            self.ws.write_string(self.row, col, column.header, self.book.fmt["header"])
        self.header_row = self.row
        self.row += 1
        self.ws.freeze_panes(self.row, 0)
        return self

    def append(self, values: Sequence) -> None:
        """One data row; past Excel's row limit the table continues on a new sheet."""
        if self.continuation is not None:
            self.continuation.append(values)
            return
        if self.row >= MAX_ROWS:
            self.finish()
            self.continuation = self.book.sheet(self.name).begin(self.columns)
            self.continuation.append(values)
            return
        write, row, columns = self._write, self.row, self.columns
        for col, value in enumerate(values):
            write(row, col, value, None, columns[col].number)
        self.row += 1
        self.rows_written += 1
        book = self.book
        book.rows += 1
        if book.rows >= book.next_tick:
            book.tick()

    def finish(self) -> Sheet:
        """Autofilter over the header and the data rows; call once the rows are written."""
        if self.continuation is not None:
            self.continuation.finish()
        last = max(self.row - 1, self.header_row)
        self.ws.autofilter(self.header_row, 0, last, len(self.columns) - 1)
        return self

    def footer(self, label: str, value, column: int = 1) -> None:
        """A line below the table (outside the autofilter), e.g. a mean."""
        if not self._footer_started:
            self.row += 1  # one blank row between the table and the footer
            self._footer_started = True
        self._write(self.row, 0, label, self.book.fmt["label"])
        number = self.columns[column].number if column < len(self.columns) else None
        self._write(self.row, column, value, number=number)
        self.row += 1

    def write_row(self, values: Sequence, fmt=None) -> None:
        for col, value in enumerate(values):
            self._write(self.row, col, value, fmt)
        self.row += 1

    def chart(self, title: str, value_columns: Sequence[int], *, kind: str = "column",
              subtype: str | None = None, percent: bool = False, y_title: str = "") -> None:
        """A native chart of the table: categories from column 0, one series per column."""
        value_columns = list(value_columns)
        if not self.rows_written or not value_columns or self.continuation is not None:
            return
        first, last = self.header_row + 1, self.header_row + self.rows_written
        spec = {"type": kind, **({"subtype": subtype} if subtype else {})}
        chart = self.book.book.add_chart(spec)
        for col in value_columns:
            chart.add_series({
                "name": [self.name, self.header_row, col],
                "categories": [self.name, first, 0, last, 0],
                "values": [self.name, first, col, last, col],
            })
        chart.set_title({"name": title})
        axis = {"name": y_title, "min": 0}
        if percent:
            axis.update({"num_format": "0%", "max": 1})
        (chart.set_x_axis if kind == "bar" else chart.set_y_axis)(axis)
        chart.set_size({"width": 720, "height": 360})
        chart.set_legend({"position": "bottom"})
        self.ws.insert_chart(self.header_row, len(self.columns) + 1, chart)

    # --- cells ---------------------------------------------------------------------------

    def _write(self, row: int, col: int, value, fmt=None, number: str | None = None) -> None:
        ws = self.ws
        kind = type(value)
        # The common cases first, by exact type: this runs once per cell of every report.
        if kind is str:
            ws.write_string(row, col, value, fmt)  # never a formula, whatever it starts with
        elif value is None:
            ws.write_blank(row, col, None, fmt)
        elif kind is dt.date:
            ws.write_number(row, col, excel_serial(value), fmt or self.book.fmt["date"])
        elif kind is dt.datetime and value.tzinfo is None:
            ws.write_number(row, col, excel_serial(value), fmt or self.book.fmt["datetime"])
        elif kind is int:
            ws.write_number(row, col, value, fmt or (self.book.fmt[number] if number else None))
        else:
            self._write_other(row, col, value, fmt, number)

    def _write_other(self, row: int, col: int, value, fmt, number: str | None) -> None:
        fmts, ws = self.book.fmt, self.ws
        if isinstance(value, str):
            ws.write_string(row, col, value, fmt)
        elif isinstance(value, bool):
            ws.write_string(row, col, "Ya" if value else "Tidak", fmt)
        elif isinstance(value, dt.datetime):
            ws.write_datetime(row, col, value.replace(tzinfo=None), fmt or fmts["datetime"])
        elif isinstance(value, dt.date):
            ws.write_datetime(row, col, value, fmt or fmts["date"])
        elif isinstance(value, Percent):
            ws.write_number(row, col, float(value), fmt or fmts["percent"])
        elif isinstance(value, int | float | Decimal):  # Decimal: averages from PostgreSQL
            ws.write_number(row, col, float(value), fmt or (fmts[number] if number else None))
        else:
            ws.write_string(row, col, str(value), fmt)
