#!/usr/bin/env python3
"""Maintain the Indonesian (id) message catalogue of Layanan TI.

The catalogue holds the app's own strings AND Flask-AppBuilder's strings,
because FAB ships no Indonesian translation.

    .venv/bin/python scripts/translations.py update   # extract + merge into id .po
    .venv/bin/python scripts/translations.py compile  # .po -> .mo (fails on errors)

`update` extracts from app/ and from the installed flask_appbuilder package
(using babel.cfg at the repo root), writes app/translations/messages.pot and
creates/updates app/translations/id/LC_MESSAGES/messages.po with pybabel-update
semantics (--no-fuzzy-matching, obsolete entries kept as #~). It refuses to
write if any existing translation would be lost.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import NoReturn

ROOT = Path(__file__).resolve().parent.parent
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"

try:
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import PoFileError, read_po, write_po
except ImportError:  # not started with the venv's interpreter
    if VENV_PYTHON.exists() and Path(sys.executable) != VENV_PYTHON:
        os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), *sys.argv])
    raise

APP_DIR = ROOT / "app"
BABEL_CFG = ROOT / "babel.cfg"
TRANSLATIONS = APP_DIR / "translations"
POT_FILE = TRANSLATIONS / "messages.pot"
LOCALE = "id"
PO_FILE = TRANSLATIONS / LOCALE / "LC_MESSAGES" / "messages.po"
MO_FILE = PO_FILE.with_suffix(".mo")

PROJECT = "Layanan TI"
# Babel's defaults (_, gettext, ngettext, pgettext, ...) plus the aliases used
# by FAB (lazy_gettext, `gettext as __`) and common Flask-Babel aliases.
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "N_": None,
    "__": None,
    "_l": None,
    "lazy_gettext": None,
    "lazy_ngettext": (1, 2),
    "lazy_pgettext": ((1, "c"), 2),
}
HEADER_COMMENT = (
    "# Indonesian translations for Layanan TI.\n"
    "# Covers the app's own strings and Flask-AppBuilder's strings\n"
    "# (FAB ships no Indonesian catalogue).\n"
    "# Maintained with scripts/translations.py (update / compile)."
)

_BRACE_RE = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*|\d*)(?:[!:][^{}]*)?\}(?!\})")
_PERCENT_RE = re.compile(r"%(?:\([A-Za-z_][A-Za-z0-9_]*\))?[#0\- +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")


def _die(msg: str) -> NoReturn:
    print(f"translations: error: {msg}", file=sys.stderr)
    sys.exit(1)


def _rel(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def _write_atomic(path: Path, data: bytes) -> bool:
    """Write `data` to `path` via a temp file; skip if unchanged. Returns True if written."""
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return True


def _po_bytes(catalog: Catalog, **kwargs) -> bytes:
    from io import BytesIO

    buf = BytesIO()
    write_po(buf, catalog, width=76, **kwargs)
    return buf.getvalue()


def _fab_dir() -> Path:
    # Same as os.path.dirname(flask_appbuilder.__file__), without importing FAB.
    spec = importlib.util.find_spec("flask_appbuilder")
    if spec is None or not spec.origin:
        _die("flask_appbuilder is not installed in this interpreter")
    return Path(spec.origin).resolve().parent


def _read_po(path: Path) -> Catalog:
    try:
        with path.open("rb") as fh:
            return read_po(fh, locale=LOCALE, abort_invalid=True)
    except PoFileError as exc:
        _die(f"{_rel(path)}: {exc}")
    except (OSError, ValueError) as exc:
        _die(f"{_rel(path)}: {exc}")


def _has_text(string) -> bool:
    return any(string) if isinstance(string, (list, tuple)) else bool(string)


def _translations(catalog: Catalog) -> dict:
    """(msgid, context) -> msgstr for every translated entry, incl. obsolete ones."""
    out = {}
    for msg in list(catalog)[1:] + list(catalog.obsolete.values()):
        if msg.id and _has_text(msg.string):
            out[(msg.id, msg.context)] = msg.string
    return out


# --------------------------------------------------------------------------- update

def extract() -> Catalog:
    if not BABEL_CFG.exists():
        _die(f"{_rel(BABEL_CFG)} not found")
    with BABEL_CFG.open(encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh, str(BABEL_CFG))

    template = Catalog(project=PROJECT, charset="utf-8", fuzzy=False)
    # Locations are written relative to a stable prefix ("app/...",
    # "flask_appbuilder/...") so the files don't depend on the venv path.
    sources = [(APP_DIR, "app"), (_fab_dir(), "flask_appbuilder")]
    for root, prefix in sources:
        if not root.is_dir():
            print(f"translations: {_rel(root)} does not exist, skipped")
            continue
        for filename, lineno, message, comments, context in extract_from_dir(
            root,
            method_map,
            options_map,
            keywords=KEYWORDS,
            comment_tags=("TRANSLATORS:",),
            strip_comment_tags=True,
        ):
            template.add(
                message,
                None,
                [(f"{prefix}/{filename}", lineno)],
                auto_comments=comments,
                context=context,
            )
    return template


def update() -> None:
    template = extract()
    _write_atomic(POT_FILE, _po_bytes(template))
    print(f"translations: wrote {_rel(POT_FILE)} ({len(template)} msgids)")

    if PO_FILE.exists():
        catalog = _read_po(PO_FILE)
        before = _translations(catalog)
        # Revive obsolete (#~) entries so that a msgid which comes back gets
        # its old translation again; still-unused ones become obsolete again.
        for msg in list(catalog.obsolete.values()):
            if catalog.get(msg.id, msg.context) is None:
                catalog[msg.id] = msg
        catalog.obsolete.clear()
        created = False
    else:
        catalog = Catalog(
            locale=LOCALE,
            domain="messages",
            project=PROJECT,
            charset="utf-8",
            fuzzy=False,
            header_comment=HEADER_COMMENT,
            language_team="Indonesian",
        )
        before = {}
        created = True

    old_ids = {(m.id, m.context) for m in list(catalog)[1:]}
    catalog.update(
        template,
        no_fuzzy_matching=True,
        update_header_comment=False,
        keep_user_comments=True,
    )

    # Safety net: every translation that existed must still be there
    # (active or obsolete) with the same text.
    after = _translations(catalog)
    lost = [k for k, v in before.items() if after.get(k) != v]
    if lost:
        _die(f"update would lose {len(lost)} translation(s), e.g. {lost[0][0]!r}; nothing written")

    _write_atomic(PO_FILE, _po_bytes(catalog))
    msgs = list(catalog)[1:]
    new_ids = [m for m in msgs if (m.id, m.context) not in old_ids]
    untranslated = [m for m in msgs if not _is_translated(m)]
    print(
        f"translations: {'created' if created else 'updated'} {_rel(PO_FILE)}: "
        f"{len(msgs)} msgids, {len(new_ids)} new, {len(untranslated)} untranslated, "
        f"{len(catalog.obsolete)} obsolete (#~)"
    )


# -------------------------------------------------------------------------- compile

def _is_translated(msg) -> bool:
    if isinstance(msg.string, (list, tuple)):
        return all(msg.string)
    return bool(msg.string)


def _placeholders(text: str) -> tuple[list, list]:
    percent = sorted(m for m in _PERCENT_RE.findall(text) if m != "%%")
    brace = sorted(_BRACE_RE.findall(text))
    return percent, brace


def _check_placeholders(msg) -> list[str]:
    """Placeholders (%(x)s, %s, {x}) in each msgstr must match its msgid."""
    errors = []
    ids = msg.id if isinstance(msg.id, (list, tuple)) else [msg.id]
    strs = msg.string if isinstance(msg.string, (list, tuple)) else [msg.string]
    ref_p, ref_b = _placeholders(ids[-1] if len(ids) > 1 else ids[0])
    singular_p, singular_b = _placeholders(ids[0])
    for idx, text in enumerate(strs):
        if not text:
            continue
        p, b = _placeholders(text)
        # plural msgstr may drop a placeholder (e.g. "%(num)d" in the
        # singular-only form), but must not introduce unknown ones.
        ok_p = set(p) <= set(ref_p) | set(singular_p)
        ok_b = set(b) <= set(ref_b) | set(singular_b)
        if len(ids) == 1:
            ok_p = ok_p and p == ref_p
            ok_b = ok_b and b == ref_b
        if not (ok_p and ok_b):
            errors.append(f"placeholder mismatch in msgstr[{idx}]: {text!r} vs msgid {ids[0]!r}")
    return errors


def compile_catalog() -> None:
    if not PO_FILE.exists():
        _die(f"{_rel(PO_FILE)} not found; run `scripts/translations.py update` first")
    catalog = _read_po(PO_FILE)

    if catalog.fuzzy:
        _die(f"{_rel(PO_FILE)}: header is marked fuzzy; review it and remove the flag")
    if catalog.num_plurals != 1:
        _die(f"{_rel(PO_FILE)}: Plural-Forms must be 'nplurals=1; plural=0;' for Indonesian")

    errors = []
    for msg, errs in catalog.check():
        for err in errs:
            errors.append(f"{msg.id!r}: {err}")
    for msg in list(catalog)[1:]:
        errors.extend(f"{msg.id!r}: {e}" for e in _check_placeholders(msg))
    if errors:
        for err in errors:
            print(f"translations: error: {_rel(PO_FILE)}: {err}", file=sys.stderr)
        sys.exit(1)

    from io import BytesIO

    buf = BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    written = _write_atomic(MO_FILE, buf.getvalue())

    msgs = list(catalog)[1:]
    fuzzy = sum(1 for m in msgs if m.fuzzy)
    untranslated = sum(1 for m in msgs if not _is_translated(m))
    note = f" ({untranslated} untranslated, {fuzzy} fuzzy - not used)" if (untranslated or fuzzy) else ""
    state = "compiled" if written else "up to date"
    print(f"translations: {_rel(MO_FILE)} {state}: {len(msgs)} msgids{note}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("update", help="extract app + FAB strings, update the id catalogue")
    sub.add_parser("compile", help="compile the id catalogue to messages.mo")
    args = parser.parse_args(argv)
    if args.command == "update":
        update()
    else:
        compile_catalog()
    return 0


if __name__ == "__main__":
    sys.exit(main())
