"""`complaints check` before signing, `render --final`, `filed --anyway`: through the real command, on the example
cases (every value the seed article did not give is listed) and on a clean case with real-looking values."""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import LETTER_DATE, REPO, docx_text, need_office, write_yaml
from typer.testing import CliRunner

from complaints.case.model import iin_is_valid
from complaints.cli import app

runner = CliRunner()
FINDING = re.compile(r"^(?P<file>[^:\n]+):(?P<line>\d+):(?P<column>\d+): (?P<kind>[a-z-]+): (?P<field>[^:]*): "
                     r"(?P<message>.+)$", re.MULTILINE)


def _iin() -> str:
    """A real-looking IIN (a valid check digit, not the examples' sample)."""
    return next(f"85031540012{d}" for d in range(10) if iin_is_valid(f"85031540012{d}"))


def _addressee() -> dict[str, list[str]]:
    from complaints.case.law import authorities

    return {lang: list(lines) for lang, lines in authorities()["mki-rk"].addressee.items()}


def clean_project() -> dict[str, Any]:
    """A project file a signer would send as it is: the applicant's own details, the addressee confirmed."""
    from complaints.case.law import authorities

    address = dict(authorities()["mki-rk"].address)
    return {
        "applicant": {
            "kind": "person",
            "name": {"kk": "Әлиева Гүлнар", "ru": "Алиева Гульнар", "en": "Gulnar Aliyeva"},
            "iin": _iin(),
            "address": {"kk": "050000, Алматы қ., Абай даңғылы, 52-үй, 14-пәтер",
                        "ru": "050000, г. Алматы, пр. Абая, д. 52, кв. 14",
                        "en": "Apt. 14, 52 Abay Avenue, Almaty 050000, Kazakhstan"},
            "phone": "+7 701 384 21 57",
            "email": "g.aliyeva@mail.kz",
        },
        "languages": ["kk", "ru", "en"],
        # the addressee and the address as the project has checked them: the profile's doubts go
        "authority": {"base": "mki-rk", "address": address, "addressee": _addressee()},
    }


def clean_case() -> dict[str, Any]:
    """The seed's Nur.kz comment, with real-looking values where the seed gives none."""
    return {
        "format": 1,
        "id": "nurkz-clean",
        "outlet": {"name": "Nur.kz", "url": "https://www.nur.kz",
                   "registration": {"kind": {"ru": "свидетельство о постановке на учёт",
                                             "kk": "есепке қою туралы куәлік", "en": "certificate of registration"},
                                    "number": "KZ43VPY00012345", "issued": "2016-03-14"}},
        "article": {"title": "Балаева объяснила, почему в кинотеатрах нет иностранных фильмов на казахском языке",
                    "url": "https://www.nur.kz/society/2046512-balaeva-obyasnila/", "published": "2023-10-06"},
        "comment": {
            "author": "ZapadNamNePomozhet",
            "posted": "2023-10-06T22:53",
            "language": "ru",
            "text": "Не хватает слов в казахском языке, чтобы переводить человеческие языки?\n",
            "translations": {"en": "There are not enough words in the Kazakh language to translate human languages?",
                             "kk": "Адамзат тілдерін аудару үшін қазақ тілінде сөз жетпей ме?"},
            "still_online": "2026-11-20T10:00+05:00",
        },
        "legal_basis": {"norms": ["criminal-code-174-1"]},
        "evidence": [{"file": "evidence/shot.png",
                      "description": {"ru": "Снимок экрана комментария", "kk": "Пікірдің скриншоты",
                                      "en": "Screenshot of the comment"},
                      "taken": "2026-11-20T10:02+05:00"}],
    }


