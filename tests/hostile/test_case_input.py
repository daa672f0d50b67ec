"""Hostile case input through the real command (issue 11, items 1, 2, 3, 13, 18): everything that would fail at
render time is a located `validate` error at its field; a YAML file nested 10,000 deep, dates out of range and
odd format numbers are plain messages; a case file's name with a line break forges no line of output. In a batch
the bad case fails alone: the other case's letters and the manifest are written, and nothing ends in a traceback.
"""

from __future__ import annotations

import email
import email.policy
import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import LETTER_DATE, PROJECT, case_data, write_yaml
from typer.testing import CliRunner

from complaints.cli import app

runner = CliRunner()


def _run(*args: str | Path) -> tuple[int, str]:
    result = runner.invoke(app, [str(a) for a in args])
    # an exception that is not the command's own exit is a traceback for the user
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def _folder(tmp_path: Path, bad: dict[str, Any] | None = None, project: dict[str, Any] | None = None) -> Path:
    """A cases folder with a good case (good.yaml) and, where given, a bad one (bad.yaml)."""
    folder = tmp_path / "cases"
    write_yaml(folder / "complaints.yaml", project or PROJECT)
    write_yaml(folder / "good.yaml", case_data(id="good"))
    if bad is not None:
        write_yaml(folder / "bad.yaml", case_data(id="bad", **bad))
    return folder


def _render(folder: Path, out: Path, formats: str = "eml") -> tuple[int, str]:
    return _run("render", folder, "--out", out, "--format", formats, "--date", LETTER_DATE.isoformat(),
                "--workers", "1", "-q")


def _assert_bad_case_fails_alone(folder: Path, out: Path, located: str) -> None:
    """`render --format eml`: the bad case fails with its located message, the good one's letters and the
    manifest are written."""
    code, output = _render(folder, out)
    assert code == 1, output
    assert re.search(located, output), output
    assert sorted(p.name for p in (out / "good").iterdir()) == [f"good.{lang}.eml" for lang in ("en", "kk", "ru")]
    assert not (out / "bad").exists()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert "good" in json.dumps(manifest) and "bad.yaml" in json.dumps(manifest)


def _message(path: Path) -> email.message.EmailMessage:
    return email.message_from_bytes(path.read_bytes(), policy=email.policy.default)  # type: ignore[return-value]


APPLICANT = PROJECT["applicant"]

# item 1: (the case's changes, the field the error is at, what it says)
HEADER_ATTACKS = [
    ({"outlet.name": "Nur.kz\nBcc: everyone@example.org"}, "outlet.name", "has a line break"),
    ({"outlet.name": "Nur.kz\r"}, "outlet.name", "has a line break"),
    ({"applicant": {**APPLICANT, "name": {"kk": "Нұрлан", "ru": "Нурлан\r\nBcc: x@example.org", "en": "Nurlan"}}},
     "applicant.name.ru", "has a line break"),
    ({"applicant": {**APPLICANT, "email": "a@example.org\r\nBcc: x@example.org"}}, "applicant.email",
     "line break"),
    ({"applicant": {**APPLICANT, "email": "a@x, b@y"}}, "applicant.email", "not one e-mail address"),
    ({"applicant": {**APPLICANT, "email": "пользователь@пример.рф"}}, "applicant.email", "not in Latin letters"),
    ({"applicant": {**APPLICANT, "email": "@example.org"}}, "applicant.email", "not an e-mail address"),
    ({"applicant": {**APPLICANT, "email": "a@fußball.de"}}, "applicant.email", "no ASCII form"),
    ({"authority": {"base": "mki-rk", "email": "@example.org"}}, "authority.email", "not a list of e-mail"),
    ({"authority": {"base": "mki-rk", "email": "пользователь@пример.рф"}}, "authority.email",
     "not in Latin letters"),
    ({"authority": {"base": "mki-rk", "email": "kense@example.kz\nBcc: x@example.org"}}, "authority.email",
     "line break"),
]


