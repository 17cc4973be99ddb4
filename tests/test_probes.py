"""Probes against real servers/sockets on 127.0.0.1 (no mocks).

Timing assertions are deliberately loose (deadline + 2 s) so slow CI machines
don't make them flaky; they only prove that nothing waits for the slow server.
"""
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from app.checklist.probes import ProbeResult, ProbeSpec, _num, run_probe, run_probes

SLOW_SECONDS = 8  # much longer than any timeout used below


@pytest.fixture(scope="module")
def http_base():
    release = threading.Event()  # lets the /slow handler finish at teardown

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path == "/slow":
                release.wait(SLOW_SECONDS)
            codes = {"/ok": 200, "/slow": 200, "/error": 500, "/redirect": 302}
            try:
                self.send_response(codes.get(self.path, 404))
                if self.path == "/redirect":
                    self.send_header("Location", "/ok")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"hi")
            except OSError:  # the probe gave up and closed the socket
                pass

        def log_message(self, *args):  # keep test output clean
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    release.set()
    server.shutdown()
    server.server_close()


@pytest.fixture
def listening_port():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    yield sock.getsockname()[1]
    sock.close()


@pytest.fixture
def closed_port():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


# --- HTTP -------------------------------------------------------------------------

def test_http_ok(http_base):
    res = run_probe(ProbeSpec("a", "http", http_base + "/ok", None))
    assert res.key == "a" and res.result == "ok" and res.error is None
    assert res.value.startswith("HTTP 200 (") and res.value.endswith(" ms)")


def test_http_500_is_fault(http_base):
    res = run_probe(ProbeSpec(1, "http", http_base + "/error", None))
    assert res.result == "fault"
    assert res.value.startswith("HTTP 500")
    assert res.error == "Status HTTP 500, diharapkan 200"


def test_http_expected_status_can_be_non_200(http_base):
    assert run_probe(ProbeSpec(1, "http", http_base + "/error", "500")).result == "ok"


def test_http_redirect_is_not_followed(http_base):
    res = run_probe(ProbeSpec(1, "http", http_base + "/redirect", None))
    assert res.result == "fault" and res.error == "Status HTTP 302, diharapkan 200"
    assert run_probe(ProbeSpec(1, "http", http_base + "/redirect", "302")).result == "ok"


def test_http_timeout(http_base):
    start = time.monotonic()
    res = run_probe(ProbeSpec(1, "http", http_base + "/slow", None), timeout=0.5)
    elapsed = time.monotonic() - start
    assert res.result == "fault"
    assert res.error == "Waktu habis setelah 0,5 detik"
    assert elapsed < 0.5 + 2


def test_http_connection_refused(closed_port):
    res = run_probe(ProbeSpec(1, "http", f"http://127.0.0.1:{closed_port}/", None))
    assert res.result == "fault" and res.error.startswith("Koneksi ditolak: ")


def test_https_against_plain_http_server_is_fault_not_exception(http_base):
    res = run_probe(ProbeSpec(1, "http", http_base.replace("http:", "https:") + "/ok", None))
    assert res.result == "fault" and res.error


# --- TCP --------------------------------------------------------------------------

def test_tcp_ok(listening_port):
    res = run_probe(ProbeSpec("db", "tcp", f"127.0.0.1:{listening_port}", None))
    assert res.result == "ok" and res.error is None
    assert res.value.startswith("terhubung (") and res.value.endswith(" ms)")


def test_tcp_closed_port_is_refused(closed_port):
    res = run_probe(ProbeSpec("db", "tcp", f"127.0.0.1:{closed_port}", None))
    assert res.result == "fault"
    assert "ditolak" in res.error and res.error.startswith("Koneksi ditolak: ")


# --- Disk -------------------------------------------------------------------------

def test_disk_ok(tmp_path):
    res = run_probe(ProbeSpec("d", "disk", str(tmp_path), "0"))
    assert res.result == "ok" and res.error is None
    assert res.value.startswith("bebas ") and "% (" in res.value and res.value.endswith(" GB)")
    assert "," in res.value  # decimal comma


def test_disk_below_threshold(tmp_path):
    res = run_probe(ProbeSpec("d", "disk", str(tmp_path), "100.1"))
    assert res.result == "fault"
    assert res.error.startswith("Ruang bebas ") and res.error.endswith("di bawah batas 100,1%")


