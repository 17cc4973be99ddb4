"""One language at a time on every screen (SPEC §7, issue 16): each demo role logs in through the
login form and walks every page it reaches by GET, in Indonesian and (for some roles) in English.

A page fails on English words in the Indonesian UI, Indonesian UI words in the English UI, `__None`,
raw `None`/`True`/`False` or Python lists, Python exception text, or the translation catalogue's
header. What people typed (titles, unit names, notes, holiday names: every text stored in the
database) is data, not a leak, and is left out of the check. The word lists below are plain data:
extend them when a new word should never reach the other language's screen.
"""

from __future__ import annotations

import json
import re
import socket
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from flask_appbuilder import Model
from playwright.sync_api import expect
from sqlalchemy import String, Text, select

from app.checklist import rounds
from app.checklist.models import ChecklistEntry, Incident
from app.checklist.probes import ProbeSpec, run_probe
from app.extensions import db
from app.notify.models import Outbox
from app.security.models import Absence, AppUser
from app.timeutil import today_wita, utcnow
from tests.conftest import login
from tests.helpers import Person

# --- the word lists (whole words) ---------------------------------------------------------------

# Words a person recognises as English (case-sensitive: `open` is a code, `Open` a label): none of
# them may show on an Indonesian page.
ENGLISH_WORDS = [
    # FAB's buttons, menus and pages
    "Add", "Edit", "Show", "Delete", "Search", "Save", "Cancel", "List", "Back", "Actions",
    "Action", "Home", "Submit", "Record", "Records", "Filter", "Refresh", "Password", "User",
    "Users", "Role", "Roles", "Position", "Audit", "Info", "Personal", "Security", "Permissions",
    "Permission", "Language", "Login", "login", "Logout", "Sign", "Reset", "Profile", "Select",
    "Choose", "Clear", "Today", "Yes", "No", "Confirm", "OK", "Close", "Next", "Previous", "Page",
    "Last", "First", "Name", "Active", "Created", "Changed", "Details", "Views", "Menus",
    "Statistics", "Loading", "Copy", "Enter", "Field", "Required", "Group", "Groups",
    # the office's own words in English
    "Request", "Requests", "Requester", "Improvement", "Support", "Assessment", "Assign",
    "Approve", "Reject", "Return", "Report", "Reports", "Incident", "Incidents", "Absence",
    "Absences", "Holiday", "Holidays", "Checklist rounds", "Round", "Rounds", "Officer",
    "Officers", "Date", "Time", "Title", "Description", "Number", "Kind", "Type", "Note",
    "Priority", "Overdue", "Draft", "Waiting", "Submitted", "Rejected", "Cancelled",
    "Resolved", "Missed", "Late", "Scheduled", "Event", "Subject", "Recipient", "Message",
    "Sent", "Failed", "Queued", "Attempts", "Connection", "refused", "timed", "Timeout", "Mail",
    "Low", "Medium", "High", "Sick", "Leave", "Other", "Official", "Unknown", "Withdrawn",
    "Ended", "Planned",
    # dates (April, September and November are Indonesian too)
    "January", "February", "March", "May", "June", "July", "August", "October", "December",
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    # states as codes
    "open", "missed", "done", "late", "scheduled", "draft", "resolved", "fault", "ok",
    "pending", "in_progress",
    # small words that only English sentences have
    "the", "of", "and", "to", "with", "is", "are", "not", "your", "you", "this", "that", "for",
    "from", "by", "on", "at", "an", "be", "has", "have", "was", "will", "been", "here", "no",
    "yes", "Are", "sure", "want", "selected",
]

