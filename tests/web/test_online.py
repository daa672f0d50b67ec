"""Whether each case's comment is still online, as the register's sightings say (from `watch`): a column of the
cases table and a line on the case page, in the page's language, dates through Babel in Kazakhstan time."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from complaints.register.sightings import record_sighting

NURKZ = "nurkz-2023-10-06-kazakh-language"
ZONAKZ = "zonakz-2018-07-12-mixed-marriages"
NURKZ_URL = "https://www.nur.kz/example-article-path/"
ZONAKZ_URL = "https://zonakz.net/example-article-path/"


def _watched(folder: Path) -> None:
    """The Nur.kz comment seen, then missed; the Zona.kz one seen, then a time-out (which proves nothing)."""
    db = folder / "complaints.db"
    for case, url, when, outcome in ((NURKZ, NURKZ_URL, "2026-12-01T09:00+05:00", "found"),
                                     (NURKZ, NURKZ_URL, "2026-12-03T04:15+00:00", "not-found"),
                                     (ZONAKZ, ZONAKZ_URL, "2026-12-01T09:05+05:00", "found"),
                                     (ZONAKZ, ZONAKZ_URL, "2026-12-03T09:20+05:00", "timeout")):
        record_sighting(db, case, url, datetime.fromisoformat(when), outcome, "as the browser saw it")


def test_the_cases_table_shows_a_removed_comment(serve, project_folder: Path, browser_page) -> None:
    desk = serve(project_folder)
    page = browser_page
    page.goto(desk.url + "cases")
    rows = page.locator("#cases tbody tr")
    assert [rows.nth(i).get_attribute("data-online") for i in range(2)] == ["unknown", "unknown"]
    assert "Не проверялся" in rows.nth(0).locator("td.online").inner_text()
    assert "В сети" in page.locator("#cases thead").inner_text()
    _watched(project_folder)
    page.goto(desk.url + "cases")
    nurkz = page.locator(f"#cases tbody tr[data-file='{NURKZ}.yaml']")
    zonakz = page.locator(f"#cases tbody tr[data-file='{ZONAKZ}.yaml']")
    assert nurkz.get_attribute("data-online") == "removed"
    cell = nurkz.locator("td.online").inner_text()
    # 04:15 UTC is 09:15 in Almaty; the dates as the letters write them
    assert "удалён" in cell and "в последний раз виден 1 декабря 2026 года, 09:00 (UTC+5)" in cell, cell
    assert "отсутствует с 3 декабря 2026 года, 09:15 (UTC+5)" in cell, cell
    assert "не подавать" in cell
    # the reason it needs attention: the removal first, before the examples' placeholders
    assert nurkz.get_attribute("data-status") == "attention"
    assert nurkz.locator(".reason").inner_text().startswith("комментарий удалён: комментарий в последний раз")
    assert zonakz.get_attribute("data-online") == "online"
    cell = zonakz.locator("td.online").inner_text()
    assert "в сети" in cell and "последняя проверка 3 декабря 2026 года, 09:20 (UTC+5) ничего не показала" in cell
    assert "страница не загрузилась вовремя" in cell, cell
    # check's finding on the letters page, in Russian, with what to do
    page.goto(desk.url + f"letters?file={NURKZ}.yaml")
    text = page.locator("body").inner_text()
    assert "Комментарий удалён" in text and "комментарий в последний раз видели в сети 2026-12-01 09:00" in text
    assert "comment was last seen" not in text


def test_the_removal_in_kazakh_and_english_and_on_the_case_page(serve, project_folder: Path, browser_page) -> None:
    _watched(project_folder)
    desk = serve(project_folder)
    page = browser_page
    page.goto(desk.url + "lang/kk?back=/cases")
    cell = page.locator(f"#cases tbody tr[data-file='{NURKZ}.yaml'] td.online").inner_text()
    assert "жойылған" in cell and "2026 жылғы 1 желтоқсан, 09:00 (UTC+5)" in cell, cell
    assert "Желіде" in page.locator("#cases thead").inner_text()
    page.goto(desk.url + "lang/en?back=/cases")
    cell = page.locator(f"#cases tbody tr[data-file='{NURKZ}.yaml'] td.online").inner_text()
    assert "removed" in cell and "last seen 1 December 2026, 09:00 (UTC+5)" in cell, cell
    assert "missing since 3 December 2026, 09:15 (UTC+5)" in cell
    page.goto(desk.url + f"case?file={NURKZ}.yaml")
    line = page.locator("#online")
    assert line.get_attribute("data-online") == "removed"
    assert "missing since 3 December 2026, 09:15 (UTC+5)" in line.inner_text()
    assert "do not file the letter as it stands" in line.inner_text()
    page.goto(desk.url + f"case?file={ZONAKZ}.yaml")
    assert page.locator("#online").get_attribute("data-online") == "online"
