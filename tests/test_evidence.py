"""`complaints evidence`: evidence files changed, vanished or appeared since the letters were rendered or filed."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from conftest import LETTER_DATE, case_data, write_yaml
from typer.testing import CliRunner

from complaints.cli import app
from complaints.evidence.compare import check_evidence

runner = CliRunner()
SHOT = {"file": "evidence/shot.png", "description": "Screenshot of the comment"}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def run(*args: str):
    return runner.invoke(app, list(args))


def render() -> None:
    result = run("render", ".", "--out", "letters", "--date", LETTER_DATE.isoformat(), "--workers", "1", "-q")
    assert result.exit_code == 0, result.output


@pytest.fixture
def rendered(project_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cases folder with one case and its screenshot, rendered into letters/; the working folder set to it."""
    (project_dir / "evidence").mkdir()
    (project_dir / "evidence" / "shot.png").write_bytes(b"the screenshot as taken")
    write_yaml(project_dir / "c1.yaml", case_data(id="case-1", evidence=[SHOT]))
    monkeypatch.chdir(project_dir)
    render()
    return project_dir


def test_unchanged_evidence_exits_0(rendered: Path) -> None:
    result = run("evidence", "c1.yaml")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "1 case file checked, 1 evidence file: all as they were in the letters" in result.output


def test_a_modified_file_is_changed(rendered: Path) -> None:
    (rendered / "evidence" / "shot.png").write_bytes(b"the screenshot, edited")
    result = run("evidence", "c1.yaml")
    assert result.exit_code == 1
    before, after = sha(b"the screenshot as taken"), sha(b"the screenshot, edited")
    assert result.stdout == (f"c1.yaml: changed: evidence/shot.png (rendered with sha256 {before[:12]}…,"
                             f" now {after[:12]}…)\n")
    assert "1 changed" in result.output


def test_a_deleted_file_has_vanished(rendered: Path) -> None:
    (rendered / "evidence" / "shot.png").unlink()
    result = run("evidence", ".")  # a folder, like validate
    assert result.exit_code == 1
    assert result.stdout == (f"c1.yaml: vanished: evidence/shot.png (rendered with sha256"
                             f" {sha(b'the screenshot as taken')[:12]}…, now missing)\n")


def test_a_new_evidence_entry_has_appeared(rendered: Path) -> None:
    (rendered / "evidence" / "second.png").write_bytes(b"another screenshot")
    write_yaml(rendered / "c1.yaml", case_data(id="case-1", evidence=[
        SHOT, {"file": "evidence/second.png", "description": "Second screenshot"}]))
    result = run("evidence", "*.yaml")  # a glob
    assert result.exit_code == 1
    assert result.stdout == (f"c1.yaml: appeared: evidence/second.png (not in the letter as rendered; now sha256"
                             f" {sha(b'another screenshot')[:12]}…)\n")
    assert "1 appeared" in result.output


def test_an_entry_taken_out_of_the_case_has_vanished(rendered: Path) -> None:
    write_yaml(rendered / "c1.yaml", case_data(id="case-1"))
    result = run("evidence", "c1.yaml")
    assert result.exit_code == 1
    assert result.stdout == (f"c1.yaml: vanished: evidence/shot.png (rendered with sha256"
                             f" {sha(b'the screenshot as taken')[:12]}…, no longer in the case's evidence list)\n")


def test_rendering_again_takes_the_new_file_as_the_letters_own(rendered: Path) -> None:
    (rendered / "evidence" / "shot.png").write_bytes(b"the screenshot, edited")
    render()
    assert run("evidence", "c1.yaml").exit_code == 0


def test_the_filed_letter_is_compared_with_the_hashes_it_prints(rendered: Path) -> None:
    filed = run("filed", "c1.yaml", "--lang", "ru", "--on", "2026-11-26T10:00", "--channel", "eotinish")
    assert filed.exit_code == 0, filed.output
    before, after = sha(b"the screenshot as taken"), sha(b"the screenshot, edited")
    (rendered / "evidence" / "shot.png").write_bytes(b"the screenshot, edited")
    result = run("evidence", "c1.yaml")
    assert result.stdout == (f"c1.yaml: changed: evidence/shot.png (rendered and filed with sha256 {before[:12]}…,"
                             f" now {after[:12]}…)\n")
    # rendered again, the letters are up to date; the letter filed still shows the old file
    render()
    result = run("evidence", "c1.yaml")
    assert result.exit_code == 1
    assert result.stdout == (f"c1.yaml: changed: evidence/shot.png (filed with sha256 {before[:12]}…,"
                             f" now {after[:12]}…)\n")


def test_a_case_never_rendered_is_a_note_not_a_change(rendered: Path) -> None:
    write_yaml(rendered / "c2.yaml", case_data(id="case-2", evidence=[SHOT]))
    result = run("evidence", ".")
    assert result.exit_code == 0, result.output
    assert ("c2.yaml: note: nothing to compare with: no letters of 'case-2' (not in letters/manifest.json) and no"
            " filing of it in a register") in result.output
    assert "2 case files checked, 1 evidence file: all as they were in the letters; 1 note" in result.output


def test_no_letters_to_compare_with_is_bad_usage(rendered: Path, tmp_path: Path) -> None:
    result = run("evidence", "c1.yaml", "--letters", str(tmp_path / "elsewhere"))
    assert result.exit_code == 2
    assert "no manifest at" in result.output
    assert run("evidence", "c1.yaml", "--db", str(tmp_path / "none.db")).exit_code == 2
    assert run("evidence", "no-such.yaml").exit_code == 2


def test_the_library_gives_one_finding_per_file(rendered: Path) -> None:
    (rendered / "evidence" / "shot.png").write_bytes(b"edited")
    (finding,) = check_evidence(["c1.yaml"], letters="letters")
    assert (finding.kind, finding.evidence, finding.since, finding.is_change) == (
        "changed", "evidence/shot.png", ("rendered",), True)
    assert (finding.before, finding.after) == (sha(b"the screenshot as taken"), sha(b"edited"))
