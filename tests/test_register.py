"""The filing register: filed, extended, reply, status, due; the archive; two writers; a command killed half-way."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from conftest import LETTER_DATE, PROJECT, case_data, write_yaml
from typer.testing import CliRunner

from complaints.case.when import DAY_FORMS, FORMS, kz_today
from complaints.cli import app
from complaints.errors import UsageError
from complaints.register import store as register_module
from complaints.register.filings import due_within, record_extension, record_reply, standings
from complaints.register.store import Register, RegisterError

runner = CliRunner()
IIN = PROJECT["applicant"]["iin"]


@pytest.fixture
def project(project_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cases folder with three cases rendered into letters/, the working folder set to it."""
    for n in (1, 2, 3):
        write_yaml(project_dir / f"c{n}.yaml", case_data(id=f"case-{n}"))
    monkeypatch.chdir(project_dir)
    result = runner.invoke(app, ["render", ".", "--out", "letters", "--date", LETTER_DATE.isoformat(), "-q"])
    assert result.exit_code == 0, result.output
    return project_dir


def _cli(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def _file(case: str = "c1.yaml", lang: str = "ru", on: str = "2026-11-03T10:00", *extra: str) -> tuple[int, str]:
    return _cli("filed", case, "--lang", lang, "--on", on, "--channel", "eotinish", "--anyway", *extra)


def test_filing_records_registration_and_due_date(project: Path) -> None:
    code, output = _file("c1.yaml", "ru", "2026-11-03T10:00", "--ref", "ЖТ-2026-00123")
    assert code == 0, output
    assert "registered 2026-11-03" in output
    # 15 working days after Tuesday 3 November 2026, no holidays: 4-6, 9-13, 16-20, 23, 24 November
    assert "reply due 2026-11-24" in output
    (f,) = standings(today=date(2026, 11, 10))
    assert (f.filing.case_id, f.filing.lang, f.filing.ref) == ("case-1", "ru", "ЖТ-2026-00123")
    assert f.filing.due == date(2026, 11, 24) and f.status == "pending"
    assert f.days_left == 10  # 11-13, 16-20, 23, 24 November


def test_after_hours_and_on_a_saturday_the_next_working_day_registers_it(project: Path) -> None:
    assert _file("c1.yaml", "ru", "2026-11-03T18:45")[0] == 0  # after 18:30
    assert _file("c1.yaml", "kk", "2026-11-07T11:00")[0] == 0  # a Saturday
    rows = {s.filing.lang: s.filing for s in standings(today=date(2026, 11, 10))}
    assert rows["ru"].registered == date(2026, 11, 4)
    assert rows["kk"].registered == date(2026, 11, 9)


def test_the_exact_file_filed_is_frozen_in_the_archive(project: Path) -> None:
    letter = project / "letters" / "case-1" / "case-1.ru.docx"
    original = letter.read_bytes()
    assert _file()[0] == 0
    (s,) = standings(today=date(2026, 11, 10))
    with Register(project / "complaints.db") as reg:
        archived = reg.archived(s.filing.letter_sha256)
    assert archived.read_bytes() == original
    letter.write_bytes(b"edited later")  # the case moves on; the record of what was sent does not
    assert archived.read_bytes() == original
    with Register(project / "complaints.db") as reg:
        assert reg.filings()[0].letter_name == "case-1.ru.docx"


def test_an_explicit_file_is_the_one_archived(project: Path, tmp_path: Path) -> None:
    signed = tmp_path / "signed.pdf"
    signed.write_bytes(b"%PDF-1.7 signed with an EDS")
    code, output = _file("c2.yaml", "kk", "2026-11-03T10:00", "--file", str(signed))
    assert code == 0, output
    with Register(project / "complaints.db") as reg:
        (f,) = reg.filings()
        assert f.letter_name == "signed.pdf"
        assert reg.archived(f.letter_sha256).read_bytes() == signed.read_bytes()


def test_a_case_is_found_by_its_id_through_the_manifest(project: Path) -> None:
    code, output = _file("case-3", "en")
    assert code == 0, output
    assert standings(today=date(2026, 11, 10))[0].filing.case_id == "case-3"


def test_filing_the_same_letter_twice_needs_again(project: Path) -> None:
    assert _file()[0] == 0
    code, output = _file()
    assert code == 1 and "Traceback" not in output
    assert ("error: 'case-1' in 'ru' is already in the register, filed 2026-11-03 10:00; if this is a new filing of"
            " the same letter, add --again") in output
    code, output = _file("c1.yaml", "ru", "2026-11-05T10:00", "--again")
    assert code == 0, output
    assert [s.filing.again for s in standings(today=date(2026, 11, 10))] == [0, 1]


def test_extension_and_reply_change_the_status(project: Path, tmp_path: Path) -> None:
    assert _file()[0] == 0
    assert _file("c2.yaml")[0] == 0
    code, output = _cli("extended", "case-1", "--until", "2027-01-15", "--ref", "ext-7")
    assert code == 0, output
    reply_file = tmp_path / "reply.pdf"
    reply_file.write_bytes(b"%PDF the Ministry's answer")
    code, output = _cli("reply", "case-2", "--on", "2026-11-20", "--outcome", "measures-taken", "--file",
                        str(reply_file), "--note", "comment removed")
    assert code == 0, output
    rows = {s.filing.case_id: s for s in standings(today=date(2026, 12, 1))}
    assert rows["case-1"].status == "extended" and rows["case-1"].filing.deadline == date(2027, 1, 15)
    assert rows["case-2"].status == "measures-taken"
    with Register(project / "complaints.db") as reg:
        full = {f.case_id: f for f in reg.filings()}
        assert full["case-2"].reply_name == "reply.pdf" and full["case-2"].note == "comment removed"
        assert reg.archived(full["case-2"].reply_sha256 or "").read_bytes() == reply_file.read_bytes()


def test_status_shows_overdue_and_days_as_csv_and_json(project: Path) -> None:
    assert _file("c1.yaml", "ru", "2026-11-03T10:00")[0] == 0  # due 24 November
    assert _file("c2.yaml", "ru", "2026-11-20T10:00")[0] == 0
    code, output = _cli("status", "--csv", "--today", "2026-11-26")
    assert code == 0, output
    rows = list(csv.DictReader(io.StringIO(output)))
    assert [r["case"] for r in rows] == ["case-1", "case-2"]
    assert rows[0]["status"] == "overdue" and rows[0]["days"] == "2 overdue"  # 25, 26 November
    assert rows[1]["status"] == "pending" and rows[1]["due"] == "2026-12-11"
    code, output = _cli("status", "--overdue", "--json", "--today", "2026-11-26")
    data = json.loads(output)
    assert [d["case_id"] for d in data] == ["case-1"] and data[0]["working_days_left"] == -2
    assert data[0]["registered_from"] == "computed"  # no receipt's date recorded: a reading, said to be one
    code, output = _cli("due", "--within", "12", "--csv", "--today", "2026-11-26")
    assert [r["case"] for r in csv.DictReader(io.StringIO(output))] == ["case-2"]  # 11 working days left
    code, output = _cli("due", "--within", "5", "--csv", "--today", "2026-11-26")
    assert list(csv.DictReader(io.StringIO(output))) == []


def test_the_register_never_holds_the_iin(project: Path) -> None:
    assert _file()[0] == 0
    assert _file("c2.yaml", "kk")[0] == 0
    for path in project.glob("complaints.db*"):
        assert IIN.encode() not in path.read_bytes(), path
    _, output = _cli("status", "--json", "--today", "2026-11-26")
    assert IIN not in output


def test_bad_input_is_a_clear_error(project: Path) -> None:
    code, output = _cli("filed", "c1.yaml", "--lang", "ru", "--on", "yesterday", "--channel", "eotinish", "--anyway")
    assert code == 2
    assert f"--on: the time of filing: 'yesterday' is not a date; write it as one of {FORMS}" in output
    code, output = _cli("filed", "c1.yaml", "--lang", "ru", "--on", "2026-11-03T10:00", "--channel", "fax", "--anyway")
    assert code == 2 and "eotinish" in output
    code, output = _cli("reply", "case-9", "--on", "2026-11-20", "--outcome", "answered")
    assert code == 1 and "no filing" in output
    code, output = _cli("filed", "nope.yaml", "--lang", "ru", "--on", "2026-11-03T10:00", "--channel", "post", "--anyway")
    assert code == 2 and "nope.yaml" in output
    for text in (output,):
        assert "Traceback" not in text


def test_schema_versions_are_applied_and_a_newer_register_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "complaints.db"
    with Register(path) as reg:
        assert reg.schema_version == len(register_module.MIGRATIONS)
        mode = reg.db.execute("PRAGMA journal_mode").fetchone()[0]
        assert mode == "wal"
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = 99")
    db.commit()
    db.close()
    with pytest.raises(RegisterError, match="newer version"):
        Register(path)


def _subprocess_filed(cwd: Path, case: str, lang: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "complaints.cli", "filed", case, "--lang", lang, "--on",
                             "2026-11-03T10:00", "--channel", "post", "--anyway"], cwd=cwd,
                            env={**os.environ, **(env or {})},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_two_processes_filing_at_once_lose_nothing(project: Path) -> None:
    procs = []
    for lang in ("kk", "ru", "en"):
        for n in (1, 2, 3):
            procs.append(_subprocess_filed(project, f"c{n}.yaml", lang))
    for p in procs:
        output = p.communicate(timeout=120)[0]
        assert p.returncode == 0, output
    rows = standings(today=date(2026, 11, 10))
    assert sorted((s.filing.case_id, s.filing.lang) for s in rows) == sorted(
        (f"case-{n}", lang) for n in (1, 2, 3) for lang in ("kk", "ru", "en"))


@pytest.mark.parametrize("point", ["after-insert", "before-commit"])
def test_a_command_killed_half_way_leaves_the_register_as_it_was(project: Path, point: str) -> None:
    assert _file("c1.yaml", "ru")[0] == 0
    proc = _subprocess_filed(project, "c2.yaml", "ru", {"COMPLAINTS_FAULT": point})
    proc.communicate(timeout=120)
    assert proc.returncode == -9  # killed inside its transaction
    assert [s.filing.case_id for s in standings(today=date(2026, 11, 10))] == ["case-1"]
    with Register(project / "complaints.db") as reg:
        assert reg.db.execute("SELECT count(*) FROM events").fetchone()[0] == 1
    proc = _subprocess_filed(project, "c2.yaml", "ru")
    assert proc.communicate(timeout=120) and proc.returncode == 0
    assert [s.filing.case_id for s in standings(today=date(2026, 11, 10))] == ["case-1", "case-2"]


def test_no_register_without_a_project_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, output = _cli("status", "--csv")
    assert code == 2 and "case,language" not in output
    # the user typed no --db: the message does not start with it, it names it as what to give
    assert ("error: no complaints.yaml here or above, so no register beside it: run this in your cases folder, or"
            " name the register") in output and output.rstrip().endswith("(--db)")


def test_the_register_is_found_from_the_folder_above_the_cases(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _file()[0] == 0
    monkeypatch.chdir(project.parent)  # where an advocate keeps cases/ and letters/ side by side
    code, output = _cli("status", "--csv", "--today", "2026-11-10")
    assert code == 0, output
    assert "case-1" in output


def test_every_date_option_reads_the_forms_every_date_is_read_in(project: Path) -> None:
    code, output = _file("c1.yaml", "ru", "03.11.2026 18.45")  # day first, a dot between hour and minute
    assert code == 0, output
    assert "filed 2026-11-03 18:45" in output and "registered 2026-11-04" in output  # after hours
    assert _file("c2.yaml", "ru", "03.11.2026 10:00")[0] == 0
    code, output = _cli("extended", "case-1", "--until", "15.01.2027")
    assert code == 0 and "extended to 2027-01-15" in output, output
    code, output = _cli("reply", "case-2", "--on", "20.11.2026", "--outcome", "answered")
    assert code == 0 and "answered on 2026-11-20" in output, output
    code, output = _cli("reply", "case-2", "--on", "20.11.2026 10:00", "--outcome", "answered")
    assert code == 2
    assert f"--on: the date of the reply: '20.11.2026 10:00' has a time; a date alone ({DAY_FORMS}) is expected" in output
    code, output = _cli("extended", "case-1", "--until", "next month")
    assert code == 2
    assert f"--until: the extension date: 'next month' is not a date; write it as {DAY_FORMS}" in output


def test_refusals_name_the_value_and_the_field_and_the_command_line_adds_the_flag(project: Path,
                                                                                  tmp_path: Path) -> None:
    assert _file("c1.yaml", "ru", "2026-11-03T10:00")[0] == 0  # registered 3 November, due 24 November
    code, output = _cli("extended", "case-1", "--until", "2026-11-20")
    assert code == 2
    assert "--until: the extension date 2026-11-20 is not after the due date 2026-11-24" in output
    code, output = _cli("reply", "case-1", "--on", "2026-11-01", "--outcome", "answered")
    assert code == 2
    assert "--on: the date of the reply 2026-11-01 is before the letter was filed, 2026-11-03" in output
    code, output = _cli("reply", "case-1", "--on", "2026-11-20", "--outcome", "answered", "--file",
                        str(tmp_path / "gone.pdf"))
    assert code == 2 and f"--file: no such file: {tmp_path / 'gone.pdf'} (the reply to archive)" in output
    code, output = _cli("due", "--within", "-1", "--csv")
    assert code == 2 and "--within: the number of working days ahead must be 0 or more, not -1" in output
    assert "case,language" not in output  # refused before the table starts
    code, output = _cli("due", "--within", "-1", "--json")
    assert code == 2 and "--within: the number of working days ahead" in output
    code, output = _file("c2.yaml", "ru", "2026-11-03T10:00", "--file", "nope.pdf")
    assert code == 2 and "--file: no such file: nope.pdf (the letter filed)" in output
    code, output = _cli("filed", "c2.yaml", "--lang", "de", "--on", "2026-11-03T10:00", "--channel", "post", "--anyway")
    assert code == 2 and "--lang: unknown letter language 'de': choose from kk, ru, en" in output
    assert _file("c1.yaml", "kk")[0] == 0
    code, output = _cli("extended", "case-1", "--until", "2027-01-15")
    assert code == 2 and "'case-1' was filed in kk, ru: say in which language (--lang)" in output
    for text in (output,):
        assert "Traceback" not in text
    # the library's own words: no flag in them, the argument named apart
    for call, about, message in (
            (lambda: record_extension("case-1", until="2026-11-20", lang="ru"), "until",
             "the extension date 2026-11-20 is not after the due date 2026-11-24"),
            (lambda: record_reply("case-1", on="2026-11-01", outcome="answered", lang="ru"), "on",
             "the date of the reply 2026-11-01 is before the letter was filed, 2026-11-03"),
            (lambda: record_reply("case-1", on="2199-01-04", outcome="answered", lang="ru"), "on",
             f"the date of the reply 2199-01-04 is in the future (today is {kz_today().isoformat()} in Kazakhstan):"
             " give the date the reply shows"),
            (lambda: due_within(-2), "within", "the number of working days ahead must be 0 or more, not -2")):
        with pytest.raises(UsageError) as caught:
            call()
        assert (str(caught.value), caught.value.about) == (message, about)


def test_a_register_of_schema_1_is_migrated_and_its_filings_kept(tmp_path: Path) -> None:
    path = tmp_path / "complaints.db"
    db = sqlite3.connect(path)
    db.executescript(register_module.MIGRATIONS[0])
    db.execute("PRAGMA user_version = 1")
    db.execute("INSERT INTO filings (case_id, lang, channel, filed_at, registered, due, letter_name, letter_sha256,"
               " subject, outlet, authority, recorded_at) VALUES ('old-case', 'ru', 'post', '2025-03-03T10:00:00+05:00',"
               " '2025-03-03', '2025-03-24', 'old-case.ru.docx', ?, 'о принятии мер', 'Nur.kz', 'mki-rk',"
               " '2025-03-03T05:00:00+00:00')", ("0" * 64,))
    db.commit()
    db.close()
    with Register(path) as reg:
        assert reg.schema_version == len(register_module.MIGRATIONS) == 5
        (filing,) = reg.filings()
        assert (filing.case_id, filing.evidence_from) == ("old-case", None)
        assert reg.annexes([filing.id]) == {filing.id: []}
        # schema 3: its registration date was computed (no receipt recorded), and no follow-up was written
        assert filing.registration is None and not filing.registered_known
        assert reg.followups([filing.id]) == {filing.id: []}


def test_a_case_is_filed_by_its_id_from_another_folder(project_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rendered from the folder above the cases, filed by id from inside the cases folder: the manifest's case
    file is found beside the letters' folder, not only where the command runs."""
    write_yaml(project_dir / "c1.yaml", case_data(id="case-1"))
    monkeypatch.chdir(project_dir.parent)
    rendered = runner.invoke(app, ["render", project_dir.name, "--out", "letters", "--date", LETTER_DATE.isoformat(),
                                   "-q"])
    assert rendered.exit_code == 0, rendered.output
    monkeypatch.chdir(project_dir)
    code, output = _cli("filed", "case-1", "--letters", "../letters", "--lang", "ru", "--on", "03.11.2026 10:00",
                        "--channel", "post", "--anyway")
    assert code == 0, output
    assert "recorded: case-1 (ru)" in output


def test_a_letter_about_an_outlet_is_not_taken_for_a_case_file(project_dir: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    for n in (1, 2):
        write_yaml(project_dir / f"c{n}.yaml", case_data(id=f"case-{n}"))
    monkeypatch.chdir(project_dir)
    rendered = runner.invoke(app, ["render", ".", "--out", "by-outlet", "--group-by", "outlet", "-q"])
    assert rendered.exit_code == 0, rendered.output
    outlet = next(p.name for p in (project_dir / "by-outlet").iterdir() if p.name.startswith("outlet-"))
    code, output = _cli("filed", outlet, "--letters", "by-outlet", "--lang", "ru", "--on", "2026-11-03T10:00",
                        "--channel", "post", "--anyway")
    assert code == 2 and "only as a letter about an outlet's comments" in output and "cannot read" not in output


# ------------------------------------------------------------------ the registration date, from the receipt or computed

def test_the_receipts_registration_date_is_recorded_and_the_term_counted_from_it(project: Path) -> None:
    code, output = _file("c1.yaml", "ru", "2026-11-03T10:00", "--ref", "ЖТ-2026-00742", "--registered", "2026-11-05")
    assert code == 0, output
    assert "registered 2026-11-05 (from the receipt)" in output and "computed" not in output
    assert "reply due 2026-11-26" in output  # 15 working days after Thursday 5 November
    (s,) = standings(today=date(2026, 11, 10))
    assert s.filing.registered_known and s.filing.ref == "ЖТ-2026-00742"
    code, output = _cli("status", "--csv", "--today", "2026-11-10")
    assert "2026-11-05,2026-11-26" in output


def test_without_the_receipt_the_registration_is_said_to_be_computed(project: Path) -> None:
    code, output = _file("c1.yaml", "ru", "2026-11-03T10:00")
    assert code == 0, output
    assert "registered 2026-11-03 (computed: APPC Article 64(3))" in output
    assert "note: the registration date 2026-11-03 and the due date are computed, a reading for you to confirm" in output
    assert "complaints registered case-1 --lang ru --on DATE --ref NUMBER" in output
    code, output = _cli("registered", "case-1", "--on", "2026-11-04", "--ref", "ЖТ-2026-00801")
    assert code == 0, output
    assert "recorded: case-1 (ru) registered 2026-11-04 under No. ЖТ-2026-00801 (from the receipt); reply due" \
           " 2026-11-25" in output
    (s,) = standings(today=date(2026, 11, 10))
    assert s.filing.registered_known and s.filing.due == date(2026, 11, 25)
    code, output = _cli("registered", "case-1", "--on", "2026-11-02")
    assert code == 2 and "--on: the registration date 2026-11-02 is before the letter was filed, 2026-11-03" in output


def test_a_postal_filing_waits_the_delivery_allowance_before_the_term_is_counted(project: Path) -> None:
    code, output = _cli("filed", "c1.yaml", "--lang", "ru", "--on", "2026-11-03T10:00", "--channel", "post",
                        "--anyway")
    assert code == 0, output
    # posted Tuesday 3 November; five working days to arrive → registered Tuesday 10 November; due 1 December
    assert "registered 2026-11-10 (computed: posted, plus the delivery allowance (workdays.yaml:" \
           " post_delivery_days), APPC Article 64(3)); reply due 2026-12-01" in output, output
    # a project sets its own allowance in its workdays.yaml
    (project / "workdays.yaml").write_text("format: 1\npost_delivery_days: 2\n", encoding="utf-8")
    code, output = _cli("filed", "c2.yaml", "--lang", "ru", "--on", "2026-11-03T10:00", "--channel", "post",
                        "--anyway")
    assert code == 0 and "registered 2026-11-05" in output, output
    (project / "workdays.yaml").write_text("format: 1\npost_delivery_days: 400\n", encoding="utf-8")
    code, output = _cli("filed", "c3.yaml", "--lang", "ru", "--on", "2026-11-03T10:00", "--channel", "post",
                        "--anyway")
    assert code == 1 and "workdays.yaml:2:" in output and "post_delivery_days" in output, output


# ------------------------------------------------------------------ dates that cannot be

def test_a_filing_in_the_future_is_refused_but_a_clock_a_few_minutes_behind_is_not(project: Path) -> None:
    from datetime import datetime, timedelta

    from complaints.case.when import kz_zone

    code, output = _file("c1.yaml", "ru", "2027-11-03T10:00")
    assert code == 2 and "--on: the time of filing 2027-11-03 10:00 is in the future (it is " in output, output
    assert "record a filing once it is made" in output and "Traceback" not in output
    soon = (datetime.now(kz_zone()) + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M")
    code, output = _file("c1.yaml", "ru", soon)
    assert code == 0, output
    assert "c2" not in _cli("status", "--csv")[1]


def test_a_filing_date_without_its_time_is_refused_not_taken_for_midnight(project: Path) -> None:
    code, output = _file("c1.yaml", "ru", "2026-11-03")
    assert code == 2, output
    assert ("--on: the time of filing: '2026-11-03' is a date without a time; give the time too, as the receipt or"
            " the postal slip shows it (e.g. 2026-11-03T14:30)") in output
    assert "no filings" in _cli("status")[1] or "case-1" not in _cli("status", "--csv")[1]


def test_a_registration_date_in_the_future_or_not_a_date_is_refused(project: Path) -> None:
    code, output = _file("c1.yaml", "ru", "2026-11-03T10:00", "--registered", "2027-11-05")
    assert code == 2 and "--registered: the registration date 2027-11-05 is in the future" in output, output
    code, output = _file("c1.yaml", "ru", "2026-11-03T10:00", "--registered", "2026-11-02")
    assert code == 2 and "--registered: the registration date 2026-11-02 is before the letter was filed," \
                         " 2026-11-03" in output
    code, output = _file("c1.yaml", "ru", "2026-11-03T10:00", "--registered", "soon")
    assert code == 2 and "--registered: the registration date: 'soon' is not a date" in output
    assert "case-1" not in _cli("status", "--csv")[1]


def test_an_extension_beyond_two_months_or_after_the_reply_is_refused(project: Path) -> None:
    assert _file("c1.yaml", "ru", "2026-11-03T10:00")[0] == 0  # due 24 November
    code, output = _cli("extended", "case-1", "--until", "2030-01-15")
    assert code == 2
    assert ("--until: the extension date 2030-01-15 is more than two months after the due date 2026-11-24 (APPC"
            " Article 76 allows an extension of up to two months, so to 2027-01-24 at the latest)") in output
    assert _cli("extended", "case-1", "--until", "2027-01-24")[0] == 0
    assert _cli("reply", "case-1", "--on", "2026-12-01", "--outcome", "answered")[0] == 0
    code, output = _cli("extended", "case-1", "--until", "2027-01-20")
    assert code == 2 and "--until: 'case-1' (ru) was answered on 2026-12-01: a term that has ended with the reply" \
                         " cannot be extended" in output


def test_a_second_reply_is_refused_unless_it_replaces_the_first(project: Path) -> None:
    assert _file("c1.yaml", "ru", "2026-11-03T10:00")[0] == 0
    assert _cli("reply", "case-1", "--on", "2026-11-20", "--outcome", "answered")[0] == 0
    code, output = _cli("reply", "case-1", "--on", "2026-11-25", "--outcome", "refused")
    assert code == 2
    assert ("'case-1' (ru) has a reply recorded already, of 2026-11-20 (answered): to record this one in its place,"
            " say so (--replace)") in output
    (s,) = standings(today=date(2026, 11, 30))
    assert (s.filing.replied_on, s.filing.outcome) == (date(2026, 11, 20), "answered")
    code, output = _cli("reply", "case-1", "--on", "2026-11-25", "--outcome", "refused", "--replace")
    assert code == 0, output
    (s,) = standings(today=date(2026, 11, 30))
    assert (s.filing.replied_on, s.filing.outcome) == (date(2026, 11, 25), "refused")


def test_a_comment_posted_before_its_article_is_an_error_at_the_field(project: Path) -> None:
    path = write_yaml(project / "c1.yaml", case_data(id="case-1", **{"article.published": "2023-10-06",
                                                                       "comment.posted": "2023-10-05T22:53"}))
    code, output = _cli("validate", str(path))
    assert code == 1, output
    line = next(n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "posted:" in text)
    assert f"c1.yaml:{line}:" in output
    assert ("error: comment.posted: the comment is dated 2023-10-05, before the article it is under was published"
            " (2023-10-06, article.published)") in output
    write_yaml(path, case_data(id="case-1", **{"article.published": "2023-10-06T23:10",
                                               "comment.posted": "2023-10-06T22:53"}))
    code, output = _cli("validate", str(path))
    assert code == 0 and "warning: comment.posted: the comment is timed 22:53, before the article was published at" \
                         " 23:10 the same day" in output, output


def test_a_cases_letters_on_disk_are_those_the_manifest_lists_and_the_files_beside_them(project: Path) -> None:
    from complaints.batch.manifest import case_letters

    letters = project / "letters"
    own = case_letters(letters, "case-1")
    assert {p.name for p in own} == {f"case-1.{lang}.docx" for lang in ("kk", "ru", "en")}
    (letters / "case-1" / "case-1.ru.pdf").write_bytes(b"%PDF-1.7 signed")  # saved beside them after signing
    (letters / "case-1" / "notes.odt").write_bytes(b"not a letter")
    found = case_letters(letters, "case-1")
    assert found[:3] == own and found[3:] == [letters / "case-1" / "case-1.ru.pdf"]
    assert case_letters(letters, "no-such-case") == []


def test_a_letter_recorded_in_another_language_than_its_own_is_refused(project: Path) -> None:
    from complaints.register.filings import record_filing

    with pytest.raises(UsageError) as refused:
        record_filing("c1.yaml", lang="ru", on="2026-11-03T10:00", channel="eotinish", anyway=True,
                      file="letters/case-1/case-1.kk.docx")
    assert refused.value.about == "lang" and "kk letter, not the ru one" in str(refused.value)
    assert not Path("complaints.db").exists() or not Register("complaints.db").filings()


# ---------------------------------------------------------------- a signed file filed: a signature container


def _signed_cms(letter: Path, out: Path, *, attached: bool = True, base64: bool = False) -> Path:
    """A real CMS SignedData container of `letter` (openssl, a throw-away self-signed certificate), as NCALayer
    writes one: the letter inside it (attached), or not (detached)."""
    import shutil

    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    key, cert = out.parent / "key.pem", out.parent / "cert.pem"
    if not cert.exists():
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                        str(cert), "-days", "2", "-subj", "/CN=test"], check=True, capture_output=True)
    subprocess.run(["openssl", "cms", "-sign", "-binary", "-in", str(letter), "-signer", str(cert), "-inkey", str(key),
                    "-outform", "PEM" if base64 else "DER", "-out", str(out), *([] if attached else [])]
                   + ([] if attached else []) + (["-nodetach"] if attached else []), check=True, capture_output=True)
    return out


def test_a_signature_container_of_the_cases_letter_is_recorded_as_that_letter(project: Path, tmp_path: Path) -> None:
    from complaints.register.filings import record_filing, signed_letter

    letter = project / "letters" / "case-1" / "case-1.ru.docx"
    cms = _signed_cms(letter, tmp_path / "case-1.ru.docx.cms")
    assert signed_letter(cms, "case-1", project / "letters")["language"] == "ru"
    assert signed_letter(cms, "case-9", project / "letters") is None  # (case-2's letter is the same bytes)
    f = record_filing("c1.yaml", lang="ru", on="2026-11-03T10:00", channel="eotinish", anyway=True, file=cms)
    assert (f.letter_name, f.evidence_from) == ("case-1.ru.docx.cms", "letter")
    with Register("complaints.db") as reg:
        assert reg.archived(f.letter_sha256).read_bytes() == cms.read_bytes()


def test_a_signature_container_of_the_letter_in_another_language_is_refused(project: Path, tmp_path: Path) -> None:
    from complaints.register.filings import record_filing

    cms = _signed_cms(project / "letters" / "case-1" / "case-1.kk.docx", tmp_path / "signed.p7s", base64=True)
    with pytest.raises(UsageError) as refused:
        record_filing("c1.yaml", lang="ru", on="2026-11-03T10:00", channel="eotinish", anyway=True, file=cms)
    assert refused.value.about == "lang"


def test_a_detached_signature_is_recorded_but_not_taken_for_the_letter_and_a_non_container_is_refused(
        project: Path, tmp_path: Path) -> None:
    from complaints.register.filings import record_filing, signed_letter

    detached = _signed_cms(project / "letters" / "case-1" / "case-1.ru.docx", tmp_path / "d.cms", attached=False)
    assert signed_letter(detached, "case-1", project / "letters") is None
    f = record_filing("c1.yaml", lang="ru", on="2026-11-03T10:00", channel="eotinish", anyway=True, file=detached)
    assert f.evidence_from == "case"  # the letter it signs is not in it: the case's evidence as it is now
    bogus = tmp_path / "bogus.cms"
    bogus.write_bytes(b"not a signature at all")
    with pytest.raises(UsageError) as refused:
        record_filing("c2.yaml", lang="ru", on="2026-11-03T10:00", channel="eotinish", anyway=True, file=bogus)
    assert refused.value.about == "file" and "signature container" in str(refused.value)


def test_a_signed_pdf_is_the_letter_when_it_begins_with_the_rendered_pdf(project: Path, tmp_path: Path) -> None:
    from complaints.register.filings import signed_letter

    manifest = json.loads((project / "letters" / "manifest.json").read_text(encoding="utf-8"))
    rows = manifest if isinstance(manifest, list) else manifest.get("letters", manifest.get("files", []))
    row = next(r for r in rows if r.get("case_id") == "case-3" and r.get("language") == "en")
    letter = project / "letters" / row["path"]
    signed = tmp_path / "signed.pdf"
    signed.write_bytes(letter.read_bytes() + b"\n% an incremental update: the signature\n")
    assert signed_letter(signed, "case-3", project / "letters") is not None
    signed.write_bytes(b"%PDF-1.7 " + letter.read_bytes())  # made anew: not the letter rendered
    assert signed_letter(signed, "case-3", project / "letters") is None


def test_the_archived_copy_is_found_by_its_hash_only(project: Path, tmp_path: Path) -> None:
    from complaints.register.filings import archived_file

    assert _file()[0] == 0
    (s,) = standings(today=date(2026, 11, 10), full=True)
    path, name = archived_file(s.filing.letter_sha256, db="complaints.db")
    assert name == "case-1.ru.docx" and path.read_bytes() == (project / "letters/case-1/case-1.ru.docx").read_bytes()
    assert archived_file("0" * 64, db="complaints.db") is None
    assert archived_file("../complaints.db", db="complaints.db") is None
