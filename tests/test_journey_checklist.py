"""Journey 7 (issue 17): the IT officer fills a checklist round in the browser, in Indonesian, at
1366x768 and at 390x844 — "Semua Normal", one item "Gangguan" (refused without a note, the
message beside the item), the fault recorded as a SIM incident (date picked with the picker,
time typed 08.20 WITA), resolved, and found on the day's FM-02.

Only the round itself is made outside the UI, the way the app's clock makes it (the code path of
`flask jobs run-due`, given a `now`): a person does not create rounds. Everything else is clicked.
"""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

from playwright.sync_api import expect
from sqlalchemy import select

from app.checklist import calendar, rounds
from app.checklist.models import CheckItem, ChecklistRound, Incident
from app.extensions import db
from app.timeutil import to_wita, today_wita, utcnow, wita_to_utc
from tests.conftest import PASSWORD
from tests.helpers import MONTH_NAMES_ID, Journey, free_port, read_pdf
from tests.workflow_helpers import user

# Each size fills its own round of the shared module database.
SLOTS = {"desktop": "08:00", "phone": "13:00"}
NOTES = {"desktop": "Halaman login SIM Perizinan tidak terbuka dari loket 3",
         "phone": "Halaman login SIM Perizinan putus-putus di ruang pelayanan"}
GRACE = dt.timedelta(minutes=61)  # past the 60 minutes of grace: the round stands missed


def round_to_fill(app, slot: str, latest: dt.date | None = None) -> tuple[int, int, int, dt.date]:
    """Today's round at `slot` once its grace has passed, else the last working day's (or the
    last before `latest`); made by the clock's own pass at that moment (the day's rounds are
    ensured, their states moved on)."""
    with app.app_context():
        now = utcnow()
        day = latest or today_wita(now)
        while not calendar.is_working_day(day) or wita_to_utc(day, slot) + GRACE > now:
            day -= dt.timedelta(days=1)
        rounds.open_today(wita_to_utc(day, slot) + GRACE)
        rnd = db.session.execute(select(ChecklistRound).where(
            ChecklistRound.date == day, ChecklistRound.slot == slot)).scalar_one()
        assert rnd.status == "missed"
        first, second = rounds.active_items()[:2]
        found = rnd.id, first.id, second.id, day
        db.session.remove()
    return found


def shown_date(day: dt.date) -> str:
    return f"{day.day} {MONTH_NAMES_ID[day.month - 1]} {day.year}"


def open_round(journey: Journey, round_id: int, day: dt.date, slot: str, today: dt.date):
    """From the checklist page to the round: today's list, or the month for an earlier day."""
    page = journey.go("/checklist/")
    # `step` looks at the first match, so texts the menu also holds are asserted in their place.
    expect(page.get_by_role("heading", name="Checklist SIM dan Server")).to_be_visible()
    journey.step("checklist", "Gangguan SIM yang Masih Terbuka")
    if day == today:
        page.locator(f"#rounds a[data-slot='{slot}']").click()
        return
    expect(page.locator("#month-link")).to_have_text("Rekap Bulanan")
    page.locator("#month-link").click()
    if (day.year, day.month) != (today.year, today.month):
        page.get_by_role("link", name="Bulan sebelumnya").click()
    journey.step("bulan-sebelum", f"{MONTH_NAMES_ID[day.month - 1]} {day.year}", "Terlewat")
    page.locator(f"td[data-date='{day.isoformat()}'] a[href$='/round/{round_id}']").click()


