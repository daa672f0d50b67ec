"""Follow-up letters when the reply is overdue: a reminder to the Ministry, a complaint to the Prosecutor's Office.

Each letter is rendered and read back (the .docx through python-docx, the text as written): what it says about
the original filing, the expired term and the applicant, in every language.
"""

from __future__ import annotations

import copy
import re
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import lxml.html
import pytest
from conftest import PROJECT, REPO, docx_text, write_yaml
from markdown_it import MarkdownIt

import complaints
from complaints.case.law import authorities
from complaints.case.read import ProjectFile, load_project
from complaints.letter.followup import KINDS, followup_context, followup_norms, unconfirmed_citations
from complaints.letter.phrases import phrases
from complaints.register.filing import CHANNELS, Filing, FollowUp
from complaints.render import Kit, render_letter

LANGS = ("kk", "ru", "en")
TEMPLATES = REPO / "templates"
LETTER_DATE = date(2026, 11, 25)
OVERDUE = 23
SHA = "3f79bb7b435b05321651daefd374cdc681dc06faa65e374e38337b88ca046dea"
SUBJECTS = {
    "kk": "Nur.kz интернет-ресурсында орналастырылған пікірге қатысты шаралар қабылдау туралы",
    "ru": "о принятии мер в отношении комментария, размещённого на интернет-ресурсе Nur.kz",
    "en": "Request for action concerning a comment published on the Nur.kz website",
}
# 1 October 2026 (filed), 22 October 2026 (due), 20 November 2026 (extended term), as each language writes them
FILED = {"kk": "2026 жылғы 1 қазанда", "ru": "1 октября 2026 года", "en": "1 October 2026"}
DUE = {"kk": "2026 жылғы 22 қазанда", "ru": "22 октября 2026 года", "en": "22 October 2026"}
EXTENDED = {"kk": "2026 жылғы 20 қарашада", "ru": "20 ноября 2026 года", "en": "20 November 2026"}
ADDRESSEE = {
    "reminder": {"kk": "Мәдениет және ақпарат министрі", "ru": "Министру культуры и информации",
                 "en": "Minister of Culture and Information"},
    "prosecutor": {"kk": "Бас прокуратурасына", "ru": "В Генеральную прокуратуру",
                   "en": "Prosecutor General’s Office"},
}
PROSECUTOR_LAW = {
    "kk": "«Прокуратура туралы» Қазақстан Республикасының 2022 жылғы 5 қарашадағы № 155-VII Конституциялық заңының"
          " 24-бабы 1-тармағының 2) тармақшасы",
    "ru": "подпункт 2) пункта 1 статьи 24 Конституционного закона Республики Казахстан от 5 ноября 2022 года"
          " № 155-VII «О прокуратуре»",
    "en": "Article 24(1)(2) of the Constitutional Law of the Republic of Kazakhstan No. 155-VII of 5 November 2022"
          " “On the Prosecutor’s Office”",
}
APPC_91 = {"kk": "(ӘРПК-нің 91-бабының 2-тармағы)", "ru": "(пункт 2 статьи 91 АППК)", "en": "(Article 91(2) of the APPC)"}
MEASURES = {"kk": "прокурорлық ден қою шараларын", "ru": "меры прокурорского реагирования",
            "en": "measures of prosecutorial response"}
REGISTERED = {"kk": "Өтініш 2026 жылғы 1 қазанда тіркелді, тіркеу нөмірі – ЖТ-2026-00123",
              "ru": "Обращение зарегистрировано 1 октября 2026 года за № ЖТ-2026-00123",
              "en": "The appeal was registered on 1 October 2026 under No. ЖТ-2026-00123"}
MINISTRY = {"kk": "Қазақстан Республикасының Мәдениет және ақпарат министрлігі",
            "ru": "Министерство культуры и информации Республики Казахстан",
            "en": "Ministry of Culture and Information of the Republic of Kazakhstan"}


# the reminder that went unanswered, which the letter to the prosecutor cites: 2 November 2026, No. ЖТ-2026-00999
REMINDER = FollowUp(id=1, filing_id=7, kind="reminder", dated=date(2026, 11, 2), ref="ЖТ-2026-00999")
REMINDED = {"kk": "2026 жылғы 2 қарашада", "ru": "2 ноября 2026 года", "en": "2 November 2026"}
WAITED = 17


