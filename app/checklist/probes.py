"""Automatic probes that pre-fill suggested results for checklist items.

Standard library only (no Flask, no database) so it runs the same from a view,
a CLI command or the scheduler. run_probe never raises: a broken probe or a bad
spec must show up as a fault for the officer, not as a crashed checklist round.
"""
from __future__ import annotations

import concurrent.futures as cf
import errno
import math
import shutil
import socket
import ssl
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class ProbeSpec:
    key: object  # caller's id (e.g. check item id), returned unchanged
    kind: str  # "http" | "tcp" | "disk"
    target: str  # http: URL; tcp: "host:port"; disk: filesystem path
    expect: str | None = None  # http: status code (default "200"); disk: min free % (default "10")


@dataclass(frozen=True)
class ProbeResult:
    key: object
    result: str  # "ok" | "fault"
    value: str  # measured value for the officer; "" when nothing could be measured
    error: str | None = None  # Indonesian explanation on fault


class _Invalid(Exception):
    """A fault whose message is already a finished Indonesian sentence."""


def _num(x: float, decimals: int | None = None) -> str:
    """Indonesian number format: '.' groups thousands, ',' marks decimals.

    With decimals=None, up to 2 decimals and no trailing zeros (for limits such
    as "10" or "100,1" that should read the way the admin typed them).
    """
    text = f"{x:,.{2 if decimals is None else decimals}f}"
    if decimals is None and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.translate(str.maketrans(",.", ".,"))


def _expect(spec: ProbeSpec, default: str) -> str:
    text = "" if spec.expect is None else str(spec.expect).strip()
    return text or default


# What the officer reads for each failure: words, never the exception's own text ("[Errno 111]
# Connection refused"). First match wins: SSLCertVerificationError must precede SSLError, both
# precede OSError.
_CAUSES = [
    (ConnectionRefusedError, "Koneksi ditolak: tidak ada layanan yang menjawab di alamat ini"),
    (ConnectionResetError, "Koneksi diputus oleh server"),
    (socket.gaierror, "Nama host tidak dikenal"),
    (ssl.SSLCertVerificationError, "Sertifikat TLS tidak valid"),
    (ssl.SSLError, "Kesalahan TLS: sambungan aman tidak dapat dibuat"),
    (OSError, "Gagal terhubung"),
    (Exception, "Pemeriksaan gagal karena kesalahan tak terduga"),
]
_ERRNO_CAUSES = {
    errno.ECONNREFUSED: "Koneksi ditolak: tidak ada layanan yang menjawab di alamat ini",
    errno.EHOSTUNREACH: "Host tidak dapat dijangkau",
    errno.ENETUNREACH: "Jaringan tidak dapat dijangkau",
    errno.EACCES: "Akses ditolak",
    errno.EPERM: "Akses ditolak",
}


def _describe(exc: BaseException, timeout: float) -> str:
    if isinstance(exc, _Invalid):
        return str(exc)
    # urllib wraps connection-level errors in URLError; report the real cause.
    if isinstance(exc, urllib.error.URLError) and isinstance(exc.reason, BaseException):
        exc = exc.reason
    if isinstance(exc, TimeoutError):  # socket.timeout is an alias since 3.10
        return f"Waktu habis setelah {_num(timeout)} detik"
    if isinstance(exc, OSError) and exc.errno in _ERRNO_CAUSES:
        return _ERRNO_CAUSES[exc.errno]
    return next(text for cls, text in _CAUSES if isinstance(exc, cls))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # Redirects are deliberately NOT followed: a 3xx (e.g. to a login or
    # maintenance page) is itself what the officer should see and judge.
    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(
    urllib.request.ProxyHandler({}),  # probe direct reachability, ignore *_proxy env vars
    urllib.request.HTTPSHandler(context=ssl.create_default_context()),  # verify certs
    _NoRedirect,
)


