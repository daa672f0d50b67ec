"""The filing register in the browser: a filing recorded (a refusal shown beside its field), a reply changing its
status, an overdue filing in the overdue list with its follow-up letter downloaded and read back."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from datetime import date, timedelta
from pathlib import Path

import pytest

from complaints.batch.run import render_batch
from complaints.case.when import kz_today
from complaints.register.filings import record_filing
from complaints.register.store import Register
from tests.conftest import PROJECT, docx_text

CASE = "nurkz-2023-10-06-kazakh-language"
IIN = PROJECT["applicant"]["iin"]


@pytest.fixture
def rendered(project_folder: Path) -> Path:
    """The project folder with the example case's letters rendered (DOCX, three languages) into letters/."""
    result = render_batch([project_folder / f"{CASE}.yaml"], out=project_folder / "letters", workers=1)
    assert not result.failed, result
    return project_folder


def day(value: object, code: str = "ru") -> str:
    """A date as the page writes it: «2 декабря 2026 г.», «2026 жылғы 2 желтоқсан»."""
    from babel.dates import format_date

    return format_date(value, {"kk": "y 'жылғы' d MMMM", "en": "d MMMM y"}.get(code, "long"), locale=code)


ENGLISH = re.compile(r"\b(the|is|are|not|to|of|and|before|things|look|letter)\b")


def test_a_filing_is_recorded_in_the_browser_and_a_reply_changes_its_status(serve, rendered: Path,
                                                                            browser_page) -> None:
    desk = serve(rendered)
    page = browser_page
    page.goto(desk.url + "register")
    assert "нет ни одной подачи" in page.locator("#filings").inner_text()
    page.select_option("#filing-case", f"{CASE}.yaml")
    page.select_option("#filing-file", f"letters/{CASE}/{CASE}.ru.docx")
    assert page.input_value("#filing-lang") == "ru"  # the language follows the file chosen
    page.fill("#filing-date", "2099-01-05")
    page.fill("#filing-time", "10:30")
    page.select_option("#filing-channel", "eotinish")
    page.fill("#filing-ref", "ЖТ-2026-00042")
    page.click("#filing-form button[type=submit]")

    # refused beside the date field, the form as it was sent; nothing recorded
    error = page.locator("#filing-date-error")
    assert "2099" in error.inner_text()
    assert page.locator("#filing-date + #filing-date-error, #filing-date ~ #filing-date-error").count() == 1
    assert page.input_value("#filing-ref") == "ЖТ-2026-00042"
    assert page.input_value("#filing-file") == f"letters/{CASE}/{CASE}.ru.docx"
    assert not (rendered / "complaints.db").exists() or not Register(rendered / "complaints.db").filings()

    # the examples' sample applicant: `check` lists things to look at, and the filing waits for "filed as it is"
    filed_on = kz_today() - timedelta(days=2)
    page.fill("#filing-date", filed_on.isoformat())
    page.click("#filing-form button[type=submit]")
    assert "Проверка перед подписанием" in page.locator("#filing-anyway-error").inner_text()
    findings = page.locator("#filing-findings li")
    assert findings.count() >= 2  # each of check's findings, one by one, in the page's language
    said = page.locator("#filing-findings").inner_text()
    own = re.sub(r"PLACEHOLDER \([^)]*\)", "", said)  # the case file's own note beside its marker, as written
    assert "заглушка" in said and not ENGLISH.search(own), own
    assert "things to look at" not in page.content() and "placeholder:" not in page.content()
    assert IIN not in page.content()
    assert page.input_value("#filing-date") == filed_on.isoformat()
    page.check("input[name=anyway]")
    page.click("#filing-form button[type=submit]")
    page.wait_for_selector("#notice, .problem")
    assert page.locator("#notice").count(), page.locator(".problem").all_inner_texts()
    with Register(rendered / "complaints.db") as register:
        (filing,) = register.filings()
    assert filing.case_id == CASE and filing.lang == "ru" and filing.ref == "ЖТ-2026-00042"
    assert filing.letter_sha256 and filing.letter_name == f"{CASE}.ru.docx"
    row = page.locator(f"#filings tr[data-case='{CASE}']")
    assert row.count() == 1
    assert day(filing.due) in row.locator("td.due").inner_text()
    assert "ЖТ-2026-00042" in row.inner_text() and day(filed_on) in row.inner_text()
    assert "ожидается ответ" in row.locator("td.state").inner_text()
    assert day(filing.due) in page.locator("#notice").inner_text()
    assert re.search(r"\d{1,2} [а-я]+ \d{4}\sг\.", row.locator("td.due").inner_text())  # «2 декабря 2026 г.»
    dates = " ".join(row.locator(f"td:nth-child({n})").inner_text() for n in (3, 6, 7))  # filed, registered, due
    assert not re.search(r"\d{2}\.\d{2}\.\d{4}|\d{4}-\d{2}-\d{2}", dates), dates  # no ISO, no numerals

    # the same letter again: refused beside "a new filing of it", until that is ticked
    page.select_option("#filing-file", f"letters/{CASE}/{CASE}.ru.docx")
    page.fill("#filing-date", filed_on.isoformat())
    page.fill("#filing-time", "11:00")
    page.check("input[name=anyway]")
    page.click("#filing-form button[type=submit]")
    page.wait_for_selector(".problem")
    assert page.locator("#filing-again-error").count(), page.locator(".problem").all_inner_texts()
    assert "уже записано как поданное" in page.locator("#filing-again-error").inner_text()
    with Register(rendered / "complaints.db") as register:
        assert len(register.filings()) == 1

    # the reply
    page.click("#reply summary")
    page.select_option("#reply-filing", f"{CASE}|ru")
    page.fill("#reply-on", kz_today().isoformat())
    page.select_option("#reply-outcome", "measures-taken")
    page.fill("#reply-note", "Сайт удалил комментарий")
    page.click("#reply-form button[type=submit]")
    page.wait_for_selector("#notice")
    state = page.locator(f"#filings tr[data-case='{CASE}'] td.state").inner_text()
    assert "приняты меры" in state and day(kz_today()) in state