def test_it_officer_round_fault_incident_and_fm02(office, browser, viewport):
    base, served = office
    slot = SLOTS[viewport]
    note = NOTES[viewport]
    round_id, item_id, other_id, day = round_to_fill(served, slot)
    with served.app_context():
        today = today_wita()
        item_name = rounds.active_items()[0].name
        budi_name = user("it.budi").full_name
        db.session.remove()
    shown_slot = slot.replace(":", ".")

    budi = Journey(browser, base, "it.budi", "checklist", viewport)
    page = budi.page
    open_round(budi, round_id, day, slot, today)
    budi.step("putaran", f"Checklist {shown_slot} WITA", "Semua Normal",
              "lalu tandai item yang tidak normal")
    row = page.locator(f"#item-{item_id}")

    # "Semua Normal", then the one exception: the row offers its SIM incident at once.
    page.get_by_role("button", name="Semua Normal").click()
    expect(page.locator(f"input[name=result_{other_id}][value=ok]")).to_be_checked()
    offer = row.get_by_text("Catat juga sebagai Gangguan SIM")
    expect(offer).to_be_hidden()
    row.get_by_label("Gangguan", exact=True).check()
    expect(offer).to_be_visible()
    offer.click()
    budi.step("gangguan-dipilih", "Catat juga sebagai Gangguan SIM")

    # Saved without a note: refused, the message in red right under the note, the note focused.
    page.get_by_role("button", name="Simpan").click()
    budi.step("keterangan-wajib", "Periksa kembali isian Anda.",
              "Periksa item yang ditandai merah di bawah ini.")
    message = row.locator(".has-error .help-block")
    expect(message).to_contain_text(item_name)
    expect(message).to_contain_text("keterangan wajib diisi")
    assert message.evaluate("e => getComputedStyle(e).color") == "rgb(169, 68, 66)"
    expect(page.locator(f"#note_{item_id}")).to_be_focused()
    expect(row).to_be_in_viewport()
    expect(row.get_by_label("Gangguan", exact=True)).to_be_checked()
    expect(row.get_by_label("Catat juga sebagai Gangguan SIM")).to_be_checked()
    expect(page.locator(f"input[name=result_{other_id}][value=ok]")).to_be_checked()

    # With the note it is saved, and the incident form opens filled in for that item.
    page.fill(f"#note_{item_id}", note)
    page.get_by_role("button", name="Simpan").click()
    budi.step("formulir-gangguan", "Checklist tersimpan.",
              "Sekarang lengkapi", "Laporkan Gangguan SIM", "Waktu Kejadian")
    expect(page.locator("#description")).to_have_value(f"{item_name}: {note}")
    expect(page.locator("#occurred_at")).to_have_value(day.strftime("%d-%m-%Y"))

    # The date picked with the picker, the time typed as the office writes it.
    budi.pick_date("#occurred_at", day)
    expect(page.locator("#occurred_at")).to_have_value(day.strftime("%d-%m-%Y"))
    page.fill("#occurred_at-time", "08.20")
    page.fill("#impact", "Pemohon di loket 3 dilayani manual selama 20 menit")
    budi.step("waktu-diisi", "WITA")
    page.locator("form button[type=submit]").filter(has_text="Simpan").click()
    moment = f"{shown_date(day)}, 08.20 WITA"
    budi.step("gangguan-tercatat", "Gangguan SIM tercatat.", moment, "Terbuka",
              "Tandai Teratasi")
    with served.app_context():
        incident = db.session.execute(select(Incident).where(
            Incident.description == f"{item_name}: {note}")).scalar_one()
        assert incident.occurred_at == wita_to_utc(day, "08:20")
        assert to_wita(incident.occurred_at).strftime("%H.%M") == "08.20"
        incident_id = incident.id
        db.session.remove()

    # Resolved: the form is gone; who, when (WITA) and what was done are shown.
    page.fill("#action_taken", "Layanan aplikasi dijalankan ulang, login kembali normal")
    page.get_by_role("button", name="Tandai Teratasi").click()
    budi.step("teratasi", "Gangguan ditandai teratasi.", f"Diselesaikan oleh {budi_name} pada",
              "Layanan aplikasi dijalankan ulang, login kembali normal")
    expect(page.locator("#resolve-form")).to_have_count(0)
    expect(page.get_by_role("button", name="Tandai Teratasi")).to_have_count(0)
    expect(page.locator("#resolved-by")).to_contain_text("WITA")

    # The saved round: read-only, its fault linking to its incident, the day's incident listed.
    page = budi.go(f"/checklist/round/{round_id}")
    expect(page.locator("#round-status")).to_have_text("Terlambat")
    expect(row.get_by_role("link", name="Lihat Gangguan SIM")).to_have_attribute(
        "href", f"/incidentview/show/{incident_id}")
    expect(page.locator("#submit-round")).to_have_count(0)
    budi.step("putaran-tersimpan", "Gangguan SIM pada Hari Tersebut", moment, note)

    # The month: this round is amber with its fault counted, not plain green.
    page = budi.go(f"/checklist/month?m={day:%Y-%m}")
    chip = page.locator(f"a.round-chip[href$='/round/{round_id}']")
    expect(chip).to_contain_text("Gangguan: 1")
    expect(chip).to_contain_text("Terlambat")
    assert chip.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(240, 196, 25)"
    expect(page.locator("#month-legend")).to_contain_text("Hari Libur")
    budi.step("rekap-bulan", "Ada gangguan", "Terlewat")

    # The day's FM-02 lists the incident at the time typed.
    answer = budi.context.request.get(f"{base}/print/checklist/{day.isoformat()}.pdf")
    pages, text = read_pdf(SimpleNamespace(
        status_code=answer.status, mimetype=answer.headers["content-type"].split(";")[0],
        data=answer.body(), get_data=lambda as_text=False: answer.text()))
    assert pages >= 1
    assert "GANGGUAN SIM" in text and "08.20 WITA" in text
    assert note in text and "Teratasi" in text
    budi.close()