# Words a person recognises as Indonesian (in any case): none of them may show on an English page.
INDONESIAN_WORDS = [
    "Simpan", "Tambah", "Ubah", "Hapus", "Kembali", "Cari", "Daftar", "Beranda", "Keluar",
    "Masuk", "Pengguna", "Peran", "Tanggal", "Belum", "wajib", "Dibuat", "Diubah", "Ajukan",
    "Setujui", "Tolak", "Batalkan", "Kembalikan", "Kaji", "Tugaskan", "Laporkan", "Cetak",
    "Unduh", "Saring", "Ya", "Tidak", "Judul", "Nomor", "Uraian", "Keterangan", "Catatan",
    "Penugasan", "Pelaksana", "Persetujuan", "Permintaan", "Penyempurnaan", "Dukungan",
    "Kajian", "Kendala", "Riwayat", "Lampiran", "Menunggu", "Sedang", "Selesai", "Ditolak",
    "Dibatalkan", "Draf", "Diajukan", "Terjadwal", "Dibuka", "Terlambat", "Terlewat",
    "Terbuka", "Teratasi", "Gangguan", "Rendah", "Tinggi", "Cuti", "Sakit", "Lainnya",
    "Dinas", "Laporan", "Halaman", "Berikutnya", "Sebelumnya", "Pilih", "Waktu", "Jam",
    "Hari", "Libur", "Bersama", "Jenis", "Alasan", "Berlaku", "Berakhir", "Direncanakan",
    "Akhiri", "Sekarang", "Kirim", "Terkirim", "Gagal", "Antrean", "Penerima", "Pesan",
    "Perihal", "Kata", "sandi", "Sandi", "Jabatan", "Aktif", "Kode", "Nama", "Kategori",
    "Petugas", "Pemeriksaan", "Kejadian", "Dampak", "Tindakan", "Diperiksa",
    "Januari", "Februari", "Maret", "Mei", "Juni", "Juli", "Agustus", "Oktober", "Desember",
    "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu",
    "dan", "atau", "yang", "untuk", "dari", "dengan", "pada", "ini", "itu", "tidak", "belum",
    "sudah", "oleh", "ke", "di", "Anda",
]

# Not a leak in either language: words that are the same in both, proper names, role names as
# SPEC §2 spells them (FAB's built-in "Public" too), form codes, the language menu's own names.
ALLOWED_PHRASES = [
    "Layanan TI", "DPMPTSP Kota Denpasar", "DPMPTSP", "Kota Denpasar", "Denpasar",
    "Admin", "Pemohon", "Kepala Unit", "Kasi PDSI", "Kabid Dalak", "Petugas IT", "Pimpinan",
    "Public", "Plh.", "Plh", "a.n.", "NIP", "WITA", "SIM", "FM-01", "FM-02", "FM-03",
    "FM-DALAK-DAT-02-01", "FM-DALAK-DAT-02-02", "FM-DALAK-DAT-02-03", "Checklist SIM",
    "Bahasa Indonesia", "English", "Status", "Email", "Unit", "Server", "Total",
    "HTTP(S)", "HTTP", "TCP", "IT", "ID",
]

# Known leaks whose fix lies outside the screens, each an exact sentence with the place that must
# change: checked like data until then. Remove an entry once its place speaks the reader's language.
PENDING_ELSEWHERE = {
    "Hanya pemohon yang dapat mengubah permintaan ini.": "app/requests/schemas.py edit_refusal",
    "Permintaan hanya dapat diubah selama berstatus Draf.": "app/requests/schemas.py edit_refusal",
}

# Python leaking through: raw values, lists, exceptions, the catalogue's header. These are
# leaks wherever they stand, in stored text too (a probe's result, a mail error)...
RAW_WORDS = ["None", "True", "False"]
ALWAYS_WRONG = {
    "__None": re.compile(r"__None"),
    "exception": re.compile(r"Errno|Traceback|Exception|NoneType|object has no attribute"),
    "catalogue header": re.compile(r"Project-Id-Version|POT-Creation-Date|Plural-Forms"),
}
# ...and these only outside what people typed.
WRONG_OUTSIDE_DATA = {
    "Python list": re.compile(r"\[\]|\[['\"]?[A-Za-z][^\[\]\n]*\]"),
    "raw time": re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?"),
}

# --- who walks where -------------------------------------------------------------------------

INDONESIAN_USERS = ["admin", "pemohon", "kabid.pelayanan", "kasi.pdsi", "kabid.dalak", "it.budi",
                    "pimpinan"]
ENGLISH_USERS = ["admin", "pemohon", "it.budi"]
# Not followed: leaving, switching language, downloads, anything that changes state, the API.
SKIP = ["/logout", "/lang/", ".xlsx", ".pdf", "/attachment/", "/download/", "/delete/",
        "/action/", "/action_post", "/act/", "/end/", "/resolve/", "/submit", "/api/",
        "/swagger", "/static/", "/print/", "/confirm/"]
