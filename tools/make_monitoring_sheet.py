"""Write the monitoring sheets that tests/test_import.py imports.

    tests/data/monitoring-500.csv      500 rows, UTF-8 with BOM, ';' between columns, Russian headers
    tests/data/monitoring-500.xlsx     the same 500 rows, Kazakh and English headers, real date cells
    tests/data/monitoring-cp1251.csv   10 rows in Windows-1251, ',' between columns

Run: .venv/bin/python tools/make_monitoring_sheet.py [OUT]   (OUT defaults to tests/data/)

The rows are made by a seeded random generator, so running this again writes the same rows (and the
same bytes). Outlets are real names with invented registration numbers; every article, address, author
and comment is invented. The comments imitate what monitors record, without slurs.

Exactly 20 rows are bad, each with one mistake of its own kind (BAD_ROWS: row number → kind); the tests
expect each to be reported at that row, in the column of the field named in BAD_FIELDS, and nothing else.
"""

from __future__ import annotations

import csv
import io
import random
import re
import sys
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEED = 20231006
ROWS = 500

# Spreadsheet row (the header is row 1) → the mistake in it.
BAD_ROWS: dict[int, str] = {
    7: "article URL without http(s)://",
    31: "comment date that is not a date",
    58: "comment date in the future",
    77: "no comment text",
    102: "norm id not in the catalogue",
    133: "unknown language code",
    150: "publication date that does not exist (31.02.2023)",
    177: "control character in the comment text",
    199: "no outlet name",
    222: "author cell far too long (a paragraph pasted into it)",
    248: "no article title",
    271: "text in the comment-URL column",
    300: "no norm cited",
    333: "archive URL with a space in it",
    350: "last seen online before it was posted",
    377: "comment time that does not exist (25:70)",
    402: "spreadsheet error (#REF!) instead of a title",
    433: "the same comment as the row above",
    460: "outlet address that is not a URL",
    488: "a bare number in the date column",
}
# The case field each bad row is reported under.
BAD_FIELDS: dict[int, str] = {
    7: "article.url", 31: "comment.posted", 58: "comment.posted", 77: "comment.text", 102: "legal_basis.norms",
    133: "comment.language", 150: "article.published", 177: "comment.text", 199: "outlet.name",
    222: "comment.author", 248: "article.title", 271: "comment.url", 300: "legal_basis.norms", 333: "evidence.url",
    350: "comment.still_online", 377: "comment.posted", 402: "article.title", 433: "comment.text",
    460: "outlet.url", 488: "comment.posted",
}

# Case field → (CSV header, XLSX header), in the order of the columns.
COLUMNS: list[tuple[str, str, str]] = [
    ("", "№", "№"),
    ("comment.posted", "Дата комментария", "Пікір күні"),
    ("outlet.name", "Издание", "Басылым"),
    ("outlet.url", "Адрес сайта", "Сайт мекенжайы"),
    ("outlet.registration.number", "Номер свидетельства", "Тіркеу нөмірі"),
    ("article.title", "Заголовок", "Мақала тақырыбы"),
    ("article.url", "Ссылка на статью", "Мақала сілтемесі"),
    ("article.published", "Дата публикации", "Жарияланған күні"),
    ("comment.author", "Автор комментария", "Пікір авторы"),
    ("comment.text", "Текст комментария", "Пікір мәтіні"),
    ("comment.language", "Язык", "Тілі"),
    ("comment.translations.ru", "Перевод (рус)", "Орысша аудармасы"),
    ("comment.translations.kk", "Перевод (каз)", "Қазақша аудармасы"),
    ("comment.translations.en", "Перевод (англ)", "English translation"),
    ("comment.url", "Ссылка на комментарий", "Пікір сілтемесі"),
    ("legal_basis.norms", "Нормы", "Нормалар"),
    ("evidence.url", "Архивная копия", "Мұрағат"),
    ("comment.still_online", "Проверено онлайн", "Still online"),
    ("x-remark", "Примечание", "Ескерту"),
]
# The XLSX puts its columns in another order than the CSV, as another monitoring group would.
XLSX_ORDER = ["", "outlet.name", "outlet.url", "outlet.registration.number", "article.title", "article.url",
              "article.published", "comment.author", "comment.posted", "comment.text", "comment.language",
              "comment.translations.ru", "comment.translations.kk", "comment.translations.en", "comment.url",
              "legal_basis.norms", "evidence.url", "comment.still_online", "x-remark"]

