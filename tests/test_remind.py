"""From filing to follow-up: fifty letters filed, their status at a glance, every follow-up with one command."""

from __future__ import annotations

import csv
import io
import re
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


def _late(today: str) -> dict[str, int]:
    rows = list(csv.DictReader(io.StringIO(_cli("status", "--overdue", "--csv", "--today", today)[1])))
    return {r["case"]: int(r["days"].split()[0]) for r in rows}


def test_every_follow_up_with_one_command_reminder_first_then_the_prosecutor(fifty: Path, tmp_path: Path) -> None:
    """Escalation is staged: a run writes the reminders; the letter to the prosecutor only on a later run, once the
    reminder has gone unanswered for --grace working days, and it cites the reminder."""
    out = tmp_path / "reminders"
    code, output = _cli("remind", "--out", str(out), "--date", "2026-12-01", "--grace", "5", "--format", "docx,txt")
    assert code == 0, output
    late = _late("2026-12-01")
    assert late and max(late.values()) > 5  # overdue long enough that the old rule wrote to the prosecutor at once
    for case in late:
        text = docx_text(out / case / f"{case}.ru.reminder.docx")
        assert "76" in text and "ЖТ-2026-" + case[-2:].rjust(5, "0") in text
        assert "Министерство культуры и информации Республики Казахстан" in text  # the body, named
        assert "зарегистрировано" not in text  # computed: the letter says when it was filed, not "registered"
        assert (out / case / f"{case}.ru.reminder.txt").is_file()
    assert not list(out.glob("*/*.prosecutor.*"))  # never on the same run as the first reminder
    assert not (out / "case-00").exists()  # answered: no follow-up
    assert sorted(p.name for p in out.iterdir()) == sorted(late)

    # three working days on: the reminders wait; nothing new for them
    code, output = _cli("remind", "--out", str(out), "--date", "2026-12-04", "--grace", "5")
    assert code == 0, output
    assert "waiting: case-10 (ru): the reminder of 2026-12-01 has waited 3 of 5 working days; the letter to the" \
           " prosecutor is written from 2026-12-08" in output
    assert not list(out.glob("*/*.prosecutor.*"))

    # five working days after the reminder: the letter to the prosecutor, citing it
    code, output = _cli("remind", "--out", str(out), "--date", "2026-12-08", "--grace", "5")
    assert code == 0, output
    for case in late:
        text = docx_text(out / case / f"{case}.ru.prosecutor.docx")
        assert text.count("ОБРАЩЕНИЕ") == 1 and "ЖАЛОБА" not in text
        assert "1 декабря 2026 года мною в административный орган было направлено обращение о нарушении" in text
        assert "прошло 5 рабочих дней" in text
        assert "меры прокурорского реагирования" in text and "№ 155-VII «О прокуратуре»" in text
        assert "пункт 2 статьи 91 АППК" in text
    newly = set(_late("2026-12-08")) - set(late)  # fell overdue since: their first reminder only
    assert newly
    for case in newly:
        assert (out / case / f"{case}.ru.reminder.docx").is_file()
        assert not (out / case / f"{case}.ru.prosecutor.docx").exists()

    # once both are written, nothing more until a reply comes
    code, output = _cli("remind", "--out", str(out), "--date", "2026-12-09", "--grace", "5")
    assert code == 0 and "waiting: case-10 (ru): the reminder of 2026-12-01 and the letter to the prosecutor of" \
                         " 2026-12-08 are written" in output, output


def test_the_reminders_receipt_is_cited_and_its_filing_date_starts_the_grace(fifty: Path, tmp_path: Path) -> None:
    out = tmp_path / "reminders"
    assert _cli("remind", "--out", str(out), "--date", "2026-12-01")[0] == 0
    code, output = _cli("reminded", "case-10", "--ref", "ЖТ-2026-07777", "--on", "2026-12-02")
    assert code == 0 and "recorded: the reminder of 2026-12-01 for case-10 (ru) has No. ЖТ-2026-07777, filed" \
                         " 2026-12-02" in output, output
    code, output = _cli("remind", "--out", str(out), "--date", "2026-12-08", "--grace", "5")  # 4 days after 2 Dec
    assert code == 0 and not (out / "case-10" / "case-10.ru.prosecutor.docx").exists(), output
    assert "case-10 (ru): the reminder of 2026-12-01 has waited 4 of 5 working days" in output
    assert _cli("remind", "--out", str(out), "--date", "2026-12-09", "--grace", "5")[0] == 0
    text = docx_text(out / "case-10" / "case-10.ru.prosecutor.docx")
    assert "2 декабря 2026 года мною в административный орган было направлено обращение № ЖТ-2026-07777" in text
    code, output = _cli("reminded", "case-00", "--ref", "X-1")
    assert code == 2 and "no reminder was written for 'case-00' (ru)" in output
    code, output = _cli("reminded", "case-10", "--on", "2026-11-30")
    assert code == 2 and "--on: the date the reminder was filed, 2026-11-30, is before the reminder's own date," \
                         " 2026-12-01" in output


def test_a_grace_below_zero_is_refused(fifty: Path, tmp_path: Path) -> None:
    code, output = _cli("remind", "--out", str(tmp_path / "r"), "--date", "2026-12-01", "--grace", "-1")
    assert code == 2 and "--grace: the grace period is a number of working days, 0 or more, not -1" in output


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