MAX_PAGES = 300  # per user and language
SAME_SHAPE = 2  # pages per URL shape (ids and query values aside): enough to see each screen


# --- reading a page as a person sees it -------------------------------------------------------

VISIBLE_ATTRIBUTES = {"title", "placeholder", "alt", "aria-label", "data-original-title",
                      "data-text", "data-confirm", "data-title", "data-content", "label"}
BUTTON_INPUTS = {"submit", "button", "reset"}
# Inputs whose value nobody reads as written: hidden ones, and those the browser shows in its own
# format (a date input holds 2026-12-01 and shows it the reader's way).
HIDDEN_INPUTS = {"hidden", "checkbox", "radio", "file", "password", "date", "datetime-local",
                 "time", "month", "week", "number"}
JS_STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"|\'((?:[^\'\\\n]|\\.)*)\'')
# User-facing strings in static scripts: alerts, confirmations, placeholders.
STATIC_JS_TEXT = re.compile(
    r"""(?:ab_alert|alert|confirm|prompt)\(\s*(['"])(.+?)\1"""
    r"""|(?:placeholder|title|text|label)\s*:\s*(['"])(.+?)\3""")


class VisibleText(HTMLParser):
    """The text a person reads: text nodes, visible attributes, button values, option texts,
    and the strings of inline scripts (confirmations, filter names, JSON blobs)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.links: list[str] = []
        self.scripts: list[str] = []  # same-origin script files the page loads
        self._skip = 0
        self._script: list[str] | None = None
        self._script_json = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            if attrs.get("src"):
                self.scripts.append(attrs["src"])
            self._script, self._script_json = [], "json" in (attrs.get("type") or "")
            return
        if tag == "style":
            self._skip += 1
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        self._attributes(tag, attrs)

    def _attributes(self, tag, attrs):
        for name, value in attrs.items():
            if not value:
                continue
            if name in VISIBLE_ATTRIBUTES or (name.startswith("data-") and _human(value)):
                self.chunks.append(value)
        kind = (attrs.get("type") or "text").lower()
        if tag == "input" and attrs.get("value") and kind not in HIDDEN_INPUTS:
            self.chunks.append(attrs["value"])
        if tag == "button" and attrs.get("value") and kind in BUTTON_INPUTS:
            self.chunks.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self._inline_script("".join(self._script))
            self._script = None
        elif tag == "style" and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if self._script is not None:
            self._script.append(data)
        elif not self._skip and data.strip():
            self.chunks.append(data)

    def _inline_script(self, source: str):
        if self._script_json:
            try:
                self.chunks.extend(_json_strings(json.loads(source)))
            except ValueError:
                self.chunks.append(source)
            return
        for match in JS_STRING.finditer(source):
            raw = match.group(1) if match.group(1) is not None else match.group(2)
            try:
                text = json.loads(f'"{raw}"') if match.group(1) is not None else raw
            except ValueError:
                text = raw
            if "<" in text and ">" in text:  # a form field FAB hands to its filter script
                inner = VisibleText()
                inner.feed(text)
                self.chunks.extend(inner.chunks)
            elif _human(text):
                self.chunks.append(text)


def _json_strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)


def _human(text: str) -> bool:
    """A string a person reads rather than a selector, URL, class list or identifier."""
    text = text.strip()
    if not text or text[0] in "#./?&{[(<=:$@" or text.startswith(("http", "data:", "fa ", "fa-")):
        return False
    if not re.search(r"[A-Za-z]", text):
        return False
    return " " in text or text[0].isupper()


# --- the check -----------------------------------------------------------------------------------


def _words(words: list[str], flags: int = 0) -> re.Pattern:
    alternatives = "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))
    return re.compile(rf"(?<![\w-])({alternatives})(?![\w-])", flags)


FOREIGN = {"id": _words(ENGLISH_WORDS), "en": _words(INDONESIAN_WORDS, re.IGNORECASE)}
RAW = _words(RAW_WORDS)
ALLOWED = _words(ALLOWED_PHRASES)


def _clean(chunk: str, data: DataStrings) -> str:
    text = " ".join(chunk.split())
    return ALLOWED.sub(" ", data.strip_from(text))


def problems_in(chunks: list[str], locale: str, data: DataStrings) -> list[tuple[str, str]]:
    """(what, snippet) for every leak in the page's visible text."""
    found = []
    for chunk in chunks:
        text = " ".join(chunk.split())
        for name, pattern in ALWAYS_WRONG.items():
            for match in pattern.finditer(text):
                found.append((f"{name}: {match.group(0)}", _snippet(text, match.group(0))))
        for name, pattern in WRONG_OUTSIDE_DATA.items():
            for match in pattern.finditer(data.strip_from(text)):
                found.append((f"{name}: {match.group(0)}", _snippet(text, match.group(0))))
        cleaned = None
        for pattern, what in ((FOREIGN[locale], "foreign word"), (RAW, "raw value")):
            if not pattern.search(text):
                continue
            cleaned = cleaned if cleaned is not None else _clean(text, data)
            for match in pattern.finditer(cleaned):
                found.append((f"{what}: {match.group(1)}", _snippet(text, match.group(1))))
    return found