# name, home page, registration number as the sheet has it (an int is a number cell in the XLSX)
OUTLETS: list[tuple[str, str, Any]] = [
    ("Nur.kz", "https://www.nur.kz", "KZ35VPY00012345"),
    ("Tengrinews.kz", "https://tengrinews.kz", "KZ71VPY00004567"),
    ("Zakon.kz", "https://www.zakon.kz", "KZ09VPY00023456"),
    ("Orda.kz", "https://orda.kz", "0123"),
    ("Informburo.kz", "https://informburo.kz", 4567),
    ("Vlast.kz", "https://vlast.kz", "KZ44VPY00034567"),
]

TITLES_RU = [
    ("В Астане обсудили программу развития государственного языка", "gosudarstvennyy-yazyk-programma"),
    ("Минпросвещения предложило добавить часы казахского языка в школах", "chasy-kazahskogo-yazyka"),
    ("Почему в кинотеатрах мало фильмов на казахском языке", "filmy-na-kazahskom"),
    ("В Алматы растёт число переселенцев из регионов", "pereselency-almaty"),
    ("Депутаты обсудили требования к знанию языка для госслужащих", "yazyk-gossluzhba"),
    ("Сколько стоит аренда жилья в Астане для приезжих", "arenda-astana"),
    ("В Шымкенте открыли центр обучения языкам", "centr-yazykov-shymkent"),
    ("Названы самые популярные имена новорождённых в 2023 году", "populyarnye-imena"),
    ("Эксперты спорят о переходе на латиницу", "perehod-na-latinicu"),
    ("В сёлах не хватает учителей русского языка", "uchitelya-russkogo"),
]
TITLES_KK = [
    ("Мәжіліс тіл туралы заңға түзетулерді қарады", "til-turaly-zan"),
    ("Қазақ тілін үйрену курстарына сұраныс артты", "til-kurstary"),
    ("Ауылдан қалаға көшкен жастар саны өсті", "koshi-kon-zhastar"),
    ("Мектептерде қазақ тілі сабағының сағаты көбейеді", "sabak-sagaty"),
    ("Отандық фильмдер прокаты туралы пікірталас", "otandyk-filmder"),
]

# Pieces of comments, each as (ru, kk, en), so that a translation is made from the same pieces.
OPENERS = [
    ("", "", ""),
    ("Честно говоря,", "Шынымды айтсам,", "To be honest,"),
    ("Давно пора сказать прямо:", "Ашығын айтатын уақыт келді:", "It is high time to say it plainly:"),
    ("Опять одно и то же.", "Тағы да сол әңгіме.", "The same thing again."),
    ("Как всегда,", "Әдеттегідей,", "As always,"),
]
CLAIMS = [
    ("казахский язык никому не нужен.", "қазақ тілі ешкімге керек емес.", "nobody needs the Kazakh language."),
    ("зачем учить казахский, если все говорят по-русски?", "бәрі орысша сөйлесе, қазақ тілін үйренудің не керегі бар?",
     "why learn Kazakh if everyone speaks Russian?"),
    ("понаехали из аулов и испортили город.", "ауылдан келгендер қаланы бүлдірді.",
     "they came in from the villages and spoiled the city."),
    ("пусть эти люди уезжают туда, откуда приехали.", "бұл адамдар қайдан келсе, сонда кетсін.",
     "let these people go back where they came from."),
    ("с такими соседями нормальной жизни не будет.", "мұндай көршілермен қалыпты өмір болмайды.",
     "there will be no normal life with neighbours like these."),
    ("этим людям нельзя доверять работу в госорганах.", "бұл адамдарға мемлекеттік қызметті сеніп тапсыруға болмайды.",
     "these people must not be trusted with government jobs."),
    ("их язык годится только для деревни.", "олардың тілі тек ауылға ғана жарайды.",
     "their language is good only for the village."),
    ("другим национальностям здесь не место.", "басқа ұлттарға бұл жерде орын жоқ.",
     "other nationalities have no place here."),
    ("все они одинаковые, ничего хорошего от них не жди.", "олардың бәрі бірдей, олардан жақсылық күтпе.",
     "they are all the same, expect nothing good from them."),
    ("на своём языке пусть говорят у себя дома.", "өз тілінде үйінде сөйлесін.",
     "let them speak their language at home."),
]
CLOSERS = [
    ("", "", ""),
    ("И это факт.", "Бұл – шындық.", "That is a fact."),
    ("Все это знают.", "Мұны бәрі біледі.", "Everybody knows it."),
    ("Сколько можно терпеть?", "Қашанға дейін шыдаймыз?", "How long can we put up with it?"),
    ("Надоело!", "Жалықтырды!", "Sick of it!"),
]
NICK_A = ["Stepnoy", "Nomad", "Almaty", "Qaraqat", "Berik", "Sergey", "Aigerim", "Volk", "Kotik", "Patriot",
          "Batyr", "Ural", "Dana", "Marat", "Zhanna", "Arman", "Olga", "Tima", "Saule", "Den"]