@pytest.mark.parametrize(("changes", "field", "says"), HEADER_ATTACKS,
                         ids=[f"{f}-{i}" for i, (_, f, _s) in enumerate(HEADER_ATTACKS)])
def test_what_an_email_header_cannot_carry_is_a_validate_error_at_its_field(
        tmp_path: Path, changes: dict[str, Any], field: str, says: str) -> None:
    folder = _folder(tmp_path, changes)
    code, output = _run("validate", folder)
    located = rf"bad\.yaml:\d+:\d+: error: {re.escape(field)}: [^\n]*{re.escape(says)}"
    assert code == 1 and re.search(located, output), output
    assert "good.yaml" not in output
    _assert_bad_case_fails_alone(folder, tmp_path / "out", located)


def test_a_line_break_in_the_project_applicants_name_is_an_error_at_it(tmp_path: Path) -> None:
    project = json.loads(json.dumps(PROJECT))
    project["applicant"]["name"] = "Nurlan\nBcc: everyone@example.org"
    folder = _folder(tmp_path, project=project)
    code, output = _run("validate", folder)
    assert code == 1 and re.search(r"complaints\.yaml:\d+:\d+: error: applicant\.name: 'Nurlan\\nBcc: [^\n]*has a"
                                   r" line break", output), output


def test_an_evidence_file_name_with_a_line_break_is_an_error_at_it(tmp_path: Path) -> None:
    folder = _folder(tmp_path, {"evidence": [{"file": "evidence/shot\nBcc.png", "description": "Screenshot"}]})
    (folder / "evidence").mkdir()
    (folder / "evidence" / "shot\nBcc.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    code, output = _run("validate", folder)
    located = r"bad\.yaml:\d+:\d+: error: evidence\[0\]\.file: 'evidence/shot\\nBcc\.png': a file name with a line break"
    assert code == 1 and re.search(located, output), output
    _assert_bad_case_fails_alone(folder, tmp_path / "out", located)


def test_idn_domains_are_written_in_their_ascii_form(tmp_path: Path) -> None:
    """user@bücher.example can be written (as IDNA); only a part before @ in another script cannot."""
    folder = _folder(tmp_path, {"applicant": {**APPLICANT, "email": "user@bücher.example"},
                                "authority": {"base": "mki-rk", "email": "Кеңсе <kense@пример.рф>"}})
    assert _run("validate", folder)[0] == 0
    code, output = _render(folder, tmp_path / "out")
    assert code == 0, output
    msg = _message(tmp_path / "out" / "bad" / "bad.ru.eml")
    assert msg["From"].addresses[0].addr_spec == "user@xn--bcher-kva.example"
    assert msg["To"].addresses[0].addr_spec == "kense@xn--e1afmkfd.xn--p1ai"
    assert msg["To"].addresses[0].display_name == "Кеңсе"


# item 2
@pytest.mark.parametrize("deep", [
    "x: " + "[" * 10_000 + "]" * 10_000 + "\n",  # 20 KB
    "- " * 10_000 + "x\n",
    "x: " + "{a: " * 5_000 + "1" + "}" * 5_000 + "\n",
], ids=["flow-lists", "block-lists", "flow-mappings"])
def test_yaml_nested_10000_deep_is_refused_with_its_place(tmp_path: Path, deep: str) -> None:
    folder = _folder(tmp_path)
    (folder / "bad.yaml").write_text(deep, encoding="utf-8")
    code, output = _run("validate", folder)
    located = r"bad\.yaml:1:\d+: error: nested deeper than 64 levels: refused"
    assert code == 1 and re.search(located, output), output
    assert "RecursionError" not in output and "recursion" not in output
    _assert_bad_case_fails_alone(folder, tmp_path / "out", located)


# item 3
@pytest.mark.parametrize(("changes", "field"), [
    ({"comment.still_online": "0001-01-01T00:00+14:00"}, "comment.still_online"),
    ({"evidence": [{"url": "https://example.org/a", "description": "Archive", "taken": "9999-12-31T23:59-12:00"}]},
     "evidence[0].taken"),
    ({"comment.posted": "31.12.9999 23:59"}, "comment.posted"),
    ({"outlet.registration": {"issued": "1899-12-31"}}, "outlet.registration.issued"),
])
def test_a_date_out_of_range_is_a_validate_error_at_its_field(tmp_path: Path, changes: dict[str, Any],
                                                               field: str) -> None:
    folder = _folder(tmp_path, changes)
    code, output = _run("validate", folder)
    located = rf"bad\.yaml:\d+:\d+: error: {re.escape(field)}: '[^']+' is out of range: the tool takes dates from" \
              r" 1900 to 2200"
    assert code == 1 and re.search(located, output), output
    assert "OverflowError" not in output
    _assert_bad_case_fails_alone(folder, tmp_path / "out", located)


@pytest.fixture
def rendered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cases folder with its letters rendered into letters/, the working folder set to it."""
    folder = _folder(tmp_path)
    monkeypatch.chdir(folder)
    code, output = _run("render", ".", "--out", "letters", "--format", "docx", "--date", LETTER_DATE.isoformat(),
                        "-q")
    assert code == 0, output
    return folder


@pytest.mark.parametrize(("args", "flag", "says"), [
    (("render", ".", "--out", "o", "--date", "0001-01-01"), "--date", "'0001-01-01' is out of range"),
    (("filed", "good.yaml", "--lang", "ru", "--on", "9999-12-31T23:59", "--channel", "eotinish", "--anyway"), "--on",
     "'9999-12-31T23:59' is out of range"),
    (("filed", "good.yaml", "--lang", "ru", "--on", "0001-01-01T00:00", "--channel", "eotinish", "--anyway"), "--on",
     "'0001-01-01T00:00' is out of range"),
    (("remind", "--date", "9999-12-31"), "--date", "'9999-12-31' is out of range"),
    (("status", "--today", "9999-12-31"), "--today", "'9999-12-31' is out of range"),
    (("due", "--within", "1000000000"), "--within", "at most 10,000"),
], ids=["render-date", "filed-on-9999", "filed-on-0001", "remind-date", "status-today", "due-within"])
def test_a_date_or_span_out_of_range_on_the_command_line_is_refused(rendered: Path, args: tuple[str, ...],
                                                                     flag: str, says: str) -> None:
    code, output = _run(*args)
    assert code == 2 and f"{flag}: " in output and says in output, output
    assert "OverflowError" not in output
    assert _run("status")[0] == 0  # nothing was recorded
    assert "good" not in _run("status")[1]


def test_a_reference_number_with_a_line_break_is_refused_when_filed(rendered: Path) -> None:
    """The reference goes in the follow-ups' e-mail Subject: refused at `filed`, not at `remind --format eml`."""
    code, output = _run("filed", "good.yaml", "--lang", "ru", "--on", "2026-11-03T10:00", "--channel", "eotinish",
                        "--anyway",
                        "--ref", "ЖТ-1\nBcc: everyone@example.org")
    assert code == 2 and "--ref: the reference number 'ЖТ-1\\nBcc: everyone@example.org' has a line break" in output, \
        output
    assert "good" not in _run("status")[1]
    code, output = _run("remind", "--out", "rem", "--date", "2026-12-20", "--format", "eml")
    assert code == 0, output


# item 13
@pytest.mark.parametrize(("name", "escaped"), [
    ("bad\nFORGED.yaml:1:1: error: forged.yaml", '"bad\\nFORGED.yaml:1:1: error: forged.yaml"'),
    ("bad\x1b[2K\rFORGED.yaml", '"bad\\x1b[2K\\rFORGED.yaml"'),
    ("bad\u202eLMX.yaml", '"bad\\u202eLMX.yaml"'),
], ids=["newline", "escape-sequence", "right-to-left-override"])
def test_a_case_file_name_with_control_characters_is_shown_escaped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                   name: str, escaped: str) -> None:
    folder = _folder(tmp_path)
    write_yaml(folder / name, case_data(id="bad", **{"comment.text": None}))
    monkeypatch.chdir(folder)
    code, output = _run("validate", ".")
    assert code == 1
    assert f"{escaped}:" in output and "comment.text: required field is missing" in output, output
    assert not any(line.startswith("FORGED") for line in output.splitlines()), output
    assert "\x1b" not in output and "\r" not in output and "\u202e" not in output
    code, output = _render(Path("."), tmp_path / "out", "txt")
    assert code == 1 and f"{escaped}:" in output and "\x1b" not in output, output
    assert not any(line.startswith("FORGED") for line in output.splitlines()), output
    assert sorted(p.name for p in (tmp_path / "out" / "good").iterdir()) == [f"good.{lang}.txt"
                                                                              for lang in ("en", "kk", "ru")]


