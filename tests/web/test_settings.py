"""The settings page in the browser: the applicant corrected and the Ministry's address and addressee confirmed in
complaints.yaml, its comments kept; never over a file changed on disk; the examples' sample IIN flagged beside
its field; check's two "unconfirmed" findings gone from the letters page once the user confirms them."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import yaml
from playwright.sync_api import expect

from complaints.case.law import authorities
from complaints.case.project import project_text
from complaints.case.read import load_project
from tests.conftest import PROJECT

EXAMPLE = "nurkz-2023-10-06-kazakh-language.yaml"
OWN_NOTE = "# our own note: the association's details, checked 2026-11-30"
SOURCE = "https://www.gov.kz/memleket/entities/mam"


def commented(folder: Path) -> Path:
    """The tests' project file as the first run writes it, with a comment of the user's own."""
    target = folder / "complaints.yaml"
    text = project_text(PROJECT, "ru").replace("languages:", f"{OWN_NOTE}\nlanguages:")
    target.write_text(text, encoding="utf-8")
    return target


def comments(text: str) -> list[str]:
    return [line[line.index("#"):] for line in text.splitlines() if "#" in line]


def test_the_applicants_address_changed_in_the_browser_is_saved_and_the_files_comments_kept(
        serve, project_folder: Path, browser_page) -> None:
    target = commented(project_folder)
    before = target.read_text(encoding="utf-8")
    desk = serve(project_folder)
    page = browser_page
    page.goto(desk.url + "cases")
    page.get_by_role("link", name="Заявитель и адресат").click()  # in the menu
    page.wait_for_url("**/settings")
    assert page.input_value("#name_ru") == "Серікұлы Нұрлан"  # filled from complaints.yaml
    assert page.input_value("#address_ru") == "г. Астана, ул. Мысал, 1"
    assert page.locator("legend", has_text="Фамилия, имя, отчество (при наличии) или наименование").count() == 1
    assert page.locator("legend", has_text="Контакты").count() == 1

    page.fill("#address_ru", "010000, г. Астана, ул. Кенесары, д. 40, кв. 7")
    page.click("#settings-applicant button[type=submit]")
    expect(page.locator("#saved-applicant")).to_be_visible()

    after = target.read_text(encoding="utf-8")
    assert comments(after) == comments(before) and OWN_NOTE in after
    data = yaml.safe_load(after)
    expected = yaml.safe_load(before)
    expected["applicant"]["address"]["ru"] = "010000, г. Астана, ул. Кенесары, д. 40, кв. 7"
    assert data == expected  # nothing else changed
    applicant = load_project(target).project.applicant
    assert applicant is not None and applicant.address["ru"] == "010000, г. Астана, ул. Кенесары, д. 40, кв. 7"
    assert page.input_value("#address_ru") == "010000, г. Астана, ул. Кенесары, д. 40, кв. 7"
    assert "900101300126" not in page.url and "900101300126" not in desk.log()


def test_the_sample_iin_is_flagged_beside_its_field_and_refused_when_typed(serve, project_folder: Path,
                                                                           empty_folder: Path, browser_page) -> None:
    commented(project_folder)
    desk = serve(project_folder)
    page = browser_page
    page.goto(desk.url + "settings")
    warning = page.locator("#error-iin")  # the file's IIN is the examples' sample: said beside it at once
    assert "образец ИИН" in warning.inner_text()
    assert page.locator("#error-iin + input").get_attribute("id") == "iin"
    assert "#iin" not in page.url

    page.fill("#iin", "850315300009")
    page.click("#settings-applicant button[type=submit]")
    expect(page.locator("#saved-applicant")).to_be_visible()
    assert page.locator("#error-iin").count() == 0
    page.wait_for_load_state("load")
    page.fill("#iin", "900101300126")  # typed again: refused, nothing written
    expect(page.locator("#iin")).to_have_value("900101300126")
    page.click("#settings-applicant button[type=submit]")
    expect(page.locator("#error-iin")).to_contain_text("образец ИИН")
    assert load_project(project_folder / "complaints.yaml").project.applicant.iin == "850315300009"  # type: ignore[union-attr]

    first = serve(empty_folder)  # the first run refuses it too
    page.goto(first.url + "first-run")
    for code in ("kk", "ru", "en"):
        page.fill(f"#name_{code}", "Алиева Гульнар" if code != "en" else "Gulnar Aliyeva")
        page.fill(f"#address_{code}", "050000, Алматы, Абай, 52" if code != "en" else "52 Abay Avenue, Almaty")
    page.fill("#iin", "900101300126")
    page.click("button[type=submit]")
    assert "образец ИИН" in page.locator("#error-iin").inner_text()
    assert page.input_value("#name_ru") == "Алиева Гульнар"
    assert not (empty_folder / "complaints.yaml").exists()


def _unconfirmed(page) -> list[str]:  # noqa: ANN001 - a Playwright Page
    return page.locator("#findings li[data-kind=unconfirmed] code").all_inner_texts()


def _refusal(page) -> str:  # noqa: ANN001
    page.locator("#make form button[name=final][value='1']").click()
    page.wait_for_selector("#made")
    return page.locator("[data-made=failed]").inner_text()


def test_the_ministrys_address_and_addressee_confirmed_with_a_source_leave_check_nothing_unconfirmed(
        serve, project_folder: Path, browser_page) -> None:
    target = commented(project_folder)
    desk = serve(project_folder)
    page = browser_page
    letters = f"{desk.url}letters?file={quote(EXAMPLE)}"
    page.goto(letters)
    assert sorted(_unconfirmed(page)) == ["authority.address", "authority.addressee"]
    assert "authority.address" in _refusal(page)

    page.goto(desk.url + "settings")
    section = page.locator("#authority")
    assert "не сверен с официальным источником" in section.locator("#unconfirmed-address").inner_text()  # why
    assert "primeminister.kz" in section.locator("#unconfirmed-addressee").inner_text()
    profile = authorities()["mki-rk"]
    assert page.input_value("#authority_address_ru") == profile.address["ru"]
    assert page.input_value("#authority_addressee_ru") == "\n".join(profile.addressee["ru"])
    assert "электронной почты" in section.locator("#authority-email").inner_text()  # none invented

    page.check("#authority_address_checked")  # ticked without where it was checked: refused, said beside the field
    page.click("#settings-authority button[type=submit]")
    assert "где вы это сверили" in page.locator("#error-authority_address_source").inner_text()
    assert "authority:" in target.read_text(encoding="utf-8") and "base:" not in target.read_text(encoding="utf-8")

    for name, source in (("address", SOURCE), ("addressee", "Указ Президента Республики Казахстан")):
        page.fill(f"#authority_{name}_source", source)
        page.fill(f"#authority_{name}_day", "2026-12-01")
        page.check(f"#authority_{name}_checked")
    page.click("#settings-authority button[type=submit]")
    expect(page.locator("#saved-authority")).to_be_visible()
    assert SOURCE in page.locator("#confirmed-address").inner_text()

    text = target.read_text(encoding="utf-8")
    authority = yaml.safe_load(text)["authority"]
    assert authority["base"] == "mki-rk" and authority["address"] == profile.address and "unconfirmed" not in authority
    assert f"{SOURCE}, 2026-12-01" in text and OWN_NOTE in text  # where and when, beside the value
    assert "01.12.2026" in page.locator("#confirmed-address").inner_text()

    page.goto(letters)
    assert _unconfirmed(page) == []
    assert "authority." not in _refusal(page)  # "Подготовить к подписи" no longer lists them


def test_an_address_corrected_but_not_ticked_is_kept_unconfirmed_and_check_still_reminds(
        serve, project_folder: Path, browser_page) -> None:
    target = commented(project_folder)
    desk = serve(project_folder)
    page = browser_page
    page.goto(desk.url + "settings")
    page.fill("#authority_address_ru", "010000, г. Астана, проспект Мәңгілік Ел, 8, Дом министерств, подъезд 15")
    page.click("#settings-authority button[type=submit]")
    expect(page.locator("#saved-authority")).to_be_visible()
    authority = yaml.safe_load(target.read_text(encoding="utf-8"))["authority"]
    assert authority["address"]["ru"].endswith("подъезд 15") and "address" in authority["unconfirmed"]
    assert "не сверено" in page.locator("#unconfirmed-address").inner_text()
    page.goto(f"{desk.url}letters?file={quote(EXAMPLE)}")
    assert sorted(_unconfirmed(page)) == ["authority.address", "authority.addressee"]


def test_a_file_changed_on_disk_since_the_page_was_opened_is_not_overwritten(serve, project_folder: Path,
                                                                             browser_page) -> None:
    target = commented(project_folder)
    desk = serve(project_folder)
    page = browser_page
    page.goto(desk.url + "settings")
    edited = target.read_text(encoding="utf-8") + "# edited by hand meanwhile\n"
    target.write_text(edited, encoding="utf-8")
    page.fill("#address_ru", "010000, г. Астана, ул. Кенесары, д. 40")
    page.click("#settings-applicant button[type=submit]")
    expect(page.locator("#changed")).to_be_visible()
    assert target.read_text(encoding="utf-8") == edited
    assert page.input_value("#address_ru") == "010000, г. Астана, ул. Кенесары, д. 40"  # what was typed is kept

    page.goto(desk.url + "settings")
    target.write_text(edited + "# and again\n", encoding="utf-8")
    page.fill("#authority_address_source", SOURCE)
    page.fill("#authority_address_day", "2026-12-01")
    page.check("#authority_address_checked")
    page.click("#settings-authority button[type=submit]")
    expect(page.locator("#changed")).to_be_visible()
    assert target.read_text(encoding="utf-8") == edited + "# and again\n"
    assert page.input_value("#authority_address_source") == SOURCE


def test_the_page_speaks_kazakh(serve, project_folder: Path, browser_page) -> None:
    commented(project_folder)
    desk = serve(project_folder)
    page = browser_page
    page.goto(desk.url + "lang/kk?back=/settings")
    page.wait_for_url("**/settings")
    assert page.locator("h1").inner_text() == "Өтініш беруші мен адресат"
    assert page.locator("html").get_attribute("lang") == "kk"
    main = page.locator("main").inner_text()
    for words in ("Тегі, аты, әкесінің аты (бар болса) немесе атауы", "Министрліктің пошта мекенжайы",
                  "Мен мұны ресми дереккөзбен салыстырдым", "Расталмаған:", "мысалдардағы"):
        assert words in main, words
    assert "образец" not in main and "Not confirmed" not in main


def test_a_finding_about_complaints_yaml_links_to_where_it_is_put_right() -> None:
    from complaints.web.pages.settings import fix_link

    assert fix_link("applicant.iin") == "/settings#iin"
    assert fix_link("applicant.name.ru") == "/settings#name_ru"
    assert fix_link("applicant.address") == "/settings#group-address"
    assert fix_link("applicant.email", "cases/complaints.yaml") == "/settings#email"
    assert fix_link("applicant.signatory.name.kk") == "/settings#signatory_name_kk"
    assert fix_link("authority.address") == "/settings#authority-address"
    assert fix_link("authority.addressee", "complaints.yaml") == "/settings#authority-addressee"
    assert fix_link("authority.email") == "/settings#authority"
    assert fix_link("languages") == "/settings#group-languages"
    assert fix_link("applicant.iin", "cases/own-case.yaml") is None  # a case's own applicant: the case page's
    assert fix_link("comment.text") is None


def test_the_forms_save_with_javascript_off(serve, project_folder: Path, chromium) -> None:
    target = commented(project_folder)
    desk = serve(project_folder)
    context = chromium.new_context(java_script_enabled=False, locale="ru-RU")
    try:
        page = context.new_page()
        page.goto(desk.url + "settings")
        page.fill("#authority_addressee_source", "Указ Президента Республики Казахстан")
        page.fill("#authority_addressee_day", "2026-12-01")
        page.check("#authority_addressee_checked")
        page.click("#settings-authority button[type=submit]")
        expect(page.locator("#saved-authority")).to_be_visible()  # a full page load: waited for
        authority = yaml.safe_load(target.read_text(encoding="utf-8"))["authority"]
        assert set(authority) == {"base", "addressee"}  # the address stays the profile's, and its doubt with it
        page.check("input[name=kind][value=organisation]")
        page.click("#settings-applicant button[type=submit]")  # an organisation needs its BIN and signatory
        expect(page.locator("#error-bin")).to_be_visible()
        expect(page.locator("#error-signatory_name_ru")).to_be_visible()
        assert yaml.safe_load(target.read_text(encoding="utf-8"))["applicant"]["kind"] == "person"
    finally:
        context.close()


def test_a_person_made_an_organisation_changes_only_the_applicants_fields() -> None:
    from complaints.case.write import REMOVE
    from complaints.web import applicant

    data = {"applicant": {**PROJECT["applicant"], "name": "Один текст для всех языков", "outgoing": {"prefix": "A-"}},
            "languages": ["ru", "kk"]}
    values = applicant.from_project(data)
    assert values["name_ru"] == values["name_kk"] == "Один текст для всех языков" and values["name_en"] == ""
    assert applicant.changes(data, values) == ([], set())  # as it was: nothing to write
    values.update(kind="organisation", bin="850315300009", signatory_name_ru="Алиева Гульнар",
                  signatory_name_kk="Әлиева Гүлнар", signatory_position_ru="Председатель",
                  signatory_position_kk="Төраға")
    changes, inputs = applicant.changes(data, values)
    assert dict(changes) == {
        ("applicant", "kind"): "organisation", ("applicant", "iin"): REMOVE, ("applicant", "bin"): "850315300009",
        ("applicant", "signatory"): {"name": {"kk": "Әлиева Гүлнар", "ru": "Алиева Гульнар"},
                                     "position": {"kk": "Төраға", "ru": "Председатель"}}}
    assert {"kind", "bin"} <= inputs and "name_ru" not in inputs
