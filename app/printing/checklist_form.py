"""FM-DALAK-DAT-02-02 as PDF: one day's checklist (both rounds, the day's incidents, the
signatures), laid out like the office's paper form (the shared parts are in `layout`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.checklist import calendar, rounds
from app.checklist.acknowledgement import acknowledgement_of
from app.checklist.models import (
    INCIDENT_STATES,
    RESULTS,
    ROUND_STATES,
    ChecklistEntry,
    ChecklistRound,
    Incident,
)
from app.extensions import db
from app.printing.layout import (
    KASI_POSITION,
    FormPdf,
    Signatory,
    flow_table,
    label_value_table,
    letterhead,
    person,
    section,
    signature_blocks,
)
from app.timeutil import (
    format_date,
    format_datetime,
    format_slot,
    format_time,
    to_wita,
    wita_to_utc,
)

CHECKLIST_TITLE = "FORMULIR CHECKLIST SIM DAN SERVER"
CHECKLIST_CODE = "FM-DALAK-DAT-02-02"

@dataclass
class ChecklistDay:
    """What the view loaded for one day: its rounds by slot, the items, incidents, the Kasi."""

    day: dt.date
    slots: list[str]
    rounds: dict  # slot -> ChecklistRound
    items: list  # active CheckItems, for rounds not filled in
    incidents: list
    acknowledgement: object | None = None  # the Kasi's "Mengetahui", when given
    non_working: str | None = None


def _round_row(slot: str, rnd, non_working: str | None) -> list:
    if rnd is None:
        state = f"Bukan hari kerja: {non_working}" if non_working else "Belum dijadwalkan"
        return [format_slot(slot), state, "-", "-"]
    return [format_slot(slot), ROUND_STATES.get(rnd.status, rnd.status),
            person(rnd.officer, with_position=False) if rnd.officer else "-",
            filled_in(rnd)]


def filled_in(rnd) -> str:
    """When the round was filled in: the time on its own day, the date too when later."""
    if rnd.submitted_at is None:
        return "-"
    if to_wita(rnd.submitted_at).date() != rnd.date:
        return format_datetime(rnd.submitted_at)
    return format_time(rnd.submitted_at)


def _checked_items(data: ChecklistDay) -> list:
    """The items the rounds recorded (they may since have been retired), else today's list."""
    items = {e.item.id: e.item for rnd in data.rounds.values() for e in rnd.entries}
    found = sorted(items.values(), key=lambda item: (item.order, item.id))
    return found or list(data.items)


def _result_cell(rnd, entry) -> str:
    if rnd is None:
        return ""
    if entry is None or not entry.result:
        return "-"
    value = f"\n{entry.value}" if entry.value else ""
    return RESULTS.get(entry.result, entry.result) + value


def _remarks(data: ChecklistDay, entries: dict, item_id: int) -> str:
    parts = []
    for slot in data.slots:
        entry = entries.get((slot, item_id))
        if entry is not None and (entry.note or entry.follow_up):
            text = f"{slot.replace(':', '.')}: {entry.note or '-'}"
            parts.append(text + (f" Tindak lanjut: {entry.follow_up}" if entry.follow_up else ""))
    return "\n".join(parts)


def item_rows(data: ChecklistDay) -> list:
    """One row per item with a result column per round, grouped by category."""
    entries = {(slot, e.item_id): e for slot, rnd in data.rounds.items() for e in rnd.entries}
    rows, category = [], None
    for number, item in enumerate(_checked_items(data), start=1):
        if item.category != category:
            category = item.category
            rows.append(category)
        results = [_result_cell(data.rounds.get(slot), entries.get((slot, item.id)))
                   for slot in data.slots]
        rows.append([str(number), item.name, *results, _remarks(data, entries, item.id)])
    return rows


def incident_rows(incidents) -> list[list[str]]:
    return [[
        format_time(i.occurred_at),
        i.system.name if i.system else None,
        i.description + (f"\nDampak: {i.impact}" if i.impact else ""),
        f"Dilaporkan oleh: {i.reported_by.full_name if i.reported_by else '-'}\n"
        f"Dicatat oleh: {i.recorded_by.full_name if i.recorded_by else '-'}",
        i.action_taken,
        INCIDENT_STATES.get(i.status, i.status)
        + (f"\n{format_datetime(i.resolved_at)}" if i.resolved_at else ""),
    ] for i in incidents]


