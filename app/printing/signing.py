"""Electronic signature of the printed forms (SPEC §6): where SIGNING_CERT (a PKCS#12 file)
and SIGNING_CERT_PASSWORD are configured, every print is signed as PAdES with pyHanko, with a
visible stamp "Ditandatangani secara elektronik" (signer, time) under the last content
(`PrintOptions.stamp_box`, kept free by the layout). pyHanko and its dependencies are imported
only here, on a signed print."""

from __future__ import annotations

import datetime as dt
import io

from flask import current_app

from app.timeutil import format_datetime

PT_PER_MM = 72 / 25.4
A4_HEIGHT_MM = 297
FIELD_NAME = "TTE"


def signing_configured() -> bool:
    return bool(current_app.config.get("SIGNING_CERT"))


def _box_in_points(x: float, y: float, w: float, h: float) -> tuple[int, int, int, int]:
    """fpdf's box (x, y from the top, w, h in mm) as PDF's (x1, y1, x2, y2) from the bottom."""
    bottom = A4_HEIGHT_MM - y - h
    return (round(x * PT_PER_MM), round(bottom * PT_PER_MM), round((x + w) * PT_PER_MM),
            round((bottom + h) * PT_PER_MM))


def sign_pdf(data: bytes, signed_at: dt.datetime,
             box: tuple[int, float, float, float, float]) -> bytes:
    """The PDF signed with the configured certificate (PAdES B-B), its stamp in `box`
    (page index, x, y from the top, width, height in mm)."""
    from pyhanko import stamp
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.sign import fields, signers

    config = current_app.config
    password = config.get("SIGNING_CERT_PASSWORD")
    signer = signers.SimpleSigner.load_pkcs12(
        config["SIGNING_CERT"], passphrase=password.encode() if password else None)
    if signer is None:
        raise RuntimeError("SIGNING_CERT could not be read")
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    page, *rectangle = box
    fields.append_signature_field(writer, fields.SigFieldSpec(
        FIELD_NAME, on_page=page, box=_box_in_points(*rectangle)))
    subject = signer.signing_cert.subject
    name = subject.native.get("common_name") or subject.human_friendly
    pdf_signer = signers.PdfSigner(
        signers.PdfSignatureMetadata(field_name=FIELD_NAME, md_algorithm="sha256",
                                     subfilter=fields.SigSeedSubFilter.PADES,
                                     reason="Dokumen ini ditandatangani secara elektronik",
                                     location="Denpasar"),
        signer=signer,
        stamp_style=stamp.TextStampStyle(
            stamp_text="Ditandatangani secara elektronik\nOleh: %(penanda)s\n"
                       "Waktu: %(waktu)s",
            text_box_style=TextBoxStyle(font_size=8), border_width=1),
    )
    out = io.BytesIO()
    pdf_signer.sign_pdf(writer, output=out, appearance_text_params={
        "penanda": name, "waktu": format_datetime(signed_at)})
    return out.getvalue()
