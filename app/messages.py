"""The domain's messages (refusals, per-field problems, notices) said in the reader's language.

A message is an English msgid of the catalogue, with `%(name)s` for its values, and is said
when it is produced: `gettext` at the point of raising or returning; `lazy_gettext` for a
message a schema or a form is given when it is built, at import, and that is read later by
str() (marshmallow's and WTForms' validators).

The reader is the request's locale: the session's language on a screen, Indonesian for the
REST API (its requests carry no session language). In an app context without a request (the
CLI, the clock) that is the app's default, Indonesian; with no app at all (plain function
tests, a script) the office's catalogue is read directly, so no message falls back to its
English msgid for want of a reader. What is stored (history, security log) is produced under
`app.i18n.office_language()`.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.support import NullTranslations, Translations
from flask import has_app_context
from flask_babel import gettext as reader_gettext
from flask_babel.speaklater import LazyString

from app.timeutil import OFFICE_LOCALE

TRANSLATIONS = Path(__file__).with_name("translations")


@cache
def _office_catalogue() -> NullTranslations:
    return Translations.load(str(TRANSLATIONS), [OFFICE_LOCALE])


def gettext(msgid: str, **values) -> str:
    """One message, now, in the reader's language (the office's without an app)."""
    if has_app_context():
        return reader_gettext(str(msgid), **values)
    text = _office_catalogue().gettext(str(msgid))
    return text % values if values else text


def lazy_gettext(msgid: str, **values) -> LazyString:
    """A message said each time it is read (str()), in the reader's language then."""
    return LazyString(gettext, msgid, **values)
