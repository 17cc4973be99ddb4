"""The Indonesian catalogue holds every string the app marks for translation, translated and not
fuzzy: a new English text without its Indonesian fails here, not in front of the office."""

from __future__ import annotations

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from tests.helpers import ROOT

# The keywords `make translations-update` passes to pybabel, beside Babel's defaults.
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None,
            "N_": None, "__": None, "pgettext": ((1, "c"), 2)}


def marked_strings() -> set[tuple[str, str | None]]:
    """(msgid, context) of every marked string; the context of pgettext("dialog", "OK")."""
    with open(ROOT / "babel.cfg") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(
            ROOT / "app", method_map, options_map, keywords=KEYWORDS):
        found.add((message[0] if isinstance(message, tuple) else message, context))
    return {(text, context) for text, context in found if text}


def test_every_marked_string_has_its_indonesian():
    with open(ROOT / "app" / "translations" / "id" / "LC_MESSAGES" / "messages.po", "rb") as po:
        catalogue = read_po(po)
    marked = marked_strings()
    assert len(marked) > 200 and ("Awaiting assessment", None) in marked  # it found ours
    assert ("OK", "dialog") in marked  # pgettext too, in the templates
    entries = {key: catalogue.get(*key) for key in marked}
    missing = sorted(str(key) for key, entry in entries.items()
                     if entry is None or not entry.string)
    fuzzy = sorted(str(key) for key, entry in entries.items() if entry is not None and entry.fuzzy)
    assert missing == [] and fuzzy == []
