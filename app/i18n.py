"""The office's language where it does not follow the reader: paper forms, XLSX reports and
emails are Indonesian for everyone, their words taken from the same catalogue as the screens."""

from __future__ import annotations

from flask_babel import force_locale, gettext

from app.timeutil import OFFICE_LOCALE


def indonesian(msgid: str) -> str:
    """One label (an English msgid from app.workflow.vocabulary) in the office's language."""
    with force_locale(OFFICE_LOCALE):
        return gettext(msgid)


def labels_in_office_language(table: dict[str, str]) -> dict[str, str]:
    """A whole label table at once, for code that labels many rows (reports)."""
    with force_locale(OFFICE_LOCALE):
        return {code: gettext(msgid) for code, msgid in table.items()}