def _snippet(text: str, word: str) -> str:
    at = max(text.find(word), 0)
    return text[max(at - 50, 0):at + len(word) + 50]


class DataStrings:
    """Every text people stored in the database (titles, names, notes, holiday names...): data
    in any language, not the UI's words. Codes (`in_progress`, `user_updated`) are not data:
    a code on a screen is a leak."""

    CODE = re.compile(r"^[a-z][a-z0-9_]*$")
    # FAB's own tables hold identifiers (permission and view names), not what people typed.
    NOT_DATA = ("ab_permission", "ab_view_menu", "ab_permission_view", "alembic_version")

    def __init__(self, values: set[str]):
        self.values = sorted({" ".join(v.split()) for v in values if v and v.strip()
                              and not self.CODE.match(v.strip())}, key=len, reverse=True)
        self.exact = set(self.values)

    def strip_from(self, text: str) -> str:
        if text in self.exact:
            return ""
        for value in self.values:
            if len(value) > 2 and value in text:
                text = text.replace(value, " ")
        return text

    @classmethod
    def from_database(cls, extra: set[str]) -> DataStrings:
        values: set[str] = set(extra)
        for table in Model.metadata.sorted_tables:
            if table.name in cls.NOT_DATA:
                continue
            for column in table.columns:
                if isinstance(column.type, (String, Text)):
                    values.update(v for v in db.session.execute(
                        select(column).distinct()).scalars() if isinstance(v, str))
        return cls(values)


# --- the walk ------------------------------------------------------------------------------------


def _shape(url: str) -> str:
    parts = urlsplit(url)
    keys = sorted(re.sub(r"\d+", "N", pair.split("=")[0]) for pair in parts.query.split("&")
                  if pair)
    return re.sub(r"\d+", "N", parts.path) + "?" + "&".join(keys)


def _follow(href: str, base: str) -> str | None:
    if href.startswith(("mailto:", "javascript:", "tel:", "#")):
        return None
    url = urljoin(base, href)
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    if any(marker in path for marker in SKIP):
        return None
    return path


