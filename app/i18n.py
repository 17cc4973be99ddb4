"""The office's language where it does not follow the reader: paper forms, XLSX reports and
emails are Indonesian for everyone, their words taken from the same catalogue as the screens."""

from __future__ import annotations

from contextlib import contextmanager
from functools import wraps

from flask_babel import force_locale, gettext

from app.timeutil import OFFICE_LOCALE


def N_(text: str) -> str:
    """Marks a string for the translation catalogue; translated where it is shown."""
    return text


def indonesian(msgid: str) -> str:
    """One label (an English msgid from app.workflow.vocabulary) in the office's language."""
    with force_locale(OFFICE_LOCALE):
        return gettext(str(msgid))  # a lazy msgid would be read later, in the reader's locale


def labels_in_office_language(table: dict[str, str]) -> dict[str, str]:
    """A whole label table at once, for code that labels many rows (reports)."""
    with force_locale(OFFICE_LOCALE):
        return {code: gettext(str(msgid)) for code, msgid in table.items()}


@contextmanager
def office_language():
    """Everything inside speaks the office's language, dates and times included (timeutil
    follows the active locale): for what is printed, reported or mailed during a request."""
    with force_locale(OFFICE_LOCALE):
        yield


def in_office_language(function):
    """`office_language()` around a whole function."""

    @wraps(function)
    def wrapper(*args, **kwargs):
        with office_language():
            return function(*args, **kwargs)

    return wrapper
