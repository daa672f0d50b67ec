"""The letters page: check's findings at the top, the three letters previewed side by side, made through the batch
and downloaded as the files the batch wrote."""

from __future__ import annotations

import json
import re
import subprocess
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from tests.conftest import case_data, docx_paragraphs, need_office, write_yaml

EXAMPLE = "nurkz-2023-10-06-kazakh-language.yaml"
COMMENT = "Не хватает слов   в казахском языке?\nВторая строка «в кавычках» & <b>знаки</b>"
LANGS = ("kk", "ru", "en")


def own_case(folder: Path, **changes: object) -> str:
    """A case of the tests' own in the project folder (no placeholders), by its path in the folder."""
    changes = {"id": "own-case", "comment.text": COMMENT, **changes}
    write_yaml(folder / "own-case.yaml", case_data(**changes))
    return "own-case.yaml"


def letters_url(desk, file: str) -> str:
    return f"{desk.url}letters?file={quote(file)}"


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url) as answer:
            return answer.status
    except urllib.error.HTTPError as exc:
        return exc.code


def expected_heading(folder: Path, file: str, lang: str) -> str:
    from complaints.case.read import load_case
    from complaints.letter.context import letter_context

    return str(letter_context(load_case(folder / file), lang)["heading"])


def make(page, *, final: bool = False, pdf: bool = False) -> None:
    form = page.locator("#make form")
    if pdf:
        form.locator("input[name=pdf]").check()
    form.locator(f"button[name=final][value='{1 if final else 0}']").click()
    page.wait_for_selector("#made")


def test_the_three_letters_are_previewed_side_by_side_each_in_its_own_wording(serve, project_folder, browser_page):
    file = own_case(project_folder)
    desk = serve(project_folder)
    page = browser_page
    page.goto(letters_url(desk, file))
    frames = page.locator("#preview iframe")
    assert frames.count() == 3
    tops = set()
    for lang in LANGS:
        figure = page.locator(f"#preview figure[data-lang={lang}]")
        tops.add(round(figure.bounding_box()["y"]))
        body = figure.frame_locator("iframe").locator("body")
        text = body.inner_text()
        assert expected_heading(project_folder, file, lang) in text
        # the comment quoted exactly, its spaces, line break and signs as written
        quote_text = figure.frame_locator("iframe").locator("blockquote p").first.text_content()
        assert quote_text == COMMENT
    assert len(tops) == 1  # side by side
    headings = {lang: expected_heading(project_folder, file, lang) for lang in LANGS}
    assert len(set(headings.values())) == 3


def test_make_the_letters_then_download_the_docx_and_copy_the_text_for_eotinish(serve, project_folder, browser_page):
    file = own_case(project_folder)
    desk = serve(project_folder)
    page = browser_page
    page.goto(letters_url(desk, file))
    assert "Писем на диске ещё нет" in page.locator("#downloads").inner_text()
    make(page)
    assert page.locator("[data-made=written]").inner_text().startswith("Записано 3 письма")
    files = page.locator("#downloads .letter-files[data-lang=ru]")
    with page.expect_download() as info:
        files.locator("a[data-format=docx]").click()
    download = info.value
    assert download.suggested_filename == "own-case.ru.docx"
    saved = Path(download.path())
    paragraphs = docx_paragraphs(saved)
    start = paragraphs.index(COMMENT.splitlines()[0])  # the comment quoted exactly, a paragraph a line
    assert paragraphs[start:start + 2] == COMMENT.splitlines()
    assert saved.read_bytes() == (project_folder / "letters" / "own-case" / "own-case.ru.docx").read_bytes()
    # the eOtinish text in a read-only box, with a copy button (JavaScript is on): the letter's body (see below)
    box = page.locator("#text-ru")
    assert box.get_attribute("readonly") is not None
    assert box.input_value().startswith(expected_heading(project_folder, file, "ru"))
    assert page.locator("button[data-copy='#text-ru']").is_visible()
    with page.expect_download() as info:
        files.locator("a[data-format=eml]").click()
    assert info.value.suggested_filename == "own-case.ru.eml"
    # the batch kept its manifest true: the letters are listed with their fingerprints
    manifest = json.loads((project_folder / "letters" / "manifest.json").read_text(encoding="utf-8"))
    listed = {row["path"] for row in manifest["files"]}
    assert "own-case/own-case.ru.docx" in listed and "own-case/own-case.kk.txt" in listed
    # made again with nothing changed: said so, nothing rewritten
    make(page)
    assert page.locator("[data-made=unchanged]").is_visible()


