"""The case page in a real browser: a new case typed field by field, its mistakes shown beside the fields as it is
typed (or, without JavaScript, by the Check button), saved as `new` would write it; an existing case never saved
over a file changed on disk; evidence uploaded beside the case, hashed, its name made safe, its size limited."""

from __future__ import annotations

import hashlib
import json
import re
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from complaints.case.read import load_case
from complaints.web.safety import MAX_UPLOAD

TEXT = 'Он написал: "Қазақ тілі — бай тіл!"\nЕкінші жол: ә, ғ, қ, ң, ө, ұ, ү, һ, і\n«Третья» строка & <b>не тег</b>'
NUR = "nurkz-2023-10-06-kazakh-language.yaml"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64 + b"evidence"


def field(page: Page, name: str):  # type: ignore[no-untyped-def]
    return page.locator(f'[name="{name}"]')


def problems(page: Page, key: str):  # type: ignore[no-untyped-def]
    return page.locator(f'[data-problems-for="{key}"] .problem')


def type_case(page: Page, *, author: str, posted: str) -> None:
    """The case's fields, typed one by one as a person does."""
    field(page, "outlet.name").fill("Nur.kz")
    field(page, "outlet.url").fill("https://www.nur.kz")
    field(page, "article.title").fill("Балаева объяснила, почему нет фильмов на казахском")
    field(page, "article.url").fill("https://www.nur.kz/example-article-path/")
    field(page, "article.published").fill("06.10.2023")
    field(page, "comment.author").fill(author)
    field(page, "comment.posted").fill(posted)
    page.select_option('select[name="comment.language"]', "ru")
    field(page, "comment.text").fill(TEXT)
    field(page, "comment.translations.en").fill("He wrote: “The Kazakh language is a rich language!”")
    field(page, "comment.translations.kk").fill("Ол былай деп жазды: «Қазақ тілі — бай тіл!»")
    page.check('input[name="legal_basis.norms"][value="criminal-code-174-1"]')


def saved_case(page: Page, folder: Path) -> Path:
    expect(page.locator("#saved")).to_be_visible()
    link = page.locator("#to-letters").get_attribute("href") or ""
    rel = re.search(r"file=([^&]+)", link)
    assert rel, link
    return folder / urllib.request.url2pathname(rel.group(1))


def assert_holds_what_was_typed(path: Path) -> None:
    case = load_case(path).case
    assert case.comment.text == TEXT
    assert case.comment.author == "ZapadNamNePomozhet"
    assert case.comment.language == "ru"
    assert case.comment.posted is not None and case.comment.posted.day.isoformat() == "2023-10-06"
    assert case.comment.translations == {"en": "He wrote: “The Kazakh language is a rich language!”",
                                         "kk": "Ол былай деп жазды: «Қазақ тілі — бай тіл!»"}
    assert case.legal_basis.norms == ["criminal-code-174-1"]
    assert case.outlet.name == "Nur.kz" and case.article.url == "https://www.nur.kz/example-article-path/"


def test_a_new_case_typed_with_mistakes_shows_each_beside_its_field_as_typed_and_saves_what_was_typed(
        serve, project_folder: Path, browser_page: Page, tmp_path: Path) -> None:
    desk = serve(project_folder)
    page = browser_page
    page.goto(desk.url + "cases/new")
    type_case(page, author="Z", posted="06.10.2099 22:53")
    field(page, "comment.author").fill("")  # a required field left empty
    expect(problems(page, "comment.author")).to_have_count(1)
    expect(page.locator('[data-problems-for="comment.author"] .problem.error')).to_have_count(1)
    expect(field(page, "comment.author")).to_have_attribute("aria-invalid", "true")
    field(page, "comment.author").fill("ZapadNamNePomozhet")
    expect(problems(page, "comment.author")).to_have_count(0)
    expect(page.locator('[data-problems-for="comment.posted"] .problem.warning')).to_have_count(1)  # in the future
    field(page, "comment.posted").fill("06.10.2023 22:53")
    expect(problems(page, "comment.posted")).to_have_count(0)
    expect(field(page, "id")).to_have_attribute("placeholder", re.compile(r"^nur-kz-2023-10-06-[0-9a-f]{16}$"))
    page.click("#save")
    path = saved_case(page, project_folder)
    assert path.parent == project_folder and path.name.startswith("nur-kz-2023-10-06-")
    assert_holds_what_was_typed(path)
    assert path.read_text(encoding="utf-8") == as_new_writes_it(tmp_path)
    assert page.locator("#to-letters").get_attribute("href") == f"/letters?file={path.name}"


