"""`complaints new`: the wizard asks, checks each answer at once, and writes a valid, commented case file."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import PROJECT, write_yaml
from typer.testing import CliRunner

from complaints.case.read import load_case
from complaints.case.write import case_text, suggest_id
from complaints.cli import app
from complaints.errors import CaseError
from complaints.intake.wizard import check_answer

runner = CliRunner()

TEXT_LINES = ['Қазақ тілі "кавычки" {{ name }} {% if x %}', "  екінші жол: & <b> 'single' — end"]
TEXT = "\n".join(TEXT_LINES)
TITLE = "Балаева: «қазақ тілінде» фильмдер жоқ"
# What the id is made of, as answers() below types it.
TYPED = {"outlet": {"url": "https://www.nur.kz"}, "article": {"url": "https://www.nur.kz/a/"},
         "comment": {"author": "ZapadNamNePomozhet", "posted": "2023-10-06T22:53", "text": TEXT}}


def answers(*, url: tuple[str, ...] = ("https://www.nur.kz",), posted: tuple[str, ...] = ("2023-10-06T22:53",),
            language: tuple[str, ...] = ("ru",), norms: tuple[str, ...] = ("1",), case_id: tuple[str, ...] = ("",),
            evidence: tuple[str, ...] = (), still_online: str = "") -> str:
    """What an advocate types, in the order the wizard asks (project languages kk, ru, en)."""
    lines = [
        "Nur.kz",  # outlet's name
        *url,  # outlet's home page
        "",  # owner (kk): skipped
        "",  # registration document (kk): skipped
        "KZ00VPY00000000",  # registration number
        "",  # registration date: skipped
        TITLE,  # article's title
        "https://www.nur.kz/a/",  # article's address
        "2023-10-06",  # article's date
        "ZapadNamNePomozhet",  # author
        *posted,  # posted
        "",  # permalink: skipped
        *language,  # comment's language
        *TEXT_LINES, ".",  # the text, several lines
        "Қазақша аударма", ".",  # translation into Kazakh
        "",  # translation into English: skipped
        still_online,  # last seen online
        *norms,  # norms
        "",  # licence clause (kk): skipped
        *evidence,
        "",  # no (more) evidence
        "",  # requests: the default
        "",  # title: skipped
        *case_id,  # id: the suggestion
    ]
    return "\n".join(lines) + "\n"


def new(out: Path | str, text: str, *extra: str):
    return runner.invoke(app, ["new", "--out", str(out), *extra], input=text)


def written(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.yaml") if p.name != "complaints.yaml")


def test_the_wizard_writes_a_valid_case_with_the_answers_exactly(project_dir: Path) -> None:
    result = new(project_dir, answers())
    assert result.exit_code == 0, result.output
    (path,) = written(project_dir)
    assert path.name == suggest_id(TYPED) + ".yaml"
    assert path.name.startswith("nur-kz-2023-10-06-")
    assert result.output.rstrip().endswith(f"{path}: valid")
    case = load_case(path).case
    assert case.comment.text == TEXT
    assert case.comment.translations == {"kk": "Қазақша аударма"}
    assert case.article.title == TITLE
    assert case.outlet.registration is not None and case.outlet.registration.number == "KZ00VPY00000000"
    assert case.comment.posted is not None and case.comment.posted.iso() == "2023-10-06T22:53+06:00"
    assert case.legal_basis.norms == ["criminal-code-174-1"]
    text = path.read_text(encoding="utf-8")
    assert "# " in text and "posted: 2023-10-06T22:53" in text  # commented, and dates as typed
    assert "# still_online:" in text  # a skipped optional field left as a hint
    assert not list(project_dir.glob(".*.part"))


def test_a_bad_url_date_language_and_norm_are_asked_again_with_the_reason(project_dir: Path) -> None:
    result = new(project_dir, answers(url=("nur.kz", "https://www.nur.kz"), posted=("2023-13-45", "2023-10-06T22:53"),
                                      language=("russian", "ru"), norms=("9", "criminal-code-174", "1")))
    assert result.exit_code == 0, result.output
    assert "not accepted: 'nur.kz' is not a web address (it must start with http:// or https://)" in result.output
    assert "not accepted: '2023-13-45' is not a real date or time (month must be in 1..12)" in result.output
    assert "not accepted: 'russian' is not an ISO 639-1 language code" in result.output
    assert "not accepted: there is no norm number 9" in result.output
    assert "did you mean 'criminal-code-174-1'?" in result.output
    (path,) = written(project_dir)
    case = load_case(path).case
    assert (case.outlet.url, case.comment.language) == ("https://www.nur.kz", "ru")


def test_what_only_the_whole_file_shows_is_asked_again_after_validation(project_dir: Path) -> None:
    # each answer is fine alone; together, the comment was seen online before it was posted
    typed = answers(still_online="2023-10-01T10:00") + "2026-11-20T10:00+05:00\n"
    result = new(project_dir, typed)
    assert result.exit_code == 0, result.output
    assert "The case file would not be valid yet; please answer again:" in result.output
    assert "comment.still_online: is earlier than the comment was posted" in result.output
    (path,) = written(project_dir)
    still = load_case(path).case.comment.still_online
    assert still is not None and still.iso() == "2026-11-20T10:00+05:00"


def test_evidence_is_checked_to_exist_and_written_relative_to_the_case(project_dir: Path) -> None:
    (project_dir / "evidence").mkdir()
    (project_dir / "evidence" / "shot.png").write_bytes(b"a screenshot")
    evidence = ["evidence/missing.png", "evidence/shot.png", "Пікірдің экраннан түсірілген суреті", "Снимок экрана",
                "", "Screenshot of the comment", "",
                "https://web.archive.org/web/2023/https://www.nur.kz/a/", "Мұрағат", "Архив", "Archive copy", ""]
    result = new(project_dir, answers(evidence=tuple(evidence)))
    assert result.exit_code == 0, result.output
    assert "not accepted: no such file: evidence/missing.png" in result.output
    (path,) = written(project_dir)
    found = load_case(path)
    first, second = found.case.evidence
    assert first.file == "evidence/shot.png"
    # each language's text asked for: Enter does not put the Kazakh text into the English letter
    assert "in English: the English letter shows it as you write it" in result.output
    assert "an answer is needed here" in result.output
    assert first.description == {"kk": "Пікірдің экраннан түсірілген суреті", "ru": "Снимок экрана",
                                 "en": "Screenshot of the comment"}
    assert second.url == "https://web.archive.org/web/2023/https://www.nur.kz/a/"
    assert second.description == {"kk": "Мұрағат", "ru": "Архив", "en": "Archive copy"}
    assert found.evidence_files[0].size == len(b"a screenshot")


def test_defaults_come_from_the_nearest_project_file_above_out(tmp_path: Path) -> None:
    project = tmp_path / "work"
    write_yaml(project / "complaints.yaml", {**PROJECT, "languages": ["ru", "en"]})
    out = project / "cases" / "2026"  # not there yet: made when the file is written
    lines = ["Nur.kz", "https://www.nur.kz", "", "", "", "", "Заголовок", "https://www.nur.kz/a/", "",
             "Автор", "2023-10-06", "", "ru", "Текст", ".", "", "", "1", "", "", "", "", ""]
    result = new(out, "\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    assert f"Project file: {project / 'complaints.yaml'}" in result.output
    assert "The letters will be signed by Nurlan Serikuly (person)" in result.output
    assert "Letters will be written in: ru, en." in result.output
    # a comment in Russian, letters in ru and en: only the English translation is asked for
    assert "Translation into English" in result.output and "Translation into Kazakh" not in result.output
    assert "Owner (ru)" in result.output and "Owner (kk)" not in result.output
    (path,) = written(out)
    assert load_case(path).languages == ("ru", "en")


def test_without_a_project_file_nothing_is_asked_and_nothing_written(tmp_path: Path) -> None:
    result = new(tmp_path / "cases", answers())
    assert result.exit_code == 1
    assert "There is no complaints.yaml" in result.output and "Outlet's name" not in result.output
    assert not (tmp_path / "cases").exists()


def test_an_existing_case_file_is_never_overwritten(project_dir: Path) -> None:
    taken = project_dir / "taken.yaml"
    taken.write_text("# someone's case\n", encoding="utf-8")
    base = suggest_id(TYPED)
    (project_dir / f"{base}.yaml").write_text("# another\n", encoding="utf-8")
    result = new(project_dir, answers(case_id=("taken", "")))
    assert result.exit_code == 0, result.output
    assert f"{taken} already exists; choose another id." in result.output
    assert f"[{base}-2]" in result.output  # the suggestion steps past the file that is there
    assert taken.read_text(encoding="utf-8") == "# someone's case\n"
    assert (project_dir / f"{base}.yaml").read_text(encoding="utf-8") == "# another\n"
    assert load_case(project_dir / f"{base}-2.yaml").id == f"{base}-2"


def test_input_ending_half_way_writes_nothing(project_dir: Path) -> None:
    result = new(project_dir, "Nur.kz\nhttps://www.nur.kz\n")
    assert result.exit_code == 1
    assert "stopped: nothing written." in result.output
    assert written(project_dir) == [] and not list(project_dir.glob(".*"))


# ---------------------------------------------------------------- --from-json

GOOD = {
    "outlet": {"name": "Nur.kz", "url": "https://www.nur.kz"},
    "article": {"title": TITLE, "url": "https://www.nur.kz/a/", "published": "2023-10-06"},
    "comment": {"author": "ZapadNamNePomozhet", "posted": "2023-10-06T22:53", "language": "ru", "text": TEXT,
                "translations": {"kk": "Қазақша", "en": "In English"}},
    "legal_basis": {"norms": ["criminal-code-174-1"]},
    "title": None,
    "x-source": "monitoring: row 12",
}


def test_from_json_writes_the_same_file_without_questions(project_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project_dir.parent)
    (project_dir.parent / "case.json").write_text(json.dumps(GOOD, ensure_ascii=False), encoding="utf-8")
    result = new("cases", "", "--from-json", "case.json")
    assert result.exit_code == 0, result.output
    (path,) = written(project_dir)
    assert result.output.strip().endswith(f"cases/{path.name}: valid")
    case = load_case(path).case
    assert case.comment.text == TEXT and case.article.title == TITLE and case.title is None
    assert case.id == suggest_id(TYPED)
    assert "x-source: \"monitoring: row 12\"" in path.read_text(encoding="utf-8")


def test_from_json_reports_every_problem_by_field_and_writes_nothing(project_dir: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project_dir.parent)
    bad = ('{\n'
           '  "outlet": {"name": "Nur.kz", "url": "nur.kz"},\n'
           '  "article": {"title": "T", "url": "https://www.nur.kz/a/"},\n'
           '  "coment": {},\n'
           '  "comment": {"author": "A", "language": "russian", "text": "x", "posted": "2023-02-30"},\n'
           '  "legal_basis": {"norms": ["criminal-code-174"]}\n'
           '}\n')
    (project_dir.parent / "bad.json").write_text(bad, encoding="utf-8")
    result = new("cases", "", "--from-json", "bad.json")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines == [
        "bad.json:2:39: error: outlet.url: 'nur.kz' is not a web address (it must start with http:// or https://)",
        "bad.json:4:3: error: coment: unknown field 'coment' (did you mean 'comment'?); notes of your own go in"
        " fields starting with 'x-'",
        "bad.json:5:42: error: comment.language: 'russian' is not an ISO 639-1 language code (two lowercase"
        " letters, e.g. ru, kk, en)",
        "bad.json:5:76: error: comment.posted: '2023-02-30' is not a real date or time (day is out of range for"
        " month); write it as one of 2023-10-06, 2023-10-06T22:53 (or with +05:00), 06.10.2023, 06.10.2023 22:53"
        " or 06.10.2023 22.53",
        "bad.json:6:29: error: legal_basis.norms[0]: 'criminal-code-174' is not in the norms catalogue (did you"
        " mean 'criminal-code-174-1'?)",
        "nothing written",
    ]
    assert written(project_dir) == [] and not list(project_dir.glob(".*"))


def test_from_json_that_is_not_json_or_names_an_existing_case(project_dir: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project_dir.parent)
    (project_dir.parent / "broken.json").write_text('{"outlet": ', encoding="utf-8")
    result = new("cases", "", "--from-json", "broken.json")
    assert result.exit_code == 1 and "broken.json:1:12: error: not valid JSON: Expecting value" in result.output
    (project_dir / "mine.yaml").write_text("# mine\n", encoding="utf-8")
    text = json.dumps({**GOOD, "id": "mine"}, ensure_ascii=False, indent=2)
    (project_dir.parent / "case.json").write_text(text, encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), start=1) if row.startswith('  "id"'))
    result = new("cases", "", "--from-json", "case.json")
    assert result.exit_code == 1
    assert f"case.json:{line}:9: error: id: cases/mine.yaml already exists; give another id" in result.output
    assert (project_dir / "mine.yaml").read_text(encoding="utf-8") == "# mine\n"
    assert new("cases", "", "--from-json", "missing.json").exit_code == 2
    result = new("cases", '{"outlet": {},\n "outlet": {}}', "--from-json", "-")  # standard input
    assert result.exit_code == 1
    assert "<stdin>:2:2: error: outlet: the key 'outlet' is given twice (first on line 1)" in result.output


# ---------------------------------------------------------------- the library

def test_check_answer_uses_the_case_formats_own_rules() -> None:
    assert check_answer("comment.posted", " 2023-10-06T22:53 ") == "2023-10-06T22:53"
    assert check_answer("comment.url", "") is None
    assert check_answer("legal_basis.norms", "1, media-law-2024") == ["criminal-code-174-1", "media-law-2024"]
    assert check_answer("requests", "assess reply_in_writing") == ["assess", "reply_in_writing"]
    for field, text, reason in [
        ("outlet.url", "ftp://x", "is not a web address"),
        ("outlet.registration.issued", "2015-01-01T10:00", "a date alone (2023-10-06 or 06.10.2023) is expected"),
        ("comment.language", "zz", "not a known ISO 639-1 language code"),
        ("id", "Nur.kz case", "is not a valid id"),
        ("requests", "assess, thank", "must be one of"),
        ("comment.author", "  ", "an answer is needed here"),
    ]:
        with pytest.raises(ValueError, match=re.escape(reason)):
            check_answer(field, text)


def test_case_text_reads_back_exactly_whatever_it_holds() -> None:
    import yaml

    odd = ["no", "0123", "2023-10-06", "a: b", "# not a comment", "{{ x }}", "- item", "  spaced  ", "line\n",
           "two\n\nlines\n\n", " lead\nx", "tab\there", "emoji 🙂 and עברית", "'quoted' \"twice\""]
    for text in odd:
        data = {"id": "x", "comment": {"text": text, "author": text}, "x-note": text}
        loaded = yaml.load(case_text(data, header="a header"), Loader=yaml.BaseLoader)
        assert loaded["comment"] == {"author": text, "text": text} and loaded["x-note"] == text, text


def test_dates_written_day_first_are_taken_as_kazakhstan_writes_them() -> None:
    from complaints.intake.wizard import check_answer

    assert check_answer("comment.posted", "06.10.2023 22:53") == "2023-10-06T22:53"
    assert check_answer("article.published", "6.10.2023") == "2023-10-06"
    assert check_answer("comment.posted", "2023-10-06T22:53") == "2023-10-06T22:53"
    with pytest.raises(ValueError, match="31.02.2023"):
        check_answer("article.published", "31.02.2023")


def test_dates_in_every_form_case_files_take_are_written_iso() -> None:
    assert check_answer("comment.posted", "06.10.2023 22.53") == "2023-10-06T22:53"
    assert check_answer("comment.posted", "2023-10-06 22:53") == "2023-10-06T22:53"
    assert check_answer("comment.still_online", "20.11.2026 10:00") == "2026-11-20T10:00"
    assert check_answer("outlet.registration.issued", "01.01.2015") == "2015-01-01"
    with pytest.raises(ValueError, match=re.escape("06.10.2023 22:53 or 06.10.2023 22.53")):
        check_answer("comment.posted", "вчера")  # the refusal lists the forms


# ---------------------------------------------------------------- one id scheme, one writer

def test_the_same_comment_gets_the_same_id_from_new_from_json_and_import(tmp_path: Path) -> None:
    from complaints.intake.importer import import_sheet

    wizard_out, json_out, sheet_out = (tmp_path / name / "cases" for name in ("wizard", "json", "sheet"))
    for out in (wizard_out, json_out, sheet_out):
        write_yaml(out / "complaints.yaml", PROJECT)
    assert new(wizard_out, answers()).exit_code == 0
    (typed,) = written(wizard_out)
    data = {**GOOD, "outlet": {"name": "Nur.kz", "url": "https://nur.kz/"},
            "comment": {**GOOD["comment"], "posted": "06.10.2023 22:53", "author": " ZapadNamNePomozhet "}}
    (tmp_path / "case.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert new(json_out, "", "--from-json", str(tmp_path / "case.json")).exit_code == 0
    (from_json,) = written(json_out)
    # the sheet gives no home page (the article's site is taken), the date day first, the text with CRLF
    cells = ["Nur.kz", "https://www.nur.kz/a/", TITLE, "ZapadNamNePomozhet", "06.10.2023 22:53",
             TEXT.replace("\n", "\r\n"), "ru", "criminal-code-174-1"]
    header = ["Издание", "Ссылка на статью", "Заголовок", "Автор комментария", "Дата комментария",
              "Текст комментария", "Язык", "Нормы"]
    quoted = ['"' + c.replace('"', '""') + '"' for c in cells]
    (tmp_path / "s.csv").write_text(";".join(header) + "\r\n" + ";".join(quoted) + "\r\n", encoding="utf-8")
    result = import_sheet(tmp_path / "s.csv", sheet_out)
    assert result.problems == [], result.problems
    (imported,) = result.examples["written"]
    assert typed.name == from_json.name == imported.name
    assert re.fullmatch(r"nur-kz-2023-10-06-[0-9a-f]{16}\.yaml", typed.name)
    assert "posted: 2023-10-06T22:53 " in from_json.read_text(encoding="utf-8")  # day first in, ISO in the file


def test_out_that_is_a_file_is_refused_naming_the_flag(project_dir: Path) -> None:
    from complaints.case.write import write_case
    from complaints.errors import UsageError

    taken = project_dir / "taken.yaml"
    taken.write_text("# mine\n", encoding="utf-8")
    for extra in ((), ("--from-json", "-")):
        result = new(taken, "{}" if extra else answers(), *extra)
        assert result.exit_code == 2, result.output
        assert f"--out: the case folder {taken} is a file, not a folder" in result.output
    with pytest.raises(UsageError) as refused:
        write_case(GOOD, taken)
    assert refused.value.about == "out" and "--out" not in str(refused.value)
    assert taken.read_text(encoding="utf-8") == "# mine\n"
    result = new(project_dir, "", "--from-json", str(project_dir / "missing.json"))
    assert result.exit_code == 2 and "--from-json: no such file:" in result.output


def test_a_case_file_made_meanwhile_under_the_same_name_is_kept(project_dir: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import complaints.case.write as write

    checked = write.check_text

    def someone_else_writes_it(text: str, target: Path, **kwargs: object):  # between the check and the write
        found = checked(text, target, **kwargs)
        target.write_text("# theirs\n", encoding="utf-8")
        return found

    monkeypatch.setattr(write, "check_text", someone_else_writes_it)
    data = {**GOOD, "id": "race"}
    with pytest.raises(CaseError) as refused:
        write.write_case(data, project_dir)
    assert "race.yaml already exists; give another id" in str(refused.value)
    assert (project_dir / "race.yaml").read_text(encoding="utf-8") == "# theirs\n"
    assert not list(project_dir.glob(".*"))