def test_the_eotinish_text_leaves_out_the_addressee_applicant_and_signature_and_says_so(serve, project_folder,
                                                                                     browser_page):
    from complaints.case.read import load_case
    from complaints.letter.context import letter_context

    file = own_case(project_folder)
    desk = serve(project_folder)
    page = browser_page
    page.goto(letters_url(desk, file))
    make(page)
    for lang in LANGS:
        context = letter_context(load_case(project_folder / file), lang)
        text = page.locator(f"#text-{lang}").input_value()
        lines = text.split("\n")
        for line in (*context["addressee"], context["authority_address"], *context["applicant"]):
            assert line not in lines, (lang, line)
        assert "900101300126" not in text  # the applicant's IIN: in eOtinish's own field
        assert "____" not in text and context["signature"]["role"] not in lines[-3:]
        for quoted in COMMENT.splitlines():  # the comment word for word, its spaces and signs as written
            assert "    " + quoted in lines
        assert text.rstrip("\n").endswith(context["annexes"][-1] if context["annexes"] else context["reply_term"])
        # the whole letter is still the .txt download
        whole = (project_folder / "letters" / "own-case" / f"own-case.{lang}.txt").read_text(encoding="utf-8")
        assert context["signature"]["line"] in whole and context["addressee"][0] in whole
        assert text.rstrip("\n") in whole
    said = page.locator(".letter-files[data-lang=ru] .eotinish-leaves-out").inner_text()
    assert said == ("В тексте нет адресата и заявителя (для них в форме eOtinish свои поля) и строки подписи"
                    " (обращение подписывается ЭЦП).")


def test_the_copy_button_says_it_copied_the_text_with_or_without_the_clipboard_api(serve, project_folder,
                                                                                   browser_page):
    file = own_case(project_folder)
    desk = serve(project_folder)
    page = browser_page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=desk.url.rstrip("/"))
    page.goto(letters_url(desk, file))
    make(page)
    button = page.locator("button[data-copy='#text-ru']")
    assert button.inner_text() == "Копировать текст"
    button.click()
    expect(page.locator("button[data-copy='#text-ru']")).to_have_class(re.compile(r"\bdone\b"))
    assert button.inner_text() == "Скопировано"
    assert page.evaluate("navigator.clipboard.readText()") == page.locator("#text-ru").input_value()
    # the word comes from the wording file, not the script
    assert button.get_attribute("data-done") == "Скопировано"
    # a browser without navigator.clipboard: the text selected and copied by the browser's own command
    page.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined});")
    page.reload()
    assert page.evaluate("navigator.clipboard === undefined")
    used = page.evaluate("""() => { window.copied = []; const old = document.execCommand.bind(document);
        document.execCommand = (name) => { window.copied.push([name, window.getSelection().toString()
            || document.activeElement.value.substring(document.activeElement.selectionStart,
                                                       document.activeElement.selectionEnd)]); return old(name); };
        return true; }""")
    assert used
    button = page.locator("button[data-copy='#text-kk']")
    button.click()
    expect(page.locator("button[data-copy='#text-kk']")).to_have_class(re.compile(r"\bdone\b"))
    copied = page.evaluate("window.copied")
    assert copied and copied[0][0] == "copy" and copied[0][1] == page.locator("#text-kk").input_value()
    assert button.inner_text() == "Скопировано"


def test_the_copy_button_is_hidden_without_javascript(serve, project_folder, chromium):
    file = own_case(project_folder)
    desk = serve(project_folder)
    context = chromium.new_context(java_script_enabled=False, locale="ru-RU")
    try:
        page = context.new_page()
        page.goto(letters_url(desk, file))
        page.locator("#make form button[name=final][value='0']").click()
        page.wait_for_selector("#made")
        assert page.locator("#text-ru").input_value().strip()
        assert not page.locator("button[data-copy='#text-ru']").is_visible()
    finally:
        context.close()


def test_checks_findings_come_first_for_the_example_case_with_what_to_do(serve, project_folder, browser_page):
    desk = serve(project_folder)
    page = browser_page
    page.goto(letters_url(desk, EXAMPLE))
    findings = page.locator("#findings")
    placeholders = findings.locator("li[data-kind=placeholder]")
    assert placeholders.count() >= 5
    text = findings.inner_text()
    assert "comment.text" in text and "outlet.registration.number" in text
    assert "Что сделать: впишите настоящее значение" in text  # what to do, in the page's language
    assert "файл complaints.yaml" in text  # the project file's own findings too
    y = {name: page.locator(name).bounding_box()["y"] for name in ("#findings", "#make", "#preview")}
    assert y["#findings"] < y["#make"] < y["#preview"]


