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