def as_new_writes_it(tmp_path: Path) -> str:
    """The file `complaints new --from-json` writes for the fields typed in type_case (the same writer, the same
    id scheme)."""
    from complaints.intake.fromjson import case_from_json
    from tests.conftest import PROJECT, write_yaml

    out = tmp_path / "by-new"
    write_yaml(out / "complaints.yaml", PROJECT)
    fields = {
        "outlet": {"name": "Nur.kz", "url": "https://www.nur.kz"},
        "article": {"title": "Балаева объяснила, почему нет фильмов на казахском",
                    "url": "https://www.nur.kz/example-article-path/", "published": "06.10.2023"},
        "comment": {"author": "ZapadNamNePomozhet", "posted": "06.10.2023 22:53", "language": "ru", "text": TEXT,
                    "translations": {"kk": "Ол былай деп жазды: «Қазақ тілі — бай тіл!»",
                                     "en": "He wrote: “The Kazakh language is a rich language!”"}},
        "legal_basis": {"norms": ["criminal-code-174-1"]},
    }
    source = tmp_path / "fields.json"
    source.write_text(json.dumps(fields, ensure_ascii=False), encoding="utf-8")
    return case_from_json(source, out).read_text(encoding="utf-8")


def test_without_javascript_the_check_button_shows_the_mistakes_and_keeps_what_was_typed(
        serve, project_folder: Path, chromium) -> None:
    desk = serve(project_folder)
    context = chromium.new_context(java_script_enabled=False, locale="ru-RU")
    page = context.new_page()
    try:
        page.goto(desk.url + "cases/new")
        type_case(page, author="", posted="06.10.2023 22:53")
        page.click("#check")
        expect(page.locator('[data-problems-for="comment.author"] .problem.error')).to_have_count(1)
        assert field(page, "comment.text").input_value() == TEXT
        assert field(page, "outlet.url").input_value() == "https://www.nur.kz"
        assert page.locator('input[name="legal_basis.norms"][value="criminal-code-174-1"]').is_checked()
        field(page, "comment.author").fill("ZapadNamNePomozhet")
        page.click("#save")
        assert_holds_what_was_typed(saved_case(page, project_folder))
    finally:
        context.close()


def test_a_case_changed_on_disk_since_the_page_was_opened_is_not_saved_over(
        serve, project_folder: Path, browser_page: Page) -> None:
    desk = serve(project_folder)
    page = browser_page
    page.goto(desk.url + f"case?file={NUR}")
    field(page, "comment.author").fill("Someone else")
    changed = (project_folder / NUR).read_text(encoding="utf-8") + "# edited in another window\n"
    (project_folder / NUR).write_text(changed, encoding="utf-8")
    page.click("#save")
    expect(page.locator("#changed")).to_be_visible()
    assert "изменён на диске" in page.locator("#changed").inner_text()
    assert (project_folder / NUR).read_text(encoding="utf-8") == changed
    assert field(page, "comment.author").input_value() == "Someone else"
    page.click("#reload")
    assert field(page, "comment.author").input_value() == "ZapadNamNePomozhet"


