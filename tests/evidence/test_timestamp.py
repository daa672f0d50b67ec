"""RFC 3161 timestamps against a local authority (`openssl ts -reply` on 127.0.0.1): asked, written, verified by
this code and by `openssl ts -verify`; and every way an authority can fail, as a Stamp's error."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import PROJECT, write_yaml
from rfc3161_client import decode_timestamp_response

from complaints.case.read import load_project
from complaints.errors import ProjectError
from complaints.evidence.record import token_name
from complaints.evidence.timestamp import Authority, authorities_of, read_reply, stamp_record, trust_of, verify_token

from .tsa import LocalTSA

STEM = "capture-2026-12-02-190312"


@pytest.fixture
def record(tmp_path: Path) -> Path:
    path = tmp_path / "evidence" / f"{STEM}-record.json"
    path.parent.mkdir()
    path.write_text('{\n  "format": 1,\n  "url": "https://www.nur.kz/a/",\n  "text": "Қазақ тілі 🙂"\n}\n',
                    encoding="utf-8")
    return path


def openssl_verify(token: Path, data: Path, root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["openssl", "ts", "-verify", "-in", str(token), "-data", str(data), "-CAfile", str(root)],
                          capture_output=True, text=True, timeout=60)


def tokens(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("*.tsr"))


def dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_token_is_written_and_verifies_here_and_with_openssl(tsa: LocalTSA, record: Path) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    [stamp] = stamp_record(record, STEM, [Authority(tsa.url, "Local TSA")])
    assert stamp.error is None
    assert stamp.token == token_name(STEM, "Local TSA") == f"{STEM}-record.Local_TSA.tsr"
    assert stamp.authority == "Local TSA" and stamp.url == tsa.url
    token = record.parent / stamp.token
    assert tokens(record.parent) == [stamp.token]
    assert stamp.time is not None
    when = datetime.fromisoformat(stamp.time)
    assert when.utcoffset() is not None and before <= when <= datetime.now(UTC)
    assert tsa.requests == 1 and tsa.content_types == ["application/timestamp-query"]

    verdict = verify_token(token.read_bytes(), record.read_bytes(), trust_of(certificates=[tsa.root_pem], system=False))
    assert verdict.ok and verdict.kind == "ok", verdict
    assert verdict.time == stamp.time and verdict.authority == "Test TSA"

    checked = openssl_verify(token, record, tsa.root_pem)
    assert checked.returncode == 0 and "Verification: OK" in checked.stdout, checked.stderr


def test_the_request_is_sha256_with_a_nonce_and_asks_for_the_certificate(tsa: LocalTSA, record: Path,
                                                                        tmp_path: Path) -> None:
    stamp_record(record, STEM, [Authority(tsa.url)])
    stamp_record(record, STEM + "-2", [Authority(tsa.url)])
    texts = []
    for i, body in enumerate(tsa.bodies):
        query = tmp_path / f"sent-{i}.tsq"
        query.write_bytes(body)
        texts.append(subprocess.run(["openssl", "ts", "-query", "-in", str(query), "-text"], capture_output=True,
                                    text=True, check=True).stdout)
    for text in texts:
        assert "Hash Algorithm: sha256" in text
        assert "Certificate required: yes" in text
        assert "Nonce: unspecified" not in text and "Nonce: 0x" in text
    assert texts[0].split("Nonce:")[1].split()[0] != texts[1].split("Nonce:")[1].split()[0]  # a fresh nonce


def test_a_changed_record_is_data_changed(tsa: LocalTSA, record: Path) -> None:
    [stamp] = stamp_record(record, STEM, [Authority(tsa.url)])
    assert stamp.token is not None
    token = record.parent / stamp.token
    record.write_bytes(record.read_bytes().replace(b"nur.kz", b"nur.kk"))
    verdict = verify_token(token.read_bytes(), record.read_bytes(), trust_of(certificates=[tsa.root_pem]))
    assert not verdict.ok and verdict.kind == "data-changed"
    assert openssl_verify(token, record, tsa.root_pem).returncode != 0  # openssl agrees


def test_a_token_without_its_root_is_untrusted(tsa: LocalTSA, record: Path) -> None:
    [stamp] = stamp_record(record, STEM, [Authority(tsa.url)])
    assert stamp.token is not None
    token, data = (record.parent / stamp.token).read_bytes(), record.read_bytes()
    wrong = verify_token(token, data, trust_of(certificates=[tsa.other_root], system=False))
    assert not wrong.ok and wrong.kind == "untrusted" and "Test TSA" in wrong.message
    system = verify_token(token, data, trust_of())  # the system's CA bundle alone does not know the test root
    assert system.kind == "untrusted"
    assert verify_token(token, data, trust_of(system=False)).kind == "untrusted"  # nothing to trust at all
    assert openssl_verify(record.parent / stamp.token, record, tsa.other_root).returncode != 0


def test_an_altered_token_or_garbage_is_invalid(tsa: LocalTSA, record: Path) -> None:
    [stamp] = stamp_record(record, STEM, [Authority(tsa.url)])
    assert stamp.token is not None
    token = bytearray((record.parent / stamp.token).read_bytes())
    token[-5] ^= 0x01  # inside the signature, the last field of the reply
    trust = trust_of(certificates=[tsa.root_pem], system=False)
    altered = verify_token(bytes(token), record.read_bytes(), trust)
    assert altered.kind == "invalid" and "signature" in altered.message
    assert verify_token(b"<html>no</html>", record.read_bytes(), trust).kind == "invalid"
    assert verify_token(b"", record.read_bytes(), trust).kind == "invalid"


def test_a_reply_with_its_chain_out_of_der_order_is_read(tsa: LocalTSA, record: Path) -> None:
    """openssl's -chain (and some authorities) send the certificates in chain order, not DER's; rfc3161-client
    alone refuses that (strict DER), read_reply reads it, and the file keeps the authority's bytes."""
    [stamp] = stamp_record(record, STEM, [Authority(tsa.url)])
    assert stamp.token is not None
    token = record.parent / stamp.token
    raw = token.read_bytes()
    first, second = sorted(read_reply(raw).signed_data.certificates)
    in_order = raw if first + second in raw else raw.replace(second + first, first + second)
    out_of_order = in_order.replace(first + second, second + first)
    assert in_order != out_of_order
    decode_timestamp_response(in_order)
    with pytest.raises(ValueError, match="InvalidSetOrdering"):
        decode_timestamp_response(out_of_order)
    token.write_bytes(out_of_order)
    assert verify_token(out_of_order, record.read_bytes(), trust_of(certificates=[tsa.root_pem], system=False)).ok
    assert openssl_verify(token, record, tsa.root_pem).returncode == 0


