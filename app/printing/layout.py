"""What the three paper forms of SOP 10 share (fpdf2): the page with its footer, the
letterhead, tables and signature blocks. The forms themselves are `request_form` (FM-01, FM-03)
and `checklist_form` (FM-02). Three helpers draw everything: `letterhead`, `flow_table`
(wrapped cells that continue on the next page instead of being cut) and `signature_blocks`.
Layouts take loaded objects and return PDF bytes; they query nothing.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import MethodReturnValue

from app.timeutil import format_date, format_datetime

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
)
DEFAULT_ADDRESS = "GRAHA SEWAKA DHARMA, JL. MAJAPAHIT, LUMINTANG, DENPASAR"
EMBLEM_WIDTH = 20  # mm
QR_SIZE = 24  # mm: a phone reads it from paper, pdftoppm at 150 dpi too
# The electronic-signature stamp (width, height in mm), under the last content of the last
# page; `FormPdf.output` keeps the room and notes where (`PrintOptions.stamp_box`).
STAMP_SIZE = (100, 20)
KASI_POSITION = "Kepala Seksi Pengolahan Data dan Sistem Informasi Penanaman Modal"
KABID_POSITION = ("Kepala Bidang Pengendalian Pelaksanaan Penanaman Modal dan Informasi "
                  "Penanaman Modal")
UNSIGNED = "...................."

@dataclass
class Office:
    """The letterhead's and the document control's data (config.py, the Admin's logo)."""

    address: str = DEFAULT_ADDRESS
    phone: str = ""
    email: str = ""
    website: str = ""
    revision: str = "00"
    effective_date: dt.date | None = None
    logo: bytes | None = None  # PNG or JPEG; None draws the default emblem

    def contact_line(self) -> str:
        parts = [("Telp. " + self.phone) if self.phone else "",
                 ("Pos-el: " + self.email) if self.email else "",
                 ("Laman: " + self.website) if self.website else ""]
        return " · ".join(part for part in parts if part)


@dataclass
class PrintOptions:
    """What a print carries besides its content: the office, the verification code and its
    address (QR), and whether the foot of the last page is kept for a signature stamp."""

    office: Office = field(default_factory=Office)
    verification_code: str | None = None
    verification_url: str | None = None
    stamp_room: bool = False
    # (page index, x, y from the top, width, height) in mm, set when the PDF is written.
    stamp_box: tuple[int, float, float, float, float] | None = None


_OPTIONS: contextvars.ContextVar[PrintOptions | None] = contextvars.ContextVar(
    "print_options", default=None)


@contextlib.contextmanager
def print_options(options: PrintOptions):
    """The options every FormPdf made inside takes when it is given none (a view prints a
    form whose layout module does not know about verification)."""
    token = _OPTIONS.set(options)
    try:
        yield options
    finally:
        _OPTIONS.reset(token)


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

    def __init__(self, form_code: str, reference: str, printed_at: dt.datetime,
                 options: PrintOptions | None = None):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.form_code, self.reference, self.printed_at = form_code, reference, printed_at
        self.options = options or _OPTIONS.get() or PrintOptions()
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
        self.set_y(-13)
        self.set_font(FONT, "", 7)
        self.cell(self.epw * 0.75, 3.5, f"{self.form_code} · {self.reference} · dicetak "
                  f"{format_datetime(self.printed_at)}")
        self.cell(self.epw * 0.25, 3.5, f"Halaman {self.page_no()} dari {{nb}}", align="R",
                  new_x="LMARGIN", new_y="NEXT")
        code = self.options.verification_code
        if code:
            self.set_font(FONT, "", 6.5)
            self.cell(self.epw, 3.5, f"Kode Verifikasi {code} · periksa keaslian di "
                      f"{self.options.verification_url}")

    def output(self, *args, **kwargs):
        """Keeps room for the signature stamp under the last content (a new page when the
        last one is full) and notes where it is (`options.stamp_box`)."""
        if self.options.stamp_room and self.page > 0 and self.options.stamp_box is None:
            width, height = STAMP_SIZE
            if self.get_y() + 3 + height > self.page_break_trigger:
                self.add_page()
            self.options.stamp_box = (self.page - 1, self.l_margin, self.get_y() + 3, width,
                                      height)
        return super().output(*args, **kwargs)


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


def letterhead(pdf: FormPdf, form_code: str, title: str) -> None:
    """Kop surat: the emblem, the office's name, address and contacts, the QR code with its
    verification code; the double rule; the document control (form code, revision,
    effective date) and the form's title."""
    office, top = pdf.options.office, pdf.get_y()
    pdf.image(io.BytesIO(office.logo or default_emblem()), x=pdf.l_margin, y=top,
              w=EMBLEM_WIDTH)
    left = pdf.l_margin + EMBLEM_WIDTH + 3
    width = pdf.w - pdf.r_margin - QR_SIZE - 3 - left
    lines = [*LETTERHEAD, (office.address, 9)]
    if office.contact_line():
        lines.append((office.contact_line(), 7.5))
    pdf.set_y(top + 1)
    for text, size in lines:
        _font(pdf, bold=size > 10, size=_fitting(pdf, text, size, width, bold=size > 10))
        pdf.set_x(left)
        pdf.cell(width, size * 0.5, text, align="C", new_x="LMARGIN", new_y="NEXT")
    bottom = max(pdf.get_y(), top + QR_SIZE)
    if pdf.options.verification_url:
        bottom = max(bottom, _qr(pdf, top))
    pdf.set_y(bottom + 1)
    y = pdf.get_y()
    pdf.set_line_width(0.8)
    pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
    pdf.set_line_width(0.2)
    pdf.line(pdf.l_margin, y + 1.2, pdf.w - pdf.r_margin, y + 1.2)
    pdf.ln(3)
    _document_control(pdf, form_code, office)
    pdf.ln(1)
    _font(pdf, bold=True, size=12)
    pdf.multi_cell(0, 6, title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    _font(pdf)


def _fitting(pdf: FPDF, text: str, size: float, width: float, bold: bool) -> float:
    """The size at most `size` at which the line fits on one line of `width`."""
    _font(pdf, bold, size)
    while size > 6 and pdf.get_string_width(text) > width:
        size -= 0.5
        _font(pdf, bold, size)
    return size


def _qr(pdf: FormPdf, top: float) -> float:
    """The QR code of the verification address at the right of the letterhead, the short
    code under it; returns where it ends."""
    import segno  # only a print needs it

    x = pdf.w - pdf.r_margin - QR_SIZE
    image = io.BytesIO()
    segno.make(pdf.options.verification_url, error="m").save(image, kind="png", scale=8,
                                                              border=2)
    image.seek(0)
    pdf.image(image, x=x, y=top, w=QR_SIZE, h=QR_SIZE)
    _font(pdf, bold=True, size=6.5)
    pdf.set_xy(x - 1, top + QR_SIZE)
    pdf.cell(QR_SIZE + 2, 3, pdf.options.verification_code or "", align="C")
    _font(pdf, size=5)
    pdf.set_xy(x - 1, top + QR_SIZE + 3)
    pdf.multi_cell(QR_SIZE + 2, 2.2, "Pindai untuk memeriksa\nkeaslian dokumen", align="C")
    return top + QR_SIZE + 7.5


def _document_control(pdf: FPDF, form_code: str, office: Office) -> None:
    """The quality form's control box at the right: form code, revision, effective date."""
    widths = (40, 16, 34)
    x = pdf.w - pdf.r_margin - sum(widths)
    effective = format_date(office.effective_date) if office.effective_date else "-"
    for bold, cells in ((True, ("Nomor Formulir", "Revisi", "Tanggal Berlaku")),
                        (False, (form_code, office.revision or "-", effective))):
        _font(pdf, bold=bold, size=7)
        pdf.set_x(x)
        for width, text in zip(widths, cells, strict=True):
            pdf.cell(width, 4.5, text, border=1, align="C")
        pdf.ln(4.5)
    _font(pdf)


_EMBLEM: list[bytes] = []


def default_emblem() -> bytes:
    """A plain shield with the city's initials: the letterhead's emblem until the Admin
    uploads the office's own (Kop Surat)."""
    if not _EMBLEM:
        from PIL import Image, ImageDraw  # Pillow comes with fpdf2

        image = Image.new("RGB", (200, 240), "white")
        draw = ImageDraw.Draw(image)
        shield = [(10, 10), (190, 10), (190, 130), (100, 230), (10, 130)]
        draw.polygon(shield, fill=(200, 30, 40), outline=(120, 90, 20), width=8)
        draw.polygon([(40, 40), (160, 40), (160, 120), (100, 190), (40, 120)],
                     fill=(240, 200, 60))
        draw.rectangle((85, 60, 115, 150), fill=(200, 30, 40))
        draw.rectangle((60, 85, 140, 110), fill=(200, 30, 40))
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        _EMBLEM.append(buffer.getvalue())
    return _EMBLEM[0]


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


def person(user, with_position: bool = True) -> str:
    if user is None:
        return "-"
    text = f"{user.full_name}\nNIP. {user.nip or '-'}"
    return f"{text}\n{user.position}" if with_position and user.position else text
