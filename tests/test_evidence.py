"""`complaints evidence`: evidence files changed, vanished or appeared since the letters were rendered or filed."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from conftest import LETTER_DATE, PROJECT, case_data, docx_paragraphs, write_yaml
from typer.testing import CliRunner

from complaints.cli import app
from complaints.errors import UsageError
from complaints.evidence.compare import check_evidence
from complaints.letter import phrases
from complaints.register.store import Register

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


def test_the_filed_letter_is_compared_with_the_evidence_recorded_when_it_was_filed(rendered: Path) -> None:
    filed = run("filed", "c1.yaml", "--lang", "ru", "--on", "2026-11-26T10:00", "--channel", "eotinish", "--anyway")
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
    assert "--letters: no manifest at" in result.output and "name the folder they were rendered into" in result.output
    result = run("evidence", "c1.yaml", "--db", str(tmp_path / "none.db"))
    assert result.exit_code == 2 and f"--db: no register at {tmp_path / 'none.db'}" in result.output
    assert run("evidence", "no-such.yaml").exit_code == 2
    # the library says what is wrong in its own words, and which argument it is about
    with pytest.raises(UsageError) as caught:
        check_evidence(["c1.yaml"], db=tmp_path / "none.db")
    assert (str(caught.value), caught.value.about) == (f"no register at {tmp_path / 'none.db'}", "db")


def test_nothing_at_all_to_compare_with_says_so(project_dir: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    (project_dir / "evidence").mkdir()
    (project_dir / "evidence" / "shot.png").write_bytes(b"the screenshot as taken")
    write_yaml(project_dir / "c1.yaml", case_data(id="case-1", evidence=[SHOT]))
    monkeypatch.chdir(project_dir)
    result = run("evidence", "c1.yaml")
    assert result.exit_code == 2
    assert ("nothing to compare with: no letters/manifest.json (render the letters first, or name the folder they"
            " were rendered into) and no register beside the cases (or name the register)") in result.output


def test_the_library_gives_one_finding_per_file(rendered: Path) -> None:
    (rendered / "evidence" / "shot.png").write_bytes(b"edited")
    (finding,) = check_evidence(["c1.yaml"], letters="letters")
    assert (finding.kind, finding.evidence, finding.since, finding.is_change) == (
        "changed", "evidence/shot.png", ("rendered",), True)
    assert (finding.before, finding.after) == (sha(b"the screenshot as taken"), sha(b"edited"))


# ---------------------------------------------------------------- the register's record, not the letter's wording

def _filed(*extra: str) -> None:
    result = run("filed", "c1.yaml", "--lang", "ru", "--on", "2026-11-26T10:00", "--channel", "eotinish", "--anyway", *extra)
    assert result.exit_code == 0, result.output


def _annex_rows(folder: Path) -> list[tuple[Any, ...]]:
    with Register(folder / "complaints.db") as register:
        return [tuple(r) for r in register.db.execute(
            "SELECT f.evidence_from, a.position, a.name, a.path, a.size, a.sha256 FROM annexes a"
            " JOIN filings f ON f.id = a.filing_id ORDER BY f.id, a.position")]


def test_filed_records_each_annex_from_the_manifest(rendered: Path) -> None:
    _filed()
    assert _annex_rows(rendered) == [("letter", 1, "evidence/shot.png", "evidence/shot.png",
                                      len(b"the screenshot as taken"), sha(b"the screenshot as taken"))]


def test_a_reworded_annex_phrase_changes_nothing(project_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The letter's annex line says neither "SHA-256:" nor anything evidence could parse; evidence still works."""
    book = phrases.phrasebook

    def reworded(lang: str) -> dict[str, Any]:
        data = dict(book(lang))
        data["annex_file"] = ("{{ n }}. {{ description }}: {{ name }} ({{ size | number }} {{ size | plural(bytes) }});"
                              " контрольная сумма по ГОСТ-подобному алгоритму {{ sha256 }}.")
        return data

    monkeypatch.setattr(phrases, "phrasebook", reworded)
    phrases._phrases.cache_clear()
    try:
        (project_dir / "evidence").mkdir()
        (project_dir / "evidence" / "shot.png").write_bytes(b"the screenshot as taken")
        write_yaml(project_dir / "c1.yaml", case_data(id="case-1", evidence=[SHOT]))
        monkeypatch.chdir(project_dir)
        render()
        letter = project_dir / "letters" / "case-1" / "case-1.ru.docx"
        text = "\n".join(docx_paragraphs(letter))
        assert "контрольная сумма по ГОСТ-подобному алгоритму" in text and "SHA-256:" not in text
        _filed()
        before, after = sha(b"the screenshot as taken"), sha(b"the screenshot, edited")
        (project_dir / "evidence" / "shot.png").write_bytes(b"the screenshot, edited")
        result = run("evidence", "c1.yaml")
        assert result.exit_code == 1
        assert result.stdout == (f"c1.yaml: changed: evidence/shot.png (rendered and filed with sha256"
                                 f" {before[:12]}…, now {after[:12]}…)\n")
        render()  # the letters now have the new file; the letter filed still had the old one
        result = run("evidence", "c1.yaml")
        assert result.exit_code == 1
        assert result.stdout == (f"c1.yaml: changed: evidence/shot.png (filed with sha256 {before[:12]}…,"
                                 f" now {after[:12]}…)\n")
    finally:
        phrases._phrases.cache_clear()


