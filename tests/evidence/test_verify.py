"""`complaints evidence --verify`: a case folder with a capture (record, files, a token from the local authority)
verifies; a tampered screenshot, a changed record, a missing file, a token not trusted are each caught."""

from __future__ import annotations

import hashlib
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import PROJECT, case_data, write_yaml
from typer.testing import CliRunner

from complaints.cli import app
from complaints.errors import UsageError
from complaints.evidence.record import Capture, CapturedFile, record_bytes
from complaints.evidence.timestamp import Authority, stamp_record
from complaints.evidence.verify import summary, verify_evidence

from .tsa import LocalTSA

runner = CliRunner()
KZ = timezone(timedelta(hours=5))
STEM = "capture-2026-12-02-190312"
FILES = {"comment": f"{STEM}-comment.png", "page": f"{STEM}-page.png", "archive": f"{STEM}-page.mhtml"}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def make_capture(cases: Path, tsa: LocalTSA | None, *, listed: tuple[str, ...] = ("comment", "page", "archive",
                                                                                   "record")) -> Path:
    """A capture in cases/evidence (files, record, a token from `tsa`) and a case file naming it; the case file."""
    folder = cases / "evidence"
    folder.mkdir(exist_ok=True)
    files = []
    for role, name in FILES.items():
        content = f"the {role} as the browser saw it, Қазақ 🙂".encode() * 50
        (folder / name).write_bytes(content)
        files.append(CapturedFile(role, name, len(content), sha(content)))
    capture = Capture(url="https://www.nur.kz/a/", outcome="found", detail="the comment is on the page",
                      taken=datetime(2026, 12, 2, 19, 3, 12, tzinfo=KZ), folder=folder, stem=STEM, status=200,
                      text="Не хватает слов в казахском языке?", files=files)
    record = folder / f"{STEM}-record.json"
    record.write_bytes(record_bytes(capture))
    if tsa is not None:
        [stamp] = stamp_record(record, STEM, [Authority(tsa.url, "Local TSA")])
        assert stamp.token is not None, stamp.error
    names = {**FILES, "record": record.name}
    evidence = [{"file": f"evidence/{names[role]}", "description": f"The {role}", "taken": "2026-12-02T19:03:12",
                 "sha256": sha((folder / names[role]).read_bytes()), "timestamped_by": ["Local TSA"]}
                for role in listed]
    return write_yaml(cases / "c1.yaml", case_data(id="case-1", evidence=evidence))


@pytest.fixture
def cases(tmp_path: Path, tsa: LocalTSA) -> Path:
    """A cases folder whose complaints.yaml trusts the local authority's root (certs/tsa-root.pem)."""
    folder = tmp_path / "cases"
    (folder / "certs").mkdir(parents=True)
    shutil.copy(tsa.root_pem, folder / "certs" / "tsa-root.pem")
    write_yaml(folder / "complaints.yaml", {**PROJECT, "timestamping": [
        {"url": tsa.url, "name": "Local TSA", "certificate": "certs/tsa-root.pem"}]})
    return folder


def kinds(findings: list) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for f in findings:
        out.setdefault(f.kind, []).append(f.path)
    return out


def test_a_capture_as_it_was_made_verifies(cases: Path, tsa: LocalTSA) -> None:
    case = make_capture(cases, tsa)
    findings = verify_evidence([case])
    assert not [f for f in findings if f.is_problem], [str(f) for f in findings]
    found = kinds(findings)
    # four files by the case file's sha256, three by the record's, one token
    assert sorted(found["ok"]) == sorted([f"evidence/{n}" for n in FILES.values()] * 2 + [
        f"evidence/{STEM}-record.json", f"evidence/{STEM}-record.Local_TSA.tsr"])
    token = next(f for f in findings if f.token)
    assert "Test TSA" in token.note
    assert summary(findings, 1) == "1 case file, 7 files and 1 timestamp token checked: all verify"


def test_a_tampered_screenshot_is_changed_with_both_hashes(cases: Path, tsa: LocalTSA) -> None:
    case = make_capture(cases, tsa)
    shot = cases / "evidence" / FILES["page"]
    before = sha(shot.read_bytes())
    shot.write_bytes(shot.read_bytes().replace(b"page", b"pagE", 1))
    after = sha(shot.read_bytes())
    findings = verify_evidence([case])
    changed = [f for f in findings if f.kind == "changed"]
    assert [f.path for f in changed] == [f"evidence/{FILES['page']}"] * 2  # by the case file and by the record
    assert {(f.expected, f.actual) for f in changed} == {(before, after)}
    assert before in str(changed[0]) and after in str(changed[0])
    assert [f.kind for f in findings if f.token] == ["ok"]  # the record itself is as it was stamped
    assert "1 case file, 7 files and 1 timestamp token checked: 2 changed" == summary(findings, 1)


