"""A value as a person reads it, for FAB's list and show widgets where the view gives no
formatter: nothing is "-", yes/no in words, lists joined, times in WITA.

A Jinja filter (`shown`) rather than a macro, and the rows of a list page written here
(`list_rows`) rather than by a template loop: a page has about two hundred cells, and the
template's row loop was a third of the page's time (issue 21)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from urllib.parse import quote

from flask_babel import gettext
from markupsafe import Markup, escape

from app.timeutil import format_date, format_datetime


def shown(value):
    if value is None or (isinstance(value, str) and value == ""):
        return "-"
    if value is True:
        return gettext("Yes")
    if value is False:
        return gettext("No")
    if isinstance(value, dt.datetime):
        return format_datetime(value)
    if isinstance(value, dt.date):
        return format_date(value)
    if isinstance(value, Iterable) and not isinstance(value, str | bytes | Mapping):
        return ", ".join(str(item) for item in value) or "-"
    return value


def list_rows(items, pks, columns, formatters, links, slot, actions=False,
              delete=None) -> Markup:
    """The <tr> rows of FAB's list widget (app/templates/appbuilder/general/widgets/list.html):
    `links` are (href with `slot` for the row's key, title, label, icon) or None for no
    action cell; `delete` is (href with `slot`, FAB's lnk_delete macro) when rows may be
    deleted (each button carries its own confirmation script); each column through its
    formatter, else `shown`."""
    slot = str(slot)
    delete_href, delete_button = delete if delete and delete[0] else (None, None)
    cells = [(column, f"col-{column.replace('.', '-')}", formatters.get(column))
             for column in columns]
    links = [(str(href), escape(title), escape(label), escape(icon))
             for href, title, label, icon in links] if links is not None else None
    out: list[str] = []
    for item, pk in zip(items, pks, strict=True):
        out.append("<tr>")
        if actions:
            out.append(f'<td><input id="{escape(pk)}" class="action_check" name="rowid" '
                       f'value="{escape(pk)}" type="checkbox"></td>')
        if links is not None:
            key = quote(str(pk), safe="")
            out.append('<td><center><div class="btn-group btn-group-xs" style="display: flex;">')
            for href, title, label, icon in links:
                out.append(f'<a href="{escape(href.replace(slot, key))}" '
                           'class="btn btn-sm btn-default" data-toggle="tooltip" rel="tooltip" '
                           f'title="{title}"><span class="sr-only">{label}</span>'
                           f'<i class="fa {icon}"></i></a>')
            if delete_href:
                out.append(str(delete_button(str(delete_href).replace(slot, key))))
            out.append("</div></center></td>")
        for column, css, formatter in cells:
            value = item[column]
            out.append(f'<td class="{css}">'
                       f'{escape(formatter(value) if formatter else shown(value))}</td>')
        out.append("</tr>\n")
    return Markup("".join(out))