def test_an_overdue_filing_is_listed_and_its_follow_up_letter_downloads(serve, rendered: Path, browser_page,
                                                                       tmp_path: Path) -> None:
    record_filing(rendered / f"{CASE}.yaml", lang="ru", on="2025-03-03T10:00", channel="eotinish", ref="ЖТ-2025-00007",
                  letters=rendered / "letters", db=rendered / "complaints.db", anyway=True)
    desk = serve(rendered)
    page = browser_page
    page.goto(desk.url + "register")
    overdue = page.locator(f"#overdue tr[data-case='{CASE}']")
    assert overdue.count() == 1 and "просрочено" in overdue.inner_text()
    page.click("#remind-form button[type=submit]")
    page.wait_for_selector("#notice")
    link = page.locator("#followup-files a", has_text=f"{CASE}.ru.reminder.docx")
    with page.expect_download() as info:
        link.click()
    saved = tmp_path / "reminder.docx"
    info.value.save_as(saved)
    text = docx_text(saved)
    assert "от 3 марта 2025 года № ЖТ-2025-00007" in text and "статьёй 76" in text

    # served from the reminders' folder only
    for outside in ("../complaints.yaml", "complaints.yaml", f"letters/{CASE}/{CASE}.ru.docx", "/etc/passwd"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(desk.url + "register/followup?file=" + urllib.request.quote(outside))
        assert refused.value.code == 404


def test_a_filing_is_recorded_with_javascript_off(serve, rendered: Path, chromium) -> None:
    desk = serve(rendered)
    context = chromium.new_context(java_script_enabled=False, locale="ru-RU")
    try:
        page = context.new_page()
        page.set_default_timeout(15000)
        page.goto(desk.url + "register")
        page.select_option("#filing-case", f"{CASE}.yaml")
        page.select_option("#filing-file", f"letters/{CASE}/{CASE}.kk.docx")  # every case's letters, grouped
        page.fill("#filing-date", (kz_today() - timedelta(days=1)).isoformat())
        page.fill("#filing-time", "09:15")
        page.select_option("#filing-channel", "post")
        page.check("input[name=anyway]")
        page.click("#filing-form button[type=submit]")  # the language left at Russian: not the file's
        assert "kk" in page.locator("#filing-lang-error").inner_text()  # beside the language, in the page's words
        page.select_option("#filing-lang", "kk")
        page.click("#filing-form button[type=submit]")
        page.wait_for_selector("#notice")
        assert "расчётная дата" in page.locator(f"#filings tr[data-case='{CASE}'][data-lang='kk']").inner_text()
        assert "рассчитана" in page.locator("#notice").inner_text()  # no receipt yet: said to be computed
    finally:
        context.close()


@pytest.mark.parametrize(("code", "title", "imports"), [("kk", "Өтініштер тізілімі", "Мониторинг кестесін импорттау"),
                                                        ("en", "Filing register", "Import a monitoring sheet")])
def test_the_register_and_the_import_speak_kazakh_and_english(serve, rendered: Path, code: str, title: str,
                                                              imports: str) -> None:
    record_filing(rendered / f"{CASE}.yaml", lang="ru", on="2025-03-03T10:00", channel="post", letters=rendered / "letters",
                  db=rendered / "complaints.db", anyway=True)
    desk = serve(rendered)
    for path, words in (("register", title), ("import", imports)):
        asked = urllib.request.Request(desk.url + path, headers={"Cookie": f"lang={code}"})
        with urllib.request.urlopen(asked) as answer:
            html = answer.read().decode("utf-8")
        assert f'<html lang="{code}">' in html and words in html
        if path == "register":
            assert day(date(2025, 3, 3), code) in html  # the date filed, as the language writes it
            assert "2025-03-03" not in html and "03.03.2025" not in html


def _cms(letter: Path, out: Path) -> Path:
    """A real CMS SignedData container of `letter`, the letter inside (as NCALayer makes one for eOtinish)."""
    import shutil
    import subprocess

    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    key, cert = out.parent / "key.pem", out.parent / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "2", "-subj", "/CN=test"], check=True, capture_output=True)
    subprocess.run(["openssl", "cms", "-sign", "-binary", "-nodetach", "-in", str(letter), "-signer", str(cert),
                    "-inkey", str(key), "-outform", "DER", "-out", str(out)], check=True, capture_output=True)
    return out