def _probe_http(spec: ProbeSpec, timeout: float) -> tuple[str, str | None]:
    url = spec.target.strip()
    parts = urlsplit(url)
    try:
        _ = parts.port  # raises ValueError for a non-numeric / out-of-range port
    except ValueError:
        raise _Invalid(f"URL tidak valid: {url}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _Invalid(f"URL tidak valid: {url}")
    expected = _expect(spec, "200")
    if not (expected.isdecimal() and 100 <= int(expected) <= 599):
        raise _Invalid(f"Kode status harapan tidak valid: {expected}")
    start = time.monotonic()
    try:
        resp = _OPENER.open(urllib.request.Request(url, method="GET"), timeout=timeout)
    except urllib.error.HTTPError as err:  # 3xx/4xx/5xx: the server did answer
        resp = err
    try:
        status = resp.getcode()
    finally:
        resp.close()  # only the status line matters; don't download the body
    ms = (time.monotonic() - start) * 1000
    value = f"HTTP {status} ({_num(ms, 0)} ms)"
    if status != int(expected):
        return value, f"Status HTTP {status}, diharapkan {expected}"
    return value, None


def _probe_tcp(spec: ProbeSpec, timeout: float) -> tuple[str, str | None]:
    host, sep, port = spec.target.strip().rpartition(":")
    host = host.strip("[]")  # allow "[::1]:5432"
    if not (sep and host and port.isdecimal() and 0 < int(port) < 65536):
        raise _Invalid(f"Target TCP harus berbentuk host:port: {spec.target}")
    start = time.monotonic()
    with socket.create_connection((host, int(port)), timeout=timeout):
        ms = (time.monotonic() - start) * 1000
    return f"terhubung ({_num(ms, 0)} ms)", None


def _probe_disk(spec: ProbeSpec, timeout: float) -> tuple[str, str | None]:
    # `timeout` cannot apply to statvfs (e.g. a hung NFS mount); run_probes'
    # total_timeout is what bounds that case.
    raw = _expect(spec, "10")
    try:
        minimum = float(raw.replace(",", "."))  # admins may type "7,5"
    except ValueError:
        minimum = math.nan
    if not math.isfinite(minimum) or minimum < 0:
        raise _Invalid(f"Batas ruang bebas tidak valid: {raw}")
    try:
        usage = shutil.disk_usage(spec.target)
    except FileNotFoundError:
        raise _Invalid(f"Path tidak ditemukan: {spec.target}") from None
    if usage.total <= 0:
        raise _Invalid(f"Ukuran disk tidak diketahui: {spec.target}")
    # `free` is what non-root users can still write (like df's "Avail"). Compare
    # the rounded figure that is shown, so "10,0% di bawah batas 10%" can't occur.
    pct = round(usage.free / usage.total * 100, 1)
    value = f"bebas {_num(pct, 1)}% ({_num(usage.free / 1e9, 1)} GB)"
    if pct < minimum:
        return value, f"Ruang bebas {_num(pct, 1)}% di bawah batas {_num(minimum)}%"
    return value, None


_PROBES = {"http": _probe_http, "tcp": _probe_tcp, "disk": _probe_disk}


def run_probe(spec: ProbeSpec, timeout: float = 3.0) -> ProbeResult:
    key = getattr(spec, "key", None)
    try:
        probe = _PROBES.get(str(getattr(spec, "kind", "")).strip().lower())
        if probe is None:
            kind = getattr(spec, "kind", None)
            raise _Invalid("Jenis probe tidak dikenal" + (f": {kind}" if kind else ""))
        if not isinstance(spec.target, str) or not spec.target.strip():
            raise _Invalid("Target probe kosong")
        value, error = probe(spec, timeout)
    except Exception as exc:  # any failure is a finding for the officer, never a crash
        return ProbeResult(key, "fault", "", _describe(exc, timeout))
    return ProbeResult(key, "ok" if error is None else "fault", value, error)


def run_probes(
    specs: list[ProbeSpec],
    timeout: float = 3.0,
    total_timeout: float = 10.0,
    max_workers: int = 8,
) -> list[ProbeResult]:
    specs = list(specs)
    if not specs:
        return []
    pool = cf.ThreadPoolExecutor(max(1, min(max_workers, len(specs))), "probe")
    try:
        futures = [pool.submit(run_probe, spec, timeout) for spec in specs]
        done, _ = cf.wait(futures, timeout=total_timeout)
    finally:
        # Never join stuck workers here: the officer is waiting for the round to
        # open. They end on their own (each socket call is bounded by `timeout`).
        pool.shutdown(wait=False, cancel_futures=True)
    # Probes still running, or never started, at the deadline become faults.
    # (total_timeout=None waits for all, so the message is then never used.)
    msg = f"Waktu habis (batas total {_num(total_timeout or 0)} detik)"
    return [
        f.result() if f in done else ProbeResult(getattr(s, "key", None), "fault", "", msg)
        for s, f in zip(specs, futures, strict=True)
    ]