class Walk:
    """Breadth-first over the same-origin links of one logged-in client, bounded."""

    def __init__(self, client, locale: str, data: DataStrings, static_text: dict[str, list[str]]):
        self.client, self.locale, self.data, self.static_text = client, locale, data, static_text
        self.leaks: list[str] = []
        self.errors: list[str] = []
        self.pages = 0

    def run(self, start: str = "/"):
        queue, seen, shapes = deque([start]), {start}, {}
        while queue and self.pages < MAX_PAGES:
            url = queue.popleft()
            for link in self.visit(url):
                shape = _shape(link)
                if link in seen or shapes.get(shape, 0) >= SAME_SHAPE:
                    continue
                seen.add(link)
                shapes[shape] = shapes.get(shape, 0) + 1
                queue.append(link)

    def visit(self, url: str) -> list[str]:
        response = self.client.get(url)
        self.pages += 1
        if response.status_code in (301, 302, 303):
            target = _follow(response.headers["Location"], url)
            return [target] if target else []
        if response.status_code >= 500:
            self.errors.append(f"{url}: HTTP {response.status_code}")
        if "text/html" not in response.content_type:
            return []
        page = VisibleText()
        page.feed(response.get_data(as_text=True))
        chunks = page.chunks + [text for src in page.scripts for text in self.script_text(src)]
        for what, snippet in problems_in(chunks, self.locale, self.data):
            self.leaks.append(f"{url}\n    {what}\n    …{snippet}…")
        return [link for link in (_follow(href, url) for href in page.links) if link]

    def script_text(self, src: str) -> list[str]:
        path = urlsplit(src).path
        if urlsplit(src).netloc or path.endswith(".min.js") or "jquery" in path:
            return []  # vendor libraries: their built-in texts are checked in the browser
        if path not in self.static_text:
            body = self.client.get(path).get_data(as_text=True)
            self.static_text[path] = [m.group(2) or m.group(4)
                                      for m in STATIC_JS_TEXT.finditer(body)]
        return self.static_text[path]


def _more_to_see() -> None:
    """What the demo data lacks and the screens must still say in words: an absence in force, an
    open incident, a probe that found a closed port, a mail the server refused."""
    today = today_wita()
    kabid, kasi, pemohon = (db.session.execute(select(AppUser).where(
        AppUser.username == name)).scalar_one() for name in ("kabid.dalak", "kasi.pdsi",
                                                             "pemohon"))
    db.session.add(Absence(user_id=kabid.id, start_date=today, end_date=today, kind="dinas_luar",
                           reason="Rapat koordinasi di Provinsi", recorded_by_id=kasi.id))
    db.session.add(Incident(occurred_at=utcnow(), description="SIM Perizinan lambat diakses.",
                            reported_by_id=pemohon.id, status="open"))
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    probe = run_probe(ProbeSpec(0, "tcp", f"127.0.0.1:{port}"), timeout=1)
    round_ = rounds.open_today(utcnow())[0]
    item = rounds.active_items()[0]
    db.session.add(ChecklistEntry(round_id=round_.id, item_id=item.id,
                                  suggested_result=probe.result,
                                  suggested_value=probe.value or None,
                                  suggested_error=probe.error))
    db.session.add(Outbox(event="digest", recipient_id=kasi.id, recipient_email=kasi.email,
                          subject="Pengingat harian", body_text="Isi.", status="failed",
                          attempts=5, last_error="ConnectionRefusedError: [Errno 111] "
                                                 "Connection refused"))
    db.session.commit()


@pytest.fixture(scope="module")
def data_strings(app):
    with app.app_context():
        _more_to_see()
        strings = DataStrings.from_database(extra=set(PENDING_ELSEWHERE))
        db.session.remove()
    return strings


@pytest.fixture(scope="module")
def static_text():
    return {}


def walk(app, username: str | None, locale: str, data, static_text,
         start: str = "/") -> Walk:
    client = login(app.test_client(), username) if username else app.test_client()
    assert client.get(f"/lang/{locale}").status_code in (200, 302)
    result = Walk(client, locale, data, static_text)
    result.run(start)
    return result


def _report(result: Walk, username: str, locale: str) -> str:
    unique = list(dict.fromkeys(result.leaks))
    return (f"{username} ({locale}): {len(unique)} leak(s) on {result.pages} page(s)\n"
            + "\n".join(unique[:80]) + ("\n…" if len(unique) > 80 else ""))




@pytest.mark.parametrize("username", INDONESIAN_USERS)
def test_indonesian_pages_have_no_english(app, data_strings, static_text, username):
    result = walk(app, username, "id", data_strings, static_text)
    assert result.pages > 5, f"{username} reached only {result.pages} page(s)"
    assert result.errors == []
    assert result.leaks == [], _report(result, username, "id")


@pytest.mark.parametrize("username", ENGLISH_USERS)
def test_english_pages_have_no_indonesian(app, data_strings, static_text, username):
    result = walk(app, username, "en", data_strings, static_text)
    assert result.pages > 5, f"{username} reached only {result.pages} page(s)"
    assert result.errors == []
    assert result.leaks == [], _report(result, username, "en")