READ_BACK = {
    # the reminder: the Ministry named, "filed" (or the receipt's registration), the computed term said to be one
    "reminder": {
        "kk": ["Өтініш берілген әкімшілік орган – Қазақстан Республикасының Мәдениет және ақпарат министрлігі.",
               "Өтініш 2026 жылғы 3 қарашада тіркелді, тіркеу нөмірі – ЖТ-2026-00742."],
        "ru": ["Административный орган, в который подано обращение, — Министерство культуры и информации"
               " Республики Казахстан.", "Обращению присвоен регистрационный № ЖТ-2026-00743.",
               "По подсчёту заявителя, исходя из даты подачи обращения, этот срок истёк 24 ноября 2026 года."],
        "en": ["The administrative body to which the appeal was submitted is the Ministry of Culture and"
               " Information of the Republic of Kazakhstan.",
               "By the applicant’s reckoning from the date of submission, allowing time for delivery by post, that"
               " time limit expired on 1 December 2026."],
    },
    "prosecutor": {
        "kk": ["ӨТІНІШ", "2026 жылғы 2 желтоқсанда мен әкімшілік органға өтінішті қарау мерзімінің бұзылуы туралы"
               " өтініш жолдадым.", "прокурорлық ден қою шараларын қабылдауды",
               "(ӘРПК-нің 91-бабының 2-тармағы)", "№ 155-VII Конституциялық заңының 24-бабы 1-тармағының 2)"
               " тармақшасы"],
        "ru": ["ОБРАЩЕНИЕ", "2 декабря 2026 года мною в административный орган было направлено обращение о"
               " нарушении срока рассмотрения.", "при выявлении нарушений принять меры прокурорского реагирования;",
               "(пункт 2 статьи 91 АППК)", "подпункт 2) пункта 1 статьи 24 Конституционного закона Республики"
               " Казахстан от 5 ноября 2022 года № 155-VII «О прокуратуре»"],
        "en": ["APPEAL", "On 9 December 2026 I sent the administrative body a reminder of the breach of the time"
               " limit.", "where breaches are found, take measures of prosecutorial response;",
               "(Article 91(2) of the APPC)", "Article 24(1)(2) of the Constitutional Law of the Republic of"
               " Kazakhstan No. 155-VII of 5 November 2022 “On the Prosecutor’s Office”"],
    },
}


def test_the_follow_ups_read_back_in_three_languages_docx_and_pdf(project_dir: Path, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """One case filed in kk (with the receipt's date), ru (its number only) and en (by post); the reminders, then
    the letters to the prosecutor, read back out of the DOCX and, for the letters to the prosecutor, the PDF."""
    import shutil
    import subprocess

    from conftest import docx_paragraphs

    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    write_yaml(project_dir / "c1.yaml", case_data(id="case-1"))
    monkeypatch.chdir(project_dir)
    assert _cli("render", ".", "--lang", "kk,ru,en", "--date", LETTER_DATE.isoformat(), "-q")[0] == 0
    for lang, extra in (("kk", ["--channel", "eotinish", "--ref", "ЖТ-2026-00742", "--registered", "2026-11-03"]),
                        ("ru", ["--channel", "eotinish", "--ref", "ЖТ-2026-00743"]),
                        ("en", ["--channel", "post"])):
        code, output = _cli("filed", "c1.yaml", "--lang", lang, "--on", "2026-11-03T10:00", *extra, "--anyway")
        assert code == 0, output
    out = tmp_path / "rem"
    # kk and ru are due 24 November, en (posted) 1 December: on 2 December all three are late
    code, output = _cli("remind", "--out", str(out), "--date", "2026-12-02")
    assert code == 0 and "3 follow-up letters written" in output, output
    for lang, wanted in READ_BACK["reminder"].items():
        paragraphs = docx_paragraphs(out / "case-1" / f"case-1.{lang}.reminder.docx")
        text = "\n".join(paragraphs)
        for phrase in wanted:
            assert phrase in text, (lang, phrase)
        assert {"kk": "тіркелді", "ru": "зарегистрирован", "en": "registered on"}[lang] in text or lang != "kk"
        if lang != "kk":  # no receipt's date: never "registered on"
            assert {"ru": "зарегистрирован", "en": "registered on"}[lang] not in text
    # the English reminder went later by post, and its filing is recorded
    assert _cli("reminded", "case-1", "--lang", "en", "--on", "2026-12-09")[0] == 0
    code, output = _cli("remind", "--out", str(out), "--date", "2026-12-09", "--format", "docx,pdf")
    assert code == 0, output
    # kk and ru: 5 working days after 2 December; en waits from its filing on 9 December (16 December is a holiday)
    assert "waiting: case-1 (en): the reminder of 2026-12-02 has waited 0 of 5 working days; the letter to the" \
           " prosecutor is written from 2026-12-17" in output
    assert "prosecutor: case-1 (ru), 11 working days overdue; the reminder of 2026-12-02 unanswered for 5 working" \
           " days" in output
    assert not (out / "case-1" / "case-1.en.prosecutor.docx").exists()
    code, output = _cli("remind", "--out", str(out), "--date", "2026-12-17", "--format", "docx,pdf")
    assert code == 0, output
    assert "waiting: case-1 (ru): the reminder of 2026-12-02 and the letter to the prosecutor of 2026-12-09 are" \
           " written" in output
    for lang, wanted in READ_BACK["prosecutor"].items():
        docx_words = " ".join(docx_paragraphs(out / "case-1" / f"case-1.{lang}.prosecutor.docx"))
        pdf = subprocess.run(["pdftotext", "-enc", "UTF-8", str(out / "case-1" / f"case-1.{lang}.prosecutor.pdf"),
                              "-"], capture_output=True, check=True).stdout.decode("utf-8")
        flat = re.sub(r"[\s\-‐‑]", "", pdf)  # the PDF's lines broken and hyphenated where the DOCX's are not
        for phrase in wanted:
            assert phrase in docx_words, (lang, phrase)
            assert re.sub(r"[\s\-‐‑]", "", phrase) in flat, (lang, "pdf", phrase)