def checklist_signatories(data: ChecklistDay) -> list[Signatory]:
    officers = []
    for slot in data.slots:
        rnd = data.rounds.get(slot)
        if rnd is not None and rnd.officer is not None and rnd.officer not in officers:
            officers.append(rnd.officer)
    blocks = [Signatory("Diperiksa oleh", o.position or "Petugas IT", o.full_name, o.nip,
                        data.day) for o in officers] or [
        Signatory("Diperiksa oleh", "Petugas IT", "", None, None)]
    blocks.append(acknowledgement_block(data.acknowledgement))
    return blocks


def acknowledgement_block(ack) -> Signatory:
    """The Kasi's "Mengetahui": name and date only once acknowledged, else dotted lines."""
    if ack is None:
        return Signatory("Mengetahui", KASI_POSITION, "", None, None)
    kasi = ack.acknowledged_by
    return Signatory("Mengetahui", kasi.position or KASI_POSITION, kasi.full_name, kasi.nip,
                     to_wita(ack.acknowledged_at).date())


def checklist_pdf(data: ChecklistDay, printed_at: dt.datetime) -> bytes:
    """FM-DALAK-DAT-02-02: both rounds of the day, the day's incidents, the signatures."""
    pdf = FormPdf(CHECKLIST_CODE, format_date(data.day), printed_at)
    pdf.add_page()
    letterhead(pdf, CHECKLIST_CODE, CHECKLIST_TITLE)
    label_value_table(pdf, [("Hari / Tanggal", format_date(data.day, with_weekday=True))])
    section(pdf, "WAKTU PEMERIKSAAN (SOP 9.4.1)")
    flow_table(pdf, [30, 40, 70, pdf.epw - 140],
               [_round_row(slot, data.rounds.get(slot), data.non_working) for slot in data.slots],
               header=["Pemeriksaan", "Status", "Petugas IT", "Waktu Pengisian"])
    section(pdf, "HASIL PEMERIKSAAN")
    slot_width = 26
    flow_table(pdf, [7, 56, *([slot_width] * len(data.slots)),
                     pdf.epw - 63 - slot_width * len(data.slots)], item_rows(data),
               header=["No", "Item Pemeriksaan", *(format_slot(s) for s in data.slots),
                       "Catatan / Tindak Lanjut"])
    section(pdf, "GANGGUAN SIM (SOP 9.1.2)")
    flow_table(pdf, [21, 27, 50, 36, 28, pdf.epw - 162], incident_rows(data.incidents) or [
        ["-", "-", "Tidak ada gangguan tercatat.", "-", "-", "-"]],
        header=["Waktu", "Sistem / Modul", "Uraian", "Pelapor / Pencatat", "Tindakan", "Status"])
    signature_blocks(pdf, checklist_signatories(data))
    return bytes(pdf.output())


# --- what is printed ------------------------------------------------------------------------


def load_checklist_day(day: dt.date) -> ChecklistDay:
    """The day's rounds, items and incidents, and the Kasi who signs."""
    found = db.session.execute(
        select(ChecklistRound).where(ChecklistRound.date == day).options(
            selectinload(ChecklistRound.officer),
            selectinload(ChecklistRound.entries).selectinload(ChecklistEntry.item),
        )
    ).scalars().all()
    by_slot = {rnd.slot: rnd for rnd in found}
    start = wita_to_utc(day, "00:00")  # the WITA day, in the UTC the database stores
    incidents = db.session.execute(
        select(Incident).where(Incident.occurred_at >= start,
                               Incident.occurred_at < start + dt.timedelta(days=1))
        .order_by(Incident.occurred_at, Incident.id)
        .options(selectinload(Incident.system), selectinload(Incident.reported_by),
                 selectinload(Incident.recorded_by))
    ).scalars().all()
    return ChecklistDay(
        day=day, slots=sorted(set(rounds.slots()) | set(by_slot)), rounds=by_slot,
        items=rounds.active_items(), incidents=list(incidents),
        acknowledgement=acknowledgement_of(day), non_working=calendar.non_working_reason(day))