@pytest.mark.parametrize("locale", ["id", "en"])
def test_pages_before_signing_in(app, data_strings, static_text, locale):
    result = walk(app, None, locale, data_strings, static_text, start="/login/")
    assert result.pages >= 2
    assert result.errors == []
    assert result.leaks == [], _report(result, "anonymous", locale)


# Pages nobody links to but everybody meets: (who, path, status).
ERROR_PAGES = [("pemohon", "/improvementrequestview/show/999999", 404),
               ("pemohon", "/no-such-page", 404), ("pimpinan", "/incidentview/add", 403)]


@pytest.mark.parametrize("locale", ["id", "en"])
def test_error_pages(app, data_strings, locale):
    leaks = []
    for username, path, status in ERROR_PAGES:
        client = login(app.test_client(), username)
        client.get(f"/lang/{locale}")
        response = client.get(path)
        assert response.status_code == status, path
        page = VisibleText()
        page.feed(response.get_data(as_text=True))
        leaks += [f"{path}: {what} …{snippet}…"
                  for what, snippet in problems_in(page.chunks, locale, data_strings)]
    assert leaks == []


def test_the_checker_sees_what_a_person_sees(data_strings):
    """The crawler's own eyes: hidden leaks in attributes, options, scripts are found."""
    page = VisibleText()
    page.feed('<html><head><title>Add Incident</title><style>.Save{}</style></head><body>'
              '<select><option value="__None">Pilih</option><option>None</option></select>'
              '<input type="submit" value="Save"><input placeholder="Search">'
              '<a data-text="Are you sure?" href="/x">Hapus</a>'
              '<script nonce="n">confirm("Delete this record?"); var a = \'#id\';</script>'
              '<p>[Pemohon] [Errno 111] Connection refused</p></body></html>')
    found = {what for what, _ in problems_in(page.chunks, "id", DataStrings(set()))}
    for expected in ("foreign word: Add", "foreign word: Save", "foreign word: Search",
                     "foreign word: Delete", "foreign word: sure", "raw value: None",
                     "Python list: [Pemohon]", "exception: Errno"):
        assert expected in found, (expected, found)
    assert not any("__None" in what for what in found)  # an option's value is not shown
    blank = VisibleText()
    blank.feed('<select><option value="__None">__None</option></select>')  # WTForms 3.3's blank
    assert ("__None: __None", "__None") in problems_in(blank.chunks, "id", DataStrings(set()))
    english = {what for what, _ in problems_in(page.chunks, "en", DataStrings(set()))}
    assert {"foreign word: Pilih", "foreign word: Hapus"} <= english
    assert problems_in(["Bidang Pelayanan Perizinan: 3 permintaan untuk Anda"], "en",
                       DataStrings({"Bidang Pelayanan Perizinan"})) != []
    assert problems_in(["Bidang Pelayanan Perizinan"], "en",
                       DataStrings({"Bidang Pelayanan Perizinan"})) == []


# --- what only a browser shows ------------------------------------------------------------------

# The date picker FAB's forms open, as its header reads: weeks from Monday, the reader's words.
PICKER_WEEK = {"id": ["Sen", "Sel", "Rab", "Kam", "Jum", "Sab", "Min"],
               "en": ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]}
PICKER_MONTHS = {"id": ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli",
                        "Agustus", "September", "Oktober", "November", "Desember"],
                 "en": ["January", "February", "March", "April", "May", "June", "July",
                        "August", "September", "October", "November", "December"]}


def test_the_date_picker_speaks_the_readers_language(office, browser):
    base, _served = office
    person = Person(browser, base, "pemohon", shots=False)
    errors: list[str] = []
    person.page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        for locale in ("id", "en"):
            person.go(f"/lang/{locale}")
            page = person.go("/improvementrequestview/add")
            page.click("#desired_date")
            picker = page.locator(".datepicker-days")
            expect(picker).to_be_visible()
            assert picker.locator("th.dow").all_inner_texts() == PICKER_WEEK[locale]
            title = picker.locator("th.datepicker-switch").inner_text()
            assert title.split()[0] in PICKER_MONTHS[locale], title
            page.keyboard.press("Escape")
        assert errors == []  # FAB's scripts, replaced by ours, run without an error
    finally:
        person.close()
