"""FM-DALAK-DAT-02-01 and -03 as PDF: a request with its assignments, obstacles and approval
trail, laid out like the office's paper form (the shared parts are in `layout`)."""

from __future__ import annotations

import datetime as dt

from app.i18n import indonesian
from app.printing.layout import (
    KABID_POSITION,
    KASI_POSITION,
    FormPdf,
    Signatory,
    _clean,
    flow_table,
    label_value_table,
    letterhead,
    person,
    section,
    signature_blocks,
    stamp,
)
from app.requests.models import CATEGORIES, PRIORITIES
from app.timeutil import format_date, format_datetime
from app.workflow.vocabulary import (
    ASSESSMENT_LABELS,
    DECISION_LABELS,
    KABID_ABSENT_STAMP,
    KIND_LABELS,
    OUTCOME_LABELS,
    REJECTION_APPROVED,
    STATE_LABELS,
    Approval,
    Kind,
    Outcome,
    acting_for_stamp,
    decided_alone_stamp,
)


def status_label(code: str) -> str:
    """The state's Indonesian name from the catalogue: the form is Indonesian for everyone."""
    return indonesian(STATE_LABELS.get(code, code))




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
            ("Kategori", indonesian(CATEGORIES.get(req.category, req.category))),
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
            ("Perangkat", str(req.asset) if req.asset else None),
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


def decision_label(row) -> str:
    """What a history row decided; the Kabid's approval of a 'not feasible' proposal is the
    approval of the rejection (SOP 9.2.3), not of an assignment."""
    if row.action == "kabid_approve" and row.to_state == "rejected":
        return indonesian(REJECTION_APPROVED)
    return indonesian(DECISION_LABELS.get(row.action, row.action))


def history_rows(req) -> list[list[str]]:
    return [[
        str(number),
        format_datetime(row.created_at).replace(", ", "\n"),
        decision_label(row),
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


def _after(req, first, *actions):
    """The first row of `actions` after the row `first`."""
    return next((row for row in req.history if row.id > first.id and row.action in actions),
                None)


def assessment(req) -> tuple[bool | None, object, object]:
    """The Kasi's last assessment (SOP 9.2.3): (feasible, its history row, the Kabid's
    decision on it or None). Feasible is None while nothing says (declined, not assessed)."""
    assessed = _last(req, "assess")
    if assessed is None:
        return None, None, None
    decided = _after(req, assessed, "kabid_approve", "kabid_decline")
    final = decided or assessed
    if final.to_state in ("in_progress", "rejected"):
        return final.to_state == "in_progress", assessed, decided
    if final.to_state == "pending_kabid_approval":
        return req.proposal_feasible, assessed, decided
    return None, assessed, decided


def _kabid_on_assessment(row) -> str:
    if row is None:
        return "Menunggu persetujuan Kabid Dalak"
    who = f"{row.actor.full_name}, {format_date(row.created_at)}"
    if row.action == "kabid_decline":
        return f"Dikembalikan Kabid Dalak untuk dikaji ulang ({who})"
    if row.decided_alone:
        return decided_alone_stamp(row.absence_reason)
    if row.to_state == "rejected":
        return f"{indonesian(REJECTION_APPROVED)} ({who})"
    return f"Disetujui Kabid Dalak ({who})"


def assessment_fields(req) -> list[tuple[str, object]]:
    """The block "Hasil Kajian Kasi PDSI": Layak / Tidak Layak, the reason, who, when, and
    the Kabid's decision on it."""
    feasible, assessed, decided = assessment(req)
    if assessed is None:
        return [("Hasil Kajian Kasi PDSI", "Belum dikaji.")]
    verdict = indonesian(ASSESSMENT_LABELS[feasible]) if feasible is not None else "-"
    kabid = (decided_alone_stamp(assessed.absence_reason) if assessed.decided_alone
             else _kabid_on_assessment(decided))
    return [
        ("Hasil Kajian Kasi PDSI", verdict),
        ("Alasan" if feasible is False else "Catatan", assessed.note),
        ("Dikaji oleh", person(assessed.actor)),
        ("Tanggal Kajian", format_datetime(assessed.created_at)),
        ("Keputusan Kabid Dalak", kabid),
    ]


def no_assignment_text(req) -> str:
    """The assignment section of a request that has none, saying why."""
    feasible, _assessed, _decided = assessment(req)
    if req.status == "rejected" and feasible is False:
        return "Tidak ada penugasan: permintaan dinilai Tidak Layak oleh Kasi PDSI."
    if req.status == "rejected":
        return "Tidak ada penugasan: permintaan ditolak Kepala Unit."
    if req.status == "cancelled":
        return "Tidak ada penugasan: permintaan dibatalkan pemohon."
    return "Belum ada penugasan."


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
    return [requester, approver, knower, *_work_signatories(req, kabid_row)]


def _work_signatories(req, kabid_row) -> list[Signatory]:
    """The Kasi who assessed (when the Kabid signs 'Mengetahui'), the officer who carried the
    work out (SOP 9.3), and the requester who received the result."""
    blocks = []
    assessed = _last(req, "assess")
    if assessed is not None and kabid_row is not None and not kabid_row.decided_alone:
        blocks.append(_signed_by("Dikaji oleh", assessed, None, KASI_POSITION))
    done = next((a for a in reversed(req.assignments) if a.outcome == Outcome.DONE), None)
    if done is not None:
        officer = done.officer
        blocks.append(Signatory("Dilaksanakan oleh", officer.position or "Petugas IT",
                                officer.full_name, officer.nip,
                                done.completed_at or done.ended_at))
    received = _last(req, "acknowledge")
    if received is not None:
        note = f"Catatan: {received.note}" if received.note else None
        blocks.append(Signatory("Hasil diterima oleh", received.actor.position or "Pemohon",
                                received.actor.full_name, received.actor.nip,
                                received.created_at, note))
    return blocks


def request_pdf(req, signatories: list[Signatory], printed_at: dt.datetime) -> bytes:
    """FM-DALAK-DAT-02-01 or FM-DALAK-DAT-02-03 for one request."""
    pdf = FormPdf(req.form_code, req.number or f"Draf #{req.id}", printed_at)
    pdf.add_page()
    letterhead(pdf, req.form_code, "FORMULIR " + indonesian(KIND_LABELS[req.kind]).upper())
    label_value_table(pdf, request_fields(req))
    section(pdf, "HASIL KAJIAN KASI PDSI")
    label_value_table(pdf, assessment_fields(req))
    section(pdf, "PENUGASAN PETUGAS IT")
    flow_table(pdf, [7, 38, 30, 24, 40, pdf.epw - 139], assignment_rows(req) or [
        ["-", no_assignment_text(req), "-", "-", "-", "-"]],
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