@pytest.mark.parametrize(("mode", "said"), [
    ("refuse", "the authority answered HTTP 503"),
    ("garbage", "not an RFC 3161 timestamp reply"),
    ("rejection", "the authority refused: status 2 (rejection)"),
    ("mismatch", "the token is not over this record"),
    ("slow", "no answer within 1 s"),
    ("cut", "the answer was cut short (4 of the 1000 bytes promised came)"),
    ("huge", "the reply is larger than 1024 KiB"),
])
def test_an_authority_that_fails_gives_a_stamp_with_its_error(tsa: LocalTSA, record: Path, mode: str,
                                                               said: str) -> None:
    tsa.mode, tsa.delay = mode, 4.0
    start = time.monotonic()
    [stamp] = stamp_record(record, STEM, [Authority(tsa.url, "Local")], timeout=1.0)
    assert time.monotonic() - start < 3.5
    assert stamp.token is None and stamp.time is None
    assert stamp.error is not None and said in stamp.error
    assert stamp.authority == "Local" and tsa.requests == 1
    assert tokens(record.parent) == []  # nothing half-written


def test_an_authority_that_does_not_answer_or_is_not_http(record: Path) -> None:
    stamps = stamp_record(record, STEM, [Authority(f"http://127.0.0.1:{dead_port()}/tsr"), Authority("file:///etc/passwd"),
                                         Authority("ftp://127.0.0.1/tsr")], timeout=2.0)
    assert [s.token for s in stamps] == [None, None, None]
    assert stamps[0].error is not None and stamps[0].error.startswith("no answer")
    assert stamps[0].authority == "127.0.0.1"
    assert all("not an http or https address" in (s.error or "") for s in stamps[1:])
    assert tokens(record.parent) == []


