"""The batch page: every case's letters made in the background, a progress bar that moves (with JavaScript and
without), and the summary at the end, in the page's language."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.conftest import case_data, write_yaml


def add_cases(folder: Path, n: int) -> None:
    for i in range(n):
        write_yaml(folder / "more" / f"case-{i:03d}.yaml", case_data(id=f"case-{i:03d}", **{"comment.text": f"Текст {i}"}))


def broken_case(folder: Path) -> None:
    write_yaml(folder / "broken.yaml", case_data(id="broken", **{"comment.posted": "2023-13-45T25:00"}))


def run_batch(page, url: str) -> None:
    page.goto(url + "batch")
    page.locator("form[action='/batch/start'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/batch/[\w-]+$"))
    page.wait_for_selector("#summary", timeout=120_000)


def test_the_batch_makes_every_cases_letters_with_a_progress_bar_and_a_summary(serve, project_folder, browser_page):
    add_cases(project_folder, 3)
    broken_case(project_folder)
    desk = serve(project_folder)
    page = browser_page
    page.goto(desk.url + "batch")
    assert "В папке проекта 6 дел." in page.locator("main").inner_text()
    run_batch(page, desk.url)
    bar = page.locator("progress#bar")
    assert bar.get_attribute("value") == bar.get_attribute("max") == "6"
    state = page.evaluate("async (url) => (await fetch(url + '.json')).json()", page.url)
    assert state == {"id": page.url.rsplit("/", 1)[1], "done": 6, "total": 6, "running": False}
    summary = page.locator("#summary")
    assert summary.locator("[data-count=letters]").inner_text() == "Записано 15 писем."
    assert summary.locator("[data-count=unchanged]").count() == 0  # a zero is no news: not said
    assert summary.locator("[data-count=failed]").inner_text() == "1 дело не удалось: писем по нему нет."
    failed = summary.locator("ul.failed")
    assert "broken.yaml" in failed.inner_text() and "comment.posted" in failed.inner_text()
    assert failed.locator("a").get_attribute("href") == "/letters?file=broken.yaml"
    manifest = json.loads((project_folder / "letters" / "manifest.json").read_text(encoding="utf-8"))
    assert len({row["source"] for row in manifest["files"]}) == 5
    # what check finds, as `render` tells it (the tests' applicant has an example.org address: every case)
    to_check = summary.locator("ul.to-check")
    assert "5 дел требуют проверки перед подписью" in summary.inner_text()
    assert {a.get_attribute("href") for a in to_check.locator("a").all()} == {
        "/letters?file=nurkz-2023-10-06-kazakh-language.yaml", "/letters?file=zonakz-2018-07-12-mixed-marriages.yaml",
        *(f"/letters?file=more/case-{i:03d}.yaml" for i in range(3))}
    # run again: nothing changed, every case's letters are kept
    run_batch(page, desk.url)
    assert page.locator("[data-count=letters]").inner_text() == "Записано 0 писем."
    assert page.locator("[data-count=unchanged]").inner_text().startswith("5 дел без изменений")


def test_the_batch_page_refreshes_itself_without_javascript(serve, project_folder, chromium):
    add_cases(project_folder, 4)
    desk = serve(project_folder)
    context = chromium.new_context(java_script_enabled=False, locale="ru-RU")
    try:
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.goto(desk.url + "batch")
        page.locator("form[action='/batch/start'] button[type=submit]").click()
        page.wait_for_url(re.compile(r"/batch/[\w-]+$"))
        page.wait_for_selector("#summary", timeout=120_000)  # reached only by the page's own meta refresh
        assert page.locator("progress#bar").get_attribute("value") == "6"
        assert page.locator("[data-count=letters]").inner_text() == "Записано 18 писем."
    finally:
        context.close()


def test_a_second_start_while_a_batch_runs_shows_the_running_one(serve, project_folder, browser_page):
    add_cases(project_folder, 40)
    desk = serve(project_folder)
    page = browser_page
    page.goto(desk.url + "batch")
    token = page.locator("input[name=csrf]").get_attribute("value")
    urls = page.evaluate("""async (token) => {
        const body = () => new URLSearchParams({csrf: token});
        const first = await fetch('/batch/start', {method: 'POST', body: body()});
        const second = await fetch('/batch/start', {method: 'POST', body: body()});
        return [first.url, second.url];
    }""", token)
    assert urls[0] == urls[1] and re.search(r"/batch/[\w-]+$", urls[0])
    page.goto(urls[0])
    page.wait_for_selector("#summary", timeout=120_000)
    assert page.locator("[data-count=failed]").count() == 0 and page.locator("[data-count=letters]").is_visible()


def test_the_summary_in_kazakh_and_english(serve, project_folder, browser_page):
    desk = serve(project_folder)
    page = browser_page
    page.goto(desk.url)
    page.click("a[hreflang=kk]")
    run_batch(page, desk.url)
    assert page.locator("[data-count=letters]").inner_text() == "6 хат жазылды."
    page.click("a[hreflang=en]")
    assert page.locator("[data-count=letters]").inner_text() == "6 letters written."
    assert page.locator("[data-count=warnings]").inner_text().startswith("2 warnings about the cases' details")


def test_while_another_render_writes_the_letters_the_batch_says_so(serve, project_folder, browser_page):
    import fcntl
    import os

    desk = serve(project_folder)
    (project_folder / "letters").mkdir()
    fd = os.open(project_folder / "letters", os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        run_batch(browser_page, desk.url)
        assert "в папку писем («letters») сейчас пишет другая программа" in browser_page.locator("#summary").inner_text()
    finally:
        os.close(fd)


def test_the_batchs_notes_are_said_in_the_page_language(serve, project_folder, browser_page):
    desk = serve(project_folder)
    page = browser_page
    run_batch(page, desk.url)
    summary = page.locator("#summary")
    text = summary.inner_text()
    assert "на английском" not in text and "no To: address" not in text
    notes = summary.locator("ul.notes li")
    assert notes.count() == 1
    assert notes.first.inner_text().startswith("Черновиков электронных писем без адреса получателя (To:): 6")
    assert notes.first.get_attribute("lang") is None and summary.locator("ul.notes abbr.untranslated").count() == 0
    page.click("a[hreflang=kk]")
    assert page.locator("#summary ul.notes li").first.inner_text().startswith(
        "Алушының мекенжайы (To:) жоқ электрондық хат жобалары: 6")


def test_warnings_and_things_to_look_at_are_named_apart_and_zeros_are_not_told(serve, project_folder, browser_page):
    desk = serve(project_folder)
    page = browser_page
    run_batch(page, desk.url)
    summary = page.locator("#summary")
    # validation's warnings (the zonakz case gives no posted date): about the cases' details
    warnings = summary.locator("[data-count=warnings]").inner_text()
    assert warnings.startswith("2 предупреждения о данных дел")
    # what check asks the signer to look at, per case: other words
    items = [li.inner_text() for li in summary.locator("ul.to-check li").all()]
    assert len(items) == 2
    assert all(re.search(r"— \d+ пункт(а|ов)? для проверки перед подписью$", item) for item in items), items
    assert not any("предупрежд" in item or "замечан" in item for item in items)
    # nothing failed, nothing was unchanged: not said as if it were news
    assert summary.locator("[data-count=failed]").count() == 0
    assert summary.locator("[data-count=unchanged]").count() == 0
    for lang, said, looked in (("kk", "Іс деректері туралы 2 ескерту", "тексерілетін"),
                               ("en", "2 warnings about the cases' details", "things to look at before signing")):
        page.click(f"a[hreflang={lang}]")
        assert page.locator("[data-count=warnings]").inner_text().startswith(said)
        assert all(looked in li.inner_text() for li in page.locator("ul.to-check li").all())
        assert "ескерту" not in page.locator("ul.to-check").inner_text()


def test_with_no_case_the_batch_is_not_offered_and_the_page_says_how_to_add_one(serve, project_folder, browser_page):
    for case in project_folder.glob("*.yaml"):
        if case.name != "complaints.yaml":
            case.unlink()
    desk = serve(project_folder)
    page = browser_page
    page.goto(desk.url + "batch")
    assert page.locator("form[action='/batch/start']").count() == 0
    box = page.locator("[data-no-cases]")
    assert "В папке проекта пока нет ни одного дела" in box.inner_text()
    assert {a.get_attribute("href") for a in box.locator("a").all()} == {"/cases/new", "/import"}
    assert "Барлық хаттарды дайындау" not in page.locator("main").inner_text()