def edited(data: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """`data` with dotted-path changes ("a.b.0.c"); None removes a field."""
    data = copy.deepcopy(data)
    for dotted, value in changes.items():
        node: Any = data
        parts = dotted.split(".")
        for part in parts[:-1]:
            node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
        last = parts[-1]
        if value is None:
            node.pop(last, None)
        elif isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value
    return data


@pytest.fixture
def clean(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """tmp/cases with the clean project and case, the working folder set to tmp."""
    folder = tmp_path / "cases"
    write_yaml(folder / "complaints.yaml", clean_project())
    write_yaml(folder / "nurkz-clean.yaml", clean_case())
    (folder / "evidence").mkdir()
    (folder / "evidence" / "shot.png").write_bytes(b"\x89PNG screenshot")
    monkeypatch.chdir(tmp_path)
    return folder


@pytest.fixture
def examples(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the repository's example cases, the working folder set above it."""
    shutil.copytree(REPO / "cases", tmp_path / "cases")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "cases"


def _cli(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def _check(*args: str) -> tuple[int, list[dict[str, str]], str]:
    code, output = _cli("check", *args, "--date", LETTER_DATE.isoformat())
    return code, [m.groupdict() for m in FINDING.finditer(output)], output


def _render(*args: str) -> tuple[int, str]:
    return _cli("render", *args, "--date", LETTER_DATE.isoformat(), "--workers", "1")


# ---------------------------------------------------------------- the examples teach the check

EXAMPLE_PLACEHOLDERS = {
    "cases/complaints.yaml": ["applicant.name", "applicant.iin", "applicant.address.kk", "applicant.address.ru",
                              "applicant.address.en", "applicant.phone", "applicant.email"],
    "cases/nurkz-2023-10-06-kazakh-language.yaml": [
        "outlet.registration", "outlet.registration.number", "outlet.registration.issued", "article.title",
        "article.url", "comment.language", "comment.text", "comment.translations.kk", "comment.still_online",
        "evidence[0].file", "evidence[0].taken", "evidence[1].url"],
    "cases/zonakz-2018-07-12-mixed-marriages.yaml": [
        "outlet.registration", "outlet.registration.number", "article.title", "article.url", "comment.language",
        "comment.text", "comment.translations.kk", "comment.still_online", "evidence[0].url"],
}


def test_check_on_the_examples_lists_every_value_the_seed_did_not_give(examples: Path) -> None:
    code, found, output = _check("cases/")
    assert code == 1, output
    placeholders = {(f["file"], f["field"]) for f in found if f["kind"] == "placeholder"}
    expected = {(file, field) for file, fields in EXAMPLE_PLACEHOLDERS.items() for field in fields}
    assert placeholders == expected, output
    # each line is at its place: the line of the field in the file
    for f in found:
        text = (examples.parent / f["file"]).read_text(encoding="utf-8").splitlines()
        assert 1 <= int(f["line"]) <= len(text)
    line = next(f for f in found if f["field"] == "outlet.registration.number" and "nurkz" in f["file"])
    source = (examples / "nurkz-2023-10-06-kazakh-language.yaml").read_text(encoding="utf-8").splitlines()
    assert source[int(line["line"]) - 1].lstrip().startswith("number:")
    assert "copy the number from the outlet's certificate" in line["message"]
    # the Ministry's unconfirmed details, once, in the project file that chooses the Ministry
    unconfirmed = [(f["file"], f["field"]) for f in found if f["kind"] == "unconfirmed"]
    assert unconfirmed == [("cases/complaints.yaml", "authority.address"), ("cases/complaints.yaml", "authority.addressee")]
    # nothing else: a name the same in Kazakh and Russian (Серікұлы Нұрлан) is no untranslated text
    # (the repealed norms they cite are marked in the letter, their successors cited: no "norm" finding)
    assert {f["kind"] for f in found} == {"placeholder", "unconfirmed"}, output
    # the IIN never in a message, even a sample one
    assert "900101300126" not in output
    assert "2 case files checked: 2 to look at before signing" in output


def test_the_invented_licence_clause_is_gone_from_the_examples_and_what_writes_cases() -> None:
    for path in [*(REPO / "cases").glob("*.yaml"), REPO / "complaints/data/case-file.yaml",
                 REPO / "complaints/data/wizard.yaml", REPO / "README.md"]:
        text = path.read_text(encoding="utf-8")
        assert "3.2" not in text and "Не допускается" not in text, path


def test_render_final_refuses_the_examples_and_writes_nothing(examples: Path) -> None:
    code, output = _render("cases/", "--final", "--out", "final")
    assert code == 1, output
    assert "error: outlet.registration.number: placeholder:" in output
    assert "2 failed" in output
    assert not list(Path("final").rglob("*.docx"))


def test_render_ends_by_telling_what_check_finds_in_one_line(examples: Path) -> None:
    code, output = _render("cases/")
    assert code == 0, output
    tail = [line for line in output.splitlines() if line.startswith("before signing:")]
    assert len(tail) == 1, output
    assert "to look at in the letters of 2 cases" in tail[0] and "`complaints check cases/` lists them" in tail[0]
    assert ": placeholder:" not in output  # counted, not listed: there are many


def test_a_large_batch_is_told_in_one_line(clean: Path) -> None:
    for n in range(30):
        write_yaml(clean / f"c{n}.yaml", edited(clean_case(), id=f"c{n}", **{"outlet.registration.number": "PLACEHOLDER"}))
    code, output = _render("cases/", "--out", "letters", "-q")
    assert code == 0, output
    code, output = _render("cases/", "--out", "letters", "--force")
    lines = [line for line in output.splitlines() if "placeholder" in line]
    assert len(lines) == 1 and "30 things to look at in the letters of 30 cases (30 placeholder)" in lines[0]


# ---------------------------------------------------------------- a clean case

def test_a_clean_case_passes_check_and_render_final_writes_its_letters(clean: Path) -> None:
    code, found, output = _check("cases/")
    assert (code, found) == (0, []), output
    assert "nothing to look at" in output
    code, output = _render("cases/", "--final", "--out", "letters")
    assert code == 0, output
    assert "before signing" not in output
    for lang, phrase in (("ru", "ZapadNamNePomozhet"), ("kk", "Әлиева Гүлнар"), ("en", "Gulnar Aliyeva")):
        text = docx_text(Path("letters/nurkz-clean") / f"nurkz-clean.{lang}.docx")
        assert phrase in text and "PLACEHOLDER" not in text
    code, found, output = _check("cases/")  # and with its letters on disk: nothing stale, nothing changed
    assert (code, found) == (0, []), output


def test_a_clean_case_renders_final_as_pdf(clean: Path) -> None:
    need_office()  # pdftotext and LibreOffice: skipped without them, failed in CI
    code, output = _render("cases/", "--final", "--format", "pdf", "--lang", "ru", "--out", "letters")
    assert code == 0, output
    pdf = Path("letters/nurkz-clean/nurkz-clean.ru.pdf")
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True).stdout
    assert "Алиева Гульнар" in " ".join(text.decode("utf-8").split())


# ---------------------------------------------------------------- each kind of finding, once

KINDS: list[Any] = [
    pytest.param("case", {"outlet.registration.number": "PLACEHOLDER"}, "placeholder", "outlet.registration.number",
                 "is a placeholder", id="placeholder-word"),
    pytest.param("case", {"outlet.registration.number": "KZ00VPY00000000"}, "placeholder",
                 "outlet.registration.number", "filler of zeros", id="registration-zeros"),
    pytest.param("case", {"article.url": "https://www.nur.kz/example-article-path/"}, "placeholder", "article.url",
                 "'example'", id="example-url"),
    pytest.param("case", {"comment.url": "https://comments.example/1"}, "placeholder", "comment.url",
                 "kept for examples", id="example-domain"),
    pytest.param("project", {"applicant.email": "me@example.org"}, "placeholder", "applicant.email",
                 "example.org", id="example-email"),
    pytest.param("project", {"applicant.iin": "900101300126"}, "placeholder", "applicant.iin", "sample IIN",
                 id="sample-iin"),
    pytest.param("project", {"applicant.iin": "000000000000"}, "placeholder", "applicant.iin", "sample IIN",
                 id="zeros-iin"),
    pytest.param("project", {"applicant.address.ru": "г. Астана, ул. Мысал, 1"}, "placeholder",
                 "applicant.address.ru", "'Мысал'", id="example-street"),
    pytest.param("project", {"authority": "mki-rk"}, "unconfirmed", "authority.address", "postal address",
                 id="unconfirmed-profile"),
    pytest.param("project", {"authority.unconfirmed": {"address": "read off a letterhead, not an official source"}},
                 "unconfirmed", "authority.address", "letterhead", id="unconfirmed-in-project"),
    pytest.param("case", {"evidence.0.description.en": "Скриншот комментария"}, "script", "evidence[0].description.en",
                 "Cyrillic in the English", id="cyrillic-in-english"),
    pytest.param("case", {"evidence.0.description.kk": "Pikirdin skrinshoty"}, "script",
                 "evidence[0].description.kk", "Latin letters only in the Kazakh", id="latin-in-kazakh"),
    pytest.param("case", {"evidence.0.description.kk": "Скриншот комментария пользователя"}, "script",
                 "evidence[0].description.kk", "no Kazakh letter", id="russian-in-kazakh"),
    pytest.param("case", {"comment.translations.kk": "?аза? тілінде сөз жетпей ме?"}, "lost-letters",
                 "comment.translations.kk", "Windows-1251", id="question-marks"),
    pytest.param("case", {"comment.translations.en": "Не хватает слов в казахском языке, чтобы переводить"
                          " человеческие языки?"}, "untranslated", "comment.translations.en",
                 "is the comment itself", id="translation-is-original"),
    pytest.param("case", {"legal_basis.licence_clause": {"reference": {"ru": "пункт 1", "kk": "1-тармақ",
                                                                         "en": "clause 1"}}},
                 "licence", "legal_basis.licence_clause", "registered (постановка на учёт), not licensed",
                 id="licence-clause"),
    # a catalogue norm repealed with its successor is marked by the letter itself (test_norms_time); one of the
    # user's own, repealed since the comment with none named, is for the signer to look at
    pytest.param("case", {"legal_basis.norms": ["criminal-code-174-1", {
        "citation": {"ru": "статья 1 Закона «О тестовых нормах»", "kk": "«Тест нормалары туралы» Заңның 1-бабы",
                     "en": "Article 1 of the Law on Test Norms"},
        "in_force_from": "2020-01-01", "in_force_until": "2025-01-01"}]}, "norm",
                 "legal_basis.norms[1]", "not in force on the letter's date 2026-11-25", id="repealed-norm"),
    # a case with no evidence at all: its letter would list no annexes
    pytest.param("case", {"evidence": None}, "no-evidence", "evidence", "the letter will list no annexes",
                 id="no-evidence"),
]


@pytest.mark.parametrize(("where", "changes", "kind", "field", "says"), KINDS)
def test_each_kind_of_finding(clean: Path, where: str, changes: dict[str, Any], kind: str, field: str,
                              says: str) -> None:
    if where == "case":
        write_yaml(clean / "nurkz-clean.yaml", edited(clean_case(), **changes))
    else:
        write_yaml(clean / "complaints.yaml", edited(clean_project(), **changes))
    code, found, output = _check("cases/")
    assert code == 1, output
    assert {f["kind"] for f in found} == {kind}, output  # that kind alone
    mine = [f for f in found if f["field"] == field]
    assert len(mine) == 1 and says in mine[0]["message"], output
    name = "cases/nurkz-clean.yaml" if where == "case" else "cases/complaints.yaml"
    assert mine[0]["file"] == name
    data = yaml.safe_load((clean.parent / name).read_text(encoding="utf-8"))
    assert data  # the file as written
    # render --final refuses that letter, at that field, and writes none of it
    code, output = _render("cases/", "--final", "--out", "final")
    assert code == 1 and f"error: {field}: {kind}:" in output, output
    assert not list(Path("final").rglob("*.docx"))


def test_evidence_changed_since_rendering(clean: Path) -> None:
    assert _render("cases/", "-q")[0] == 0
    (clean / "evidence" / "shot.png").write_bytes(b"\x89PNG another screenshot")
    code, found, output = _check("cases/")
    assert code == 1, output
    assert [(f["kind"], f["field"]) for f in found] == [("evidence", "evidence[0].file")], output
    assert "evidence/shot.png is changed since the letters were rendered" in found[0]["message"]
    assert _render("cases/", "-q")[0] == 0
    assert _check("cases/")[0] == 0


def test_a_letter_older_than_its_case_and_a_letter_file_the_manifest_does_not_list(clean: Path) -> None:
    assert _render("cases/", "-q")[0] == 0
    write_yaml(clean / "nurkz-clean.yaml", edited(clean_case(), **{"comment.author": "Zapad"}))
    (Path("letters/nurkz-clean") / "nurkz-clean.ru.pdf").write_bytes(b"%PDF-1.4 an older letter")
    code, found, output = _check("cases/")
    assert code == 1, output
    stale = [f["message"] for f in found if f["kind"] == "stale"]
    assert len(stale) == 2, output
    assert any("made from an older version of this case file" in m for m in stale)
    assert any("letters/nurkz-clean/nurkz-clean.ru.pdf is not in the manifest" in m for m in stale)


# ---------------------------------------------------------------- filed

def test_filed_refuses_a_letter_with_findings_unless_anyway(examples: Path) -> None:
    assert _render("cases/", "-q")[0] == 0
    args = ("filed", "cases/nurkz-2023-10-06-kazakh-language.yaml", "--lang", "ru", "--on", "2026-11-25T10:00",
            "--channel", "eotinish")
    code, output = _cli(*args)
    assert code == 1, output
    assert "error: the letter of 'nurkz-2023-10-06-kazakh-language' has" in output
    assert "outlet.registration.number" in output and "add --anyway" in output
    assert not Path("cases/complaints.db").exists() or "recorded" not in output
    code, output = _cli(*args, "--anyway")
    assert code == 0 and "recorded: nurkz-2023-10-06-kazakh-language (ru)" in output, output


def test_filed_records_a_clean_letter(clean: Path) -> None:
    assert _render("cases/", "-q")[0] == 0
    code, output = _cli("filed", "cases/nurkz-clean.yaml", "--lang", "ru", "--on", "2026-11-25T10:00",
                        "--channel", "eotinish")
    assert code == 0 and "recorded: nurkz-clean (ru)" in output, output


# ---------------------------------------------------------------- a comment the register says was removed

ARTICLE = "https://www.nur.kz/society/2046512-balaeva-obyasnila/"


def _sighted(folder: Path, *checks: tuple[str, str, str]) -> None:
    """The register beside the project file told of checks of the clean case's comment, as `watch` tells it."""
    from datetime import datetime

    from complaints.register.sightings import record_sighting

    for when, outcome, detail in checks:
        record_sighting(folder / "complaints.db", "nurkz-clean", ARTICLE, datetime.fromisoformat(when), outcome,
                        detail, capture="capture-" + when[:10])


def test_a_comment_the_register_says_was_removed_is_a_finding_that_blocks_render_final(clean: Path) -> None:
    _sighted(clean, ("2026-12-01T09:00+05:00", "found", "the comment is on the page"),
             ("2026-12-02T09:30+05:00", "timeout", "the page did not load in 20 s"))
    code, found, output = _check("cases/")
    assert (code, found) == (0, []), output  # online, and a check that proved nothing: nothing to look at
    _sighted(clean, ("2026-12-03T04:15+00:00", "not-found", "the page loaded, the text is not on it"))
    code, found, output = _check("cases/")
    assert code == 1, output
    (removed,) = found
    assert (removed["file"], removed["kind"], removed["field"]) == ("cases/nurkz-clean.yaml", "comment-removed",
                                                                   "comment.text")
    # Kazakhstan time with its offset: 04:15 UTC is 09:15 in Almaty
    assert removed["message"].startswith("the comment was last seen online on 2026-12-01 09:00 (UTC+5) and was"
                                         " missing on 2026-12-03 09:15 (UTC+5): a letter about a removed comment"
                                         " is not to be filed as it stands"), output
    assert "1 comment-removed" in output
    code, output = _render("cases/", "--final", "--out", "final")
    assert code == 1, output
    assert "comment-removed: the comment was last seen online on 2026-12-01 09:00 (UTC+5)" in output
    assert not list(Path("final").rglob("*.docx"))
    # seen again: online, nothing to look at, the letters are signed
    _sighted(clean, ("2026-12-04T09:00+05:00", "found", "the comment is on the page"))
    code, found, output = _check("cases/")
    assert (code, found) == (0, []), output
    code, output = _render("cases/", "--final", "--out", "final")
    assert code == 0, output


def test_a_404_is_a_removal_a_500_proves_nothing_and_another_address_says_nothing(clean: Path) -> None:
    _sighted(clean, ("2026-12-01T09:00+05:00", "http-error", "the server answered 500"))
    assert _check("cases/")[:2] == (0, [])
    _sighted(clean, ("2026-12-02T09:00+05:00", "http-error", "the server answered 404 (the page is gone)"))
    code, found, output = _check("cases/")
    assert [f["kind"] for f in found] == ["comment-removed"], output
    assert "was missing from its page on 2026-12-02 09:00 (UTC+5), and `watch` never saw it online" in output
    # the case's address corrected: what was missed at the old one says nothing of the new one
    data = yaml.safe_load((clean / "nurkz-clean.yaml").read_text(encoding="utf-8"))
    data["article"]["url"] = "https://www.nur.kz/society/2046513-corrected/"
    write_yaml(clean / "nurkz-clean.yaml", data)
    assert _check("cases/")[:2] == (0, [])


def test_status_shows_the_removal_of_a_filed_cases_comment(clean: Path) -> None:
    import csv
    import io
    import json

    code, output = _render("cases/", "--final", "--out", "letters")
    assert code == 0, output
    code, output = _cli("filed", "cases/nurkz-clean.yaml", "--lang", "ru", "--on", "2026-11-23T10:00+05:00",
                        "--channel", "eotinish", "--ref", "ЖТ-2026-1", "--letters", "letters")
    assert code == 0, output
    code, output = _cli("status", "--csv", "--today", "2026-11-24")
    rows = list(csv.reader(io.StringIO(output)))
    assert rows[0] == ["case", "language", "channel", "reference", "filed", "registered", "due", "days", "status",
                       "comment"], output
    assert rows[1][-1] == "" and rows[1][-2] == "pending"
    _sighted(clean, ("2026-12-01T09:00+05:00", "found", "the comment is on the page"))
    rows = list(csv.reader(io.StringIO(_cli("status", "--csv", "--today", "2026-11-24")[1])))
    assert rows[1][-1] == "online (seen 2026-12-01)"
    _sighted(clean, ("2026-12-03T23:30+05:00", "not-found", "the page loaded, the text is not on it"))
    code, output = _cli("status", "--csv", "--today", "2026-11-24")
    assert code == 0, output
    rows = list(csv.reader(io.StringIO(output)))
    assert rows[1][:2] == ["nurkz-clean", "ru"] and rows[1][-2] == "pending"
    assert rows[1][-1] == "removed (last seen 2026-12-01, missing 2026-12-03)"
    (filing,) = json.loads(_cli("status", "--json", "--today", "2026-11-24")[1])
    assert filing["comment"]["state"] == "removed"
    assert filing["comment"]["first_missed"] == "2026-12-03T23:30:00+05:00"
    assert filing["comment"]["last_seen"] == "2026-12-01T09:00:00+05:00"
    assert _iin() not in output
