"""Charts as SVG written here: no library, no outside request (the intranet, our CSP).

Bars run across, each row's label on its own line above them, so a chart reads on a phone as
on a desktop (a 400-wide viewBox drawn at 100% width). Every bar and day links to the list
behind it.
"""

from __future__ import annotations

import calendar as pycal
import datetime as dt
from dataclasses import dataclass, field

from babel import numbers as babel_numbers
from flask_babel import get_locale
from markupsafe import Markup, escape

WIDTH = 400
BAR_SPACE = 310  # the longest bar; the rest of the width holds its value
BAR_HEIGHT, BAR_GAP, LABEL_HEIGHT, ROW_GAP = 13, 3, 17, 9
SERIES_COLOURS = ("#337ab7", "#5cb85c", "#f0ad4e", "#d9534f", "#777777")
DAY_COLOURS = {"done": "#5cb85c", "late": "#f0ad4e", "missed": "#d9534f", "holiday": "#b3b3e6",
               "weekend": "#e6e6e6", "open": "#5bc0de", "future": "#ffffff"}


def number(value: float | int | None, decimals: int = 0) -> str:
    """A number as the reader writes it ('1.234', '12,5' in Indonesian)."""
    if value is None:
        return "-"
    pattern = "#,##0" if decimals == 0 else "#,##0." + "0" * decimals
    return babel_numbers.format_decimal(value, pattern, locale=get_locale())


def percent(part: int, whole: int) -> str:
    """'12,5 %' (Indonesian), '12.5 %' (English); '-' of nothing."""
    return f"{number(100 * part / whole, 1)} %" if whole else "-"


@dataclass
class Part:
    """One segment of a stacked bar: its value, its colour (series) and the list behind it."""

    value: float
    href: str | None = None
    series: int = 0
    name: str = ""


@dataclass
class Bar:
    shown: str
    parts: list[Part] = field(default_factory=list)

    @property
    def value(self) -> float:
        return sum(part.value for part in self.parts)


def bar(value: float, shown: str, href: str | None = None, series: int = 0) -> Bar:
    return Bar(shown, [Part(value, href, series)])


@dataclass
class Row:
    label: str
    bars: list[Bar] = field(default_factory=list)


def _link(href: str | None, inner: str) -> str:
    return f'<a href="{escape(href)}">{inner}</a>' if href else inner


def _segments(row: Row, item: Bar, y: int, scale: float) -> tuple[list[str], float]:
    shapes, x = [], 0.0
    for part in item.parts:
        if not part.value:
            continue
        length = max(part.value * scale, 1.0)
        colour = SERIES_COLOURS[part.series % len(SERIES_COLOURS)]
        tip = f"{row.label}{' — ' + part.name if part.name else ''}: {number(part.value)}"
        shapes.append(_link(part.href, f'<rect x="{x:.1f}" y="{y}" width="{length:.1f}" '
                                       f'height="{BAR_HEIGHT}" fill="{colour}">'
                                       f'<title>{escape(tip)}</title></rect>'))
        x += length
    return shapes, x


def bar_chart(rows: list[Row], title: str, chart_id: str) -> Markup:
    """Horizontal bars, grouped by row, each bar stacked from its parts."""
    top = max((item.value for row in rows for item in row.bars), default=0) or 1
    parts, y = [], 0
    for row in rows:
        y += LABEL_HEIGHT
        parts.append(f'<text x="0" y="{y - 4}" class="chart-label">{escape(row.label)}</text>')
        for item in row.bars:
            shapes, end = _segments(row, item, y, BAR_SPACE / top)
            parts += shapes
            parts.append(f'<text x="{end + 4:.1f}" y="{y + BAR_HEIGHT - 2}" '
                         f'class="chart-value">{escape(item.shown)}</text>')
            y += BAR_HEIGHT + BAR_GAP
        y += ROW_GAP
    height = max(y, 20)
    return Markup(
        f'<svg id="{escape(chart_id)}" class="chart" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
        + "".join(parts) + "</svg>")


CELL_W, CELL_H, HEAD_H = 56, 40, 18


def month_calendar(cells, weekdays: list[str], title: str, href_for, chart_id: str,
                   labels: dict[str, str]) -> Markup:
    """The month's days in weeks from Monday, each coloured by how its rounds went."""
    if not cells:
        return Markup("")
    first = cells[0].day
    by_day = {cell.day: cell for cell in cells}
    weeks = pycal.Calendar().monthdatescalendar(first.year, first.month)
    parts = [f'<text x="{col * CELL_W + CELL_W / 2}" y="13" class="chart-head" '
             f'text-anchor="middle">{escape(name)}</text>' for col, name in enumerate(weekdays)]
    for row, week in enumerate(weeks):
        for col, day in enumerate(week):
            cell = by_day.get(day)
            if cell is None:
                continue
            x, y = col * CELL_W + 1, HEAD_H + row * CELL_H + 1
            tip = cell.holiday or labels[cell.state]
            shape = (f'<g class="day day-{cell.state}" data-day="{day.isoformat()}" '
                     f'data-state="{cell.state}"><rect x="{x}" y="{y}" width="{CELL_W - 2}" '
                     f'height="{CELL_H - 2}" rx="3" fill="{DAY_COLOURS[cell.state]}" '
                     f'stroke="#ccc"><title>{escape(tip)}</title></rect>'
                     f'<text x="{x + 6}" y="{y + 17}" class="chart-day">{day.day}</text></g>')
            parts.append(_link(href_for(cell) if cell.state in (
                "done", "late", "missed", "open") else None, shape))
    height = HEAD_H + len(weeks) * CELL_H + 2
    return Markup(
        f'<svg id="{escape(chart_id)}" class="chart chart-calendar" '
        f'viewBox="0 0 {7 * CELL_W} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
        f'<title>{escape(title)}</title>' + "".join(parts) + "</svg>")


def day_list(cells) -> dict[str, int]:
    """How many days of the month are in each state (the legend's counts)."""
    counts: dict[str, int] = {}
    for cell in cells:
        counts[cell.state] = counts.get(cell.state, 0) + 1
    return counts


def month_start(key: str) -> dt.date:
    year, month = (int(part) for part in key.split("-"))
    return dt.date(year, month, 1)