def test_a_file_the_tool_did_not_render_takes_the_evidence_of_the_case_at_filing(rendered: Path,
                                                                                 tmp_path: Path) -> None:
    signed = tmp_path / "signed.pdf"
    signed.write_bytes(b"%PDF-1.7 signed with an EDS")
    result = run("filed", "c1.yaml", "--lang", "ru", "--on", "2026-11-26T10:00", "--channel", "eotinish", "--anyway",
                 "--file", str(signed))
    assert result.exit_code == 0, result.output
    assert ("note: signed.pdf is not one of the letters rendered in letters (manifest.json), so the evidence"
            " recorded with it was taken from the case file as it is now, at filing time") in result.output
    assert [row[0] for row in _annex_rows(rendered)] == ["case"]
    before, after = sha(b"the screenshot as taken"), sha(b"the screenshot, edited")
    (rendered / "evidence" / "shot.png").write_bytes(b"the screenshot, edited")
    render()
    result = run("evidence", "c1.yaml")
    assert result.stdout == f"c1.yaml: changed: evidence/shot.png (filed with sha256 {before[:12]}…, now {after[:12]}…)\n"


def test_an_edited_rendered_letter_keeps_the_evidence_it_was_made_with(rendered: Path) -> None:
    """A lawyer touches up the DOCX in Word before filing: it is still the letter made with that evidence."""
    letter = rendered / "letters" / "case-1" / "case-1.ru.docx"
    letter.write_bytes(letter.read_bytes() + b"\0")  # other bytes, same letter as far as the manifest goes
    result = run("filed", "c1.yaml", "--lang", "ru", "--on", "2026-11-26T10:00", "--channel", "eotinish", "--anyway")
    assert result.exit_code == 0, result.output
    assert "is not one of the letters rendered" not in result.output  # no note that the evidence came from the case
    assert [row[0] for row in _annex_rows(rendered)] == ["letter"]


def test_the_letter_of_another_case_is_refused(rendered: Path) -> None:
    write_yaml(rendered / "c2.yaml", case_data(id="case-2"))
    other = rendered / "letters" / "case-1" / "case-1.ru.docx"
    result = run("filed", "c2.yaml", "--lang", "ru", "--on", "2026-11-26T10:00", "--channel", "eotinish", "--anyway",
                 "--file", str(other))
    assert result.exit_code == 2
    assert ("--file: the file filed is the letter of 'case-1' (letters/case-1/case-1.ru.docx), not of 'case-2'"
            in result.output)
    assert not (rendered / "complaints.db").exists() or _annex_rows(rendered) == []


def test_a_letter_about_several_cases_checks_only_this_cases_files(rendered: Path) -> None:
    (rendered / "evidence" / "other.png").write_bytes(b"the other case's screenshot")
    write_yaml(rendered / "c2.yaml", case_data(id="case-2", evidence=[
        {"file": "evidence/other.png", "description": "Screenshot"}], **{"comment.text": "Другой комментарий"}))
    result = run("render", ".", "--out", "grouped", "--group-by", "outlet", "--date", LETTER_DATE.isoformat(),
                 "--workers", "1", "-q")
    assert result.exit_code == 0, result.output
    (letter,) = (rendered / "grouped").glob("*/*.ru.docx")
    _filed("--file", str(letter), "--letters", "grouped")
    rows = _annex_rows(rendered)
    assert [(r[0], r[2]) for r in rows] == [("group", "evidence/shot.png"), ("group", "evidence/other.png")]
    result = run("evidence", "c1.yaml")  # against letters/ (this case alone) and the filing (both cases' files)
    assert result.exit_code == 0, result.output
    assert "all as they were in the letters" in result.output
    (rendered / "evidence" / "shot.png").write_bytes(b"edited")
    result = run("evidence", "c1.yaml")
    assert result.stdout == (f"c1.yaml: changed: evidence/shot.png (rendered and filed with sha256"
                             f" {sha(b'the screenshot as taken')[:12]}…, now {sha(b'edited')[:12]}…)\n")


