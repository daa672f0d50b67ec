"""Issue 12, items 2 and 9, through the real command: one version of each letter on disk (the files of an earlier
render that a run no longer makes are deleted, never a file the tool did not write), and counts that add up
(files and letters apart, plurals, the warnings summarised as printed, LibreOffice failing told once)."""

from __future__ import annotations

import csv
import email
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import LETTER_DATE, PROJECT, case_data, docx_text, write_yaml
from hostile.test_batch_input import manifest_is_the_disk
from typer.testing import CliRunner

from complaints.cli import app

runner = CliRunner()
DATE = LETTER_DATE.isoformat()
SHOT = {"file": "evidence/shot.png", "description": "Screenshot of the comment"}
PROBLEM_LINE = re.compile(r"^.+:\d+:\d+: (error|warning): ")


def cli(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def render(folder: Path, out: Path, *extra: str):
    return cli("render", str(folder), "--out", str(out), "--date", DATE, "--workers", "1", *extra)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def letters_on_disk(out: Path) -> set[str]:
    return {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and ".complaints" not in p.parts
            and not p.name.startswith("manifest.")}


@pytest.fixture
def shot_case(project_dir: Path) -> Path:
    """A case with a screenshot as its evidence."""
    (project_dir / "evidence").mkdir()
    (project_dir / "evidence" / "shot.png").write_bytes(b"the screenshot as first taken")
    write_yaml(project_dir / "c1.yaml", case_data(id="case-1", evidence=[SHOT]))
    return project_dir


# --- 2. One truth per letter on disk ------------------------------------------------------------------------------


def test_a_docx_render_after_a_changed_screenshot_leaves_no_old_pdf_txt_or_eml(shot_case: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = render(shot_case, out, "--format", "docx,pdf,txt,eml")
    assert first.exit_code == 0, first.output
    assert "12 files written for 3 letters of 1 case" in first.output
    assert len(letters_on_disk(out)) == 12
    (shot_case / "evidence" / "shot.png").write_bytes(b"the screenshot, taken again")
    new_sha = sha256(shot_case / "evidence" / "shot.png")

    second = render(shot_case, out)  # DOCX only
    assert second.exit_code == 0, second.output
    assert letters_on_disk(out) == {f"case-1/case-1.{lang}.docx" for lang in ("kk", "ru", "en")}
    data = manifest_is_the_disk(out)
    assert all(row["inputs"]["evidence"][0][3] == new_sha for row in data["files"])
    assert new_sha in docx_text(out / "case-1" / "case-1.ru.docx").replace(" ", "").replace("\n", "")
    # said once for the letter's folder, and listed in the manifest
    [line] = [line for line in second.output.splitlines() if line.startswith("removed ")]
    assert line.startswith(f"removed from {out}/case-1: ") and "case-1.ru.pdf" in line and "case-1.en.eml" in line
    gone = {f"case-1/case-1.{lang}.{fmt}" for lang in ("kk", "ru", "en") for fmt in ("pdf", "txt", "eml")}
    assert set(data["removed"]) == gone
    with (out / "manifest.csv").open(encoding="utf-8", newline="") as fh:
        assert {row["path"] for row in csv.DictReader(fh) if row["status"] == "removed"} == gone
    assert "3 files written for 3 letters of 1 case" in second.output

    third = render(shot_case, out)  # nothing left to remove
    assert "no letter written, 1 case unchanged" in third.output and "removed" not in third.output
    manifest_is_the_disk(out)


def test_a_case_now_in_fewer_languages_keeps_only_those_letters(project_dir: Path, tmp_path: Path) -> None:
    write_yaml(project_dir / "c1.yaml", case_data(id="case-1"))
    out = tmp_path / "out"
    assert render(project_dir, out, "--format", "docx,txt").exit_code == 0
    write_yaml(project_dir / "complaints.yaml", {**PROJECT, "languages": ["ru"]})
    result = render(project_dir, out, "--format", "docx,txt")
    assert result.exit_code == 0, result.output
    assert letters_on_disk(out) == {"case-1/case-1.ru.docx", "case-1/case-1.ru.txt"}
    manifest_is_the_disk(out)
    assert "2 files written for 1 letter of 1 case" in result.output


def test_a_format_not_asked_for_stays_while_current_and_goes_with_a_new_date(project_dir: Path, tmp_path: Path) -> None:
    write_yaml(project_dir / "c1.yaml", case_data(id="case-1"))
    out = tmp_path / "out"
    assert render(project_dir, out, "--format", "docx,txt").exit_code == 0
    kept = render(project_dir, out)  # DOCX only, nothing changed: the TXT is still the same letter
    assert "no letter written, 1 case unchanged" in kept.output
    assert len(letters_on_disk(out)) == 6
    manifest_is_the_disk(out)
    redated = cli("render", str(project_dir), "--out", str(out), "--date", "2026-12-01", "--workers", "1")
    assert redated.exit_code == 0, redated.output
    assert letters_on_disk(out) == {f"case-1/case-1.{lang}.docx" for lang in ("kk", "ru", "en")}
    manifest_is_the_disk(out)


def test_force_removes_the_formats_it_no_longer_makes(project_dir: Path, tmp_path: Path) -> None:
    write_yaml(project_dir / "c1.yaml", case_data(id="case-1"))
    out = tmp_path / "out"
    assert render(project_dir, out, "--format", "docx,txt").exit_code == 0
    result = render(project_dir, out, "--force")
    assert result.exit_code == 0, result.output
    assert letters_on_disk(out) == {f"case-1/case-1.{lang}.docx" for lang in ("kk", "ru", "en")}
    manifest_is_the_disk(out)


def test_a_new_id_moves_the_letters_and_leaves_no_old_folder(project_dir: Path, tmp_path: Path) -> None:
    write_yaml(project_dir / "c1.yaml", case_data(id="case-1"))
    out = tmp_path / "out"
    assert render(project_dir, out).exit_code == 0
    write_yaml(project_dir / "c1.yaml", case_data(id="case-one"))
    assert render(project_dir, out).exit_code == 0
    assert not (out / "case-1").exists()
    assert letters_on_disk(out) == {f"case-one/case-one.{lang}.docx" for lang in ("kk", "ru", "en")}
    manifest_is_the_disk(out)


def test_a_letter_edited_by_hand_is_left_and_said(project_dir: Path, tmp_path: Path) -> None:
    write_yaml(project_dir / "c1.yaml", case_data(id="case-1"))
    out = tmp_path / "out"
    assert render(project_dir, out, "--format", "docx,txt").exit_code == 0
    edited = out / "case-1" / "case-1.ru.txt"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nМоя правка\n", encoding="utf-8")
    write_yaml(project_dir / "c1.yaml", case_data(id="case-1", **{"comment.text": "Другой текст"}))
    result = render(project_dir, out)
    assert result.exit_code == 0, result.output
    assert "Моя правка" in edited.read_text(encoding="utf-8")
    assert "case-1/case-1.ru.txt is an earlier letter" in result.output and "left as it is" in result.output
    assert not (out / "case-1" / "case-1.kk.txt").exists()  # the tool's own, unchanged: removed


def test_files_the_tool_did_not_write_are_never_deleted(project_dir: Path, tmp_path: Path) -> None:
    write_yaml(project_dir / "c1.yaml", case_data(id="case-1"))
    out = tmp_path / "out"
    assert render(project_dir, out, "--format", "docx,txt").exit_code == 0
    mine = out / "case-1" / "notes.txt"
    mine.write_text("my own notes", encoding="utf-8")
    outside = tmp_path / "precious.txt"
    outside.write_text("not the tool's", encoding="utf-8")
    data = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for row in data["files"]:  # a manifest edited to point at files that are not the tool's letters
        if row["format"] == "txt" and row["language"] == "kk":
            row.update(path="../precious.txt", size=outside.stat().st_size, sha256=sha256(outside))
        if row["format"] == "txt" and row["language"] == "en":
            row.update(path="case-1/notes.txt", size=mine.stat().st_size, sha256=sha256(mine))
    (out / "manifest.json").write_text(json.dumps(data), encoding="utf-8")
    write_yaml(project_dir / "c1.yaml", case_data(id="case-1", **{"comment.text": "Другой текст"}))
    result = render(project_dir, out)
    assert result.exit_code == 0, result.output
    assert outside.read_text(encoding="utf-8") == "not the tool's"
    assert mine.read_text(encoding="utf-8") == "my own notes"
    assert not (out / "case-1" / "case-1.ru.txt").exists()


def test_a_case_that_now_fails_keeps_its_earlier_letters_listed(project_dir: Path, tmp_path: Path) -> None:
    write_yaml(project_dir / "c1.yaml", case_data(id="case-1"))
    write_yaml(project_dir / "c2.yaml", case_data(id="case-2"))
    out = tmp_path / "out"
    assert render(project_dir, out, "--format", "docx,txt").exit_code == 0
    write_yaml(project_dir / "c1.yaml", case_data(id="case-1", **{"comment.posted": "yesterday"}))
    result = render(project_dir, out)
    assert result.exit_code == 1
    assert "c1.yaml:" in result.output and "1 failed" in result.output
    data = manifest_is_the_disk(out)  # its letters, made from the case as it was, are whole and listed
    assert {row["path"] for row in data["files"] if row["case_id"] == "case-1"} == {
        f"case-1/case-1.{lang}.{fmt}" for lang in ("kk", "ru", "en") for fmt in ("docx", "txt")}
    [failure] = data["failures"]
    assert failure["source"].endswith("c1.yaml")


def test_a_case_not_named_this_time_stays_listed(project_dir: Path, tmp_path: Path) -> None:
    write_yaml(project_dir / "c1.yaml", case_data(id="case-1"))
    write_yaml(project_dir / "c2.yaml", case_data(id="case-2"))
    out = tmp_path / "out"
    assert render(project_dir, out).exit_code == 0
    write_yaml(project_dir / "c1.yaml", case_data(id="case-1", **{"comment.text": "Другой текст"}))
    result = cli("render", str(project_dir / "c1.yaml"), "--out", str(out), "--date", DATE, "--workers", "1")
    assert result.exit_code == 0, result.output
    assert len(manifest_is_the_disk(out)["files"]) == 6


# --- 9. Counts that add up ----------------------------------------------------------------------------------------


def _warned(folder: Path) -> None:
    """Two cases: one with two warnings (no posted date, no English translation), one with one."""
    write_yaml(folder / "c1.yaml", case_data(id="case-1", **{"comment.posted": None, "comment.translations.en": None}))
    write_yaml(folder / "c2.yaml", case_data(id="case-2", **{"comment.posted": None}))


def _summary(output: str) -> str:
    return [line for line in output.splitlines() if " failed, " in line][-1]


def test_the_summary_counts_the_warnings_it_printed(project_dir: Path, tmp_path: Path) -> None:
    _warned(project_dir)
    out = tmp_path / "out"
    for run in ("first", "unchanged"):
        result = render(project_dir, out)
        assert result.exit_code == 0, result.output
        printed = [line for line in result.output.splitlines() if ": warning: " in line]
        assert len(printed) == 3, (run, result.output)
        assert _summary(result.output).endswith(", 3 warnings. See " + f"{out}/manifest.csv"), run
    assert _summary(result.output).startswith("no letter written, 2 cases unchanged, 0 failed")


def test_plurals_and_no_meaningless_rate(project_dir: Path, tmp_path: Path) -> None:
    write_yaml(project_dir / "c1.yaml", case_data(id="case-1", **{"comment.posted": None}))
    result = render(project_dir, tmp_path / "out", "--lang", "ru")
    assert result.exit_code == 0, result.output
    summary = _summary(result.output)
    assert summary.startswith("1 file written for 1 letter of 1 case")
    assert "1 warning." in summary and "warnings" not in summary
    assert "0 letters/s" not in result.output and "(0 " not in summary
    assert "1 cases" not in summary and "0 cases unchanged" in summary
    valid = cli("validate", str(project_dir / "c1.yaml"), "--date", DATE)
    assert valid.output.splitlines()[-1] == "1 case file checked: 1 valid, 0 with errors, 1 warning"


def test_validate_checks_the_project_file_of_a_folder_with_no_cases(tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "cases"
    folder.mkdir()
    (folder / "complaints.yaml").write_text("applicant:\n  kind: person\n  name: [Серікұлы\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = cli("validate", "cases")
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert PROBLEM_LINE.match(lines[0]) and lines[0].startswith("cases/complaints.yaml:"), lines
    assert "Traceback" not in result.output
    assert lines[-1] == ("0 case files checked: 0 valid, 0 with errors, 0 warnings; the project file"
                         " cases/complaints.yaml has errors")
    rendered = cli("render", "cases", "--out", "out")
    assert rendered.exit_code == 1 and rendered.output.splitlines()[0] == lines[0]
    # a good project file and no case: nothing to say, exit 0
    write_yaml(folder / "complaints.yaml", PROJECT)
    assert cli("validate", "cases").exit_code == 0


def test_a_libreoffice_that_fails_to_start_still_writes_the_rest_and_says_so_once(project_dir: Path,
                                                                                 tmp_path: Path) -> None:
    broken = tmp_path / "soffice"  # installed, but it cannot start: as a broken install does
    broken.write_text("#!/bin/sh\necho 'soffice: cannot open the user profile' >&2\nexit 1\n", encoding="utf-8")
    broken.chmod(0o755)
    for n in (1, 2, 3):
        write_yaml(project_dir / f"c{n}.yaml", case_data(id=f"case-{n}"))
    out = tmp_path / "out"

    def run(**env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "complaints.cli", "render", str(project_dir), "--out", str(out),
                               "--format", "docx,pdf,eml", "--date", DATE, "--workers", "2"],
                              capture_output=True, text=True, timeout=300, env={**os.environ, **env})

    done = run(COMPLAINTS_SOFFICE=str(broken))
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    [said] = [line for line in done.stderr.splitlines() if "LibreOffice" in line]
    assert said.startswith(f"error: LibreOffice ({broken}) was found but did not start")
    assert "the other formats are written, the PDF letters are not" in said
    assert not any(PROBLEM_LINE.match(line) for line in done.stderr.splitlines()), done.stderr  # no case failed
    assert "0 failed" in _summary(done.stderr) and "18 files written for 9 letters of 3 cases" in _summary(done.stderr)
    assert letters_on_disk(out) == {f"case-{n}/case-{n}.{lang}.{fmt}" for n in (1, 2, 3)
                                    for lang in ("kk", "ru", "en") for fmt in ("docx", "eml")}
    manifest_is_the_disk(out)
    message = email.message_from_bytes((out / "case-1" / "case-1.ru.eml").read_bytes())
    assert [part.get_filename() for part in message.walk() if part.get_filename()][0] == "case-1.ru.docx"
    assert "Министр" in docx_text(out / "case-1" / "case-1.ru.docx")

    fixed = run()  # LibreOffice working again: the PDFs are made, and the e-mails now attach them
    assert fixed.returncode == 0, fixed.stderr
    assert len(letters_on_disk(out)) == 27
    manifest_is_the_disk(out)
    message = email.message_from_bytes((out / "case-1" / "case-1.ru.eml").read_bytes())
    assert [part.get_filename() for part in message.walk() if part.get_filename()][0] == "case-1.ru.pdf"


def test_the_setting_for_libreoffice_is_documented() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert "COMPLAINTS_SOFFICE" in readme


def test_a_grouped_letter_made_again_leaves_no_old_formats(project_dir: Path, tmp_path: Path) -> None:
    for n in (1, 2):
        write_yaml(project_dir / f"nur-{n}.yaml", case_data(id=f"nur-{n}", **{"comment.text": f"Комментарий {n}"}))
    out = tmp_path / "out"
    first = render(project_dir, out, "--group-by", "outlet", "--format", "docx,txt,html")
    assert first.exit_code == 0, first.output
    assert "9 files written for 3 letters of 1 outlet" in first.output
    write_yaml(project_dir / "nur-2.yaml", case_data(id="nur-2", **{"comment.text": "Изменённый комментарий"}))
    second = render(project_dir, out, "--group-by", "outlet", "--format", "txt")
    assert second.exit_code == 0, second.output
    folder = next(p.name for p in out.iterdir() if p.is_dir())
    assert letters_on_disk(out) == {f"{folder}/{folder}.{lang}.txt" for lang in ("kk", "ru", "en")}
    manifest_is_the_disk(out)
    assert "Изменённый комментарий" in (out / folder / f"{folder}.ru.txt").read_text(encoding="utf-8")
    assert f"removed from {out}/{folder}: " in second.output


def test_unlisted_names_what_the_manifest_does_not_account_for(project_dir: Path, tmp_path: Path) -> None:
    """The hook `complaints check` lists stale files with: empty after a render, then every file the manifest
    does not account for (left by an older tool, put there by hand, edited since)."""
    from complaints.batch.manifest import unlisted

    write_yaml(project_dir / "c1.yaml", case_data(id="case-1"))
    out = tmp_path / "out"
    assert render(project_dir, out, "--format", "docx,txt").exit_code == 0
    assert unlisted(out) == []
    (out / "case-1" / "case-1.ru.pdf").write_bytes(b"%PDF- an old letter")
    (out / "case-1" / "case-1.en.txt").write_text("edited", encoding="utf-8")
    assert unlisted(out) == ["case-1/case-1.en.txt", "case-1/case-1.ru.pdf"]


def test_a_letter_folder_that_leads_out_of_the_output_loses_nothing(project_dir: Path, tmp_path: Path) -> None:
    write_yaml(project_dir / "c1.yaml", case_data(id="case-1"))
    out = tmp_path / "out"
    assert render(project_dir, out, "--format", "docx,txt").exit_code == 0
    elsewhere = tmp_path / "elsewhere"
    (out / "case-1").rename(elsewhere)
    (out / "case-1").symlink_to(elsewhere, target_is_directory=True)
    write_yaml(project_dir / "c1.yaml", case_data(id="case-1", **{"comment.text": "Другой текст"}))
    result = render(project_dir, out)
    assert "Traceback" not in result.output
    assert sorted(p.name for p in elsewhere.glob("*.txt")) == [f"case-1.{lang}.txt" for lang in ("en", "kk", "ru")]


def test_many_folders_of_removed_letters_are_counted_past_twenty(project_dir: Path, tmp_path: Path) -> None:
    for n in range(21):
        write_yaml(project_dir / f"c{n:02d}.yaml", case_data(id=f"case-{n:02d}", **{"comment.text": f"Текст {n}"}))
    out = tmp_path / "out"
    assert render(project_dir, out, "--format", "docx,txt").exit_code == 0
    result = cli("render", str(project_dir), "--out", str(out), "--date", "2026-12-01", "--workers", "1")
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("removed ")]
    assert len(lines) == 21 and all(line.startswith("removed from ") for line in lines[:20])
    assert lines[20] == (f'removed 3 more files of earlier letters in 1 more folder (listed under "removed" in'
                         f" {out}/manifest.json)")
    assert len(manifest_is_the_disk(out)["removed"]) == 63