def test_making_letters_to_sign_is_refused_while_check_finds_something_and_says_why(serve, project_folder, browser_page):
    desk = serve(project_folder)
    page = browser_page
    page.goto(letters_url(desk, EXAMPLE))
    make(page, final=True)
    refusal = page.locator("[data-made=failed]")
    assert "Письма к подписи не записаны" in refusal.inner_text()
    assert "PLACEHOLDER" in refusal.inner_text()
    assert not (project_folder / "letters" / EXAMPLE.removesuffix(".yaml")).exists()


def test_a_letter_older_than_its_case_is_told_prominently_and_made_again(serve, project_folder, browser_page):
    file = own_case(project_folder)
    desk = serve(project_folder)
    page = browser_page
    page.goto(letters_url(desk, file))
    make(page)
    assert page.locator("#stale").count() == 0
    own_case(project_folder, **{"comment.text": COMMENT + " (исправлено)"})
    page.goto(letters_url(desk, file))
    banner = page.locator("#stale")
    assert "Письма на диске устарели" in banner.inner_text()
    assert page.locator("#findings li[data-kind=stale]").count() >= 1
    banner.locator("button[name=final][value='0']").click()
    page.wait_for_selector("#made")
    assert page.locator("[data-made=written]").is_visible()
    assert page.locator("#stale").count() == 0
    assert "(исправлено)" in page.locator("#text-ru").input_value()


def test_a_comment_with_a_script_shows_as_text_in_the_preview(serve, project_folder, browser_page):
    hostile = "<script>window.parent.document.title='owned'</script><img src=x onerror=alert(1)>"
    file = own_case(project_folder, **{"comment.text": hostile})
    desk = serve(project_folder)
    page = browser_page
    page.goto(letters_url(desk, file))
    for lang in LANGS:
        frame = page.locator(f"#preview figure[data-lang={lang}]").frame_locator("iframe")
        assert frame.locator("blockquote p").first.text_content() == hostile
        assert frame.locator("script").count() == 0 and frame.locator("img").count() == 0
    assert page.title() != "owned"
    with urllib.request.urlopen(f"{desk.url}letters/preview?file={file}&lang=ru") as answer:
        assert "sandbox" in answer.headers["Content-Security-Policy"]
        assert "&lt;script&gt;" in answer.read().decode("utf-8")


def test_paths_that_leave_the_project_or_the_letters_folder_are_not_found(serve, project_folder):
    desk = serve(project_folder)
    for path in ("letters?file=../../etc/passwd", "letters?file=/etc/passwd", "letters?file=complaints.yaml",
                 "letters/preview?file=../../etc/passwd&lang=ru", "letters/file?path=../../etc/passwd",
                 "letters/file?path=../complaints.yaml", "letters/file?path=manifest.json",
                 "letters/file?path=%2Fetc%2Fpasswd"):
        assert status_of(desk.url + path) == 404, path


def test_the_pdf_letter_is_downloaded_as_the_batch_made_it(serve, project_folder, browser_page):
    need_office()
    file = own_case(project_folder)
    desk = serve(project_folder)
    page = browser_page
    page.goto(letters_url(desk, file))
    make(page, pdf=True)
    with page.expect_download() as info:
        page.locator("#downloads .letter-files[data-lang=kk] a[data-format=pdf]").click()
    download = info.value
    assert download.suggested_filename == "own-case.kk.pdf"
    text = subprocess.run(["pdftotext", download.path(), "-"], capture_output=True, text=True, check=True).stdout
    assert "Не хватает слов" in text


@pytest.mark.parametrize("lang", ["kk", "en"])
def test_the_page_speaks_the_chosen_language(serve, project_folder, browser_page, lang):
    desk = serve(project_folder)
    page = browser_page
    page.goto(desk.url)
    page.click(f"a[hreflang={lang}]")
    page.goto(letters_url(desk, EXAMPLE))
    words = {"kk": "Қол қоймас бұрын тексеріңіз", "en": "Look at these before you sign"}
    assert words[lang] in page.locator("#findings h2").inner_text()


def test_a_case_with_errors_shows_them_beside_their_fields_and_offers_no_preview(serve, project_folder, browser_page):
    write_yaml(project_folder / "broken.yaml", case_data(id="broken", **{"comment.posted": "2023-13-45T25:00"}))
    desk = serve(project_folder)
    page = browser_page
    page.goto(letters_url(desk, "broken.yaml"))
    problems = page.locator("#problems")
    assert "comment.posted" in problems.inner_text()
    assert "Ошибка" in problems.inner_text()
    assert "Предпросмотр недоступен" in page.locator("main").inner_text()
    assert page.locator("#preview iframe").count() == 0 and page.locator("#make form").count() == 0


