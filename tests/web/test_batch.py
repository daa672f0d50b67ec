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
    assert summary.locator("[data-count=unchanged]").inner_text().startswith("0 дел без изменений")
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
    assert page.locator("[data-count=failed]").inner_text().startswith("0 дел не удалось")


def test_the_summary_in_kazakh_and_english(serve, project_folder, browser_page):
    desk = serve(project_folder)
    page = browser_page
    page.goto(desk.url)
    page.click("a[hreflang=kk]")
    run_batch(page, desk.url)
    assert page.locator("[data-count=letters]").inner_text() == "6 хат жазылды."
    page.click("a[hreflang=en]")
    assert page.locator("[data-count=letters]").inner_text() == "6 letters written."
    assert page.locator("[data-count=warnings]").inner_text().endswith("warnings.")


def test_while_another_render_writes_the_letters_the_batch_says_so(serve, project_folder, browser_page):
    import fcntl
    import os

    desk = serve(project_folder)
    (project_folder / "letters").mkdir()
    fd = os.open(project_folder / "letters", os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        run_batch(browser_page, desk.url)
        assert "в папку letters/ сейчас пишет другая программа" in browser_page.locator("#summary").inner_text()
    finally:
        os.close(fd)