def filing(lang: str, **changes: Any) -> Filing:
    """A letter filed through eOtinish on 1 October 2026, 14:00 Almaty time, registered that day (the receipt says
    so), due 22 October."""
    base = Filing(
        id=7, case_id="nurkz-2023-10-06-kazakh-language", lang=lang, channel="eotinish", ref="ЖТ-2026-00123",
        filed_at=datetime(2026, 10, 1, 14, 0, tzinfo=ZoneInfo("Asia/Almaty")), registered=date(2026, 10, 1),
        due=date(2026, 10, 22), extended_until=None, extension_ref=None, replied_on=None, outcome=None, note=None,
        letter_name=f"nurkz-2023-10-06-kazakh-language.{lang}.pdf", letter_sha256=SHA, subject=SUBJECTS[lang],
        outlet="Nur.kz", authority="mki-rk", project=None, registration="receipt",
    )
    return replace(base, **changes)


@pytest.fixture
def project(tmp_path: Path) -> ProjectFile:
    return load_project(write_yaml(tmp_path / "complaints.yaml", PROJECT))


def context(project: ProjectFile, lang: str, kind: str, reminder: FollowUp | None = REMINDER,
            **changes: Any) -> dict[str, Any]:
    return followup_context(filing(lang, **changes), project, kind, letter_date=LETTER_DATE, overdue_days=OVERDUE,
                            reminder=reminder if kind == "prosecutor" else None,
                            waited_days=WAITED if kind == "prosecutor" else None)


def render_followup(ctx: dict[str, Any], fmt: str) -> bytes:
    return render_letter(ctx, fmt, Kit(TEMPLATES, letter_date=LETTER_DATE, document="followup"))


def docx(ctx: dict[str, Any]) -> str:
    return docx_text(render_followup(ctx, "docx"))


def txt(ctx: dict[str, Any]) -> str:
    return render_followup(ctx, "txt").decode("utf-8")


def shown_words(text: str, fmt: str) -> list[str]:
    """The words a reader sees in txt, md or html: markup (tags, Markdown markers and escapes) taken away."""
    if fmt == "html":
        return lxml.html.document_fromstring(text.encode("utf-8")).body.text_content().split()
    if fmt == "md":
        html = MarkdownIt("commonmark").render(text)
        return lxml.html.fragment_fromstring(html, create_parent="div").text_content().split()
    return text.split()


# ------------------------------------------------------------------ what every letter says

@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("lang", LANGS)
def test_letter_cites_the_filing_the_expired_term_and_the_applicant(project: ProjectFile, lang: str,
                                                                     kind: str) -> None:
    ctx = context(project, lang, kind)
    word = docx(ctx)
    for text in (word, txt(ctx)):
        assert FILED[lang] in text  # the official date style: «2026 жылғы 1 қазанда», «1 октября 2026 года»
        assert "ЖТ-2026-00123" in text
        assert DUE[lang] in text
        assert "76" in text
        assert SUBJECTS[lang] in text
        assert "nurkz-2023-10-06-kazakh-language." + lang + ".pdf" in text and SHA in text
        assert PROJECT["applicant"]["name"][lang] in text and PROJECT["applicant"]["address"][lang] in text
        assert text.count("900101300126") == 1  # the IIN, in the applicant's lines only
        assert ADDRESSEE[kind][lang] in text
        assert "None" not in text and "{{" not in text and "{%" not in text
        assert MINISTRY[lang] in text  # the body the appeal went to, named in the letter's text
        assert REGISTERED[lang] in text  # the receipt's date, as a fact
    assert ctx["addressee"] == authorities()["mki-rk" if kind == "reminder" else "prosecutor-general"].addressee[lang]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("lang", LANGS)
def test_txt_md_and_html_say_the_same_words_as_the_docx(project: ProjectFile, lang: str, kind: str) -> None:
    ctx = context(project, lang, kind)
    words = docx(ctx).split()
    for fmt in ("txt", "md", "html"):
        assert shown_words(render_followup(ctx, fmt).decode("utf-8"), fmt) == words, fmt


@pytest.mark.parametrize("lang", LANGS)
def test_txt_is_the_addressee_then_the_applicant_then_the_letter(project: ProjectFile, lang: str) -> None:
    ctx = context(project, lang, "prosecutor")
    blocks = txt(ctx).rstrip("\n").split("\n\n")
    assert blocks[0].split("\n") == [*ctx["addressee"], ctx["authority_address"]]
    assert blocks[1].split("\n") == ctx["applicant"]
    assert blocks[2:4] == [ctx["heading"], ctx["subject"]]
    assert blocks[4:4 + len(ctx["paragraphs"])] == ctx["paragraphs"]
    assert "\n".join(ctx["requests"]) in blocks
    s = ctx["signature"]
    assert blocks[-1] == f"{s['role']} {s['line']} {s['name']}\n{s['date']}"