def test_an_edit_changes_only_that_field_and_keeps_the_files_comments(
        serve, project_folder: Path, browser_page: Page) -> None:
    desk = serve(project_folder)
    page = browser_page
    before = (project_folder / NUR).read_text(encoding="utf-8")
    page.goto(desk.url + f"case?file={NUR}")
    field(page, "comment.url").fill("https://www.nur.kz/example-article-path/#comment-123")
    page.click("#save")
    expect(page.locator("#saved")).to_be_visible()
    after = (project_folder / NUR).read_text(encoding="utf-8")
    assert [line for line in after.splitlines() if line not in before.splitlines()] == [
        "  url: https://www.nur.kz/example-article-path/#comment-123"]
    assert set(before.splitlines()) <= set(after.splitlines())
    assert load_case(project_folder / NUR).case.comment.url == "https://www.nur.kz/example-article-path/#comment-123"


def _describe(page: Page) -> None:
    field(page, "evidence.new.description.ru").fill("Снимок экрана комментария")
    field(page, "evidence.new.description.kk").fill("Пікірдің экраннан түсірілген суреті")
    field(page, "evidence.new.description.en").fill("Screenshot of the comment")


def test_an_uploaded_evidence_file_is_stored_beside_the_case_and_its_hash_is_in_the_case_file(
        serve, project_folder: Path, browser_page: Page, tmp_path: Path) -> None:
    desk = serve(project_folder)
    page = browser_page
    shot = tmp_path / "снимок 1.png"
    shot.write_bytes(PNG)
    page.goto(desk.url + f"case?file={NUR}")
    page.set_input_files('[name="evidence.new.upload"]', str(shot))
    _describe(page)
    page.click("#save")
    expect(page.locator("#saved")).to_be_visible()
    stored = project_folder / "evidence" / "nurkz-2023-10-06-kazakh-language" / "снимок 1.png"
    assert stored.read_bytes() == PNG
    sha = hashlib.sha256(PNG).hexdigest()
    case = load_case(project_folder / NUR)
    item = case.case.evidence[-1]
    assert item.file == "evidence/nurkz-2023-10-06-kazakh-language/снимок 1.png"
    assert item.description == {"ru": "Снимок экрана комментария", "kk": "Пікірдің экраннан түсірілген суреті",
                                "en": "Screenshot of the comment"}
    assert case.evidence_files[len(case.case.evidence) - 1].sha256 == sha
    assert f"x-sha256: {sha}" in (project_folder / NUR).read_text(encoding="utf-8")
    expect(page.locator("code.sha256", has_text=sha)).to_have_count(1)


def test_an_upload_named_to_climb_out_is_stored_inside_the_evidence_folder_under_a_safe_name(
        serve, project_folder: Path, browser_page: Page) -> None:
    desk = serve(project_folder)
    page = browser_page
    page.goto(desk.url + f"case?file={NUR}")
    page.set_input_files('[name="evidence.new.upload"]',
                         files=[{"name": "../../evil.png", "mimeType": "image/png", "buffer": PNG}])
    _describe(page)
    page.click("#save")
    expect(page.locator("#saved")).to_be_visible()
    folder = project_folder / "evidence" / "nurkz-2023-10-06-kazakh-language"
    assert [p.name for p in folder.iterdir()] == ["evil.png"]
    assert not (project_folder.parent / "evil.png").exists() and not (project_folder.parent.parent / "evil.png").exists()
    assert load_case(project_folder / NUR).case.evidence[-1].file == "evidence/nurkz-2023-10-06-kazakh-language/evil.png"


def test_an_upload_whose_name_climbs_out_sent_by_hand_stays_inside_too(serve, project_folder: Path) -> None:
    """The browser may clean the name itself: the server's own guard, with the name sent as it is."""
    import httpx

    desk = serve(project_folder)
    with httpx.Client(base_url=desk.url) as client:
        html = client.get(f"case?file={NUR}").text
        form = {name: value for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html)}
        form.update({"action": "check", "evidence.new.description.ru": "Снимок", "evidence.new.description.kk": "Сурет",
                     "evidence.new.description.en": "Screenshot"})
        answer = client.post(f"case?file={NUR}", data=form,
                             files={"evidence.new.upload": ("../../evil.png", PNG, "image/png")})
    assert answer.status_code == 200
    folder = project_folder / "evidence" / "nurkz-2023-10-06-kazakh-language"
    assert [p.name for p in folder.iterdir()] == ["evil.png"]
    assert not (project_folder.parent / "evil.png").exists()