# item 18
@pytest.mark.parametrize("value", ["9" * 5000, "¹", "١"], ids=["5000-digits", "superscript", "arabic-indic"])
def test_an_odd_format_number_gets_a_plain_message(tmp_path: Path, value: str) -> None:
    folder = _folder(tmp_path)
    text = (folder / "good.yaml").read_text(encoding="utf-8").replace("format: 1", f"format: '{value}'")
    (folder / "bad.yaml").write_text(text.replace("id: good", "id: bad"), encoding="utf-8")
    code, output = _run("validate", folder)
    located = r"bad\.yaml:1:9: error: format: format '[^']+' is not one this tool reads \(it reads format 1\)"
    assert code == 1 and re.search(located, output), output
    for leak in ("int_max_str_digits", "invalid literal", "Exceeds the limit"):
        assert leak not in output
    assert len(output) < 2000  # 5,000 digits are not echoed back


# issue 12, item 1: a quoted field YAML would change, beside a good case
def test_every_quoted_field_yaml_would_change_is_reported_in_one_reading_and_fails_alone(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    good = (folder / "good.yaml").read_text(encoding="utf-8")
    bad = (good.replace("id: good", "id: bad")
           .replace("author: ZapadNamNePomozhet", "author: Патриот #77")
           .replace("title: Заголовок статьи", "title: Заголовок #срочно")
           .replace("text: Не хватает слов в казахском языке?", "text: Уезжайте отсюда #казахстандляказахов")
           .replace("en: Not enough words in Kazakh?", "en: yes"))
    assert bad.count("#") == 3 and "en: yes" in bad
    (folder / "bad.yaml").write_text(bad, encoding="utf-8")
    code, output = _run("validate", folder)
    assert code == 1
    fields = re.findall(r"bad\.yaml:\d+:\d+: error: ([\w.]+): ", output)
    assert fields == ["article.title", "comment.author", "comment.text", "comment.translations.en"], output
    assert "good.yaml" not in output
    _assert_bad_case_fails_alone(folder, tmp_path / "out", r"bad\.yaml:\d+:\d+: error: comment\.text: the text stops")


def test_a_quote_left_open_nine_lines_up_is_reported_where_it_opens(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    good = (folder / "good.yaml").read_text(encoding="utf-8")
    lines = good.replace("id: good", "id: bad").splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("  title:"))
    lines[at] = '  title: "Заголовок статьи'
    lines.insert(at + 1, "  x-1: a\n  x-2: b\n  x-3: c\n  x-4: d\n  x-5: e\n"
                 "  x-6: f\n  x-7: g\n  x-8: \"h\"")
    (folder / "bad.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, output = _run("validate", folder)
    assert code == 1
    assert re.search(rf"bad\.yaml:{at + 1}:10: error: article\.title: YAML syntax: the quote \" opened here is not"
                     r" closed on its line", output), output