@pytest.mark.parametrize("lang", LANGS)
def test_the_letter_is_signed_on_the_letter_date(project: ProjectFile, lang: str) -> None:
    ctx = context(project, lang, "reminder")
    signed = {"kk": "2026 жылғы 25 қараша", "ru": "25 ноября 2026 года", "en": "25 November 2026"}[lang]
    assert ctx["signature"]["date"] == signed
    assert ctx["signature"]["name"] == PROJECT["applicant"]["name"][lang]
    assert signed in docx(ctx)


# ------------------------------------------------------------------ the two kinds

@pytest.mark.parametrize("lang", LANGS)
def test_reminder_asks_for_a_reply_and_the_reasons_for_the_delay(project: ProjectFile, lang: str) -> None:
    ctx = context(project, lang, "reminder")
    assert len(ctx["requests"]) == 2
    assert ctx["requests"][0].startswith("1) ") and ctx["requests"][1].startswith("2) ")
    assert ctx["heading"] == {"kk": "ӨТІНІШ", "ru": "ОБРАЩЕНИЕ", "en": "REMINDER"}[lang]
    assert ctx["authority_name"] == MINISTRY[lang]
    assert str(OVERDUE) in " ".join(ctx["paragraphs"])


@pytest.mark.parametrize("lang", LANGS)
def test_letter_to_the_prosecutor_is_an_appeal_citing_the_reminder_and_the_prosecutor_law(project: ProjectFile,
                                                                                          lang: str) -> None:
    ctx = context(project, lang, "prosecutor")
    # «Обращение», not «Жалоба» (the APPC's word for a complaint to the higher body)
    assert ctx["heading"] == {"kk": "ӨТІНІШ", "ru": "ОБРАЩЕНИЕ", "en": "APPEAL"}[lang]
    assert len(ctx["requests"]) == 3
    for text in (docx(ctx), txt(ctx)):
        assert {"kk": "осы шағым", "ru": "настоящей жалоб", "en": "this complaint"}[lang] not in text  # of itself
        assert {"kk": "ШАҒЫМ\n", "ru": "ЖАЛОБА\n", "en": "COMPLAINT\n"}[lang] not in text
        cited = {"kk": r"(\d+)-баб", "ru": r"стать\w* (\d+)", "en": r"Article (\d+)"}[lang]
        assert set(re.findall(cited, text)) == {"76", "91", "24"}
        assert PROSECUTOR_LAW[lang] in text and APPC_91[lang] in text
        assert MEASURES[lang] in text
        # the reminder that went unanswered: its date, its number, how long it waited
        assert REMINDED[lang] in text and "ЖТ-2026-00999" in text and f"{WAITED} " in text


def test_the_prosecutor_letter_cites_a_reminder_or_is_not_written(project: ProjectFile) -> None:
    with pytest.raises(complaints.UsageError, match="write the reminder first"):
        context(project, "ru", "prosecutor", reminder=None)


@pytest.mark.parametrize("lang", LANGS)
def test_a_reminder_without_its_number_is_cited_by_its_date(project: ProjectFile, lang: str) -> None:
    text = txt(context(project, lang, "prosecutor", reminder=replace(REMINDER, ref=None)))
    assert REMINDED[lang] in text and "ЖТ-2026-00999" not in text
    # filed later than written (its receipt recorded with `reminded --on`): the filing date is cited
    text = txt(context(project, lang, "prosecutor", reminder=replace(REMINDER, sent_on=date(2026, 11, 3))))
    assert {"kk": "2026 жылғы 3 қарашада", "ru": "3 ноября 2026 года", "en": "3 November 2026"}[lang] in text


def test_the_unconfirmed_citations_are_marked_in_the_data_for_check() -> None:
    found = {u.field: u for u in unconfirmed_citations("prosecutor")}
    assert set(found) == {"complaints/data/followup.yaml: norms.appc-91-2",
                          "complaints/data/followup.yaml: norms.prosecutor-law-24-1-2"}
    for u in found.values():
        assert u.source.startswith("https://adilet.zan.kz/") and u.checked == date(2026, 12, 1)
        assert "official text" in u.what
    assert unconfirmed_citations("reminder") == []
    norms = followup_norms()
    assert not norms["prosecutor-law-24-1-2"].confirmed and "155-VII" in norms["prosecutor-law-24-1-2"].cite.ru


def test_prosecutor_profile_addresses_the_office_and_says_what_is_unchecked() -> None:
    profile = authorities()["prosecutor-general"]
    assert profile.addressee["ru"] == ["В Генеральную прокуратуру", "Республики Казахстан"]
    assert profile.email == ""
    assert profile.reply_term == authorities()["mki-rk"].reply_term
    assert profile.checked == date(2026, 11, 25)
    assert profile.note and "UNCONFIRMED" in profile.note and "address" in profile.note