@pytest.fixture
def too_large(tmp_path: Path) -> Path:
    big = tmp_path / "big.png"
    with big.open("wb") as fh:
        fh.write(PNG)
        fh.truncate(MAX_UPLOAD + 1)
    return big


def test_a_file_over_the_limit_is_refused_with_a_message_beside_the_field(
        serve, project_folder: Path, chromium, too_large: Path) -> None:
    desk = serve(project_folder)
    before = (project_folder / NUR).read_bytes()
    for javascript in (True, False):
        context = chromium.new_context(java_script_enabled=javascript, locale="ru-RU")
        page = context.new_page()
        try:
            page.goto(desk.url + f"case?file={NUR}")
            page.set_input_files('[name="evidence.new.upload"]', str(too_large))
            _describe(page)
            if javascript:  # said before anything is sent
                expect(problems(page, "evidence.new.upload")).to_have_count(1)
            page.click("#save")
            expect(problems(page, "evidence.new.upload")).to_have_count(1)
            assert "20 МБ" in page.locator('[data-problems-for="evidence.new.upload"]').inner_text()
            assert field(page, "evidence.new.description.ru").input_value() == "Снимок экрана комментария"
        finally:
            context.close()
    assert (project_folder / NUR).read_bytes() == before
    assert not (project_folder / "evidence" / "nurkz-2023-10-06-kazakh-language").exists()


def test_an_applicant_for_this_case_has_its_iin_checked_as_typed_and_never_logged(
        serve, project_folder: Path, browser_page: Page) -> None:
    desk = serve(project_folder)
    page = browser_page
    page.goto(desk.url + "cases/new")
    type_case(page, author="ZapadNamNePomozhet", posted="06.10.2023 22:53")
    page.click("#applicant summary")
    page.select_option('[name="applicant.kind"]', "person")
    for code, name, address in (("kk", "Серікқызы Айгүл", "Алматы қ., Мысал к-сі, 2"),
                                ("ru", "Серікқызы Айгүл", "г. Алматы, ул. Мысал, 2"),
                                ("en", "Aigul Serikkyzy", "2 Mysal St, Almaty")):
        field(page, f"applicant.name.{code}").fill(name)
        field(page, f"applicant.address.{code}").fill(address)
    field(page, "applicant.iin").fill("900101300127")  # a wrong check digit
    expect(page.locator('[data-problems-for="applicant.iin"] .problem.error')).to_have_count(1)
    field(page, "applicant.iin").fill("900101300126")
    expect(problems(page, "applicant.iin")).to_have_count(0)
    page.click("#save")
    path = saved_case(page, project_folder)
    applicant = load_case(path).applicant
    assert applicant.iin == "900101300126" and applicant.name["en"] == "Aigul Serikkyzy"
    assert "900101300126" not in page.url
    from tests.web.conftest import stop_desk

    stop_desk(desk)
    assert "900101300126" not in desk.log() and "900101300127" not in desk.log()


def test_the_case_page_speaks_kazakh(serve, project_folder: Path, browser_page: Page) -> None:
    desk = serve(project_folder)
    page = browser_page
    page.goto(desk.url + "lang/kk?back=/cases/new")
    assert page.locator("h1").inner_text() == "Жаңа іс"
    assert "Пікірдің мәтіні" in page.locator('label[for="f-comment.text"]').inner_text()
    assert page.locator("#save").inner_text() == "Істі сақтау"