def test_two_authorities_give_two_tokens_and_one_failing_does_not_stop_them(tsa: LocalTSA, record: Path,
                                                                             tmp_path_factory: pytest.TempPathFactory
                                                                             ) -> None:
    from .tsa import start_tsa

    second, server = start_tsa(tmp_path_factory.mktemp("second-tsa"))
    try:
        stamps = stamp_record(record, STEM, [Authority(tsa.url, "first"), Authority(f"http://127.0.0.1:{dead_port()}/"),
                                             Authority(second.url, "second")], timeout=2.0)
    finally:
        server.shutdown()
        server.server_close()
    assert [s.authority for s in stamps] == ["first", "127.0.0.1", "second"]
    assert stamps[1].token is None and stamps[1].error
    assert tokens(record.parent) == sorted([f"{STEM}-record.first.tsr", f"{STEM}-record.second.tsr"])
    assert tsa.requests == 1 and second.requests == 1
    for stamp, root in ((stamps[0], tsa.root_pem), (stamps[2], second.root_pem)):
        assert stamp.token is not None
        token = record.parent / stamp.token
        assert verify_token(token.read_bytes(), record.read_bytes(), trust_of(certificates=[root])).ok
        assert openssl_verify(token, record, root).returncode == 0
    # each authority's own root: the first's token is not trusted by the second's root
    first = (record.parent / f"{STEM}-record.first.tsr").read_bytes()
    assert verify_token(first, record.read_bytes(), trust_of(certificates=[second.root_pem], system=False)).kind == \
        "untrusted"


def test_an_existing_token_is_never_overwritten(tsa: LocalTSA, record: Path) -> None:
    there = record.parent / token_name(STEM, "127.0.0.1")
    there.write_bytes(b"an earlier token")
    [stamp] = stamp_record(record, STEM, [Authority(tsa.url)])
    assert stamp.token is None and stamp.error is not None and "already there" in stamp.error
    assert there.read_bytes() == b"an earlier token"


def test_authorities_of_the_project_file(tsa: LocalTSA, project_dir: Path) -> None:
    (project_dir / "certs").mkdir()
    shutil.copy(tsa.root_pem, project_dir / "certs" / "root.pem")
    write_yaml(project_dir / "complaints.yaml", {**PROJECT, "timestamping": [
        "http://timestamp.digicert.com",
        {"url": "https://freetsa.org/tsr", "name": "FreeTSA", "certificate": "certs/root.pem"},
        {"url": "https://freetsa.org/tsr"},
    ]})
    found = authorities_of(load_project(project_dir / "complaints.yaml"))
    assert [(a.name, a.url) for a in found] == [("timestamp.digicert.com", "http://timestamp.digicert.com"),
                                                ("FreeTSA", "https://freetsa.org/tsr"),
                                                ("freetsa.org", "https://freetsa.org/tsr")]
    assert found[0].certificate is None
    assert found[1].certificate == (project_dir / "certs" / "root.pem").resolve()
    assert len(trust_of(found, system=False).roots) == 1


def test_two_authorities_of_one_host_get_two_names(project_dir: Path) -> None:
    write_yaml(project_dir / "complaints.yaml", {**PROJECT, "timestamping": [
        "http://timestamp.globalsign.com/tsa/r6advanced1", "http://timestamp.globalsign.com/tsa/advanced"]})
    names = [a.name for a in authorities_of(load_project(project_dir / "complaints.yaml"))]
    assert names == ["timestamp.globalsign.com", "timestamp.globalsign.com-2"]


@pytest.mark.parametrize(("certificate", "said"), [
    ("../outside.pem", "is outside the project's folder"),
    ("certs/none.pem", "no such file: 'certs/none.pem'"),
    ("complaints.yaml", "is not a certificate"),
])
def test_a_bad_certificate_path_is_a_located_error(project_dir: Path, tsa: LocalTSA, certificate: str,
                                                   said: str) -> None:
    shutil.copy(tsa.root_pem, project_dir.parent / "outside.pem")
    write_yaml(project_dir / "complaints.yaml", {**PROJECT, "timestamping": [
        {"url": "https://freetsa.org/tsr", "certificate": certificate}]})
    with pytest.raises(ProjectError) as caught:
        authorities_of(load_project(project_dir / "complaints.yaml"))
    [problem] = caught.value.errors
    assert problem.field == "timestamping[0].certificate" and said in problem.message
    text = (project_dir / "complaints.yaml").read_text().splitlines()
    assert certificate in text[problem.line - 1]  # the line it is on


def test_authorities_are_asked_at_once_so_a_slow_one_does_not_hold_up_the_others(
        tsa: LocalTSA, record: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    from .tsa import start_tsa

    slow, server = start_tsa(tmp_path_factory.mktemp("slow-tsa"))
    slow.mode, slow.delay = "slow", 3.0
    try:
        start = time.monotonic()
        stamps = stamp_record(record, STEM, [Authority(slow.url, "slow"), Authority(tsa.url, "quick")], timeout=1.5)
        took = time.monotonic() - start
    finally:
        server.shutdown()
        server.server_close()
    assert stamps[0].token is None and "no answer within 1.5 s" in (stamps[0].error or "")
    assert stamps[1].token == f"{STEM}-record.quick.tsr" and stamps[1].error is None
    assert took < 2.5  # at once: the time-out of the slowest, not the sum