def test_the_signed_file_filed_is_uploaded_recorded_and_its_archived_copy_downloads(serve, rendered: Path, browser_page,
                                                                                    tmp_path: Path) -> None:
    signed = _cms(rendered / "letters" / CASE / f"{CASE}.ru.docx", tmp_path / "письмо подписано.cms")
    desk = serve(rendered)
    page = browser_page
    page.goto(desk.url + "register")
    page.select_option("#filing-case", f"{CASE}.yaml")
    page.select_option("#filing-lang", "ru")
    page.fill("#filing-date", (kz_today() - timedelta(days=1)).isoformat())
    page.fill("#filing-time", "10:00")
    page.set_input_files("#filing-signed", str(signed))
    page.click("#filing-form button[type=submit]")  # not ticked "as it is": refused, the file kept
    page.wait_for_selector("#filing-anyway-error")
    assert "письмо подписано.cms" in page.locator("#filing-kept").inner_text()
    uploads = list((rendered / ".complaints" / "uploads").rglob("*.cms"))
    assert len(uploads) == 1
    page.check("input[name=anyway]")
    page.click("#filing-form button[type=submit]")  # the file not chosen again: the kept one is used
    page.wait_for_selector("#notice")
    assert page.locator("#signed-check").get_attribute("data-check") == "verified"
    assert "байт в байт" in page.locator("#notice").inner_text()
    assert not list((rendered / ".complaints" / "uploads").rglob("*.cms"))  # archived, the upload gone
    with Register(rendered / "complaints.db") as register:
        (filing,) = register.filings()
    assert filing.letter_name == "письмо подписано.cms" and filing.evidence_from == "letter"
    link = page.locator(f"#filings tr[data-case='{CASE}'] td.filed-file a")
    assert link.inner_text() == "письмо подписано.cms"
    with page.expect_download() as got:
        link.click()
    saved = tmp_path / "downloaded.cms"
    got.value.save_as(saved)
    assert saved.read_bytes() == signed.read_bytes()

    # only what the register names, by its hash
    for asked in ("0" * 64, "../complaints.db", filing.letter_sha256[:63], "/etc/passwd"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(desk.url + "register/archived?sha256=" + urllib.request.quote(asked))
        assert refused.value.code == 404


def test_a_file_that_is_no_signed_letter_is_refused_beside_its_field(serve, rendered: Path, browser_page,
                                                                     tmp_path: Path) -> None:
    fake = tmp_path / "signature.p7s"
    fake.write_bytes(b"no signature here")
    other = tmp_path / "letter.exe"
    other.write_bytes(b"MZ")
    desk = serve(rendered)
    page = browser_page
    page.goto(desk.url + "register")
    page.select_option("#filing-case", f"{CASE}.yaml")
    page.fill("#filing-date", (kz_today() - timedelta(days=1)).isoformat())
    page.fill("#filing-time", "10:00")
    page.check("input[name=anyway]")
    for sent, words in ((other, "не принимается"), (fake, "CMS")):
        page.set_input_files("#filing-signed", str(sent))
        page.click("#filing-form button[type=submit]")
        page.wait_for_selector("#filing-signed-error")
        assert words in page.locator("#filing-signed-error").inner_text()
    assert not (rendered / "complaints.db").exists() or not Register(rendered / "complaints.db").filings()


def test_the_reply_file_is_kept_after_an_error_and_its_note_and_file_are_shown(serve, rendered: Path, browser_page,
                                                                                tmp_path: Path) -> None:
    record_filing(rendered / f"{CASE}.yaml", lang="ru", on="2025-03-03T10:00", channel="eotinish",
                  letters=rendered / "letters", db=rendered / "complaints.db", anyway=True)
    answer = tmp_path / "ответ министерства.pdf"
    answer.write_bytes(b"%PDF-1.7 the ministry's reply")
    desk = serve(rendered)
    page = browser_page
    page.goto(desk.url + "register")
    page.click("#reply summary")
    page.select_option("#reply-filing", f"{CASE}|ru")
    page.fill("#reply-on", "2099-01-01")
    page.select_option("#reply-outcome", "refused")
    page.fill("#reply-note", "Отказ: комментарий не найден")
    page.set_input_files("#reply-file", str(answer))
    page.click("#reply-form button[type=submit]")
    page.wait_for_selector("#reply-on-error")
    assert "ответ министерства.pdf" in page.locator("#reply-kept").inner_text()
    assert page.input_value("#reply-note") == "Отказ: комментарий не найден"
    page.fill("#reply-on", kz_today().isoformat())
    page.click("#reply-form button[type=submit]")  # not chosen again
    page.wait_for_selector("#notice")
    assert "отказано" in page.locator("#notice").inner_text()  # the outcome in words, not its id
    state = page.locator(f"#filings tr[data-case='{CASE}'] td.state")
    assert "Отказ: комментарий не найден" in state.inner_text()
    assert f"ответ получен {day(kz_today())}" in state.inner_text()
    with page.expect_download() as got:
        state.locator("a.reply-file").click()
    saved = tmp_path / "reply.pdf"
    got.value.save_as(saved)
    assert saved.read_bytes() == answer.read_bytes()
    assert got.value.suggested_filename == "ответ министерства.pdf"


def test_the_reply_date_reads_as_kazakh_writes_it(serve, rendered: Path) -> None:
    from complaints.register.filings import record_reply

    record_filing(rendered / f"{CASE}.yaml", lang="ru", on="2025-03-03T10:00", channel="eotinish",
                  letters=rendered / "letters", db=rendered / "complaints.db", anyway=True)
    record_reply(CASE, on="2025-03-20", outcome="answered", db=rendered / "complaints.db")
    desk = serve(rendered)
    asked = urllib.request.Request(desk.url + "register", headers={"Cookie": "lang=kk"})
    with urllib.request.urlopen(asked) as answer:
        html = answer.read().decode("utf-8")
    shown = re.sub(r"<[^>]+>", " ", html.split("<main")[-1])  # the text on the page, not its markup
    assert "жауап 20.03.2025 ж. алынды" in shown and "2025 жылғы 3 наурыз" in shown
    assert not re.search(r"\b(answered|eotinish)\b", shown)  # the outcome and channel in words (eOtinish the name)