def test_the_same_upload_checked_three_times_and_saved_once_in_vain_is_stored_once(
        serve, project_folder: Path, browser_page: Page, tmp_path: Path) -> None:
    desk = serve(project_folder)
    page = browser_page
    shot = tmp_path / "screenshot-comment.png"
    shot.write_bytes(PNG)
    page.goto(desk.url + "cases/new")
    type_case(page, author="ZapadNamNePomozhet", posted="06.10.2023 22:53")
    field(page, "id").fill("nurkz-once")
    for _ in range(3):  # the user chooses the file again each time, as the page asks
        page.set_input_files('[name="evidence.new.upload"]', str(shot))
        _describe(page)
        field(page, "evidence.new.taken").fill("01.12.2026 10:02")
        page.click("#check")
        expect(page.locator("code.evidence-file")).to_have_count(1)
    # the date typed comes back as it was typed, not as ISO
    assert field(page, "evidence.0.taken").input_value() == "01.12.2026 10:02"
    field(page, "comment.author").fill("")
    page.set_input_files('[name="evidence.new.upload"]', str(shot))
    page.click("#save")
    expect(page.locator("#not-saved")).to_be_visible()
    folder = project_folder / "evidence" / "nurkz-once"
    assert [p.name for p in folder.iterdir()] == ["screenshot-comment.png"]
    field(page, "comment.author").fill("ZapadNamNePomozhet")
    page.click("#save")
    path = saved_case(page, project_folder)
    assert [p.name for p in folder.iterdir()] == ["screenshot-comment.png"]
    evidence = load_case(path).case.evidence
    assert [item.file for item in evidence] == ["evidence/nurkz-once/screenshot-comment.png"]


def test_an_upload_with_the_bytes_of_a_stored_file_reuses_it(serve, project_folder: Path, browser_page: Page,
                                                             tmp_path: Path) -> None:
    desk = serve(project_folder)
    folder = project_folder / "evidence" / "nurkz-2023-10-06-kazakh-language"
    folder.mkdir(parents=True)
    (folder / "shot.png").write_bytes(PNG)
    renamed = tmp_path / "shot (1).png"
    renamed.write_bytes(PNG)
    page = browser_page
    page.goto(desk.url + f"case?file={NUR}")
    page.set_input_files('[name="evidence.new.upload"]', str(renamed))
    _describe(page)
    page.click("#save")
    expect(page.locator("#saved")).to_be_visible()
    assert [p.name for p in folder.iterdir()] == ["shot.png"]
    assert load_case(project_folder / NUR).case.evidence[-1].file == "evidence/nurkz-2023-10-06-kazakh-language/shot.png"


def test_the_comment_language_is_chosen_by_name_from_a_list(serve, project_folder: Path, browser_page: Page) -> None:
    from complaints.case.model import _lang_code

    desk = serve(project_folder)
    page = browser_page
    page.goto(desk.url + "cases/new")
    select = page.locator('select[name="comment.language"]')
    codes = [c for c in select.locator("option").evaluate_all("os => os.filter(o => !o.disabled).map(o => o.value)") if c]
    names = select.locator("option").all_inner_texts()
    assert codes[:3] == ["kk", "ru", "en"] and len(codes) > 50
    assert names[1:4] == ["Казахский", "Русский", "Английский"]
    assert "Узбекский" in names and "uz" not in names
    for code in codes:
        assert _lang_code(code) == code  # every choice is one the case format takes
    page.goto(desk.url + "lang/kk?back=/cases/new")
    assert page.locator('select[name="comment.language"] option').nth(1).inner_text() == "Қазақ тілі"
    page.goto(desk.url + f"case?file={NUR}")
    assert page.locator('select[name="comment.language"]').input_value() == "ru"


def test_the_language_list_works_without_javascript(serve, project_folder: Path, chromium) -> None:
    desk = serve(project_folder)
    context = chromium.new_context(java_script_enabled=False, locale="ru-RU")
    page = context.new_page()
    try:
        page.goto(desk.url + "cases/new")
        type_case(page, author="ZapadNamNePomozhet", posted="06.10.2023 22:53")
        page.select_option('select[name="comment.language"]', "uz")
        page.click("#save")
        assert load_case(saved_case(page, project_folder)).case.comment.language == "uz"
    finally:
        context.close()


