"""From filing to follow-up: fifty letters filed, their status at a glance, every follow-up with one command."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from conftest import LETTER_DATE, case_data, docx_text, write_yaml
from typer.testing import CliRunner

from complaints.cli import app

runner = CliRunner()


def _cli(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


@pytest.fixture
def fifty(project_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Fifty cases rendered (Russian) and filed through eOtinish over two weeks; five answered."""
    for n in range(50):
        write_yaml(project_dir / f"c{n:02d}.yaml", case_data(id=f"case-{n:02d}"))
    monkeypatch.chdir(project_dir)
    code, output = _cli("render", ".", "--lang", "ru", "--date", LETTER_DATE.isoformat(), "-q")
    assert code == 0, output
    for n in range(50):
        day = 2 + n % 10  # 2-11 November 2026, weekends included
        code, output = _cli("filed", f"c{n:02d}.yaml", "--lang", "ru", "--on", f"2026-11-{day:02d}T11:00",
                            "--channel", "eotinish", "--anyway", "--ref", f"ЖТ-2026-{n:05d}")
        assert code == 0, output
    for n in range(5):
        code, output = _cli("reply", f"case-{n:02d}", "--on", "2026-11-20", "--outcome", "answered")
        assert code == 0, output
    return project_dir


def test_fifty_filings_at_a_glance(fifty: Path) -> None:
    code, output = _cli("status", "--csv", "--today", "2026-12-01")
    assert code == 0, output
    rows = list(csv.DictReader(io.StringIO(output)))
    assert len(rows) == 50
    assert {r["reference"] for r in rows} == {f"ЖТ-2026-{n:05d}" for n in range(50)}
    by_case = {r["case"]: r for r in rows}
    assert by_case["case-00"]["status"] == "answered" and by_case["case-00"]["days"] == ""
    # filed Monday 2 November 11:00 → registered that day → due 23 November: overdue by 24-27, 30 Nov, 1 Dec
    assert by_case["case-10"]["due"] == "2026-11-23" and by_case["case-10"]["days"] == "6 overdue"
    # filed Saturday 7 November → registered Monday 9 November → due 30 November
    assert by_case["case-05"]["registered"] == "2026-11-09" and by_case["case-05"]["due"] == "2026-11-30"
    overdue = list(csv.DictReader(io.StringIO(_cli("status", "--overdue", "--csv", "--today", "2026-12-01")[1])))
    assert {r["status"] for r in overdue} == {"overdue"}
    assert len(overdue) == len([r for r in rows if r["status"] == "overdue"]) > 0


def test_every_follow_up_with_one_command(fifty: Path, tmp_path: Path) -> None:
    out = tmp_path / "reminders"
    code, output = _cli("remind", "--out", str(out), "--date", "2026-12-01", "--grace", "5", "--format", "docx,txt")
    assert code == 0, output
    rows = list(csv.DictReader(io.StringIO(_cli("status", "--overdue", "--csv", "--today", "2026-12-01")[1])))
    late = {r["case"]: int(r["days"].split()[0]) for r in rows}
    for case, days in late.items():
        reminder = out / case / f"{case}.ru.reminder.docx"
        text = docx_text(reminder)
        assert "76" in text and "ЖТ-2026-" + case[-2:].rjust(5, "0") in text
        assert (out / case / f"{case}.ru.reminder.txt").is_file()
        prosecutor = out / case / f"{case}.ru.prosecutor.docx"
        assert prosecutor.is_file() == (days > 5), (case, days)
        if prosecutor.is_file():
            assert "прокуратур" in docx_text(prosecutor).lower()
    assert not (out / "case-00").exists()  # answered: no follow-up
    assert sorted(p.name for p in out.iterdir()) == sorted(late)


def test_nothing_late_nothing_written(fifty: Path, tmp_path: Path) -> None:
    code, output = _cli("remind", "--out", str(tmp_path / "r"), "--date", "2026-11-12")
    assert code == 0, output
    assert "nothing to write" in output
    assert not (tmp_path / "r").exists()


def test_follow_ups_as_email_attach_the_letter_and_the_original(fifty: Path, tmp_path: Path) -> None:
    import email
    import email.policy

    out = tmp_path / "reminders"
    code, output = _cli("remind", "--out", str(out), "--date", "2026-12-01", "--format", "eml")
    assert code == 0, output
    emls = sorted(out.glob("*/*.eml"))
    assert emls and not list(out.glob("*/*.docx")) and not list(out.glob("*/*.txt"))
    msg = email.message_from_bytes(emls[0].read_bytes(), policy=email.policy.default)
    case = emls[0].parent.name
    names = [p.get_filename() for p in msg.iter_attachments()]
    assert names == [f"{case}.ru.reminder.docx", f"{case}.ru.docx"]
    original = [p for p in msg.iter_attachments()][1].get_content()
    assert original == (fifty / "letters" / case / f"{case}.ru.docx").read_bytes()
    assert "76" in msg.get_body(("plain",)).get_content()


def test_remind_into_a_file_is_refused_before_saying_anything_else(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from complaints.cli import app

    monkeypatch.chdir(tmp_path)
    (tmp_path / "afile").write_text("mine", encoding="utf-8")
    result = CliRunner().invoke(app, ["remind", "--out", "afile", "--db", str(tmp_path / "r.db")])
    assert result.exit_code == 2
    assert "error: --out: the follow-up letters' folder afile is a file, not a folder" in result.output
    assert "overdue" not in result.output and (tmp_path / "afile").read_text(encoding="utf-8") == "mine"