# --- what the journey does not pass through ------------------------------------------------------

def test_a_fault_offers_its_incident_without_javascript(office, browser):
    """The offer is revealed by CSS alone, for a browser that runs no script."""
    base, served = office
    with served.app_context():
        week_ago = today_wita() - dt.timedelta(days=7)
    round_id, item_id, _other, _day = round_to_fill(served, "08:00", latest=week_ago)
    context = browser.new_context(java_script_enabled=False, locale="id-ID",
                                  viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", "it.sari")
    page.fill("input[name=password]", PASSWORD)
    page.locator("input[type=submit], button[type=submit]").first.click()
    page.goto(f"{base}/checklist/round/{round_id}")
    row = page.locator(f"#item-{item_id}")
    offer = row.get_by_text("Catat juga sebagai Gangguan SIM")
    expect(offer).to_be_hidden()
    row.get_by_label("Gangguan", exact=True).check()
    expect(offer).to_be_visible()
    context.close()


def test_resolve_form_keeps_what_was_typed_and_only_officers_see_it(login_as):
    pemohon = login_as("pemohon")
    rv = pemohon.get("/incidentview/add?description=Antrian%20macet&occurred_on=2031-03-04")
    page = rv.get_data(as_text=True)
    assert 'value="04-03-2031"' in page and "Antrian macet</textarea>" in page
    rv = pemohon.post("/incidentview/add", data={
        "occurred_at": ["04-03-2031", "09.15"], "description": "Uji: layar antrian macet",
        "impact": ""})
    assert rv.status_code == 302 and "/incidentview/show/" in rv.headers["Location"]
    path = rv.headers["Location"]
    page = pemohon.get(path).get_data(as_text=True)
    assert "4 Maret 2031, 09.15 WITA" in page
    assert 'id="incident-waiting"' in page and 'id="resolve-form"' not in page

    officer = login_as("it.sari")
    pk = int(path.rstrip("/").rsplit("/", 1)[1])
    rv = officer.post(f"/incidentview/resolve/{pk}", data={"action_taken": "   "})
    page = rv.get_data(as_text=True)
    assert rv.status_code == 400 and 'class="form-group has-error"' in page
    assert "Tindakan penanganan wajib diisi." in page and 'id="resolve-form"' in page
    rv = officer.post(f"/incidentview/resolve/{pk}", data={"action_taken": "Kabel HDMI diganti"})
    assert rv.status_code == 302
    page = officer.get(path).get_data(as_text=True)
    assert 'id="resolve-form"' not in page and "Kabel HDMI diganti" in page
    assert "Diselesaikan oleh" in page and "WITA" in page
    rv = officer.post(f"/incidentview/resolve/{pk}", data={"action_taken": "lagi"},
                      follow_redirects=True)
    assert "Gangguan ini sudah teratasi." in rv.get_data(as_text=True)


def test_a_holiday_is_picked_as_day_month_year_once_per_day(login_as):
    admin = login_as("admin")
    form = admin.get("/holidayview/add").get_data(as_text=True)
    assert 'class="form-control office-date" name="date"' in form
    data = {"date": "06-03-2031", "name": "Edaran Wali Kota: uji", "kind": "edaran"}
    assert admin.post("/holidayview/add", data=data).status_code == 302
    rv = admin.post("/holidayview/add", data={**data, "name": "Edaran kedua"})
    page = rv.get_data(as_text=True)
    assert rv.status_code == 200 and "hari libur pada tanggal ini" in page.lower()


# --- issue 18: "Periksa ulang", a probe's fault marked normal, the Kasi's "Mengetahui" ----------

# Each size works on its own past day of the shared module database.
WEEKS_BACK = {"desktop": 2, "phone": 3}


def settled_day(app, weeks_back: int) -> tuple[dt.date, int, int]:
    """A past working day whose two rounds the clock made and let go missed, and a check item
    whose probe finds nothing listening: (day, the morning round's id, the item's id)."""
    with app.app_context():
        day = today_wita() - dt.timedelta(weeks=weeks_back)
        while not calendar.is_working_day(day):
            day -= dt.timedelta(days=1)
        rounds.open_today(wita_to_utc(day, "13:00") + GRACE)
        morning = db.session.execute(select(ChecklistRound).where(
            ChecklistRound.date == day, ChecklistRound.slot == "08:00")).scalar_one()
        item = db.session.execute(select(CheckItem).where(CheckItem.code == "JOURNEY-TCP")
                                  ).scalar_one_or_none()
        if item is None:
            item = CheckItem(code="JOURNEY-TCP", category="Server", name="Layanan antrean (uji)",
                             order=990, probe_kind="tcp", probe_target=f"127.0.0.1:{free_port()}")
            db.session.add(item)
            db.session.commit()
        found = day, morning.id, item.id
        db.session.remove()
    return found


def test_check_again_a_probe_fault_needs_a_note_and_the_kasi_acknowledges(office, people,
                                                                            viewport):
    base, served = office
    day, round_id, item_id = settled_day(served, WEEKS_BACK[viewport])
    with served.app_context():
        kasi_name = user("kasi.pdsi").full_name
        db.session.remove()

    # The officer opens the missed morning round: the probes have not run; "Periksa ulang".
    budi = people("it.budi", "checklist-mengetahui", viewport)
    page = budi.go(f"/checklist/round/{round_id}")
    budi.step("putaran-belum-diperiksa", "Pemeriksaan otomatis belum dijalankan",
              "Periksa ulang")
    page.get_by_role("button", name="Periksa ulang").click()
    budi.step("periksa-ulang", "Pemeriksaan otomatis telah dijalankan ulang.",
              "Pemeriksaan otomatis terakhir", "Koneksi ditolak")
    row = page.locator(f"#item-{item_id}")
    expect(row.get_by_label("Gangguan", exact=True)).to_be_checked()

    # "Semua Normal" keeps the probe's fault; marked Normal by hand it needs a note.
    page.get_by_role("button", name="Semua Normal").click()
    row.get_by_label("Normal", exact=True).check()
    page.get_by_role("button", name="Simpan").click()
    budi.step("catatan-wajib", "Periksa kembali isian Anda.",
              "pemeriksaan otomatis menemukan gangguan")
    expect(page.locator(f"#error-note_{item_id}")).to_contain_text(
        "jelaskan di keterangan mengapa kondisinya normal")
    expect(row).to_have_class(re.compile(r"\bcheck-row-error\b"))
    for other in page.locator(".check-row-error").all():  # other probes may have failed too
        other_id = other.get_attribute("data-item")
        if other_id != str(item_id):
            page.fill(f"#note_{other_id}", "Diperiksa langsung di ruang server: normal")
    page.fill(f"#note_{item_id}", "Layanan antrean dijalankan ulang, kini menjawab")
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_text("Checklist tersimpan.")).to_be_visible()

    # The Kasi finds the day in the month and acknowledges it.
    kasi = people("kasi.pdsi", "checklist-mengetahui", viewport)
    page = kasi.go(f"/checklist/month?m={day:%Y-%m}")
    page.locator(f"td[data-date='{day.isoformat()}'] a.day-number").click()
    kasi.step("hari-siap", shown_date(day), "Mengetahui (Kasi PDSI)", "Nyatakan Mengetahui")
    expect(page.locator("#rounds [data-slot='08:00']")).to_contain_text("Terlambat")
    expect(page.locator("#rounds [data-slot='13:00']")).to_contain_text("Terlewat")
    page.get_by_role("button", name="Nyatakan Mengetahui").click()
    kasi.step("diketahui", "Checklist hari tersebut sudah diberi tanda Mengetahui oleh Kasi PDSI.", kasi_name)
    expect(page.locator("#acknowledged-by")).to_contain_text("WITA")
    expect(page.get_by_role("button", name="Nyatakan Mengetahui")).to_have_count(0)

    # The day's FM-02 now carries the Kasi under "Mengetahui".
    answer = kasi.context.request.get(f"{base}/print/checklist/{day.isoformat()}.pdf")
    _pages, text = read_pdf(SimpleNamespace(
        status_code=answer.status, mimetype=answer.headers["content-type"].split(";")[0],
        data=answer.body(), get_data=lambda as_text=False: answer.text()))
    assert "Mengetahui" in text and kasi_name in text
