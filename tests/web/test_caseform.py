"""The case form's mapping, without a browser: inputs ↔ a case's fields, the changes to an existing file, and the
input each problem is shown beside."""

from __future__ import annotations

from typing import Any

from complaints.case.write import REMOVE
from complaints.web import caseform


def _form(values: dict[str, Any]) -> tuple[caseform.Get, caseform.GetList]:
    def get(name: str) -> str:
        value = values.get(name, "")
        return value if isinstance(value, str) else ""

    def get_list(name: str) -> list[str]:
        value = values.get(name, [])
        return list(value) if isinstance(value, list) else []

    return get, get_list


OLD: dict[str, Any] = {
    "format": "1", "id": "x",
    "outlet": {"name": "Nur.kz", "url": "https://www.nur.kz", "owner": "ТОО «Нур»", "x-mine": "kept"},
    "article": {"title": "T", "url": "https://www.nur.kz/a/"},
    "comment": {"author": "A", "language": "ru", "text": "line 1\nline 2", "translations": {"en": "E", "de": "D"}},
    "legal_basis": {"norms": [{"citation": "inline"}, "media-law-1999-art-2", "criminal-code-174-1"]},
    "evidence": [{"file": "a.png", "description": "Shot"}, {"url": "https://a.kz/", "description": "Archive"}],
    "authority": "mki-rk",
}


def test_a_file_shown_in_the_form_and_sent_back_unchanged_makes_no_change() -> None:
    values = caseform.values_of(OLD)
    assert values["outlet.owner.ru"] == values["outlet.owner.kk"] == "ТОО «Нур»"
    assert values["requests"] == ["assess", "act_on_outlet", "check_outlet", "refer_to_police", "reply_in_writing"]
    values["comment.text"] = values["comment.text"].replace("\n", "\r\n")  # as a browser sends a textarea
    filled = caseform.fields_of(*_form(values), OLD)
    assert caseform.changes(OLD, filled) == []
    assert filled.data["authority"] == "mki-rk" and filled.data["outlet"]["x-mine"] == "kept"
    assert filled.data["legal_basis"]["norms"] == OLD["legal_basis"]["norms"]
    assert OLD["outlet"]["owner"] == "ТОО «Нур»"  # the file's fields are not touched


def test_cleared_inputs_take_their_fields_out_and_ticked_ones_are_added_in_order() -> None:
    values = caseform.values_of(OLD)
    values.update({"outlet.owner.ru": "", "outlet.owner.kk": "", "outlet.owner.en": "", "comment.translations.en": "",
                   "comment.posted": "06.10.2023 22:53", "evidence.1.remove": "1",
                   "legal_basis.norms": ["criminal-code-174-1", "constitution-1995-art-20-3"]})
    found = caseform.changes(OLD, caseform.fields_of(*_form(values), OLD))
    assert (("outlet", "owner"), REMOVE) in found
    assert (("comment", "translations", "en"), REMOVE) in found
    assert (("comment", "posted"), "2023-10-06T22:53") in found
    assert (("legal_basis", "norms"), [{"citation": "inline"}, "criminal-code-174-1", "constitution-1995-art-20-3"]) \
        in found
    assert found[-1] == (("evidence", 1), REMOVE)


def test_each_problem_goes_beside_its_input_or_its_group() -> None:
    slots = ["evidence.0", "evidence.2", "evidence.new"]  # item 1 of the form taken out; one being added
    assert caseform.form_key("comment.posted", slots) == "comment.posted"
    assert caseform.form_key("comment.translations.en", slots) == "comment.translations.en"
    assert caseform.form_key("outlet.owner", slots) == "outlet.owner"
    assert caseform.form_key("legal_basis.norms[1]", slots) == "legal_basis.norms"
    assert caseform.form_key("evidence[1].description", slots) == "evidence.2.description"
    assert caseform.form_key("evidence[2].file", slots) == "evidence.new.file"
    assert caseform.form_key("applicant.iin", slots) == "applicant.iin"
    assert caseform.form_key("comment", slots, "warning") == "comment.posted"
    assert caseform.form_key("", slots) == ""
    assert caseform.form_key("authority", slots) == ""


def test_an_added_file_is_carried_by_the_form_until_the_case_is_saved() -> None:
    values = caseform.values_of({})
    values.update({"evidence.new.description.ru": "Снимок", "evidence.new.description.kk": "Сурет",
                   "evidence.new.description.en": "Shot", "evidence.new.url": "https://a.kz/"})
    item = caseform.added_item(_form(values)[0], "evidence/x/a.png")
    assert item == {"file": "evidence/x/a.png", "description": {"kk": "Сурет", "ru": "Снимок", "en": "Shot"}}
    item[caseform.SHA_KEY] = "ab" * 32
    shown = caseform.with_added(values, item)
    assert shown["evidence.count"] == "1" and shown["evidence.0.file"] == "evidence/x/a.png"
    assert shown["evidence.new.url"] == "https://a.kz/"  # not lost: it can be added next
    filled = caseform.fields_of(*_form(shown), {})
    assert filled.data["evidence"] == [{**item}]
