"""The first run in the browser: an empty folder asks for the applicant, checks the IIN as it is typed and again
on the server, and writes a commented complaints.yaml that the library reads."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from complaints.case.read import load_project
from tests.web.conftest import stop_desk

WRONG_IIN = "850315300008"  # one digit off a valid one: fails its check digit
GOOD_IIN = "850315300009"


def _fill_person(page, iin: str) -> None:  # noqa: ANN001 - a Playwright Page
    for code, name, address in (("kk", "Әлиева Гүлнар", "050000, Алматы қ., Абай даңғылы, 52-үй, 14-пәтер"),
                                ("ru", "Алиева Гульнар", "050000, г. Алматы, пр. Абая, д. 52, кв. 14"),
                                ("en", "Gulnar Aliyeva", "Apt. 14, 52 Abay Avenue, Almaty 050000, Kazakhstan")):
        page.fill(f"#name_{code}", name)
        page.fill(f"#address_{code}", address)
    page.fill("#email", "g.aliyeva@mail.kz")
    page.fill("#phone", "+7 701 384 21 57")
    page.fill("#iin", iin)


def test_first_run_a_wrong_iin_is_shown_beside_it_then_corrected_and_saved(serve, empty_folder: Path,
                                                                           browser_page) -> None:
    desk = serve(empty_folder)
    page = browser_page
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    page.goto(desk.url)
    assert page.url.endswith("/first-run")
    assert "complaints.yaml" in page.locator("main").inner_text()
    assert page.locator("#organisation-fields").is_hidden()  # a person is chosen: the organisation's fields wait

    _fill_person(page, WRONG_IIN)
    expect(page.locator("#check-iin")).to_contain_text("контрольной цифры")  # said as it is typed
    page.click("button[type=submit]")
    assert page.url.endswith("/first-run")
    error = page.locator("#error-iin")
    assert "контрольной цифры" in error.inner_text()
    # beside its field: the error is the IIN input's description, and comes right before it
    assert page.locator("#iin").get_attribute("aria-describedby") == "error-iin"
    assert page.locator("#error-iin + input").get_attribute("id") == "iin"
    assert page.input_value("#name_ru") == "Алиева Гульнар"  # nothing typed is lost
    assert page.input_value("#iin") == WRONG_IIN
    assert not (empty_folder / "complaints.yaml").exists()

    page.fill("#iin", GOOD_IIN)
    expect(page.locator("#check-iin")).to_have_text("Контрольная цифра верна.")  # once the page's script runs
    page.click("button[type=submit]")
    page.wait_for_url("**/cases")
    assert page.url == desk.url + "cases"

    written = empty_folder / "complaints.yaml"
    text = written.read_text(encoding="utf-8")
    project = load_project(written)
    applicant = project.project.applicant
    assert applicant is not None and applicant.iin == GOOD_IIN and applicant.name["kk"] == "Әлиева Гүлнар"
    assert applicant.email == "g.aliyeva@mail.kz" and project.languages == ("kk", "ru", "en")
    assert text.startswith("# Файл проекта")  # commented in the page's language
    assert "# ИИН, 12 цифр в кавычках" in text
    assert "authority: mki-rk" in text

    page.goto(desk.url + "first-run")  # a folder with its project file: the form is not offered again
    assert page.url.endswith("/cases")
    stop_desk(desk)
    for url in urls:
        assert GOOD_IIN not in url and WRONG_IIN not in url, url
    assert GOOD_IIN not in desk.log() and WRONG_IIN not in desk.log()


def test_first_run_of_an_organisation_without_javascript(serve, empty_folder: Path, chromium) -> None:
    desk = serve(empty_folder)
    context = chromium.new_context(java_script_enabled=False, locale="en-US")
    try:
        page = context.new_page()
        page.goto(desk.url + "first-run")
        assert page.locator("#organisation-fields").is_visible()  # without JavaScript every field shows
        page.check("input[name=kind][value=organisation]")
        page.uncheck("input[name=languages][value=kk]")
        page.uncheck("input[name=languages][value=en]")
        page.fill("#name_ru", "Общественный фонд «Әділ сөз»")
        page.fill("#address_ru", "050000, г. Алматы, ул. Абая, д. 1")
        page.fill("#bin", "12345")
        page.click("button[type=submit]")
        assert "12 digits are needed; this has 5" in page.locator("#error-bin").inner_text()
        assert "Fill this in" in page.locator("#error-signatory_name_ru").inner_text()
        assert page.is_checked("input[name=kind][value=organisation]")
        assert not page.is_checked("input[name=languages][value=kk]")
        page.fill("#bin", GOOD_IIN)
        page.fill("#signatory_name_ru", "Алиева Гульнар")
        page.fill("#signatory_position_ru", "директор")
        page.click("button[type=submit]")
        assert page.url.endswith("/cases")
    finally:
        context.close()
    applicant = load_project(empty_folder / "complaints.yaml").project.applicant
    assert applicant is not None and applicant.kind == "organisation" and applicant.bin == GOOD_IIN
    assert applicant.iin is None and applicant.signatory is not None
    assert load_project(empty_folder / "complaints.yaml").languages == ("ru",)
    assert (empty_folder / "complaints.yaml").read_text(encoding="utf-8").startswith("# The project file")




def test_the_check_digit_as_typed_is_the_librarys(serve, empty_folder: Path, browser_page) -> None:
    import random

    from complaints.case.model import iin_is_valid

    desk = serve(empty_folder)
    page = browser_page
    page.goto(desk.url + "first-run")
    picked = random.Random(13)
    numbers = [f"{picked.randrange(10**12):012d}" for _ in range(3000)]
    numbers += ["900101300126", "000000000000", "12345678901", "1234567890123", "85031530000a"]
    said = page.evaluate("numbers => numbers.map(idNumberIsValid)", numbers)
    assert said == [iin_is_valid(n) for n in numbers]
    assert sum(said) > 100  # valid ones were among them, and numbers whose first sum is 10 (the second weights)