def test_disk_missing_path(tmp_path):
    missing = str(tmp_path / "nope")
    res = run_probe(ProbeSpec("d", "disk", missing, None))
    assert res.result == "fault" and res.error == f"Path tidak ditemukan: {missing}"


# --- Malformed specs never raise ------------------------------------------------

@pytest.mark.parametrize("spec, fragment", [
    (ProbeSpec(1, "ping", "127.0.0.1", None), "Jenis probe tidak dikenal"),
    (ProbeSpec(1, None, "127.0.0.1", None), "Jenis probe tidak dikenal"),
    (ProbeSpec(1, "http", "", None), "Target probe kosong"),
    (ProbeSpec(1, "tcp", None, None), "Target probe kosong"),
    (ProbeSpec(1, "http", "not a url", None), "URL tidak valid"),
    (ProbeSpec(1, "http", "ftp://127.0.0.1/", None), "URL tidak valid"),
    (ProbeSpec(1, "http", "http://", None), "URL tidak valid"),
    (ProbeSpec(1, "http", "http://127.0.0.1:abc/", None), "URL tidak valid"),
    (ProbeSpec(1, "http", "http://127.0.0.1/", "abc"), "Kode status harapan tidak valid"),
    (ProbeSpec(1, "tcp", "127.0.0.1", None), "host:port"),
    (ProbeSpec(1, "tcp", "127.0.0.1:abc", None), "host:port"),
    (ProbeSpec(1, "tcp", "127.0.0.1:70000", None), "host:port"),
    (ProbeSpec(1, "tcp", ":80", None), "host:port"),
    (ProbeSpec(1, "disk", "/", "lots"), "Batas ruang bebas tidak valid"),
    (ProbeSpec(1, "disk", "/", "nan"), "Batas ruang bebas tidak valid"),
])
def test_malformed_specs_become_faults(spec, fragment):
    res = run_probe(spec, timeout=0.5)
    assert isinstance(res, ProbeResult)
    assert res.key == 1 and res.result == "fault" and fragment in res.error


def test_not_a_spec_at_all():
    res = run_probe(None)
    assert res.result == "fault" and res.key is None


# --- run_probes -------------------------------------------------------------------

def test_run_probes_total_deadline_and_order(http_base, listening_port, tmp_path):
    specs = [
        ProbeSpec("web", "http", http_base + "/ok", None),
        ProbeSpec("slow", "http", http_base + "/slow", None),
        ProbeSpec("db", "tcp", f"127.0.0.1:{listening_port}", None),
        ProbeSpec("disk", "disk", str(tmp_path), "0"),
    ]
    start = time.monotonic()
    results = run_probes(specs, timeout=5, total_timeout=1)
    elapsed = time.monotonic() - start
    assert elapsed < 1 + 2
    assert [r.key for r in results] == ["web", "slow", "db", "disk"]
    assert [r.result for r in results] == ["ok", "fault", "ok", "ok"]
    assert results[1].error == "Waktu habis (batas total 1 detik)"


def test_run_probes_queued_beyond_workers_keep_order(http_base):
    specs = [ProbeSpec(i, "http", http_base + ("/ok" if i % 2 else "/error"), None)
             for i in range(12)]
    results = run_probes(specs, max_workers=3)
    assert [r.key for r in results] == list(range(12))
    assert [r.result for r in results] == ["fault", "ok"] * 6


def test_run_probes_unstarted_probes_time_out_too(http_base):
    # One worker stuck on /slow: the probe queued behind it never starts.
    specs = [ProbeSpec("slow", "http", http_base + "/slow", None),
             ProbeSpec("later", "http", http_base + "/ok", None)]
    start = time.monotonic()
    results = run_probes(specs, timeout=5, total_timeout=0.5, max_workers=1)
    assert time.monotonic() - start < 0.5 + 2
    assert [r.result for r in results] == ["fault", "fault"]
    assert all(r.error == "Waktu habis (batas total 0,5 detik)" for r in results)


def test_run_probes_empty():
    assert run_probes([]) == []


# --- Formatting -------------------------------------------------------------------

def test_indonesian_number_format():
    assert _num(42.5, 1) == "42,5"
    assert _num(1234567.891, 1) == "1.234.567,9"
    assert _num(1234, 0) == "1.234"
    assert _num(10.0) == "10"
    assert _num(100.1) == "100,1"