NICK_B = ["_kz", "77", "Ivanov", "_1985", "Astana", "_real", "007", "Orda", "Bek", "_msk", "", "_pro"]
LANGUAGE_WORDS = {"ru": ["ru", "ru", "ru", "рус", "RU"], "kk": ["kk", "kk", "kk", "каз", "қаз"]}


@dataclass
class Row:
    """One comment as a monitor records it; values are what the cells hold (dates as datetime or date)."""

    number: int  # the spreadsheet row
    values: dict[str, Any] = field(default_factory=dict)
    text_forms: dict[str, str] = field(default_factory=dict)  # how the CSV writes a date cell, where it differs


def _nick(rng: random.Random) -> str:
    return f"{rng.choice(NICK_A)}{rng.choice(NICK_B)}{rng.choice(['', str(rng.randint(1, 999))])}"


def _comment(rng: random.Random, lang: str) -> tuple[str, dict[str, str]]:
    """A comment of one or two sentences in `lang`, with its translations into the other two."""
    sentences = [(rng.choice(OPENERS), rng.choice(CLAIMS), rng.choice(CLOSERS))]
    if rng.random() < 0.35:
        sentences.append((OPENERS[0], rng.choice(CLAIMS), rng.choice(CLOSERS)))
    texts = {}
    joint = "\n" if len(sentences) > 1 and rng.random() < 0.5 else " "
    for i, code in enumerate(("ru", "kk", "en")):
        parts = []
        for opener, claim, closer in sentences:
            said = claim[i][0].upper() + claim[i][1:] if not opener[i] or opener[i].endswith(".") else claim[i]
            parts.append(" ".join(p for p in (opener[i], said, closer[i]) if p))
        texts[code] = joint.join(parts)
    return texts[lang], {k: v for k, v in texts.items() if k != lang}


def _norms(day: date, rng: random.Random) -> str:
    ids = ["criminal-code-174-1", "media-law-1999-art-2" if day <= date(2024, 8, 18) else "media-law-2024"]
    if day >= date(2023, 9, 1) and rng.random() < 0.3:
        ids.append("online-platforms-2023-art-9-4")
    return rng.choice([", ", "; ", ","]).join(ids)