def test_norms_show_no_ids_and_their_periods_in_the_pages_language(serve, project_folder: Path,
                                                                   browser_page: Page) -> None:
    desk = serve(project_folder)
    page = browser_page
    page.goto(desk.url + "cases/new")
    norms = page.locator("#s-legal_basis").inner_text()
    assert "criminal-code-174-1" not in norms and not re.search(r"\d{4}-\d{2}-\d{2}", norms)
    assert "действует с 1 января 2015 года" in norms
    assert page.locator('input[value="criminal-code-174-1"] + span').get_attribute("title") == "criminal-code-174-1"
    page.goto(desk.url + "lang/kk?back=/cases/new")
    norms = page.locator("#s-legal_basis").inner_text()
    assert "2015 жылғы 1 қаңтардан бастап қолданылады" in norms
    assert "1999 жылғы 23 шілдеден бастап 2024 жылғы 18 тамызға дейін қолданылады" in norms
    assert not re.search(r"\d{4}-\d{2}-\d{2}", norms)


def test_an_existing_cases_dates_are_shown_as_typed_and_saving_leaves_the_file_alone(
        serve, project_folder: Path, browser_page: Page) -> None:
    desk = serve(project_folder)
    page = browser_page
    before = (project_folder / NUR).read_text(encoding="utf-8")
    page.goto(desk.url + f"case?file={NUR}")
    assert field(page, "comment.posted").input_value() == "06.10.2023 22:53"
    assert field(page, "article.published").input_value() == "06.10.2023"
    page.click("#save")
    expect(page.locator("#saved")).to_be_visible()
    assert (project_folder / NUR).read_text(encoding="utf-8") == before


def test_a_text_missing_in_a_letter_language_points_to_the_forms_field(serve, project_folder: Path, chromium) -> None:
    desk = serve(project_folder)
    context = chromium.new_context(java_script_enabled=False, locale="kk-KZ")
    page = context.new_page()
    try:
        page.goto(desk.url + "lang/kk?back=/cases/new")
        type_case(page, author="ZapadNamNePomozhet", posted="06.10.2023 22:53")
        field(page, "outlet.owner.kk").fill("«Мысал» ЖШС")
        page.click("#save")
        said = page.locator('[data-problems-for="outlet.owner"]').inner_text()
        assert "орысша" in said and "толтырыңыз" in said
        assert "ru: …" not in said and "'" not in said
    finally:
        context.close()


def test_kazakh_and_russian_labels_of_the_requests_and_the_last_check(serve, project_folder: Path,
                                                                      browser_page: Page) -> None:
    desk = serve(project_folder)
    page = browser_page
    page.goto(desk.url + "cases/new")
    assert page.locator('label[for="f-comment.still_online"]').inner_text().startswith(
        "Дата последней проверки доступности")
    page.goto(desk.url + "lang/kk?back=/cases/new")
    assert page.locator("#s-requests legend").first.inner_text() == "Министрлікке сұраулар"
    assert "өтініштер" not in page.locator("#s-requests").inner_text().casefold()


def test_the_case_heading_shows_its_title_with_the_id_small(serve, project_folder: Path, browser_page: Page) -> None:
    text = (project_folder / NUR).read_text(encoding="utf-8")
    if "\ntitle:" not in text:
        text += "title: Фильмы на казахском языке\n"
        (project_folder / NUR).write_text(text, encoding="utf-8")
    desk = serve(project_folder)
    page = browser_page
    page.goto(desk.url + f"case?file={NUR}")
    title = field(page, "title").input_value()
    assert title
    assert page.locator("#case-heading .case-title").inner_text() == title
    assert page.locator("#case-heading .case-id").inner_text() == "nurkz-2023-10-06-kazakh-language"