def test_a_changed_record_no_longer_matches_its_token(cases: Path, tsa: LocalTSA) -> None:
    case = make_capture(cases, tsa)
    record = cases / "evidence" / f"{STEM}-record.json"
    record.write_bytes(record.read_bytes().replace(b'"status": 200', b'"status": 201'))
    findings = verify_evidence([case])
    [token] = [f for f in findings if f.token]
    assert token.kind == "changed" and token.path == f"evidence/{STEM}-record.Local_TSA.tsr"
    assert "not the one this token was made for" in token.note
    assert [f.path for f in findings if f.kind == "changed" and not f.token] == [f"evidence/{STEM}-record.json"]


def test_a_missing_file_and_a_record_without_a_token(cases: Path) -> None:
    case = make_capture(cases, None)
    (cases / "evidence" / FILES["archive"]).unlink()
    findings = verify_evidence([case])
    assert kinds(findings)["missing"] == [f"evidence/{FILES['archive']}"] * 2
    [note] = [f for f in findings if f.kind == "unstamped"]
    assert not note.is_problem and note.path == f"evidence/{STEM}-record.json"
    assert summary(findings, 1).endswith("2 missing; 1 record without a token")


def test_a_token_whose_root_is_not_trusted(cases: Path, tsa: LocalTSA) -> None:
    case = make_capture(cases, tsa)
    write_yaml(cases / "complaints.yaml", {**PROJECT, "timestamping": [tsa.url]})  # no certificate: not trusted
    [token] = [f for f in verify_evidence([case]) if f.token]
    assert token.kind == "token-untrusted" and token.is_problem
    assert "does not chain to a certificate trusted here" in token.note


def test_a_token_that_is_not_one_is_invalid(cases: Path, tsa: LocalTSA) -> None:
    case = make_capture(cases, tsa)
    (cases / "evidence" / f"{STEM}-record.Other.tsr").write_bytes(b"not a token")
    findings = verify_evidence([case])
    assert [(f.kind, f.path) for f in findings if f.token] == [
        ("ok", f"evidence/{STEM}-record.Local_TSA.tsr"), ("token-invalid", f"evidence/{STEM}-record.Other.tsr")]


def test_the_record_is_found_from_any_file_of_its_capture(cases: Path, tsa: LocalTSA) -> None:
    """The case names only the close-up: the record beside it (same capture name) and its token are checked."""
    case = make_capture(cases, tsa, listed=("comment",))
    (cases / "evidence" / FILES["page"]).write_bytes(b"edited")
    findings = verify_evidence([case])
    assert [f.path for f in findings if f.kind == "changed"] == [f"evidence/{FILES['page']}"]
    assert [f.kind for f in findings if f.token] == ["ok"]


def test_a_record_named_on_its_own(cases: Path, tsa: LocalTSA) -> None:
    make_capture(cases, tsa)
    findings = verify_evidence([cases / "evidence" / f"{STEM}-record.json"])
    assert {f.kind for f in findings} == {"ok"} and len(findings) == 4


def test_a_bad_case_does_not_stop_the_others(cases: Path, tsa: LocalTSA) -> None:
    make_capture(cases, tsa)
    (cases / "broken.yaml").write_text("id: [unclosed\n")
    findings = verify_evidence([cases])
    assert [f.kind for f in findings if f.case_file.endswith("broken.yaml")] == ["error"]
    assert sum(1 for f in findings if f.kind == "ok") == 8


def test_a_file_outside_the_root_is_not_read(cases: Path, tsa: LocalTSA) -> None:
    (cases.parent / "secret.txt").write_text("not the case's")
    write_yaml(cases / "c2.yaml", case_data(id="case-2", evidence=[
        {"file": "../secret.txt", "description": "x", "sha256": "0" * 64}]))
    [finding] = verify_evidence([cases / "c2.yaml"])
    assert finding.kind == "error" and "outside the case's root folder" in finding.note


def test_no_such_path_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        verify_evidence([tmp_path / "nothing.yaml"])


# ---------------------------------------------------------------- the command