def test_every_kind_of_finding_has_its_label_and_what_to_do_in_each_language() -> None:
    from complaints.review.findings import KINDS
    from complaints.web import words

    for kind in KINDS:
        for part in ("label", "todo"):
            for lang in words.LANGUAGES:
                assert words.say(f"letters.kind.{kind}.{part}", lang).strip()


@pytest.mark.parametrize(("n", "ru", "kk"), [
    (1, "Записано 1 письмо.", "1 хат жазылды."), (2, "Записано 2 письма.", "2 хат жазылды."),
    (5, "Записано 5 писем.", "5 хат жазылды."), (11, "Записано 11 писем.", "11 хат жазылды."),
    (21, "Записано 21 письмо.", "21 хат жазылды."), (1000, "Записано 1\u00a0000 писем.", "1\u00a0000 хат жазылды."),
])
def test_counts_take_the_plural_form_of_their_language(n: int, ru: str, kk: str) -> None:
    from complaints.web.counting import say_count

    assert say_count("letters.n_written", n, "ru") == ru
    assert say_count("letters.n_written", n, "kk") == kk
    assert say_count("letters.n_written", n, "en") == f"{n:,} letter{'s' if n != 1 else ''} written.".replace(",", "\u00a0")


def test_making_letters_needs_the_forms_token_and_the_iin_stays_out_of_the_log(serve, project_folder, browser_page):
    file = own_case(project_folder)
    desk = serve(project_folder)
    request = urllib.request.Request(desk.url + "letters/make", data=f"file={file}".encode(), method="POST",
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    try:
        urllib.request.urlopen(request)
        raise AssertionError("a form without its token was accepted")
    except urllib.error.HTTPError as exc:
        assert exc.code == 403
    assert not (project_folder / "letters").exists()
    page = browser_page
    page.goto(letters_url(desk, file))
    make(page, pdf=False)
    assert "900101300126" not in page.url
    links = [a.get_attribute("href") for a in page.locator("a").all()]
    assert links and not any("900101300126" in (href or "") for href in links)
    from tests.web.conftest import stop_desk

    stop_desk(desk)
    assert "900101300126" not in desk.log()


def test_while_another_render_writes_the_letters_making_them_says_so(serve, project_folder, browser_page):
    import fcntl
    import os

    file = own_case(project_folder)
    desk = serve(project_folder)
    (project_folder / "letters").mkdir()
    fd = os.open(project_folder / "letters", os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # as `complaints render` on the command line holds it
        page = browser_page
        page.goto(letters_url(desk, file))
        make(page)
        assert "Дождитесь окончания и повторите" in page.locator("[data-made=busy]").inner_text()
    finally:
        os.close(fd)
    make(page)
    assert page.locator("[data-made=written]").is_visible()


FULL_NAME = {"kk": "Серікұлы Нұрлан Маратұлы", "ru": "Серикулы Нурлан Маратович", "en": "Nurlan Maratuly Serikuly"}


def _pdf_pages(pdf: Path) -> list[str]:
    """The PDF's text page by page, as pdftotext lays it out."""
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    return [subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), "-layout", str(pdf), "-"], capture_output=True,
                           text=True, check=True).stdout for n in range(1, pages + 1)]


def test_the_pdf_signature_stays_on_the_page_of_the_last_annex_its_name_on_one_line(project_folder: Path) -> None:
    need_office()
    import yaml

    from complaints.batch.run import render_batch
    from complaints.case.read import load_case
    from complaints.letter.context import letter_context

    project = yaml.safe_load((project_folder / "complaints.yaml").read_text(encoding="utf-8"))
    project["applicant"]["name"] = FULL_NAME  # a surname, a name and a patronymic: the longest usual
    write_yaml(project_folder / "complaints.yaml", project)
    out = project_folder / "letters"
    render_batch([project_folder], out=out, formats=("docx", "pdf"))
    checked = 0
    for case_file in sorted(project_folder.glob("*.yaml")):
        if case_file.name == "complaints.yaml":
            continue
        case = load_case(case_file)
        for lang in LANGS:
            context = letter_context(case, lang)
            pages = _pdf_pages(out / case.id / f"{case.id}.{lang}.pdf")
            signed = [n for n, text in enumerate(pages) if context["signature"]["line"] in text]
            assert len(signed) == 1, (case.id, lang)
            page = pages[signed[0]]
            flat = "".join(page.split())
            last_annex = "".join(context["annexes"][-1].split())
            assert last_annex[-20:] in flat, f"{case.id}.{lang}: the signature is on a page of its own:\n{page}"
            assert context["signature"]["date"] in page
            # the name on the signature's line, whole
            line = next(li for li in page.splitlines() if context["signature"]["line"] in li)
            assert FULL_NAME[lang] in " ".join(line.split()), line
            checked += 1
    assert checked == 6


