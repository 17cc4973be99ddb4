"""The request search as a person meets it (issue 21), at desktop and phone widths: two
characters get "ketik minimal 3 karakter" and no rows; a word finds its requests; a search with
more matches than the cap says "lebih dari …" instead of a count. The cap is lowered for the
served app (three, against the four requests made here) so the journey needs no 10,000 rows.
"""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.requests import search
from tests.workflow_helpers import act, new_request


def open_fm01_list(page) -> None:
    toggle = page.locator(".navbar-toggle")
    if toggle.is_visible():  # a phone: the menu sits behind its button
        toggle.click()
    page.locator(".navbar-collapse .dropdown-toggle", has_text="Permintaan").first.click()
    page.locator(".navbar-collapse .dropdown-menu a",
                 has_text="Penyempurnaan Sistem IT (FM-01)").first.click()


@pytest.fixture(scope="module")
def word(office):
    """Four submitted FM-01 requests sharing a word."""
    served = office[1]
    word = f"Lensa{uuid.uuid4().hex[:6]}"
    with served.app_context():
        for n in range(4):
            act(new_request(title=f"Kamera {word} loket {n + 1}"), "submit", "pemohon", {})
        db.session.remove()
    return word


def test_search_messages_and_capped_count(office, people, viewport, word, monkeypatch):
    monkeypatch.setattr(search, "SEARCH_CAP", 3)  # the served app runs in this process
    kasi = people("kasi.pdsi", "search", viewport)
    page = kasi.go("/")
    open_fm01_list(page)

    page.fill("#search-words", "ka")
    page.click("#search-button")
    expect(page.locator("#search-too-short")).to_have_text(
        "Ketik minimal 3 karakter untuk mencari.")
    expect(page.locator(".request-list tbody tr", has_text="Kamera")).to_have_count(0)
    kasi.step("dua-huruf", "Ketik minimal 3 karakter untuk mencari.")

    page.fill("#search-words", f"{word} loket 2")
    page.click("#search-button")
    expect(page.locator("#search-too-short")).to_have_count(0)
    expect(page.locator(".request-list tbody tr", has_text=word)).to_have_count(1)
    kasi.step("satu-ditemukan", f"Kamera {word} loket 2")

    page.fill("#search-words", word.lower())
    page.click("#search-button")
    expect(page.locator(".request-list tbody tr", has_text=word)).to_have_count(4)
    kasi.step("lebih-dari", "lebih dari 3")