def _as_before_annexes(folder: Path) -> None:
    """The register as a filing recorded before it kept annexes leaves it."""
    db = sqlite3.connect(folder / "complaints.db")
    db.execute("DELETE FROM annexes")
    db.execute("UPDATE filings SET evidence_from = NULL")
    db.commit()
    db.close()


def test_a_filing_from_before_annexes_falls_back_to_the_manifest_and_says_so(rendered: Path) -> None:
    _filed()
    _as_before_annexes(rendered)
    result = run("evidence", "c1.yaml")
    assert result.exit_code == 0, result.output
    assert ("c1.yaml: note: the ru letter filed (case-1.ru.docx) was recorded before the register kept the evidence"
            " of each filing; it is compared with what letters/manifest.json says it was made with") in result.output
    assert "all as they were in the letters; 1 note" in result.output
    (rendered / "evidence" / "shot.png").write_bytes(b"edited")
    result = run("evidence", "c1.yaml")
    assert result.stdout == (f"c1.yaml: changed: evidence/shot.png (rendered and filed with sha256"
                             f" {sha(b'the screenshot as taken')[:12]}…, now {sha(b'edited')[:12]}…)\n")


def test_a_filing_from_before_annexes_not_in_the_manifest_is_unchecked_never_passed(rendered: Path) -> None:
    _filed()
    _as_before_annexes(rendered)
    (rendered / "evidence" / "shot.png").write_bytes(b"edited")
    render()  # the manifest no longer lists the letter filed
    result = run("evidence", "c1.yaml")
    assert result.exit_code == 0  # the letters as rendered now are up to date
    assert ("c1.yaml: note: the ru letter filed (case-1.ru.docx) was recorded before the register kept the evidence"
            " of each filing, and it is not among the letters rendered (not in letters/manifest.json): its evidence"
            " is not checked") in result.output
    assert "; 1 note" in result.output
    (finding,) = [f for f in check_evidence(["c1.yaml"]) if f.kind == "unchecked"]
    assert "not checked" in finding.note


def test_the_register_keeps_no_applicant_data_in_annexes(rendered: Path) -> None:
    _filed()
    iin = PROJECT["applicant"]["iin"]
    for path in rendered.glob("complaints.db*"):
        assert iin.encode() not in path.read_bytes(), path
    assert json.dumps(_annex_rows(rendered), ensure_ascii=False).count(iin) == 0


def test_annexes_are_kept_relative_to_the_case_and_to_its_root_folder(project_dir: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Names as the case writes them, paths from the folder of complaints.yaml: no absolute path in the register,
    so a project folder copied elsewhere is still checked."""
    (project_dir / "2026" / "shots").mkdir(parents=True)
    (project_dir / "2026" / "shots" / "a.png").write_bytes(b"a")
    write_yaml(project_dir / "2026" / "c1.yaml", case_data(id="case-1", evidence=[
        {"file": "shots/a.png", "description": "Screenshot"}]))
    monkeypatch.chdir(project_dir)
    render()
    assert run("filed", "2026/c1.yaml", "--lang", "en", "--on", "2026-11-26T10:00", "--channel", "post",
               "--anyway").exit_code == 0
    assert _annex_rows(project_dir) == [("letter", 1, "shots/a.png", "2026/shots/a.png", 1, sha(b"a"))]
    with Register(project_dir / "complaints.db") as register:
        assert str(project_dir) not in json.dumps([tuple(r) for r in register.db.execute("SELECT * FROM annexes")])
    moved = project_dir.parent / "elsewhere"
    project_dir.rename(moved)
    monkeypatch.chdir(moved)
    (moved / "2026" / "shots" / "a.png").write_bytes(b"b")
    result = run("evidence", "2026", "--db", "complaints.db")
    assert f"2026/c1.yaml: changed: shots/a.png (filed with sha256 {sha(b'a')[:12]}…" in result.stdout