def test_the_language_switch_is_in_the_desks_order_and_links_look_like_the_desks(serve, project_folder, browser_page):
    from complaints.web.words import LANGUAGES as DESK_ORDER

    long_id = "tengrinews-2024-05-20-a-very-long-case-identifier-about-a-comment-under-it"
    file = own_case(project_folder, id=long_id)
    desk = serve(project_folder)
    page = browser_page
    page.goto(letters_url(desk, file))
    assert [a.get_attribute("hreflang") for a in page.locator("header .langs a").all()] == list(DESK_ORDER)
    page.goto(desk.url + "cases")
    desk_order = [a.get_attribute("hreflang") for a in page.locator("header .langs a").all()]
    page.goto(letters_url(desk, file))
    assert [a.get_attribute("hreflang") for a in page.locator("header .langs a").all()] == desk_order
    make(page)
    style = "(el) => { const s = getComputedStyle(el); return [s.display, s.textDecorationLine, s.borderTopStyle]; }"
    back = page.locator("p.back a")
    assert back.evaluate(style)[1] == "none"  # the desk's link, not a bare underlined browser link
    for link in (page.locator("a[data-format=docx]").first, page.locator(".letter-preview figcaption a").first):
        assert link.evaluate(style) == ["inline-block", "none", "solid"]  # a button of the desk
    # a long id breaks inside the download list, not past the column's edge
    page.set_viewport_size({"width": 390, "height": 900})
    column = page.locator(".letter-files[data-lang=ru]")
    name = column.locator(".file-name").first
    assert long_id in name.inner_text()
    assert name.evaluate("(el) => el.scrollWidth <= el.clientWidth + 1")
    box, inner = column.bounding_box(), name.bounding_box()
    assert inner["x"] + inner["width"] <= box["x"] + box["width"] + 1


def test_findings_say_where_in_plain_words_with_the_field_path_small_after_them(serve, project_folder, browser_page):
    desk = serve(project_folder)
    page = browser_page
    page.goto(letters_url(desk, EXAMPLE))
    project = page.locator("#findings li.finding").filter(has_text="applicant.email").first
    # the field's path after the message, small and muted; not the finding's main text
    path = project.locator(".field-path")
    assert "applicant.email" in path.inner_text()
    assert "applicant.email" not in project.locator(".message").inner_text()
    assert "applicant.email" not in project.locator("strong").inner_text()
    sizes = project.evaluate("""(li) => [getComputedStyle(li.querySelector('.field-path')).fontSize,
                                         getComputedStyle(li.querySelector('.message')).fontSize,
                                         getComputedStyle(li.querySelector('.field-path')).color]""")
    assert float(sizes[0].rstrip("px")) < float(sizes[1].rstrip("px"))
    assert sizes[2] == "rgb(91, 102, 112)"  # --muted
    assert "в сведениях о заявителе и Министерстве" in project.locator(".where").inner_text()
    assert project.locator("a.fix").get_attribute("href") == "/settings#email"  # put right on the settings page
    text = page.locator("main").inner_text()
    assert "manifest" not in text and "letters/" not in text
    assert "так в файле-образце отмечены места, которые нужно заполнить своими данными" in text


def test_findings_about_the_project_file_lead_to_the_settings_page_the_case_s_own_do_not(project_folder) -> None:
    from complaints.web.pages import letters
    from complaints.web.view import Desk

    here = Desk(project_folder.resolve())
    found = letters._findings(here, project_folder / EXAMPLE, "ru")["findings"]
    project = [f for f in found if f["project"]]
    assert project and all(f["file"] == "complaints.yaml" for f in project)
    assert all(f["fix_link"] and f["fix_link"].startswith("/settings#") for f in project
               if f["said"].field.startswith(("applicant.", "authority.")))
    assert all(f["fix_link"] is None for f in found if not f["project"])
    assert letters.fix_link("complaints.yaml", "applicant.iin") == "/settings#iin"
    assert letters.fix_link("case.yaml", "applicant.iin") is None
