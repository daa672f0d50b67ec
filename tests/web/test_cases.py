"""The cases table in the browser: every case with its status, searched and sorted by plain links, each row
leading to its case and its letters, user text shown as text."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.conftest import write_yaml

SCRIPT = "<script>alert(1)</script>"
NURKZ = "nurkz-2023-10-06-kazakh-language"
ZONAKZ = "zonakz-2018-07-12-mixed-marriages"


def _ids(page) -> list[str]:  # noqa: ANN001 - a Playwright Page
    return [cell.inner_text().strip() for cell in page.locator("#cases tbody td.case-id code").all()]


def _hostile_case(folder: Path) -> None:
    """A third case, posted later than the Nur.kz one, whose comment is a script."""
    data = yaml.safe_load((folder / f"{NURKZ}.yaml").read_text(encoding="utf-8"))
    data["id"] = "tengri-2024-05-01-script"
    data["outlet"]["name"] = "Tengrinews"
    data["comment"]["text"] = f"Смотрите {SCRIPT} здесь"
    data["comment"]["posted"] = "2024-05-01T09:15"
    write_yaml(folder / "tengri-2024-05-01-script.yaml", data)


def test_the_example_cases_are_listed_with_their_status(serve, project_folder: Path, browser_page) -> None:
    desk = serve(project_folder)
    page = browser_page
    page.goto(desk.url)
    assert page.url.endswith("/cases")
    assert _ids(page) == [NURKZ, ZONAKZ]
    rows = page.locator("#cases tbody tr")
    for i in range(2):
        row = rows.nth(i)
        # the examples' placeholders (and the tests' sample applicant) are for the signer to look at
        assert row.get_attribute("data-status") == "attention"
        assert "требует внимания" in row.locator(".status").inner_text()
        assert row.locator(".reason").inner_text().strip()
    nurkz = rows.nth(0)
    assert "Nur.kz" in nurkz.inner_text() and "6 октября 2023 года, 22:53 (UTC+6)" in nurkz.inner_text()
    assert "2023" in nurkz.locator("td.posted").inner_text() and "-10-" not in nurkz.locator("td.posted").inner_text()
    assert "русский" in nurkz.inner_text()
    assert "дата не указана" in rows.nth(1).inner_text()  # the Zona.kz example gives no time of posting
    assert nurkz.locator("a", has_text="Письма").get_attribute("href") == f"/letters?file={NURKZ}.yaml"
    assert nurkz.locator("td.actions a", has_text="Дело").get_attribute("href") == f"/case?file={NURKZ}.yaml"
    new = page.locator("#new-case")
    assert new.is_visible() and new.get_attribute("href") == "/cases/new"


def test_search_and_sort_are_plain_links_and_a_form(serve, project_folder: Path, browser_page) -> None:
    _hostile_case(project_folder)
    desk = serve(project_folder)
    page = browser_page
    page.goto(desk.url + "cases")
    assert _ids(page) == [NURKZ, "tengri-2024-05-01-script", ZONAKZ]

    page.click("th a[data-sort=posted]")
    assert "sort=posted" in page.url and "order=asc" in page.url
    assert _ids(page) == [NURKZ, "tengri-2024-05-01-script", ZONAKZ]  # the undated last
    page.click("th a[data-sort=posted]")
    assert "order=desc" in page.url
    assert _ids(page) == ["tengri-2024-05-01-script", NURKZ, ZONAKZ]
    page.click("th a[data-sort=id]")
    page.click("th a[data-sort=id]")
    assert _ids(page) == [ZONAKZ, "tengri-2024-05-01-script", NURKZ]

    page.fill("#q", "tengrinews")
    page.click("form.search button[type=submit]")
    assert "q=tengrinews" in page.url
    assert _ids(page) == ["tengri-2024-05-01-script"]
    page.fill("#q", "zona")
    page.press("#q", "Enter")
    assert _ids(page) == [ZONAKZ]
    page.fill("#q", "ничего такого нет")
    page.press("#q", "Enter")
    assert _ids(page) == [] and page.locator("#no-match").is_visible()
    page.click("text=Показать все")
    assert len(_ids(page)) == 3


def test_a_comment_with_a_script_shows_as_text(serve, project_folder: Path, browser_page) -> None:
    _hostile_case(project_folder)
    desk = serve(project_folder)
    page = browser_page
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(desk.url + "cases?q=" + "tengri")
    assert SCRIPT in page.locator("#cases tbody .excerpt").inner_text()
    assert page.locator("#cases tbody script").count() == 0
    page.goto(desk.url + "cases?q=%3Cscript%3Ealert(1)%3C/script%3E")
    assert _ids(page) == ["tengri-2024-05-01-script"]  # found by its own text, and the query shown as text
    assert page.input_value("#q") == SCRIPT
    assert dialogs == []


def test_a_case_that_does_not_load_is_listed_with_its_first_problem(serve, project_folder: Path,
                                                                   browser_page) -> None:
    (project_folder / "broken.yaml").write_text("format: 1\nid: broken-case\noutlet: {name: Tengri}\n",
                                                encoding="utf-8")
    desk = serve(project_folder)
    page = browser_page
    page.goto(desk.url + "cases")
    row = page.locator("#cases tbody tr[data-file='broken.yaml']")
    assert row.get_attribute("data-status") == "attention"
    assert "broken-case" in row.inner_text() and "Tengri" in row.inner_text()
    assert row.locator(".reason").inner_text().strip()


def test_status_names_and_headings_in_kazakh(serve, project_folder: Path, browser_page) -> None:
    desk = serve(project_folder)
    page = browser_page
    page.goto(desk.url + "cases")
    page.click("a[hreflang=kk]")
    assert page.url.endswith("/cases")
    assert "Басылым" in page.locator("#cases thead").inner_text()
    assert "назар аударуды қажет етеді" in page.locator("#cases tbody").inner_text()
    assert "Жаңа іс" in page.locator("#new-case").inner_text()


def test_search_and_sort_work_without_javascript(serve, project_folder: Path, chromium) -> None:
    desk = serve(project_folder)
    context = chromium.new_context(java_script_enabled=False, locale="en-US")
    try:
        page = context.new_page()
        page.goto(desk.url + "cases")
        assert "needs attention" in page.locator("#cases tbody").inner_text()
        page.click("th a[data-sort=id]")
        assert _ids(page) == [ZONAKZ, NURKZ]
        page.fill("#q", "Nur.kz")
        page.click("form.search button[type=submit]")
        assert _ids(page) == [NURKZ]
        assert "order=desc" in page.url  # the order chosen is kept by the search
    finally:
        context.close()


def test_the_case_title_is_the_link_with_the_id_small_and_is_searched(serve, project_folder: Path,
                                                                     browser_page) -> None:
    data = yaml.safe_load((project_folder / f"{NURKZ}.yaml").read_text(encoding="utf-8"))
    data["title"] = "Фильмы на казахском: «не хватает слов»"
    write_yaml(project_folder / f"{NURKZ}.yaml", data)
    desk = serve(project_folder)
    page = browser_page
    page.goto(desk.url + "cases")
    row = page.locator(f"#cases tbody tr[data-file='{NURKZ}.yaml']")
    link = row.locator("td.case-id a.case-title")
    assert link.inner_text() == "Фильмы на казахском: «не хватает слов»"
    assert link.get_attribute("href") == f"/case?file={NURKZ}.yaml"
    assert row.locator(".case-id-small code").inner_text() == NURKZ
    page.fill("#q", "не хватает слов")
    page.press("#q", "Enter")
    assert _ids(page) == [NURKZ]


def test_the_posted_time_in_kazakh(serve, project_folder: Path, browser_page) -> None:
    desk = serve(project_folder)
    page = browser_page
    page.goto(desk.url + "lang/kk?back=/cases")
    assert "2023 жылғы 6 қазан, 22:53 (UTC+6)" in page.locator(f"#cases tbody tr[data-file='{NURKZ}.yaml']").inner_text()


def test_at_390_pixels_the_table_does_not_overflow_sideways(serve, project_folder: Path, chromium) -> None:
    _hostile_case(project_folder)
    desk = serve(project_folder)
    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="ru-RU")
    try:
        page = context.new_page()
        page.goto(desk.url + "cases")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, width
        box = page.locator("#cases tbody tr").first.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    finally:
        context.close()