# ------------------------------------------------------------------ the facts of the filing

@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("lang", LANGS)
def test_extended_term_is_cited_instead_of_the_due_date(project: ProjectFile, lang: str, kind: str) -> None:
    ctx = context(project, lang, kind, extended_until=date(2026, 11, 20), extension_ref="01-12/345")
    no_notice = phrases(lang)("followup", "no_extension")
    for text in (docx(ctx), txt(ctx)):
        assert EXTENDED[lang] in text and "01-12/345" in text
        assert DUE[lang] not in text
        assert no_notice not in text  # the applicant was told of the extension


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("lang", LANGS)
def test_without_a_registration_number_no_empty_number_is_printed(project: ProjectFile, lang: str,
                                                                   kind: str) -> None:
    ctx = context(project, lang, kind, reminder=replace(REMINDER, ref=None), ref=None)
    for text in (docx(ctx), txt(ctx)):
        assert "None" not in text
        text = text.replace(PROSECUTOR_LAW[lang], "the law")  # the law's own number
        assert "№" not in text and "No." not in text
        assert FILED[lang] in text and DUE[lang] in text
        assert re.search(r"\(\s*\)|\s[,.;]", text) is None  # no gap where the number would have stood


NUMBERED = {"kk": "Өтінішке № ЖТ-2026-00123 тіркеу нөмірі берілді.",
            "ru": "Обращению присвоен регистрационный № ЖТ-2026-00123.",
            "en": "The appeal was given registration No. ЖТ-2026-00123."}
COUNTED = {"kk": "Өтініш берушінің есебі бойынша, өтініш берілген күннен бастап", "ru": "По подсчёту заявителя, исходя"
           " из даты подачи обращения", "en": "By the applicant’s reckoning from the date of submission"}
POSTAL = {"kk": "поштамен жеткізуге қажетті уақытты ескергенде", "ru": "и времени на его доставку почтой",
          "en": "allowing time for delivery by post"}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("lang", LANGS)
def test_a_computed_registration_is_never_called_the_registration(project: ProjectFile, lang: str,
                                                                  kind: str) -> None:
    """Without the receipt's date (`filed --registered`), the letters say when the appeal was filed, give its
    number if there is one, and present the expired term as the applicant's count."""
    for channel in ("eotinish", "post"):
        ctx = context(project, lang, kind, registration=None, channel=channel)
        for text in (docx(ctx), txt(ctx)):
            assert {"kk": "тіркелді", "ru": "зарегистрирован", "en": "registered on"}[lang] not in text
            assert FILED[lang] in text and NUMBERED[lang] in text and COUNTED[lang] in text
            assert (POSTAL[lang] in text) == (channel == "post"), channel
            assert DUE[lang] in text
    text = txt(context(project, lang, kind, registration=None, ref=None))
    assert NUMBERED[lang] not in text and COUNTED[lang] in text


CHANNEL_WORDING = {
    "kk": {"eotinish": "eOtinish электрондық өтініштер жүйесі арқылы", "post": "пошта арқылы",
           "email": "электрондық пошта арқылы", "in-person": "жеке өзім келіп"},
    "ru": {"eotinish": "через систему электронных обращений eOtinish", "post": "по почте",
           "email": "по электронной почте", "in-person": "лично"},
    "en": {"eotinish": "via the eOtinish e-appeals system", "post": "by post", "email": "by e-mail",
           "in-person": "in person"},
}
# where the channel stands in the reminder's first sentence
CHANNEL_PLACE = {"kk": "{filed} {channel} Сіздің атыңызға", "ru": "мною {channel} на Ваше имя",
                 "en": "to you {channel}, entitled"}


@pytest.mark.parametrize("lang", LANGS)
def test_each_channel_is_worded_in_the_letter(project: ProjectFile, lang: str) -> None:
    texts = {}
    for channel in CHANNELS:
        ctx = context(project, lang, "reminder", channel=channel)
        texts[channel] = docx(ctx)
        place = CHANNEL_PLACE[lang].format(filed=FILED[lang], channel=CHANNEL_WORDING[lang][channel])
        assert place in texts[channel] and place in txt(ctx), channel
    assert len(set(texts.values())) == len(CHANNELS)