def make_rows() -> list[Row]:
    """The 500 rows, the bad ones included."""
    rng = random.Random(SEED)
    articles = []
    for k in range(48):
        outlet = OUTLETS[k % len(OUTLETS)]
        title, slug = rng.choice(TITLES_RU if rng.random() < 0.7 else TITLES_KK)
        published = datetime(2022, 1, 3, 9, 0) + timedelta(days=rng.randint(0, 1270), minutes=rng.randint(0, 600))
        url = f"{outlet[1]}/{rng.choice(['society', 'politics', 'news', 'kazakhstan'])}/{2_100_000 + k * 1373}-{slug}/"
        articles.append((outlet, title, url, published))
    articles[0] = (OUTLETS[0], "Балаева объяснила, почему в кинотеатрах нет иностранных фильмов на казахском языке",
                   "https://www.nur.kz/society/2100000-filmy-na-kazahskom/", datetime(2023, 10, 6, 18, 0))

    rows: list[Row] = []
    seen: set[tuple[str, date, str]] = set()
    for i in range(ROWS):
        number = i + 2
        outlet, title, url, published = articles[0] if i == 0 else articles[rng.randrange(len(articles))]
        lang = "ru" if rng.random() < 0.7 or i == 0 else "kk"
        while True:
            posted = published + timedelta(minutes=rng.randint(5, 3 * 24 * 60))
            text, translations = _comment(rng, lang)
            if i == 0:
                posted, text = datetime(2023, 10, 6, 22, 53), ("Не хватает слов в казахском языке, чтобы"
                                                               " переводить человеческие языки?")
                translations = {"kk": "Адамзат тілдерін аудару үшін қазақ тілінде сөз жетпей ме?", "en": ""}
            if (outlet[1], posted.date(), text) not in seen:
                seen.add((outlet[1], posted.date(), text))
                break
        row = Row(number)
        v = row.values
        date_only = i % 5 in (2, 4)
        v["comment.posted"] = posted.date() if date_only else posted
        v["outlet.name"], v["outlet.url"], v["outlet.registration.number"] = outlet
        v["article.title"], v["article.url"], v["article.published"] = title, url, published.date()
        v["comment.author"] = _nick(rng)
        v["comment.text"] = text
        v["comment.language"] = rng.choice(LANGUAGE_WORDS[lang])
        for code, translation in translations.items():
            if translation and (rng.random() < 0.8 or i == 0):
                v[f"comment.translations.{code}"] = translation
        if rng.random() < 0.6:
            v["comment.url"] = f"{url}#comment-{rng.randint(10_000, 999_999)}"
        v["legal_basis.norms"] = _norms(posted.date(), rng)
        if rng.random() < 0.5:
            v["evidence.url"] = f"https://web.archive.org/web/{(posted + timedelta(days=1)).strftime('%Y%m%d%H%M%S')}/{url}"
        if rng.random() < 0.4:
            v["comment.still_online"] = datetime(2026, 9, 1, 10, 0) + timedelta(days=rng.randint(0, 70),
                                                                              minutes=rng.randint(0, 480))
        if rng.random() < 0.1:
            v["x-remark"] = rng.choice(["повтор?", "проверить перевод", "скриншот у Айгерим", "автор удалил профиль"])
        # How the CSV writes the comment's date: the forms monitors type.
        form = i % 5
        row.text_forms["comment.posted"] = (
            posted.strftime("%d.%m.%Y %H:%M") if form in (0, 3) else
            posted.strftime("%Y-%m-%d %H:%M") if form == 1 else
            f"{posted.day}.{posted.month}.{posted.strftime('%y')}" if form == 2 else posted.strftime("%d.%m.%Y"))
        rows.append(row)

    _spoil(rows, rng)
    return rows


