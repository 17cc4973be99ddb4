"""Electronic signature of the prints (issue 19, SPEC §6): with a PKCS#12 certificate made here
(cryptography, self-signed) the PDF is signed PAdES; pyHanko validates it against that
certificate as the trust root, and the validation fails after one byte is changed. Without a
certificate a print is not signed.

Works in May 2033, a month no other test uses.
"""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from app.checklist import calendar
from app.extensions import db
from app.timeutil import WITA, to_utc_naive
from tests.helpers import ROOT, read_pdf
from tests.workflow_helpers import request_in

PASSWORD = "rahasia-tte-2033"
SIGNER = "Kasi PDSI DPMPTSP Kota Denpasar"
FORMS_DIR = ROOT / "test-artifacts" / "forms"


def at(text: str) -> dt.datetime:
    return to_utc_naive(dt.datetime.fromisoformat(text).replace(tzinfo=WITA))


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed signing certificate as PKCS#12 in a temporary folder, and its DER."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, SIGNER),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Pemerintah Kota Denpasar"),
                      x509.NameAttribute(NameOID.COUNTRY_NAME, "ID")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(
                digital_signature=True, content_commitment=True, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True,
                crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .sign(key, hashes.SHA256()))
    path = tmp_path_factory.mktemp("tte") / "tte.p12"
    path.write_bytes(pkcs12.serialize_key_and_certificates(
        b"tte", key, cert, None,
        serialization.BestAvailableEncryption(PASSWORD.encode())))
    return str(path), cert.public_bytes(serialization.Encoding.DER)


@pytest.fixture()
def signing(app, monkeypatch, certificate):
    monkeypatch.setitem(app.config, "SIGNING_CERT", certificate[0])
    monkeypatch.setitem(app.config, "SIGNING_CERT_PASSWORD", PASSWORD)
    return certificate[1]


@pytest.fixture()
def year_2033(ctx):
    calendar.seed_year(2033)
    db.session.commit()


def validation(data: bytes, trusted_der: bytes):
    reader = PdfFileReader(io.BytesIO(data))
    [signature] = reader.embedded_signatures
    context = ValidationContext(trust_roots=[asn1_x509.Certificate.load(trusted_der)])
    return signature, validate_pdf_signature(signature, context)


def test_a_signed_print_validates_and_one_changed_byte_breaks_it(year_2033, backend, signing,
                                                                 api):
    req = request_in("done", now=at("2033-05-02T09:00"))  # a Monday
    response = api("kasi.pdsi").get(f"/print/improvement_request/{req.id}.pdf")
    pages, text = read_pdf(response)
    data = response.data
    assert req.number in text  # the form itself is untouched

    signature, status = validation(data, signing)
    assert status.bottom_line, status.pretty_print_details()
    assert status.intact and status.valid and status.trusted
    assert status.signing_cert.subject.native["common_name"] == SIGNER
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES
    stamp = signature.sig_field["/AP"]["/N"].get_object().data
    assert b"Ditandatangani secara elektronik" in stamp and SIGNER.encode() in stamp

    FORMS_DIR.mkdir(parents=True, exist_ok=True)
    (FORMS_DIR / f"fm01-signed-{backend}.pdf").write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "100", "-png", "-f", str(pages), "-l", str(pages),
                    str(FORMS_DIR / f"fm01-signed-{backend}.pdf"),
                    str(FORMS_DIR / f"fm01-signed-{backend}")], check=True)

    # One byte inside the signed range: the form's title in the document information.
    where = data.index(b"FM-DALAK-DAT-02-01")
    forged = data[:where] + b"G" + data[where + 1:]
    _signature, broken = validation(forged, signing)
    assert not broken.intact and not broken.bottom_line  # the digest no longer matches


def test_without_a_certificate_prints_are_not_signed(year_2033, api):
    req = request_in("done", now=at("2033-05-03T09:00"))
    response = api("kasi.pdsi").get(f"/print/improvement_request/{req.id}.pdf")
    read_pdf(response)
    assert PdfFileReader(io.BytesIO(response.data)).embedded_signatures == []


def test_the_checklist_print_is_signed_too(year_2033, signing, api):
    response = api("kasi.pdsi").get("/print/checklist/2033-05-04.pdf")
    _signature, status = validation(response.data, signing)
    assert status.intact and status.valid and status.trusted


def test_the_app_does_not_load_pyhanko_segno_or_fpdf_until_a_print(tmp_path):
    """Workers, the clock and the CLI carry none of the print libraries (memory)."""
    script = (
        "import sys\n"
        "from app import create_app\n"
        "from config import TestConfig\n"
        f"create_app(TestConfig, SQLALCHEMY_DATABASE_URI='sqlite:///{tmp_path}/x.db')\n"
        "print(sorted(m for m in ('pyhanko', 'segno', 'fpdf') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"
