"""Import in the browser: a monitoring sheet uploaded, its rows previewed (good and refused, at their row and
column), imported on confirm, once."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl

from complaints.case.read import load_case
from complaints.web.safety import MAX_UPLOAD

HEADER = ["Издание", "Ссылка на статью", "Заголовок", "Автор комментария", "Дата комментария", "Текст комментария",
          "Язык", "Нормы", "Номер свидетельства"]


def row(n: int, posted: str = "06.10.2023 22:53", text: str | None = None) -> list[str]:
    return ["Nur.kz", f"https://www.nur.kz/society/{n}/", "Заголовок", f"nick{n}", posted,
            text or f"Комментарий номер {n}", "ru", "criminal-code-174-1", "0123"]


def sheet(path: Path, rows: list[list[str]]) -> Path:
    path.write_text("\r\n".join(";".join(r) for r in [HEADER, *rows]) + "\r\n", encoding="utf-8")
    return path


def cases_in(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.glob("*.yaml") if p.name != "complaints.yaml"}


def test_a_sheet_with_a_bad_row_is_previewed_then_imported_once(serve, project_folder: Path, browser_page,
                                                                 tmp_path: Path) -> None:
    before = cases_in(project_folder)
    upload = sheet(tmp_path / "мониторинг октябрь.csv",
                   [row(1), row(2, posted="вчера вечером"), row(3, text="<script>alert(1)</script> и всё")])
    desk = serve(project_folder)
    page = browser_page
    page.goto(desk.url + "import")
    page.set_input_files("input[name=sheet]", str(upload))
    page.click("button[type=submit]")

    # the preview: two good rows, the bad one at its row and column, nothing written yet
    page.wait_for_selector("#good-rows")
    good = page.locator("#good-rows tbody tr")
    assert good.count() == 2
    assert "nick1" in good.nth(0).inner_text() and "Nur.kz" in good.nth(0).inner_text()
    assert "<script>alert(1)</script> и всё" in good.nth(1).inner_text()  # shown as text, not run
    bad = page.locator("#bad-rows tbody tr")
    assert bad.count() == 1
    cells = bad.nth(0).locator("td").all_inner_texts()
    assert cells[0] == "3" and cells[1] == "E" and "comment.posted" in cells[2] and "вчера вечером" in cells[3]
    assert cases_in(project_folder) == before
    kept = [p.name for p in (project_folder / ".complaints" / "uploads").iterdir() if p.suffix == ".csv"]
    assert len(kept) == 1 and re.fullmatch(r"[0-9a-f]{32}\.csv", kept[0])  # under the project, never under its name

    page.click("#confirm")
    page.wait_for_selector("#summary")
    assert "2" in page.locator("#summary").inner_text()
    links = page.locator("#written a")
    assert links.count() == 2
    new = {name: data for name, data in cases_in(project_folder).items() if name not in before}
    assert len(new) == 2
    for name in new:
        case = load_case(project_folder / name)
        assert case.case.comment.author in ("nick1", "nick3")
    assert not any("nick2" in data.decode("utf-8") for data in new.values())
    assert links.nth(0).get_attribute("href", timeout=1000).startswith("/case?file=")

    # a reload, and the confirm form sent once more: nothing imported again, nothing overwritten
    for name in new:
        (project_folder / name).write_text((project_folder / name).read_text(encoding="utf-8") + "# mine\n",
                                           encoding="utf-8")
    edited = cases_in(project_folder)
    page.reload()
    assert "2" in page.locator("#summary").inner_text()
    token = page.url.split("upload=")[1]
    page.goto(desk.url + "import")
    csrf = page.locator("input[name=csrf]").first.get_attribute("value")
    again = page.request.post(desk.url + "import/confirm", form={"csrf": csrf or "", "upload": token})
    assert again.ok and "/import/done" in again.url
    assert cases_in(project_folder) == edited


def test_an_upload_that_is_no_sheet_or_too_large_is_refused_with_a_message(serve, project_folder: Path, browser_page,
                                                                            tmp_path: Path) -> None:
    program = tmp_path / "setup.exe"
    program.write_bytes(b"MZ" + b"\0" * 100)
    uploads = []
    for name, size in (("big.csv", MAX_UPLOAD + 10), ("bigger.xlsx", MAX_UPLOAD + 3 * 1024 * 1024)):
        huge = tmp_path / name
        with huge.open("wb") as fh:
            fh.write(";".join(HEADER).encode("utf-8") + b"\n")
            fh.truncate(size)
        uploads.append((huge, "20"))
    desk = serve(project_folder)
    page = browser_page
    for upload, words in ((program, "CSV"), *uploads):
        page.goto(desk.url + "import")
        page.set_input_files("input[name=sheet]", str(upload))
        page.click("button[type=submit]")
        message = page.locator("#sheet-error")
        assert words in message.inner_text()
    uploads = project_folder / ".complaints" / "uploads"
    assert not uploads.exists() or not list(uploads.iterdir())


def test_an_xlsx_sheet_is_previewed_like_a_csv_one(serve, project_folder: Path, browser_page, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet_ = book.active
    for values in [HEADER, row(7), row(8, posted="31.02.2023 10:00")]:
        sheet_.append(values)
    upload = tmp_path / "октябрь.xlsx"
    book.save(upload)
    desk = serve(project_folder)
    page = browser_page
    page.goto(desk.url + "import")
    page.set_input_files("input[name=sheet]", str(upload))
    page.click("button[type=submit]")
    page.wait_for_selector("#good-rows")
    assert page.locator("#good-rows tbody tr").count() == 1 and "nick7" in page.locator("#good-rows").inner_text()
    cells = page.locator("#bad-rows tbody tr").nth(0).locator("td").all_inner_texts()
    assert cells[:2] == ["3", "E"] and "comment.posted" in cells[2]


def test_a_norm_written_as_its_label_imports_in_russian_and_kazakh(serve, project_folder: Path, browser_page,
                                                                   tmp_path: Path) -> None:
    ru, kk = row(1), row(2)
    ru[HEADER.index("Нормы")] = "ч. 1 ст. 174 УК РК"
    kk[HEADER.index("Нормы")] = "ҚК 174-бабы 1-бөлігі"
    bad = row(3)
    bad[HEADER.index("Нормы")] = "ч. 1 ст. 175 УК РК"
    upload = sheet(tmp_path / "нормы.csv", [ru, kk, bad])
    desk = serve(project_folder)
    page = browser_page
    page.goto(desk.url + "import")
    page.set_input_files("input[name=sheet]", str(upload))
    page.click("button[type=submit]")
    page.wait_for_selector("#good-rows")
    assert page.locator("#good-rows tbody tr").count() == 2
    refused = page.locator("#bad-rows tbody tr")
    assert refused.count() == 1  # one message for the cell, not one per word
    message = refused.nth(0).locator("td").all_inner_texts()[3]
    assert "«ч. 1 ст. 175 УК РК»" in message and not re.search(r"\bук\b", message) and "criminal-code-174-1" in message
    assert "complaints norms" not in message and "странице дела" in message
    page.click("#confirm")
    page.wait_for_selector("#summary")
    for link in page.locator("#written a").all():
        case = load_case(project_folder / (link.get_attribute("href") or "").split("file=")[1])
        assert case.case.legal_basis.norms == ["criminal-code-174-1"]


def test_the_import_page_lists_its_columns_and_its_sample_sheet_imports_cleanly(serve, project_folder: Path,
                                                                                browser_page, tmp_path: Path) -> None:
    desk = serve(project_folder)
    page = browser_page
    page.goto(desk.url + "import")
    norms = page.locator("#columns tr[data-field='legal_basis.norms']").inner_text()
    assert "Нормы права" in norms and "«Нормы»" in norms and "обязательно" in norms
    with page.expect_download() as got:
        page.click("#sample")
    sample = tmp_path / "sample.csv"
    got.value.save_as(sample)
    data = sample.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and "ч. 1 ст. 174 УК РК".encode() in data
    page.set_input_files("input[name=sheet]", str(sample))
    page.click("button[type=submit]")
    page.wait_for_selector("#good-rows")
    assert page.locator("#good-rows tbody tr").count() == 1 and page.locator("#bad-rows").count() == 0
    page.click("a[hreflang=kk]")
    page.goto(desk.url + "import")
    assert "«Құқық нормалары»" in page.locator("#columns tr[data-field='legal_basis.norms']").inner_text()
