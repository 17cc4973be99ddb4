"""The asset register through the browser (issue 22), at 1366x768 and 390x844, in Indonesian:
a requester picks their own PC on an FM-03; an IT officer finds it by its inventory number and
marks it Rusak Ringan with a note; the Kasi finds it among the Rusak Ringan assets, with the
request and the change in its history. Clicks and keys only; a screenshot per step."""

from __future__ import annotations

from playwright.sync_api import expect

# Each width has its own requester and PC (the module shares one database): the demo PCs held
# by `pemohon` and `putu.dewi` in Bidang Pelayanan Perizinan (seeds/assets.py).
REQUESTERS = {"desktop": ("pemohon", "DPMPTSP.TI.2018.014"),
              "phone": ("putu.dewi", "DPMPTSP.TI.2019.015")}


def test_a_pc_from_fm03_to_rusak_ringan_found_by_the_kasi(office, people, viewport):
    username, pc = REQUESTERS[viewport]
    title = f"PC loket tidak mau menyala ({viewport})"

    requester = people(username, "assets", viewport)
    page = requester.go("/supportrequestview/add")
    page.locator("select#support_type").select_option(index=1)
    own = page.locator("select#asset option").nth(1)  # their own PC comes first
    expect(own).to_contain_text(pc)
    page.locator("select#asset").select_option(index=1)
    page.fill("#title", title)
    page.fill("#description", "Tombol daya ditekan, lampu menyala sebentar lalu mati.")
    requester.step("fm03-with-pc", "Perangkat", pc)
    page.locator("form button[type=submit], form input[type=submit]").last.click()
    requester.step("fm03-draft", "belum diajukan", "Perangkat", pc)
    requester.act("submit")
    requester.step("fm03-submitted", "Ajukan: berhasil", "Menunggu Persetujuan Kepala Unit")

    officer = people("it.budi", "assets", viewport)
    page = officer.go("/assetview/list/")
    page.fill("#asset-search-words", pc)
    page.click("#asset-search-button")
    officer.step("officer-found", pc, "Baik")
    page.locator("a[href*='/assetview/show/']").first.click()
    officer.step("officer-asset-page", pc, "Catat Kondisi yang Ditemukan")
    page.locator("select#condition").select_option("rusak_ringan")
    page.click("#btn-condition")  # without a note: refused, nothing saved
    officer.step("officer-needs-note", "catatan wajib diisi")
    page.locator("select#condition").select_option("rusak_ringan")
    page.fill("#note", "Power supply berbunyi; perlu diganti, sementara pakai PC cadangan.")
    page.click("#btn-condition")
    officer.step("officer-marked", "Kondisi tercatat.", "Baik → Rusak Ringan",
                 "Power supply berbunyi")

    kasi = people("kasi.pdsi", "assets", viewport)
    page = kasi.go("/assetview/list/")
    page.click("#condition-rusak_ringan")
    kasi.step("kasi-rusak-ringan", pc, "Rusak Ringan")
    page.locator("tr", has_text=pc).locator("a[href*='/assetview/show/']").first.click()
    kasi.step("kasi-asset-history", pc, title, "Permintaan Dukungan (FM-03)",
              "Baik → Rusak Ringan", "Riwayat")


def _sheet(rows: list[str]) -> dict:
    header = "Nomor Inventaris;Kategori;Merek/Tipe;Unit Kerja;Ruangan;Kondisi"
    return {"name": "aset-baru.csv", "mimeType": "text/csv",
            "buffer": "\n".join([header, *rows]).encode("utf-8")}


def test_the_kasi_imports_a_spreadsheet_after_the_preview_names_its_bad_row(office, people,
                                                                            viewport):
    prefix = f"IMP/{viewport.upper()}"
    good = [f"{prefix}/001;Printer;HP LaserJet M211;BID-PELAYANAN;Ruang Arsip;Baik",
            f"{prefix}/002;Scanner;Canon DR-C230;BID-PELAYANAN;Ruang Arsip;Baik"]
    bad = [good[0], f"{prefix}/002;Mesin Fotokopi;Canon DR-C230;BID-PELAYANAN;Ruang Arsip;Baik"]

    kasi = people("kasi.pdsi", "assets-import", viewport)
    page = kasi.go("/assetview/list/")
    page.click("#asset-import")
    kasi.step("import-form", "Impor Aset dari Lembar Kerja", "Nomor Inventaris")
    page.set_input_files("#file", _sheet(bad))
    page.click("#btn-preview")
    kasi.step("import-problems", "Tidak ada yang diimpor: 1 baris bermasalah",
              "Kategori harus salah satu dari")
    expect(page.locator("#import-problems tbody tr")).to_have_count(1)
    expect(page.locator("#import-problems tbody td").first).to_have_text("3")
    page.click("#import-again")
    page.set_input_files("#file", _sheet(good))
    page.click("#btn-preview")
    kasi.step("import-preview", "Berkas sudah benar: 2 baru, 0 diubah, 0 tidak berubah.")
    page.click("#btn-confirm")
    kasi.step("import-done", "Impor selesai: 2 baru, 0 diubah, 0 tidak berubah.")
    page.fill("#asset-search-words", prefix)
    page.click("#asset-search-button")
    kasi.step("import-found", f"{prefix}/001", f"{prefix}/002")
