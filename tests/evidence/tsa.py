"""A local RFC 3161 time-stamping authority for the tests: `openssl ts -reply` behind a small HTTP handler.

The fixture makes, with the `openssl` command in a temporary folder, a test root CA and a TSA certificate it
signs (extendedKeyUsage critical timeStamping), writes an `openssl ts` configuration, and serves POSTed
timestamp queries on 127.0.0.1 (a free port) from a thread, one `openssl ts -reply` per query, with the chain
(TSA certificate and root) in each token, as many public authorities send it.

    tsa.url         the address to POST queries to
    tsa.root_pem    the root certificate to trust (a Path)
    tsa.requests    how many queries it has been sent
    tsa.mode        None: answer; "refuse": HTTP 503; "garbage": 200 with bytes that are no reply; "slow": sleep
                    `tsa.delay` seconds first; "mismatch": a good token over other data; "rejection": a reply
                    with status 2 (rejection); "cut": a part of a reply, then the connection closed; "huge": 3 MiB of zeros
    tsa.other_root  a second, unrelated test root (to verify against the wrong root)
"""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

_EXTENSIONS = """\
[root]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[tsa]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = critical, timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
"""

_TS_CONFIG = """\
[tsa]
default_tsa = test_tsa
[test_tsa]
serial = {serial}
crypto_device = builtin
signer_digest = sha256
default_policy = 1.3.6.1.4.1.99999.1.1
other_policies = 1.3.6.1.4.1.99999.1.2
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = no
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""

# a TimeStampResp with status rejection (2) and no token: SEQUENCE { SEQUENCE { INTEGER 2 } }
_REJECTION = bytes.fromhex("3005300302 0102".replace(" ", ""))


def _openssl(*args: str | Path, cwd: Path, data: bytes | None = None) -> bytes:
    done = subprocess.run(["openssl", *map(str, args)], cwd=cwd, input=data, capture_output=True, timeout=60)
    if done.returncode != 0:
        raise RuntimeError(f"openssl {' '.join(map(str, args))}: {done.stderr.decode(errors='replace')}")
    return done.stdout


def make_root(folder: Path, name: str) -> tuple[Path, Path]:
    """A self-signed test root CA (EC P-256): its certificate and key."""
    (folder / "ext.cnf").write_text(_EXTENSIONS)
    key, cert = folder / f"{name}.key", folder / f"{name}.pem"
    _openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key,
             "-out", cert, "-days", "3650", "-subj", f"/O=complaints tests/CN={name}",
             "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
             cwd=folder)
    return cert, key


@dataclass
class LocalTSA:
    folder: Path
    url: str = ""
    root_pem: Path = field(default_factory=Path)
    other_root: Path = field(default_factory=Path)
    requests: int = 0
    mode: str | None = None
    delay: float = 3.0
    bodies: list[bytes] = field(default_factory=list)
    content_types: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reply(self, query: bytes) -> bytes:
        """`openssl ts -reply` for one query (one at a time: the serial file is shared)."""
        with self.lock:
            n = self.requests
            path = self.folder / f"query-{n}.tsq"
            path.write_bytes(query)
            return _openssl("ts", "-reply", "-queryfile", path, "-config", self.folder / "ts.cnf",
                            "-inkey", self.folder / "tsa.key", "-signer", self.folder / "tsa.pem",
                            "-chain", self.root_pem, "-out", "-", cwd=self.folder)

    def other_query(self) -> bytes:
        other = self.folder / "other.txt"
        other.write_bytes(b"not the record\n")
        return _openssl("ts", "-query", "-data", other, "-sha256", "-cert", cwd=self.folder)


def _handler(tsa: LocalTSA) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # quiet
            pass

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            query = self.rfile.read(length)
            with tsa.lock:
                tsa.requests += 1
                tsa.bodies.append(query)
                tsa.content_types.append(self.headers.get("Content-Type", ""))
            mode = tsa.mode
            if mode == "slow":
                time.sleep(tsa.delay)
            if mode == "refuse":
                self.send_response(503, "Service Unavailable")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if mode == "cut":  # promises a reply, sends a part of it, hangs up
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", "1000")
                self.end_headers()
                self.wfile.write(b"0\x82\x03\xe8")
                self.close_connection = True
                return
            if mode == "garbage":
                body = b"<html>this is not a timestamp reply</html>"
            elif mode == "huge":
                body = b"\0" * (3 << 20)
            elif mode == "rejection":
                body = _REJECTION
            else:
                try:
                    body = tsa.reply(tsa.other_query() if mode == "mismatch" else query)
                except RuntimeError:
                    self.send_response(400, "Bad Request")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                self.wfile.write(body)
            except OSError:  # the client gave up (a time-out test)
                pass

    return Handler


def start_tsa(folder: Path) -> tuple[LocalTSA, ThreadingHTTPServer]:
    folder.mkdir(parents=True, exist_ok=True)
    tsa = LocalTSA(folder)
    tsa.root_pem, root_key = make_root(folder, "Test Root CA")
    tsa.other_root, _ = make_root(folder, "Other Test Root CA")
    _openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-keyout", "tsa.key", "-out", "tsa.csr", "-subj", "/O=complaints tests/CN=Test TSA", cwd=folder)
    _openssl("x509", "-req", "-in", "tsa.csr", "-CA", tsa.root_pem, "-CAkey", root_key, "-set_serial", "4660",
             "-days", "3650", "-extfile", "ext.cnf", "-extensions", "tsa", "-out", "tsa.pem", cwd=folder)
    (folder / "serial").write_text("01\n")
    (folder / "ts.cnf").write_text(_TS_CONFIG.format(serial=folder / "serial"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(tsa))
    server.daemon_threads = True
    tsa.url = f"http://127.0.0.1:{server.server_address[1]}/tsr"
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="local-tsa",
                     daemon=True).start()
    return tsa, server


@pytest.fixture
def tsa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalTSA]:
    local, server = start_tsa(tmp_path_factory.mktemp("tsa"))
    try:
        yield local
    finally:
        server.shutdown()
        server.server_close()
