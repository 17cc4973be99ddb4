"""The three paper forms of SOP 10 as PDF (fpdf2), laid out like the office's paper forms.

FM-DALAK-DAT-02-01 and -03 (a request with its assignments, obstacles and approval trail) and
FM-DALAK-DAT-02-02 (one day's checklist). Three helpers draw everything: `letterhead`,
`flow_table` (wrapped cells that continue on the next page instead of being cut) and
`signature_blocks`. The layouts take loaded objects and return PDF bytes; they query nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import MethodReturnValue

from app.checklist.models import INCIDENT_STATES, RESULTS, ROUND_STATES
from app.i18n import indonesian
from app.requests.models import PRIORITIES
from app.timeutil import format_date, format_datetime, format_slot, format_time
from app.workflow.vocabulary import (
    DECISION_LABELS,
    KABID_ABSENT_STAMP,
    KIND_LABELS,
    OUTCOME_LABELS,
    STATE_LABELS,
    Approval,
    Kind,
    Outcome,
    acting_for_stamp,
    decided_alone_stamp,
)

FONT_DIR = Path(__file__).with_name("fonts")
FONT = "DejaVu"
SIZE = 8.5  # points, table text
LINE = 4.2  # mm per text line
PAD = 1.0  # mm above and below the text of a cell
KEEP_TOGETHER = 8  # rows up to this many lines are never split across pages
SIGNATURE_SPACE = 16  # mm left blank for the handwritten signature

LETTERHEAD = (
    ("PEMERINTAH KOTA DENPASAR", 13),
    ("DINAS PENANAMAN MODAL DAN PELAYANAN TERPADU SATU PINTU", 12),
    ("GRAHA SEWAKA DHARMA, JL. MAJAPAHIT, LUMINTANG, DENPASAR", 9),
)
CHECKLIST_TITLE = "FORMULIR CHECKLIST SIM DAN SERVER"
CHECKLIST_CODE = "FM-DALAK-DAT-02-02"
KASI_POSITION = "Kepala Seksi Pengolahan Data dan Sistem Informasi Penanaman Modal"
KABID_POSITION = ("Kepala Bidang Pengendalian Pelaksanaan Penanaman Modal dan Informasi "
                  "Penanaman Modal")
UNSIGNED = "...................."

@dataclass
class Signatory:
    """One signature block: place and date, caption, position above the name, NIP."""

    caption: str
    position: str
    name: str
    nip: str | None = None
    signed_on: dt.date | dt.datetime | None = None
    stamp: str | None = None


# --- the document --------------------------------------------------------------------------


class FormPdf(FPDF):
    """A4 portrait with the form code, reference and page number in every footer."""

    def __init__(self, form_code: str, reference: str, printed_at: dt.datetime):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.form_code, self.reference, self.printed_at = form_code, reference, printed_at
        self.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.set_margins(15, 12, 15)
        self.set_auto_page_break(True, margin=16)
        self.set_title(f"{form_code} {reference}")
        self.set_author("DPMPTSP Kota Denpasar")
        self.set_font(FONT, size=SIZE)

    def header(self):
        if self.page_no() == 1:
            return  # the first page carries the letterhead instead
        self.set_font(FONT, "", 7.5)
        self.cell(0, 4, f"{self.form_code} — {self.reference} (lanjutan)", align="R",
                  new_x="LMARGIN", new_y="NEXT")
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(2)
        self.set_font(FONT, size=SIZE)

    def footer(self):
        self.set_y(-12)
        self.set_font(FONT, "", 7)
        self.cell(self.epw / 2, 4, f"{self.form_code} · {self.reference} · dicetak "
                  f"{format_datetime(self.printed_at)}")
        self.cell(self.epw / 2, 4, f"Halaman {self.page_no()} dari {{nb}}", align="R")


def _clean(text) -> str:
    if text is None or text == "":
        return "-"
    return str(text).replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")


def _font(pdf: FPDF, bold: bool = False, size: float = SIZE) -> None:
    pdf.set_font(FONT, "B" if bold else "", size)


def _wrap(pdf: FPDF, width: float, text, bold: bool = False, size: float = SIZE) -> list[str]:
    _font(pdf, bold, size)
    return pdf.multi_cell(width, LINE, _clean(text), dry_run=True,
                          output=MethodReturnValue.LINES, align="L")


def _room(pdf: FPDF) -> int:
    """Text lines that still fit in a table cell on this page."""
    return int((pdf.page_break_trigger - pdf.get_y() - 2 * PAD) / LINE + 1e-6)


# --- helper 1: the letterhead --------------------------------------------------------------


def letterhead(pdf: FPDF, form_code: str, title: str) -> None:
    """Kop surat of the office, the double rule, the form code box and the form's title."""
    for text, size in LETTERHEAD:
        _font(pdf, bold=size > 10, size=size)
        pdf.cell(0, size * 0.5, text, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    y = pdf.get_y()
    pdf.set_line_width(0.8)
    pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
    pdf.set_line_width(0.2)
    pdf.line(pdf.l_margin, y + 1.2, pdf.w - pdf.r_margin, y + 1.2)
    pdf.ln(3)
    _font(pdf, bold=True, size=8)
    pdf.set_x(pdf.w - pdf.r_margin - 42)
    pdf.cell(42, 5, form_code, border=1, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    _font(pdf, bold=True, size=12)
    pdf.multi_cell(0, 6, title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    _font(pdf)


def section(pdf: FPDF, title: str) -> None:
    """A heading kept on the same page as the first lines under it."""
    if _room(pdf) < 6:
        pdf.add_page()
    pdf.ln(2)
    _font(pdf, bold=True, size=9.5)
    pdf.cell(0, 6, title, new_x="LMARGIN", new_y="NEXT")
    _font(pdf)


def stamp(pdf: FPDF, text: str) -> None:
    """A framed remark such as the Kabid-absent decision, never split."""
    lines = _wrap(pdf, pdf.epw - 4, text, bold=True)
    if _room(pdf) < len(lines) + 1:
        pdf.add_page()
    pdf.ln(1)
    _font(pdf, bold=True)
    pdf.multi_cell(0, LINE, "\n".join(lines), border=1, align="L", padding=(1, 2),
                   new_x="LMARGIN", new_y="NEXT")
    _font(pdf)


# --- helper 2: tables that wrap and flow onto new pages -----------------------------------


def flow_table(pdf: FPDF, widths: list[float], rows: list, header: list[str] | None = None,
               bold_cols: tuple[int, ...] = ()) -> None:
    """Bordered table; a cell's text wraps, a row taller than the page goes on over the next
    page(s) line by line, and the header is repeated on each page. A row given as a plain
    string spans the whole width (a group heading)."""
    if header and _room(pdf) < 4:
        pdf.add_page()
    if header:
        _draw_row(pdf, widths, header, bold_cols=tuple(range(len(widths))), fill=True)
    for row in rows:
        if isinstance(row, str):
            if _room(pdf) < 4:  # a group heading stays with its first row
                _new_page_with_header(pdf, (widths, header))
            _draw_row(pdf, [sum(widths)], [row], bold_cols=(0,), fill=True, header=None)
        else:
            _draw_row(pdf, widths, row, bold_cols=bold_cols, header=(widths, header))


def label_value_table(pdf: FPDF, pairs: list[tuple[str, object]], label_width: float = 48):
    """The form's fields: label on the left in bold, the value wrapped on the right."""
    flow_table(pdf, [label_width, pdf.epw - label_width], pairs, bold_cols=(0,))


def _draw_row(pdf, widths, cells, bold_cols=(), fill=False, header=None) -> None:
    lines = [_wrap(pdf, w, text, bold=i in bold_cols) for i, (w, text) in
             enumerate(zip(widths, cells, strict=True))]
    while True:
        needed = max(len(cell) for cell in lines)
        room = _room(pdf)
        if needed > room and (needed <= KEEP_TOGETHER or room < 3):
            _new_page_with_header(pdf, header)
            continue
        take = min(needed, room)
        _draw_chunk(pdf, widths, [cell[:take] for cell in lines], bold_cols, fill)
        lines = [cell[take:] for cell in lines]
        if not any(lines):
            return
        _new_page_with_header(pdf, header)
        lines = [cell or (["(lanjutan)"] if i in bold_cols else []) for i, cell in
                 enumerate(lines)]


def _new_page_with_header(pdf, header) -> None:
    pdf.add_page()
    if header and header[1]:
        widths, titles = header
        _draw_row(pdf, widths, titles, bold_cols=tuple(range(len(widths))), fill=True)


def _draw_chunk(pdf, widths, chunk, bold_cols, fill) -> None:
    height = max(len(cell) for cell in chunk) * LINE + 2 * PAD
    x, top = pdf.l_margin, pdf.get_y()
    pdf.set_fill_color(232, 232, 232)
    for index, (width, cell_lines) in enumerate(zip(widths, chunk, strict=True)):
        pdf.rect(x, top, width, height, style="DF" if fill else "D")
        _font(pdf, bold=index in bold_cols)
        for number, text in enumerate(cell_lines):
            pdf.set_xy(x, top + PAD + number * LINE)
            pdf.cell(width, LINE, text, align="L")
        x += width
    pdf.set_xy(pdf.l_margin, top + height)


# --- helper 3: signature blocks ------------------------------------------------------------


def signature_blocks(pdf: FPDF, signatories: list[Signatory], per_row: int = 3) -> None:
    """Side by side: 'Denpasar, <date>', caption, position, space, name, NIP, stamp."""
    for start in range(0, len(signatories), per_row):
        _signature_row(pdf, signatories[start:start + per_row], pdf.epw / per_row)


def _signature_row(pdf: FPDF, row: list[Signatory], width: float) -> None:
    inner = width - 4
    heads = [_signature_head(pdf, s, inner) for s in row]
    names = [_wrap(pdf, inner, s.name or UNSIGNED, bold=True) for s in row]
    name_lines = max(len(n) for n in names)  # NIPs line up even when a name wraps
    tails = [[(text, True) for text in n] + [("", False)] * (name_lines - len(n))
             + _signature_tail(pdf, s, inner) for s, n in zip(row, names, strict=True)]
    head_lines = max(len(h) for h in heads)
    total = (head_lines + max(len(t) for t in tails)) * LINE + SIGNATURE_SPACE + 6
    if pdf.page_break_trigger - pdf.get_y() < total:
        pdf.add_page()
    pdf.ln(4)
    top = pdf.get_y()
    offset = (pdf.epw - width * len(row)) / 2  # a short last row is centred
    for index, (head, tail) in enumerate(zip(heads, tails, strict=True)):
        x = pdf.l_margin + offset + index * width + 2
        _centred_lines(pdf, x, top, inner, head)
        _centred_lines(pdf, x, top + head_lines * LINE + SIGNATURE_SPACE, inner, tail)
    pdf.set_xy(pdf.l_margin, top + total - 4)


def _signature_head(pdf, s: Signatory, width: float) -> list[tuple[str, bool]]:
    when = format_date(s.signed_on) if s.signed_on else UNSIGNED
    lines = [(f"Denpasar, {when}", False), (f"{s.caption},", False)]
    return lines + [(text, True) for text in _wrap(pdf, width, s.position, bold=True)]


def _signature_tail(pdf, s: Signatory, width: float) -> list[tuple[str, bool]]:
    lines = [(f"NIP. {s.nip or UNSIGNED}", False)]
    if s.stamp:
        lines += [(text, True) for text in _wrap(pdf, width, f"[{s.stamp}]", bold=True)]
    return lines


def _centred_lines(pdf, x: float, y: float, width: float, lines) -> None:
    for number, (text, bold) in enumerate(lines):
        _font(pdf, bold=bold)
        pdf.set_xy(x, y + number * LINE)
        pdf.cell(width, LINE, text.strip(), align="C")


# --- FM-01 and FM-03: a request ------------------------------------------------------------


def status_label(code: str) -> str:
    """The state's Indonesian name from the catalogue: the form is Indonesian for everyone."""
    return indonesian(STATE_LABELS.get(code, code))


def person(user, with_position: bool = True) -> str:
    if user is None:
        return "-"
    text = f"{user.full_name}\nNIP. {user.nip or '-'}"
    return f"{text}\n{user.position}" if with_position and user.position else text


def request_fields(req) -> list[tuple[str, object]]:
    head = [
        ("Nomor Permintaan", req.number or "Draf (belum diajukan)"),
        ("Tanggal", format_date(req.submitted_at or req.created_at)),
        ("Status", status_label(req.status)),
        ("Pemohon", req.requester.full_name),
        ("NIP", req.requester.nip),
        ("Jabatan", req.requester.position),
        ("Unit Kerja / Bidang", req.unit.name),
    ]
    if req.kind == Kind.IMPROVEMENT:
        body = [
            ("Sistem / Modul", req.system.name if req.system else None),
            ("Judul", req.title),
            ("Kondisi Saat Ini", req.current_condition),
            ("Usulan Penyempurnaan", req.proposed_improvement),
            ("Alasan / Manfaat", req.reason),
            ("Prioritas", PRIORITIES.get(req.priority, req.priority)),
            ("Tanggal yang Diharapkan", format_date(req.desired_date)),
        ]
    else:
        body = [
            ("Jenis Dukungan", req.support_type.name if req.support_type else None),
            ("Judul", req.title),
            ("Uraian Permintaan", req.description),
            ("Lokasi", req.location),
            ("Dibutuhkan Mulai", format_datetime(req.needed_from)),
            ("Dibutuhkan Sampai", format_datetime(req.needed_until)),
        ]
    names = ", ".join(a.original_name for a in req.attachments)
    return head + body + [("Lampiran", names)]


def _approval_text(assignment) -> str:
    if assignment.approval == Approval.KABID:
        who = assignment.approved_by.full_name if assignment.approved_by else "Kabid Dalak"
        return f"Disetujui Kabid Dalak ({who}, {format_date(assignment.approved_at)})"
    if assignment.approval == Approval.KASI_ALONE:  # SOP 9.2.5
        return decided_alone_stamp(assignment.absence_reason)
    if assignment.approval == Approval.KASI:
        return "Penugasan ulang oleh Kasi PDSI (SOP 9.3)"
    if assignment.approval == Approval.PENDING:
        return "Menunggu persetujuan Kabid Dalak"
    return "Tidak disetujui Kabid Dalak"


def _outcome_text(assignment) -> str:
    outcome = assignment.outcome
    label = indonesian(OUTCOME_LABELS[outcome]) if outcome in OUTCOME_LABELS else None
    if outcome == Outcome.DONE:
        return f"{label}, {format_date(assignment.completed_at or assignment.ended_at)}"
    if outcome in (Outcome.OBSTACLE, Outcome.REASSIGNED):
        return f"{label} ({format_date(assignment.ended_at)}): {_clean(assignment.outcome_note)}"
    if outcome == Outcome.DECLINED:
        return f"{label}: {_clean(assignment.outcome_note)}"
    if assignment.completed_at:
        return f"Dilaporkan selesai {format_date(assignment.completed_at)}"
    return "Sedang dikerjakan" if assignment.is_current else "-"


def assignment_rows(req) -> list[list[str]]:
    return [[
        str(number),
        person(a.officer, with_position=False),
        f"{format_date(a.assigned_at)}\noleh {a.assigned_by.full_name if a.assigned_by else '-'}",
        format_date(a.target_date),
        _approval_text(a),
        _outcome_text(a),
    ] for number, a in enumerate(req.assignments, start=1)]


def _actor_text(row) -> str:
    text = person(row.actor)
    if row.on_behalf_of is not None:
        text += "\n" + acting_for_stamp(row.on_behalf_of.full_name)
    return text


def _note_text(row) -> str:
    parts = [row.note] if row.note else []
    if row.stamp:
        parts.append(f"[{row.stamp}]")
    return "\n".join(parts) or "-"


def history_rows(req) -> list[list[str]]:
    return [[
        str(number),
        format_datetime(row.created_at).replace(", ", "\n"),
        indonesian(DECISION_LABELS.get(row.action, row.action)),
        _actor_text(row),
        status_label(row.to_state),
        _note_text(row),
    ] for number, row in enumerate(req.history, start=1)]


def obstacle_rows(req) -> list[list[str]]:
    return [[format_date(row.created_at), person(row.actor, with_position=False), row.note]
            for row in req.history if row.action == "report_obstacle"]


def kabid_absent_stamps(req) -> list[str]:
    """One stamp per decision the Kasi took alone because the Kabid was absent (SOP 9.2.5)."""
    return [f"{decided_alone_stamp(row.absence_reason)}: {format_date(row.created_at)}, "
            f"{row.actor.full_name}"
            for row in req.history if row.decided_alone]


def _last(req, *actions):
    rows = [row for row in req.history if row.action in actions]
    return rows[-1] if rows else None


def _position(row, fallback: str) -> str:
    """The signer's position; 'Plh. <position of the absent official>' when acting for them."""
    if row.on_behalf_of is not None:
        return f"Plh. {row.on_behalf_of.position or fallback}"
    return row.actor.position or fallback


def _signed_by(caption: str, row, fallback_user, fallback_position: str,
               stamp_text: str | None = None) -> Signatory:
    if row is None:
        user = fallback_user
        position = (user.position if user is not None else None) or fallback_position
        return Signatory(caption, position, user.full_name if user else "",
                         user.nip if user else None)
    return Signatory(caption, _position(row, fallback_position), row.actor.full_name,
                     row.actor.nip, row.created_at, stamp_text)


def request_signatories(req, kasi=None) -> list[Signatory]:
    """Dibuat oleh (requester), Disetujui oleh (unit head or Plh), Mengetahui (Kabid when he
    approved, else the Kasi who assessed)."""
    submitted = _last(req, "submit")
    requester = Signatory("Dibuat oleh", req.requester.position or "Pemohon",
                          req.requester.full_name, req.requester.nip,
                          req.submitted_at or (submitted.created_at if submitted else None))
    approval = _last(req, "unit_approve")
    if approval is None and submitted is not None and submitted.to_state == "pending_assessment":
        approval = submitted  # the requester heads the unit: submitting is approving
    head_position = f"Kepala {req.unit.name}"
    approver = _signed_by("Disetujui oleh", approval, req.unit.head, head_position)
    kabid_row = _last(req, "kabid_approve")
    if kabid_row is not None and not kabid_row.decided_alone:
        knower = _signed_by("Mengetahui", kabid_row, None, KABID_POSITION)
    else:  # the Kasi assessed, or decided for an absent Kabid (SOP 9.2.5)
        decision = kabid_row or _last(req, "assess")
        alone = decision is not None and decision.decided_alone
        knower = _signed_by("Mengetahui", decision, kasi, KASI_POSITION,
                            KABID_ABSENT_STAMP if alone else None)
    return [requester, approver, knower]


def request_pdf(req, signatories: list[Signatory], printed_at: dt.datetime) -> bytes:
    """FM-DALAK-DAT-02-01 or FM-DALAK-DAT-02-03 for one request."""
    pdf = FormPdf(req.form_code, req.number or f"Draf #{req.id}", printed_at)
    pdf.add_page()
    letterhead(pdf, req.form_code, "FORMULIR " + indonesian(KIND_LABELS[req.kind]).upper())
    label_value_table(pdf, request_fields(req))
    section(pdf, "PENUGASAN PETUGAS IT")
    flow_table(pdf, [7, 38, 30, 24, 40, pdf.epw - 139], assignment_rows(req) or [
        ["-", "Belum ada penugasan.", "-", "-", "-", "-"]],
        header=["No", "Pelaksana (Petugas IT)", "Ditugaskan", "Target Waktu", "Persetujuan",
                "Hasil"])
    for text in kabid_absent_stamps(req):
        stamp(pdf, text)
    section(pdf, "KENDALA")
    flow_table(pdf, [27, 45, pdf.epw - 72], obstacle_rows(req) or [["-", "-", "Tidak ada."]],
               header=["Tanggal", "Petugas IT", "Kendala"])
    section(pdf, "RIWAYAT PERSETUJUAN DAN TINDAK LANJUT")
    flow_table(pdf, [7, 23, 26, 56, 25, pdf.epw - 137], history_rows(req) or [
        ["-", "-", "-", "-", "-", "Belum ada riwayat."]],
        header=["No", "Waktu", "Keputusan", "Oleh", "Status", "Catatan"])
    signature_blocks(pdf, signatories)
    return bytes(pdf.output())


# --- FM-02: one day's checklist ------------------------------------------------------------


@dataclass
class ChecklistDay:
    """What the view loaded for one day: its rounds by slot, the items, incidents, the Kasi."""

    day: dt.date
    slots: list[str]
    rounds: dict  # slot -> ChecklistRound
    items: list  # active CheckItems, for rounds not filled in
    incidents: list
    kasi: object | None = None
    non_working: str | None = None


def _round_row(slot: str, rnd, non_working: str | None) -> list:
    if rnd is None:
        state = f"Bukan hari kerja: {non_working}" if non_working else "Belum dijadwalkan"
        return [format_slot(slot), state, "-", "-"]
    return [format_slot(slot), ROUND_STATES.get(rnd.status, rnd.status),
            person(rnd.officer, with_position=False) if rnd.officer else "-",
            format_time(rnd.submitted_at) if rnd.submitted_at else "-"]


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
        f"Dilaporkan: {i.reported_by.full_name if i.reported_by else '-'}\n"
        f"Dicatat: {i.recorded_by.full_name if i.recorded_by else '-'}",
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
    kasi = data.kasi
    blocks.append(Signatory("Mengetahui", (kasi.position if kasi else None) or KASI_POSITION,
                            kasi.full_name if kasi else "", kasi.nip if kasi else None, data.day))
    return blocks


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
        header=["Waktu", "Sistem / Modul", "Uraian", "Pelapor", "Tindakan", "Status"])
    signature_blocks(pdf, checklist_signatories(data))
    return bytes(pdf.output())
