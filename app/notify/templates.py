"""One email per event, in Indonesian (SPEC §5). `{...}` fields come from `outbox.context`."""

REQUEST_EVENTS: dict[str, tuple[str, str]] = {
    "submit": (
        "Permintaan {number} menunggu persetujuan Anda",
        "{actor} mengajukan {form_name} nomor {number}: \"{title}\".{needed_line}\n"
        "Mohon persetujuan Anda sebagai Kepala {unit}.",
    ),
    "submit_direct": (
        "Permintaan {number} menunggu kajian Kasi PDSI",
        "{actor}, Kepala {unit}, mengajukan {form_name} nomor {number}: \"{title}\"."
        "{needed_line}\nPermintaan langsung diteruskan untuk dikaji.",
    ),
    "unit_approve": (
        "Permintaan {number} disetujui Kepala Unit, menunggu kajian",
        "{actor} menyetujui {form_name} nomor {number}: \"{title}\" dari {requester} ({unit})."
        "{needed_line}\nMohon dikaji dan ditentukan petugas serta target waktunya.",
    ),
    "unit_reject": (
        "Permintaan {number} ditolak Kepala Unit",
        "{actor} menolak permintaan Anda nomor {number}: \"{title}\".\nAlasan: {note}",
    ),
    "unit_return": (
        "Permintaan {number} dikembalikan untuk perbaikan",
        "{actor} mengembalikan permintaan Anda nomor {number}: \"{title}\" untuk diperbaiki.\n"
        "Catatan: {note}",
    ),
    "assess_proposal": (
        "Usulan Kasi PDSI untuk permintaan {number} menunggu persetujuan Anda",
        "{actor} mengkaji {form_name} nomor {number}: \"{title}\".\n"
        "Usulan: {proposal}\nMohon persetujuan Bapak/Ibu Kabid Dalak.",
    ),
    "assigned": (
        "Penugasan permintaan {number}: target {target_date}",
        "{form_name} nomor {number}: \"{title}\" dari {requester} ({unit}) ditugaskan kepada "
        "{officer} dengan target waktu {target_date}.{needed_line}{stamp_line}",
    ),
    "rejected": (
        "Permintaan {number} tidak dapat ditindaklanjuti",
        "{form_name} nomor {number}: \"{title}\" dinilai tidak layak dikerjakan.\n"
        "Alasan: {reason}{stamp_line}",
    ),
    "decided_alone": (
        "Permintaan {number} diputuskan Kasi PDSI saat Bapak/Ibu berhalangan",
        "{actor} memutuskan {form_name} nomor {number}: \"{title}\" tanpa persetujuan Kabid Dalak "
        "karena Kabid Dalak berhalangan hadir.\nKeputusan: {decision}{stamp_line}",
    ),
    "kabid_decline": (
        "Usulan untuk permintaan {number} dikembalikan Kabid Dalak",
        "{actor} tidak menyetujui usulan untuk {form_name} nomor {number}: \"{title}\".\n"
        "Catatan: {note}\nMohon dikaji ulang.",
    ),
    "report_obstacle": (
        "Kendala dilaporkan pada permintaan {number}",
        "{actor} melaporkan kendala pada {form_name} nomor {number}: \"{title}\" "
        "(target {target_date}).\nKendala: {note}\nMohon ditugaskan ulang dengan target baru.",
    ),
    "report_done": (
        "Permintaan {number} dilaporkan selesai",
        "{actor} melaporkan {form_name} nomor {number}: \"{title}\" telah selesai.\n"
        "Yang dikerjakan: {note}",
    ),
    "accept_done": (
        "Permintaan {number} selesai",
        "{actor} menerima hasil pekerjaan {form_name} nomor {number}: \"{title}\". "
        "Permintaan dinyatakan selesai.",
    ),
    "return_done": (
        "Hasil pekerjaan permintaan {number} dikembalikan",
        "{actor} mengembalikan hasil pekerjaan {form_name} nomor {number}: \"{title}\".\n"
        "Catatan: {note}\nTarget waktu tetap {target_date}.",
    ),
    "reassign": (
        "Penugasan ulang permintaan {number}: target {target_date}",
        "{actor} menugaskan ulang {form_name} nomor {number}: \"{title}\" kepada {officer} "
        "dengan target waktu baru {target_date}.\nCatatan: {note}",
    ),
}

FOOTER = (
    "\n\nLihat permintaan: {link}\n\n--\nLayanan TI DPMPTSP Kota Denpasar\n"
    "Email ini dikirim otomatis; mohon tidak membalas."
)
