"""Helpers the test modules share: servers and ports, the loopback SMTP inbox, PDFs, query
counts, the browser user. Fixtures live in conftest.py; workflow set-ups in workflow_helpers."""

from __future__ import annotations

import datetime as dt
import email
import io
import os
import socket
import struct
import time
import urllib.request
import zlib
from contextlib import contextmanager
from email.message import Message
from pathlib import Path

from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import event

from app.extensions import db
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parent.parent
# The README's pictures are refreshed on purpose (`make screenshots`); an ordinary run writes
# its screenshots under test-artifacts/ and leaves the tracked ones alone.
SHOTS = (ROOT / "docs" / "screenshots" if os.environ.get("README_SCREENSHOTS") == "1"
         else ROOT / "test-artifacts" / "screenshots")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, process, seconds: float = 30.0) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read().decode()
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer in {seconds} s")


class Inbox:
    def __init__(self):
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 — aiosmtpd's name
        message = email.message_from_bytes(envelope.content)
        message["X-Rcpt"] = ",".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 OK"

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if address in m["X-Rcpt"]]


def tiny_png() -> bytes:
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    raw = b"\x00\xff\x00\x00" * 1
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


NO_ANIMATIONS = """
document.addEventListener('DOMContentLoaded', function () {
  var style = document.createElement('style');
  style.textContent = '*, *::before, *::after { transition: none !important; animation: none !important; }';
  document.head.appendChild(style);
  if (window.jQuery) { jQuery.support.transition = false; jQuery.fx.off = true; }
});
"""


class Person:
    """One user's browser session."""

    def __init__(self, browser, base: str, username: str, shots: bool,
                 viewport: tuple[int, int] = (1280, 900), quick: bool = False):
        self.context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]},
                                           locale="id-ID")
        if quick:  # no fades: a modal is there when it is opened (what a person sees, sooner)
            self.context.add_init_script(NO_ANIMATIONS)
        self.page = self.context.new_page()
        self.base, self.shots = base, shots
        self.page.goto(f"{base}/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.locator("input[type=submit], button[type=submit]").first.click()
        expect(self.page.locator("a[href='/logout/']").first).to_be_attached()

    def go(self, path: str):
        self.page.goto(self.base + path)
        return self.page

    def act(self, button: str, fill=None):
        """Open an action's small form on the request page, fill it, send it."""
        page = self.page
        page.click(f"#btn-{button}")
        modal = page.locator(f"#act-{button}")
        expect(modal).to_be_visible()
        if fill:
            fill(modal)
        modal.locator(f"#submit-{button}").click()
        expect(page.locator(".alert-success")).to_be_visible()

    def shot(self, name: str):
        if self.shots:
            SHOTS.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)

    def close(self):
        self.context.close()


def read_pdf(response) -> tuple[int, str]:
    """(page count, all text with whitespace collapsed, so wrapped lines read as one)."""
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    text = " ".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), " ".join(text.split())


@contextmanager
def count_queries(app):
    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def listener(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", listener)


DEMO_USERS = ["admin", "pemohon", "pemohon2", "kabid.pelayanan", "kasubag.umum", "kasi.pdsi",
              "kabid.dalak", "it.budi", "it.sari", "pimpinan", "putu.dewi", "wayan.gunawan",
              "rina.kusuma", "andi.pratama", "ketut.wartini", "gede.arimbawa", "sekretaris",
              "kasubag.keuangan", "kabid.pm", "kabid.pengaduan"]


# --- browser journeys (issue 17): a person at a screen size, step by step -------------------

VIEWPORTS = {"desktop": (1366, 768), "phone": (390, 844)}
JOURNEY_SHOTS = ROOT / "test-artifacts" / "journeys"


# Elements whose right edge passes the window's width, outside any box that scrolls or clips
# them (a wide table in a scrolling box is fine; a page the thumb has to pan sideways is not).
STICKING_OUT = """() => {
  const width = document.documentElement.clientWidth, found = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 1) continue;
    let held = getComputedStyle(el).position === 'fixed';
    for (let up = el.parentElement; up && up !== document.body && !held; up = up.parentElement)
      held = getComputedStyle(up).overflowX !== 'visible';
    if (!held) found.push(`${el.tagName.toLowerCase()}.${el.className} ${Math.round(box.right)}px`);
  }
  return found.slice(0, 5);
}"""


class Journey(Person):
    """A person at one of VIEWPORTS who walks through the UI; every `step` asserts what they
    see and writes a numbered screenshot under test-artifacts/journeys/<journey>/."""

    def __init__(self, browser, base: str, username: str, journey: str, viewport: str):
        super().__init__(browser, base, username, shots=True, viewport=VIEWPORTS[viewport],
                         quick=True)
        self.folder = JOURNEY_SHOTS / journey
        self.prefix = f"{viewport}-{username}"
        self.count = 0
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def into(self, journey: str) -> Journey:
        """The same logged-in person, now walking another journey (its own screenshots)."""
        self.folder = JOURNEY_SHOTS / journey
        return self

    def step(self, name: str, *texts: str):
        """The page shows each of `texts` (visible), then a screenshot of this step."""
        for text in texts:  # shown somewhere on the page (a closed menu's entry does not count)
            expect(self.page.get_by_text(text, exact=False).locator("visible=true").first
                   ).to_be_visible()
        sticking_out = self.page.evaluate(STICKING_OUT)
        assert sticking_out == [], f"wider than the screen on {self.page.url}: {sticking_out}"
        self.count += 1
        self.folder.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(self.folder / f"{self.prefix}-{self.count:02d}-{name}.png"),
                             full_page=True)
        assert self.errors == [], f"script errors on {self.page.url}: {self.errors}"
        return self.page

    def pick_date(self, selector: str, day: dt.date):
        """Choose a day with the date picker (no typing): open it, move to the month, click."""
        page = self.page
        page.click(selector)
        picker = page.locator(".datepicker-dropdown").first
        expect(picker).to_be_visible()
        title = f"{MONTH_NAMES_ID[day.month - 1]} {day.year}"
        for _ in range(24):
            shown = picker.locator(".datepicker-days .datepicker-switch").inner_text().strip()
            if shown == title:
                break
            month, year = shown.rsplit(" ", 1)
            earlier = (day.year, day.month) < (int(year), MONTH_NAMES_ID.index(month) + 1)
            picker.locator(f".datepicker-days {'.prev' if earlier else '.next'}").click()
        picker.locator(".datepicker-days td.day:not(.old):not(.new)").get_by_text(
            str(day.day), exact=True).click()


MONTH_NAMES_ID = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
                  "September", "Oktober", "November", "Desember"]