def _spoil(rows: list[Row], rng: random.Random) -> None:
    """Put exactly one mistake into each of the BAD_ROWS."""
    by_number = {r.number: r for r in rows}

    def set_text(number: int, name: str, value: Any) -> None:
        by_number[number].values[name] = value
        by_number[number].text_forms.pop(name, None)

    r = by_number[7].values
    r["article.url"] = r["article.url"].replace("https://", "")
    r.pop("comment.url", None)
    r.pop("evidence.url", None)
    set_text(31, "comment.posted", "вчера вечером")
    by_number[58].values["comment.posted"] = datetime(2093, 10, 6, 12, 0)
    by_number[58].text_forms["comment.posted"] = "06.10.2093 12:00"
    by_number[58].values.pop("comment.still_online", None)
    by_number[77].values["comment.text"] = ""
    by_number[102].values["legal_basis.norms"] = "criminal-code-174-1, criminal-code-175-1"
    by_number[133].values["comment.language"] = "zz"
    set_text(150, "article.published", "31.02.2023")
    by_number[177].values["comment.text"] = "Казахский язык никому\x01 не нужен, и это факт."
    by_number[199].values["outlet.name"] = ""
    by_number[222].values["comment.author"] = ("Это не ник, а абзац из статьи, вставленный не в ту колонку. " * 7).strip()
    by_number[248].values["article.title"] = ""
    by_number[271].values["comment.url"] = "нет ссылки"
    by_number[300].values["legal_basis.norms"] = ""
    r = by_number[333].values
    r["evidence.url"] = f"https://web.archive.org/web/20231006 /{r['article.url']}"
    r = by_number[350]
    posted = r.values["comment.posted"]
    posted = posted if isinstance(posted, datetime) else datetime.combine(posted, datetime.min.time())
    r.values["comment.posted"] = posted
    r.text_forms["comment.posted"] = posted.strftime("%d.%m.%Y %H:%M")
    r.values["comment.still_online"] = posted - timedelta(days=2)
    set_text(377, "comment.posted", "06.10.2023 25:70")
    by_number[402].values["article.title"] = "#REF!"
    by_number[433].values = dict(by_number[432].values)
    by_number[433].text_forms = dict(by_number[432].text_forms)
    by_number[460].values["outlet.url"] = "nur kz"
    by_number[488].values["comment.posted"] = 12
    by_number[488].text_forms["comment.posted"] = "12"


def _csv_cell(row: Row, name: str) -> str:
    if name in row.text_forms:
        return row.text_forms[name]
    value = row.values.get(name, "")
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    return str(value)


def write_csv(rows: list[Row], path: Path) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([header for _, header, _ in COLUMNS])
    for row in rows:
        writer.writerow([str(row.number - 1) if not name else _csv_cell(row, name) for name, _, _ in COLUMNS])
    path.write_bytes(buffer.getvalue().encode("utf-8-sig"))


