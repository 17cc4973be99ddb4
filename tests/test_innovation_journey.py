"""Issue 19 through the browser: the requester files an "inovasi" FM-01 with no system, it goes
the whole path, the requester confirms the result was received; the printed form's QR code,
decoded from the rendered page, opens the public verification page at phone width.

Every step is a click or a key in Chromium, in Indonesian, at 1366x768 and 390x844, with a
screenshot under test-artifacts/journeys/fm01-innovation/; the printed pages go to
test-artifacts/forms/.
"""

from __future__ import annotations

import subprocess

from PIL import Image
from playwright.sync_api import expect
from pyzbar.pyzbar import decode

from tests.helpers import JOURNEY_SHOTS, ROOT, VIEWPORTS
from tests.test_journey_requests import assign, note, open_from_home, working_days

FORMS_DIR = ROOT / "test-artifacts" / "forms"


def file_innovation(person, title: str):
    page = person.go("/improvementrequestview/add")
    page.locator("select#category").select_option("inovasi")
    page.fill("#title", title)
    page.fill("#current_condition", "Pemohon mengantre di loket pengambilan tanpa nomor.")
    page.fill("#proposed_improvement", "Produk baru: antrean daring dengan panggilan di layar.")
    page.fill("#reason", "Waktu tunggu pemohon lebih singkat.")
    page.locator("select#priority").select_option("tinggi")
    person.step("innovation-form", "Kategori", "Inovasi Produk Baru")
    page.locator("form button[type=submit], form input[type=submit]").last.click()
    person.step("innovation-draft", "belum diajukan", "Inovasi Produk Baru")
    return page


def printed_pages(person, path: str, name: str) -> list:
    """The form as the person's browser downloads it, rendered by pdftoppm."""
    response = person.page.request.get(person.base + path)
    assert response.ok and response.headers["content-type"] == "application/pdf"
    FORMS_DIR.mkdir(parents=True, exist_ok=True)
    pdf = FORMS_DIR / f"{name}.pdf"
    pdf.write_bytes(response.body())
    for old in FORMS_DIR.glob(f"{name}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf), str(FORMS_DIR / name)],
                   check=True)
    return sorted(FORMS_DIR.glob(f"{name}-*.png"))


def test_innovation_filed_done_acknowledged_and_verified(office, people, browser, viewport,
                                                          monkeypatch):
    base, served = office
    monkeypatch.setitem(served.config, "APP_BASE_URL", base)  # the QR opens this server
    title = f"Antrean daring loket pengambilan ({viewport})"
    day = working_days(served, 3)

    pemohon = people("pemohon", "fm01-innovation", viewport)
    file_innovation(pemohon, title)
    expect(pemohon.page.locator("table.fields")).to_contain_text("Inovasi Produk Baru")
    pemohon.act("submit")

    head = people("kabid.pelayanan", "fm01-innovation", viewport)
    open_from_home(head, title)
    head.act("unit_approve")
    kasi = people("kasi.pdsi", "fm01-innovation", viewport)
    open_from_home(kasi, title)
    kasi.act("assess", assign(kasi, "assess", "Sari", day, "Layak, tahap pertama."))
    kabid = people("kabid.dalak", "fm01-innovation", viewport)
    open_from_home(kabid, title)
    kabid.act("kabid_approve")
    sari = people("it.sari", "fm01-innovation", viewport)
    open_from_home(sari, title)
    sari.act("report_done", note("Antrean daring berjalan di loket."))
    open_from_home(kasi, title)
    kasi.act("accept_done")

    # The requester's home asks for the confirmation; the request page takes it.
    page = pemohon.go("/")
    section = page.locator("#to-acknowledge")
    expect(section).to_contain_text(title)
    pemohon.step("home-confirm", "Konfirmasi hasil diterima", title)
    section.locator("tr", has_text=title).locator("a").first.click()
    pemohon.act("acknowledge", note("Sudah dipakai di loket, terima kasih."))
    pemohon.step("acknowledged", "Konfirmasi Hasil Diterima: berhasil", "Hasil diterima oleh")
    expect(page.locator("#btn-acknowledge")).to_have_count(0)
    number = page.locator("#req-number").inner_text().strip()

    # The printed form: its QR code, decoded from the rendered page, opens the check.
    path = page.locator("#print-pdf").get_attribute("href")
    pngs = printed_pages(pemohon, path, f"journey-fm01-innovation-{viewport}")
    assert len(pngs) >= 2
    found = decode(Image.open(pngs[0]))
    assert len(found) == 1
    url = found[0].data.decode()
    assert url.startswith(f"{base}/verify/")

    phone = browser.new_context(viewport=dict(zip(("width", "height"), VIEWPORTS["phone"],
                                                  strict=True)), locale="id-ID")
    try:
        check = phone.new_page()
        check.goto(url)  # nobody logged in, on a phone
        expect(check.locator("#verify-found")).to_contain_text("terdaftar")
        expect(check.locator("#verify-number")).to_have_text(number)
        expect(check.locator("#verify-status")).to_have_text("Selesai")
        expect(check.locator("#verify-facts")).to_contain_text("Hasil diterima oleh pemohon")
        folder = JOURNEY_SHOTS / "fm01-innovation"
        folder.mkdir(parents=True, exist_ok=True)
        check.screenshot(path=str(folder / f"{viewport}-anonymous-verify.png"), full_page=True)
        check.goto(url[:-4] + "ZZZZ")  # a forged code
        expect(check.locator("#verify-unknown")).to_be_visible()
        check.screenshot(path=str(folder / f"{viewport}-anonymous-forged.png"), full_page=True)
    finally:
        phone.close()


def test_the_admin_sets_the_letterhead_emblem(office, people, viewport, tmp_path):
    emblem = tmp_path / "lambang-kota.png"
    Image.new("RGB", (90, 110), (180, 20, 30)).save(emblem)
    admin = people("admin", "letterhead", viewport)
    page = admin.go("/")
    page.goto(admin.base + "/letterhead/")
    admin.step("letterhead", "Kop Surat", "Lambang bawaan", "Tanggal Berlaku")
    page.set_input_files("#logo-file", str(emblem))
    page.click("#btn-upload-logo")
    admin.step("emblem-saved", "Lambang kop surat disimpan.", "Diunggah")
    size = page.evaluate("document.querySelector('#letterhead-logo').naturalWidth")
    assert size == 90  # the uploaded picture is shown
    page.click("#btn-remove-logo")
    admin.step("emblem-default", "Lambang bawaan digunakan kembali.", "Lambang bawaan")