@pytest.mark.parametrize("lang", LANGS)
def test_filing_date_is_the_date_in_kazakhstan(project: ProjectFile, lang: str) -> None:
    # 20:30 UTC on 30 September is 01:30 on 1 October in Almaty (UTC+5)
    ctx = context(project, lang, "reminder", filed_at=datetime(2026, 9, 30, 20, 30, tzinfo=UTC))
    assert FILED[lang] in txt(ctx)
    assert {"kk": "30 қыркүйек", "ru": "30 сентября", "en": "30 September"}[lang] not in txt(ctx)


# ------------------------------------------------------------------ applicant and authority from the project

@pytest.mark.parametrize("lang", LANGS)
def test_organisation_applicant_writes_in_its_name(tmp_path: Path, lang: str) -> None:
    data = copy.deepcopy(PROJECT)
    data["applicant"] = {"kind": "organisation", "name": "Фонд «Тіл»", "bin": "123456789013", "address": "Астана",
                         "signatory": {"name": "Айгерім Бекова", "position": "Төраға"}}
    project = load_project(write_yaml(tmp_path / "complaints.yaml", data))
    for kind in KINDS:
        ctx = context(project, lang, kind)
        text = docx(ctx)
        assert "123456789013" in text and "Айгерім Бекова" in text and "Төраға" in text
        assert ctx["signature"]["name"] == "Айгерім Бекова"
        if lang == "ru":
            assert "нами" in ctx["paragraphs"][0] and ctx["requests_intro"].endswith("просим:")
        assert txt(ctx).split() == text.split()
    # filed in person: by the organisation's courier, not "in person myself"
    handed = docx(context(project, lang, "reminder", channel="in-person"))
    assert {"kk": "қолма-қол", "ru": "нарочным", "en": "by hand"}[lang] in handed
    assert {"kk": "жеке өзім", "ru": "лично", "en": "in person"}[lang] not in handed


def test_a_person_who_filed_in_person_says_so(project: ProjectFile) -> None:
    for lang, words in {"kk": "жеке өзім келіп", "ru": "лично", "en": "in person"}.items():
        assert words in docx(context(project, lang, "reminder", channel="in-person"))


def test_project_override_of_the_ministry_reaches_the_reminder_only(tmp_path: Path) -> None:
    data = copy.deepcopy(PROJECT)
    data["authority"] = {"base": "mki-rk", "addressee": {"ru": ["Министру культуры и информации", "И. И. Иванову"]}}
    project = load_project(write_yaml(tmp_path / "complaints.yaml", data))
    reminder = context(project, "ru", "reminder")
    assert reminder["addressee"] == ["Министру культуры и информации", "И. И. Иванову"]
    assert "И. И. Иванову" in docx(reminder)
    prosecutor = context(project, "ru", "prosecutor")
    assert prosecutor["addressee"] == ["В Генеральную прокуратуру", "Республики Казахстан"]


# ------------------------------------------------------------------ refusals

def test_unknown_kind_is_refused(project: ProjectFile) -> None:
    with pytest.raises(complaints.UsageError, match="reminder, prosecutor"):
        context(project, "ru", "apology")


def test_answered_filing_gets_no_follow_up(project: ProjectFile) -> None:
    with pytest.raises(complaints.UsageError, match="reply already"):
        context(project, "ru", "reminder", replied_on=date(2026, 11, 2), outcome="answered")


def test_filing_not_yet_overdue_gets_no_follow_up(project: ProjectFile) -> None:
    with pytest.raises(complaints.UsageError, match="not overdue"):
        followup_context(filing("ru"), project, "reminder", letter_date=date(2026, 10, 20), overdue_days=0)
    with pytest.raises(complaints.UsageError, match="not overdue"):
        followup_context(filing("ru", extended_until=date(2026, 11, 30)), project, "reminder",
                         letter_date=LETTER_DATE, overdue_days=OVERDUE)


def test_project_without_applicant_is_refused_without_personal_data(tmp_path: Path) -> None:
    project = load_project(write_yaml(tmp_path / "complaints.yaml", {"languages": ["ru"]}))
    with pytest.raises(complaints.UsageError, match="no applicant"):
        context(project, "ru", "reminder")


def test_unknown_format_is_refused(project: ProjectFile) -> None:
    with pytest.raises(complaints.UsageError, match="unknown format 'odt': choose from docx, pdf, txt, md, html, eml"):
        render_followup(context(project, "ru", "reminder"), "odt")


def test_a_missing_template_is_named(project: ProjectFile, tmp_path: Path) -> None:
    (tmp_path / "ru").mkdir()
    kit = Kit(tmp_path, letter_date=LETTER_DATE, document="followup")
    with pytest.raises(complaints.DataError, match="followup.docx: no such template"):
        render_letter(context(project, "ru", "reminder"), "docx", kit)