def write_xlsx(rows: list[Row], path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.utils.datetime import to_excel

    headers = {name: header for name, _, header in COLUMNS}
    book = Workbook()
    ws = book.active
    ws.title = "Мониторинг"
    for col, name in enumerate(XLSX_ORDER, start=1):
        ws.cell(1, col, headers[name])
    for row in rows:
        i = row.number - 2
        for col, name in enumerate(XLSX_ORDER, start=1):
            if not name:
                ws.cell(row.number, col, row.number - 1)
                continue
            value = row.values.get(name)
            if value is None or value == "":
                continue
            cell = ws.cell(row.number, col)
            if name == "comment.posted" and isinstance(value, datetime) and (i == 0 or i % 7 == 3):
                cell.value = round(to_excel(value), 9)  # an Excel day number in a General cell
            elif name == "comment.posted" and isinstance(value, (date, datetime)) and i % 7 == 5:
                cell.value = row.text_forms.get(name) or _csv_cell(row, name)  # typed as text
            elif isinstance(value, datetime):
                cell.value = value
                cell.number_format = "DD.MM.YYYY HH:MM"
            elif isinstance(value, date):
                cell.value = value
                cell.number_format = "DD.MM.YYYY"
            elif isinstance(value, str) and "\x01" in value:
                cell.value = value.replace("\x01", "_x0001_")  # how Excel stores a control character
            else:
                cell.value = value
    for col, width in zip("ABCDEFGHIJKLMNOPQRS", (5, 14, 22, 18, 50, 50, 12, 18, 18, 60, 6, 40, 40, 40, 50, 40, 50, 18, 20)):
        ws.column_dimensions[col].width = width
    book.properties.creator = "tools/make_monitoring_sheet.py"
    book.properties.created = book.properties.modified = datetime(2026, 11, 25)
    buffer = io.BytesIO()
    book.save(buffer)
    _fixed_zip(buffer.getvalue(), path)


def _fixed_zip(data: bytes, path: Path) -> None:
    """The same workbook with every member dated alike, so that running this again writes the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=(2026, 11, 25, 0, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the time of saving
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2026-11-25T00:00:00Z", content)
            target.writestr(member, content)
    path.write_bytes(out.getvalue())


CP1251_ROWS = [
    ("Nur.kz", "https://www.nur.kz/society/2100001-yazyk/", "Обсуждение закона о языках", "Stepnoy77",
     "12.03.2023 21:15", "Казахский язык никому не нужен, все говорят по-русски.", "ru", "criminal-code-174-1"),
    ("Zakon.kz", "https://www.zakon.kz/news/2100002-pereselency/", "Переселенцы в Алматы", "Nomad_kz",
     "14.03.2023 08:02", "Понаехали из аулов и испортили город. Сколько можно терпеть?", "ru",
     "criminal-code-174-1; media-law-1999-art-2"),
    ("Tengrinews.kz", "https://tengrinews.kz/kazakhstan/2100003-kino/", "Почему мало фильмов на казахском",
     "Volk_real", "2.4.23", "Пусть эти люди уезжают туда, откуда приехали.", "ru", "criminal-code-174-1"),
    ("Orda.kz", "https://orda.kz/politics/2100004-gossluzhba/", "Язык для госслужащих", "Kotik007",
     "2023-05-06 19:40", "Этим людям нельзя доверять работу в госорганах, все это знают.", "ru",
     "criminal-code-174-1, media-law-1999-art-2"),
    ("Vlast.kz", "https://vlast.kz/society/2100005-latinica/", "Споры о латинице", "Sergey_msk",
     "07.05.2023 10:10", "Их язык годится только для деревни.", "ru", "criminal-code-174-1"),
    ("Informburo.kz", "https://informburo.kz/news/2100006-imena/", "Самые популярные имена", "Dana55",
     "08.05.2023", "Другим национальностям здесь не место. Надоело!", "ru", "criminal-code-174-1"),
    ("Nur.kz", "https://www.nur.kz/society/2100007-arenda/", "Аренда жилья для приезжих", "Patriot_pro",
     "09.06.2023 23:59", "С такими соседями нормальной жизни не будет, «приезжие» везде.", "ru",
     "criminal-code-174-1"),
    ("Zakon.kz", "https://www.zakon.kz/news/2100008-uchitelya/", "Не хватает учителей", "Marat_1985",
     "10.06.2023 07:30", "Все они одинаковые — ничего хорошего от них не жди.", "ru", "criminal-code-174-1"),
    ("Orda.kz", "https://orda.kz/politics/2100009-centr/", "Центр обучения языкам", "Ural",
     "11.07.2023 12:00", "На своём языке пусть говорят у себя дома.", "ru", "criminal-code-174-1"),
    ("Tengrinews.kz", "https://tengrinews.kz/kazakhstan/2100010-zakon/", "Поправки в закон о языках",
     "Olga_kz", "12.07.2023 18:45", "Зачем учить казахский? Ёлки-палки, опять одно и то же.", "ru",
     "criminal-code-174-1"),
]


def write_cp1251(path: Path) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=",", lineterminator="\r\n")
    writer.writerow(["Издание", "Ссылка на статью", "Заголовок", "Автор", "Дата", "Комментарий", "Язык", "Нормы"])
    writer.writerows(CP1251_ROWS)
    path.write_bytes(buffer.getvalue().encode("cp1251"))


def main(argv: list[str]) -> None:
    out = Path(argv[1]) if len(argv) > 1 else ROOT / "tests" / "data"
    out.mkdir(parents=True, exist_ok=True)
    rows = make_rows()
    write_csv(rows, out / "monitoring-500.csv")
    write_xlsx(rows, out / "monitoring-500.xlsx")
    write_cp1251(out / "monitoring-cp1251.csv")
    for name in ("monitoring-500.csv", "monitoring-500.xlsx", "monitoring-cp1251.csv"):
        print(f"{out / name}: {(out / name).stat().st_size:,} bytes")


if __name__ == "__main__":
    main(sys.argv)
