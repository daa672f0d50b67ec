"""Wording a lawyer would sign (issue 12, item 5), read back out of the letters `render` writes.

Every phrase pinned here is read from the rendered DOCX of each language (and, for one case, from the PDF that
LibreOffice makes of it), never from the phrases files: what the advocate signs is what is tested.
"""

from __future__ import annotations

import struct
import subprocess
import zlib
from pathlib import Path
from typing import Any

import pytest
from conftest import LETTER_DATE, PROJECT, case_data, docx_paragraphs, need_office, write_yaml
from typer.testing import CliRunner

from complaints.cli import app

runner = CliRunner()
LANGS = ("kk", "ru", "en")
ORGANISATION: dict[str, Any] = {
    **PROJECT,
    "applicant": {
        "kind": "organisation", "name": {"kk": "«Тіл» қоры", "ru": "Фонд «Тіл»", "en": "Public Foundation Til"},
        "bin": "123456789013", "address": "Astana",
        "signatory": {"name": "Aigerim Bekova", "position": {"kk": "Төраға", "ru": "Председатель", "en": "Chair"}},
        "outgoing": {"number": "15/2026", "date": "2026-12-01"},
    },
}


def _png() -> bytes:
    """A real 2×2 RGB PNG image."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\0" + bytes([255, 0, 0, 0, 128, 255]) for _ in range(2))
    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def _render(folder: Path, out: Path, *extra: str) -> None:
    result = runner.invoke(app, ["render", str(folder), "--out", str(out), "--date", LETTER_DATE.isoformat(), *extra])
    assert result.exit_code == 0, result.output


def _single(folder: Path, project: dict[str, Any], **changes: Any) -> None:
    write_yaml(folder / "complaints.yaml", project)
    (folder / "evidence").mkdir(parents=True, exist_ok=True)
    (folder / "evidence" / "shot.png").write_bytes(_png())
    write_yaml(folder / "one.yaml", case_data(**{
        "id": "one",
        "legal_basis.norms": ["criminal-code-174-1", "media-law-1999-art-2"],
        "evidence": [{"file": "evidence/shot.png", "taken": "2026-11-20T10:02+05:00",
                      "description": {"kk": "Пікірдің экраннан түсірілген суреті", "ru": "Снимок экрана комментария",
                                      "en": "Screenshot of the comment"}}],
        **changes}))


def _letters(out: Path, name: str) -> dict[str, list[str]]:
    return {lang: docx_paragraphs(out / name / f"{name}.{lang}.docx") for lang in LANGS}


@pytest.fixture(scope="module")
def person(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """The three letters of one person about one comment, as `render` writes them."""
    root = tmp_path_factory.mktemp("person")
    _single(root / "cases", PROJECT)
    _render(root / "cases", root / "out")
    return _letters(root / "out", "one")


@pytest.fixture(scope="module")
def organisation(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """The three letters of an organisation (with an outgoing number) about a comment it gave no English for."""
    root = tmp_path_factory.mktemp("organisation")
    _single(root / "cases", ORGANISATION, **{"comment.translations": {"kk": "Қазақ тілінде сөз жетпей ме?"}})
    _render(root / "cases", root / "out")
    return _letters(root / "out", "one")


def _grouped(root: Path, count: int) -> dict[str, list[str]]:
    folder = root / "cases"
    write_yaml(folder / "complaints.yaml", PROJECT)
    for i in range(1, count + 1):
        evidence = [{"url": f"https://web.archive.org/web/2026/https://www.nur.kz/{i}/",
                     "description": {"kk": f"Мұрағат {i}", "ru": f"Архив {i}", "en": f"Archive {i}"}}]
        if i <= 2:  # the first two comments share one piece of evidence
            evidence.append({"url": "https://web.archive.org/web/2026/https://www.nur.kz/",
                             "description": {"kk": "Басты бет", "ru": "Главная страница", "en": "Home page"}})
        write_yaml(folder / f"c{i:02}.yaml", case_data(**{"id": f"c{i:02}", "comment.author": f"Author{i}",
                                                          "evidence": evidence}))
    _render(folder, root / "out", "--group-by", "outlet")
    return _letters(root / "out", "outlet-nur-kz")


@pytest.fixture(scope="module")
def grouped(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """The letters about two comments on one outlet (render --group-by outlet)."""
    return _grouped(tmp_path_factory.mktemp("grouped"), 2)


def _text(paragraphs: list[str]) -> str:
    return "\n".join(paragraphs)


def _starting(paragraphs: list[str], start: str) -> str:
    found = [p for p in paragraphs if p.startswith(start)]
    assert found, f"no paragraph starts with {start!r}"
    return found[0]


# ------------------------------------------------------------------ request 3, hedged

def test_the_crime_is_for_the_police_to_assess_not_asserted(person: dict[str, list[str]],
                                                            grouped: dict[str, list[str]]) -> None:
    assert ("4) при выявлении признаков уголовного правонарушения направить материалы в органы внутренних дел "
            "для правовой оценки;") in person["ru"]
    assert ("4) қылмыстық құқық бұзушылық белгілері анықталған жағдайда материалдарды құқықтық баға беру үшін "
            "ішкі істер органдарына жолдауды;") in person["kk"]
    assert ("4) should elements of a criminal offence be identified, forward the materials to the internal affairs "
            "bodies for a legal assessment;") in person["en"]
    for letters in (person, grouped):
        assert "содержат признаки уголовного правонарушения" not in _text(letters["ru"])
        assert "белгілері бар материалдарды" not in _text(letters["kk"])
        assert "hallmarks" not in _text(letters["en"])
        assert "правоохранительные органы" not in _text(letters["ru"])


# ------------------------------------------------------------------ the Ministry's competence and specific requests

def test_the_letter_states_the_ministrys_competence_before_the_requests(person: dict[str, list[str]]) -> None:
    ru = _starting(person["ru"], "Министерство культуры и информации Республики Казахстан (далее — Министерство)")
    assert ("является уполномоченным органом в области масс-медиа и в сфере онлайн-платформ (Закон Республики "
            "Казахстан от 19 июня 2024 года № 93-VIII ЗРК «О масс-медиа»; статья 9 Закона Республики Казахстан "
            "от 10 июля 2023 года № 18-VIII ЗРК «Об онлайн-платформах и онлайн-рекламе»).") in ru
    kk = _starting(person["kk"], "Қазақстан Республикасының Мәдениет және ақпарат министрлігі (бұдан әрі – Министрлік)")
    assert "масс-медиа және онлайн-платформалар салаларындағы уәкілетті орган болып табылады" in kk
    assert "№ 93-VIII ҚРЗ Заңы" in kk and "№ 18-VIII ҚРЗ Заңының 9-бабы" in kk
    en = _starting(person["en"], "The Ministry of Culture and Information of the Republic of Kazakhstan (the “Ministry”)")
    assert "is the authorised body in the field of mass media and of online platforms" in en
    assert "Article 9 of the Law of the Republic of Kazakhstan No. 18-VIII of 10 July 2023" in en
    for lang, intro in (("ru", "На основании изложенного прошу:"), ("kk", "Жоғарыда баяндалғандардың негізінде"),
                        ("en", "In view of the foregoing, I respectfully request")):
        paragraphs = person[lang]
        competence = paragraphs.index({"ru": ru, "kk": kk, "en": en}[lang])
        assert paragraphs[competence + 1].startswith(intro)


def test_the_requests_are_specific(person: dict[str, list[str]]) -> None:
    ru = person["ru"]
    assert "2) в пределах компетенции Министерства направить собственнику интернет-ресурса Nur.kz требование об " \
           "удалении комментария;" in ru
    assert ("3) провести проверку соблюдения средством массовой информации Nur.kz требований законодательства "
            "Республики Казахстан о масс-медиа и по её результатам принять меры, предусмотренные законом;") in ru
    assert _starting(ru, "5) о результатах рассмотрения обращения сообщить заявителю в письменной форме")
    kk = person["kk"]
    assert "2) Министрліктің құзыреті шегінде Nur.kz интернет-ресурсының меншік иесіне пікірді жою туралы талап " \
           "жолдауды;" in kk
    assert _starting(kk, "3) Nur.kz бұқаралық ақпарат құралының масс-медиа туралы заңнама талаптарын сақтауын "
                         "тексеруді")
    en = person["en"]
    assert "2) within the Ministry’s competence, send the owner of the Nur.kz website a demand to remove the comment;" \
        in en
    assert _starting(en, "3) check whether Nur.kz, as a mass medium, complies with the legislation of the Republic of "
                         "Kazakhstan on mass media")
    assert _starting(en, "5) inform me in writing of the outcome")


# ------------------------------------------------------------------ the APPC: the form, its short name, Article 174

def test_the_appc_sets_the_form_and_is_named_once_in_full(person: dict[str, list[str]]) -> None:
    ru, kk, en = _text(person["ru"]), _text(person["kk"]), _text(person["en"])
    assert ("В порядке, установленном Административным процедурно-процессуальным кодексом Республики Казахстан "
            "(далее — АППК), обращаюсь к Вам") in ru
    assert "статьёй 63" not in ru and "(статья 76 АППК)" in ru
    assert ru.count("Административн") == 1
    assert ("Қазақстан Республикасының Әкімшілік рәсімдік-процестік кодексінде (бұдан әрі – ӘРПК) белгіленген "
            "тәртіппен") in kk
    assert "63-бабына" not in kk and "(ӘРПК-нің 76-бабы)" in kk
    assert ("In accordance with the procedure established by the Administrative Procedural and Process Code of the "
            "Republic of Kazakhstan (the “APPC”), I hereby submit") in en
    assert "Article 63" not in en and "(Article 76 of the APPC)" in en


def test_article_174_has_its_title_after_the_article_not_the_code(person: dict[str, list[str]]) -> None:
    assert ("1) часть 1 статьи 174 («Возбуждение социальной, национальной, родовой, расовой, сословной или "
            "религиозной розни») Уголовного кодекса Республики Казахстан от 3 июля 2014 года № 226-V ЗРК;") \
        in person["ru"]
    assert ("1) Қазақстан Республикасының 2014 жылғы 3 шілдедегі № 226-V ҚРЗ Қылмыстық кодексінің 174-бабының "
            "(«Әлеуметтік, ұлттық, рулық, нәсілдік, тектік-топтық немесе діни алауыздықты қоздыру») 1-бөлігі;") \
        in person["kk"]
    assert ("1) part 1 of Article 174 (“Incitement of social, national, clan, racial, class or religious discord”) of "
            "the Criminal Code of the Republic of Kazakhstan No. 226-V of 3 July 2014;") in person["en"]


# ------------------------------------------------------------------ one addressee block

def test_one_addressee_block_in_the_dative_with_no_ministry_line_above(person: dict[str, list[str]]) -> None:
    assert person["ru"][:4] == ["Заместителю Премьер-Министра —", "Министру культуры и информации",
                                "Республики Казахстан", "А. Балаевой"]
    assert person["kk"][:3] == ["Қазақстан Республикасы Премьер-Министрінің орынбасары –",
                                "Мәдениет және ақпарат министрі", "А. Балаеваға"]
    assert person["en"][:4] == ["Ms Aida Balayeva", "Deputy Prime Minister –", "Minister of Culture and Information",
                                "of the Republic of Kazakhstan"]
    assert "Министерство культуры и информации Республики Казахстан" not in person["ru"]
    assert "Ministry of Culture and Information of the Republic of Kazakhstan" not in person["en"]


# ------------------------------------------------------------------ counts in words, annexes by comment

def test_a_grouped_letter_counts_its_comments_in_words(grouped: dict[str, list[str]]) -> None:
    assert "о принятии мер в отношении двух комментариев, размещённых на интернет-ресурсе Nur.kz" in grouped["ru"]
    assert "Nur.kz двух комментариев, содержащих, по моему мнению," in _text(grouped["ru"])
    assert "Nur.kz интернет-ресурсында орналастырылған 2 (екі) пікірге қатысты шаралар қабылдау туралы" \
        in grouped["kk"]
    assert "орналастырылған 2 (екі) пікірге байланысты Сізге жүгінемін" in _text(grouped["kk"])
    assert "Request for action concerning two comments published on the Nur.kz website" in grouped["en"]
    assert "concerning two comments made publicly available" in _text(grouped["en"])
    assert "(2)" not in _text(grouped["ru"]) + _text(grouped["kk"])


def test_beyond_ten_the_count_is_in_digits(tmp_path: Path) -> None:
    letters = _grouped(tmp_path, 12)
    assert "о принятии мер в отношении 12 комментариев, размещённых на интернет-ресурсе Nur.kz" in letters["ru"]
    assert "Nur.kz интернет-ресурсында орналастырылған 12 пікірге қатысты шаралар қабылдау туралы" in letters["kk"]
    assert "Request for action concerning 12 comments published on the Nur.kz website" in letters["en"]


def test_a_grouped_letters_annexes_say_which_comment_they_belong_to(grouped: dict[str, list[str]]) -> None:
    ru = grouped["ru"]
    assert _starting(ru, "1. Архив 1 (к комментарию № 1) — https://web.archive.org/web/2026/https://www.nur.kz/1/")
    assert _starting(ru, "2. Главная страница (к комментариям №№ 1, 2) — https://web.archive.org/")
    assert _starting(ru, "3. Архив 2 (к комментарию № 2) — ")
    kk = grouped["kk"]
    assert _starting(kk, "1. Мұрағат 1 (№ 1 пікірге) – ") and _starting(kk, "3. Мұрағат 2 (№ 2 пікірге) – ")
    assert _starting(kk, "2. Басты бет (№ 1, 2 пікірлерге) – ")
    en = grouped["en"]
    assert _starting(en, "1. Archive 1 (comment No. 1): ") and _starting(en, "3. Archive 2 (comment No. 2): ")
    assert _starting(en, "2. Home page (comments Nos. 1, 2): ")


def test_a_single_letters_annexes_name_no_comment(person: dict[str, list[str]]) -> None:
    assert _starting(person["ru"], "1. Снимок экрана комментария — файл shot.png")
    assert _starting(person["en"], "1. Screenshot of the comment: file shot.png")


# ------------------------------------------------------------------ an organisation's outgoing number

def test_an_organisations_letter_carries_its_outgoing_number_and_date(organisation: dict[str, list[str]],
                                                                      person: dict[str, list[str]]) -> None:
    ru, kk, en = organisation["ru"], organisation["kk"], organisation["en"]
    assert "Исх. № 15/2026 от 1 декабря 2026 года" in ru
    assert "Шығыс № 15/2026, 2026 жылғы 1 желтоқсан" in kk
    assert "Our ref.: No. 15/2026 of 1 December 2026" in en
    # under the applicant's details, above the heading
    assert ru.index("БИН: 123456789013") < ru.index("Исх. № 15/2026 от 1 декабря 2026 года") < ru.index("ОБРАЩЕНИЕ")
    assert not any(p.startswith(("Исх.", "Шығыс №", "Our ref.")) for lang in LANGS for p in person[lang])


def test_outgoing_needs_its_number_and_date(tmp_path: Path) -> None:
    project = {**ORGANISATION, "applicant": {**ORGANISATION["applicant"], "outgoing": {"number": "15/2026"}}}
    _single(tmp_path / "cases", project)
    result = runner.invoke(app, ["validate", str(tmp_path / "cases")])
    assert result.exit_code != 0
    assert "complaints.yaml:" in result.output and "outgoing" in result.output and "Traceback" not in result.output


# ------------------------------------------------------------------ English that reads as English

def test_the_english_letter_speaks_in_one_person(person: dict[str, list[str]],
                                                 organisation: dict[str, list[str]]) -> None:
    en = _text(person["en"])
    assert "which, in my view, appears to contain elements of incitement to discord" in en
    assert ("In my view, the public dissemination of this comment through a mass medium appears to contain elements "
            "of a breach of the following provisions:") in en
    assert "the applicant" not in en and "applicant’s" not in en
    org = _text(organisation["en"])
    assert "we, Public Foundation Til, hereby submit this appeal" in org
    assert "In our view, the public dissemination" in org
    assert "We have not supplied an English translation of the comment" in org
    assert "inform us in writing of the outcome" in org
    assert "the applicant" not in org and " my " not in org and "I hereby" not in org


def test_the_english_letter_tells_the_two_media_laws_apart_by_year(person: dict[str, list[str]]) -> None:
    en = _text(person["en"])
    assert ("2) Article 2 of the 1999 Law on Mass Media (Law of the Republic of Kazakhstan No. 451-I of 23 July 1999 "
            "“On Mass Media”) (in force when the comment was posted)") in en
    assert "(the 2024 Law on Mass Media, Law of the Republic of Kazakhstan No. 93-VIII of 19 June 2024" in en


def test_prosecutor_generals_office_in_english(tmp_path: Path) -> None:
    from complaints.case.law import authorities

    office = authorities()["prosecutor-general"]
    assert office.name["en"] == "Prosecutor General’s Office of the Republic of Kazakhstan"
    assert office.addressee["en"][0] == "Prosecutor General’s Office"


# ------------------------------------------------------------------ Kazakh

def test_kazakh_wording(person: dict[str, list[str]]) -> None:
    kk = _text(person["kk"])
    # the screenshot is «түсірілген», not «жасалған»
    assert "2026 жылғы 20 қарашада сағат 10:02-де (UTC+5) түсірілген." in kk and "жасалған" not in kk
    # no parenthesis splits the attributive before «пікірге» or between «жарияланымның» and «астында»
    assert "көпшілікке қолжетімді түрде орналастырылған пікірге байланысты Сізге жүгінемін. Менің ойымша, бұл " \
           "пікірде алауыздықты қоздыру және ұлттық ар-намысты қорлау белгілері бар." in kk
    assert "орналастырылған, менің ойымша," not in kk
    assert "атты жарияланымның астында (https://www.nur.kz/a/) «ZapadNamNePomozhet» деген атпен" in kk
    assert "жарияланымның (https" not in kk


# ------------------------------------------------------------------ the same words in the PDF


def test_the_pdf_says_the_same(tmp_path: Path) -> None:
    need_office()
    _single(tmp_path / "cases", PROJECT)
    _render(tmp_path / "cases", tmp_path / "out", "--format", "pdf")
    for lang, phrases in {
        "ru": ["Заместителю Премьер-Министра —", "(далее — АППК), обращаюсь к Вам",
               "при выявлении признаков уголовного правонарушения направить материалы в органы внутренних дел",
               "статьи 174 («Возбуждение социальной", "является уполномоченным органом в области масс-медиа",
               "(статья 76 АППК)"],
        "kk": ["А. Балаеваға", "(бұдан әрі – ӘРПК) белгіленген тәртіппен", "ішкі істер органдарына жолдауды",
               "(UTC+5) түсірілген"],
        "en": ["appears to contain elements of incitement", "should elements of a criminal offence be identified",
               "inform me in writing", "the 1999 Law on Mass Media"],
    }.items():
        pdf = tmp_path / "out" / "one" / f"one.{lang}.pdf"
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        flat = " ".join(text.split())
        assert flat.split()[0] != "Министерство"
        for phrase in phrases:
            assert phrase in flat, (lang, phrase)


def test_compiled_phrases_are_kept_between_runs_and_a_broken_copy_is_compiled_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The phrases' compiled code is kept in the user's cache (one file per language, named by the versions that
    make it): a later run reads it instead of compiling, and says the same; a file that cannot be read (cut short,
    not code at all) is compiled again and written anew."""
    from datetime import date

    from complaints.letter import phrases as module

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    values = {"letter_date": date(2026, 11, 25), "signer": "Серікұлы Нұрлан", "signatory": {"position": None}}

    def fresh() -> module.Phrases:
        module._phrases.cache_clear()
        return module.phrases("kk")

    first = fresh()
    assert first.codes == {}
    module.warm_up(("kk",))
    said = first("signature", "date", **values)
    kept = list((tmp_path / "cache" / "complaints" / "phrases").glob("*.marshal"))
    assert len(kept) == 1

    again = fresh()
    assert len(again.codes) == len(first.codes) > 20  # read, not compiled
    module.warm_up(("kk",))
    assert not again.codes_changed and again("signature", "date", **values) == said

    for broken in (kept[0].read_bytes()[:100], b"not code at all"):
        kept[0].write_bytes(broken)
        third = fresh()
        assert third.codes == {}
        module.warm_up(("kk",))
        assert third("signature", "date", **values) == said
        assert module._read_codes(kept[0]).keys() == first.codes.keys()  # written anew
    module._phrases.cache_clear()