def run(*args: str):
    return runner.invoke(app, list(args))


def test_cli_all_verify_exits_0(cases: Path, tsa: LocalTSA, monkeypatch: pytest.MonkeyPatch) -> None:
    make_capture(cases, tsa)
    monkeypatch.chdir(cases)
    result = run("evidence", "--verify", "c1.yaml")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "1 case file, 7 files and 1 timestamp token checked: all verify" in result.stderr


def test_cli_a_tampered_screenshot_exits_1(cases: Path, tsa: LocalTSA, monkeypatch: pytest.MonkeyPatch) -> None:
    make_capture(cases, tsa)
    (cases / "evidence" / FILES["comment"]).write_bytes(b"another picture")
    monkeypatch.chdir(cases)
    result = run("evidence", "--verify", ".")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 2 and all(line.startswith(f"c1.yaml: changed: evidence/{FILES['comment']} (sha256 ")
                                   for line in lines)
    assert sha(b"another picture") in lines[0]
    assert "2 changed" in result.stderr


def test_cli_unstamped_is_a_note_not_a_failure(cases: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_capture(cases, None)
    monkeypatch.chdir(cases)
    result = run("evidence", "--verify", "c1.yaml")
    assert result.exit_code == 0, result.output
    assert f"c1.yaml: unstamped: evidence/{STEM}-record.json" in result.stderr
    assert result.stdout == ""


def test_cli_bad_usage_exits_2(cases: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(cases)
    result = run("evidence", "--verify", "nothing.yaml")
    assert result.exit_code == 2 and "no such file or folder: nothing.yaml" in result.stderr
    result = run("evidence", "--verify", "--letters", "letters", ".")
    assert result.exit_code == 2 and "--letters: --verify checks hashes and tokens" in result.stderr
    assert "Traceback" not in result.output


def test_a_project_file_whose_certificate_is_wrong_is_an_error_on_the_tokens(cases: Path, tsa: LocalTSA) -> None:
    case = make_capture(cases, tsa)
    write_yaml(cases / "complaints.yaml", {**PROJECT, "timestamping": [
        {"url": tsa.url, "name": "Local TSA", "certificate": "certs/none.pem"}]})
    findings = verify_evidence([case])
    [error] = [f for f in findings if f.kind == "error"]
    assert error.path == f"evidence/{STEM}-record.json" and "its 1 timestamp token cannot be verified" in error.note
    assert "complaints.yaml:" in error.note and "no such file: 'certs/none.pem'" in error.note  # where to mend it
    assert sum(1 for f in findings if f.kind == "ok") == 7  # the files are still checked


def test_a_case_with_nothing_to_verify_says_so(cases: Path) -> None:
    write_yaml(cases / "c3.yaml", case_data(id="case-3", evidence=[{"file": "evidence/x.png", "description": "x"}]))
    findings = verify_evidence([cases / "c3.yaml"])
    assert findings == []
    assert summary(findings, 1) == ("1 case file, 0 files and 0 timestamp tokens checked: nothing to verify (no sha256"
                                    " in the case files' evidence, no capture records)")


def test_a_file_of_a_record_that_links_outside_the_root_is_not_read(cases: Path, tsa: LocalTSA) -> None:
    case = make_capture(cases, tsa)
    page = cases / "evidence" / FILES["page"]
    outside = cases.parent / "elsewhere.png"
    outside.write_bytes(page.read_bytes())
    page.unlink()
    page.symlink_to(outside)
    findings = verify_evidence([case])
    assert [(f.kind, f.path) for f in findings if f.kind == "error"] == [
        ("error", f"evidence/{FILES['page']}"), ("error", f"evidence/{FILES['page']}")]


def test_a_capture_no_case_lists_is_verified_from_its_folder(cases: Path, tsa: LocalTSA) -> None:
    """A removal seen by watch (its capture not in the case file) is evidence too: a folder's records are all
    verified, those the cases list once."""
    make_capture(cases, tsa, listed=())
    findings = verify_evidence([cases])
    assert [f.kind for f in findings if f.token] == ["ok"]
    record = cases / "evidence" / f"{STEM}-record.json"
    record.write_bytes(record.read_bytes().replace(b'"status": 200', b'"status": 404'))
    findings = verify_evidence([cases])
    assert [f.kind for f in findings if f.token] == ["changed"]
    make_capture(cases, None)  # now listed by the case: still checked once
    assert len([f for f in verify_evidence([cases]) if f.token]) == 1
