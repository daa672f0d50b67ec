"""case/write.py: the one case-file writer and id scheme of `new` and `import`."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from complaints.case.write import REMOVE, case_text, draft_case, outlet_slug, suggest_id, updated_text, write_case
from complaints.layout import shown
from tests.conftest import case_data

SEED = {"outlet": {"name": "Nur.kz", "url": "https://www.nur.kz"},
        "article": {"url": "https://www.nur.kz/example-article-path/", "published": "2023-10-06"},
        "comment": {"author": "ZapadNamNePomozhet", "posted": "2023-10-06T22:53",
                    "text": "Не хватает слов в казахском языке, чтобы переводить человеческие языки?"}}


def with_comment(**changes: object) -> dict:
    return {**SEED, "comment": {**SEED["comment"], **changes}}


def test_an_outlet_is_named_by_its_host_as_the_grouped_letters_name_their_folders() -> None:
    assert outlet_slug("https://www.nur.kz") == outlet_slug("http://Nur.KZ/society/1/") == "nur-kz"
    assert outlet_slug("https://zonakz.net/") == "zonakz-net"  # the grouped letters: outlet-zonakz-net/
    assert outlet_slug("https://www.tengrinews.kz:8443/x") == "tengrinews-kz"
    assert outlet_slug("https://сайт.kz/") == "xn-80aswg-kz"  # another script: by its IDNA form, still distinct
    assert outlet_slug("nur kz") == outlet_slug("") == ""


def test_the_id_is_outlet_date_and_a_hash_of_the_comment() -> None:
    case_id = suggest_id(SEED)
    assert re.fullmatch(r"nur-kz-2023-10-06-[0-9a-f]{16}", case_id)
    # however the same comment was typed: day first, spaces around the name, Windows line ends
    assert suggest_id(with_comment(posted="06.10.2023 22:53")) == case_id
    assert suggest_id(with_comment(posted="2023-10-06T22:53+06:00")) == case_id  # the same instant
    assert suggest_id(with_comment(author="  ZapadNamNePomozhet ")) == case_id
    assert suggest_id({**SEED, "outlet": {"name": "Nur.kz", "url": "http://nur.kz/"}}) == case_id
    # another comment: another id, even on the same outlet and day
    others = [with_comment(author="someone"), with_comment(posted="2023-10-06T22:54"),
              with_comment(text=SEED["comment"]["text"] + "!"),
              {**SEED, "article": {**SEED["article"], "url": "https://www.nur.kz/other/"}}]
    assert len({case_id, *(suggest_id(o) for o in others)}) == 1 + len(others)
    assert all(suggest_id(o).startswith("nur-kz-2023-10-06-") for o in others)


def test_the_id_falls_back_to_the_articles_date_and_to_undated() -> None:
    assert suggest_id(with_comment(posted=None)).startswith("nur-kz-2023-10-06-")
    bare = {"outlet": {"name": "Сайт"}, "comment": {"text": "x"}}
    assert re.fullmatch(r"case-undated-[0-9a-f]{16}", suggest_id(bare))
    long = {**SEED, "outlet": {"url": "https://" + "very-long-name." * 10 + "kz"}}
    assert len(suggest_id(long)) <= 80 and re.fullmatch(r"[a-z0-9][a-z0-9-]*", suggest_id(long))


def test_ids_of_a_hundred_thousand_comments_on_one_outlet_and_day_never_meet() -> None:
    ids = {suggest_id(with_comment(text=f"Комментарий номер {n}")) for n in range(100_000)}
    assert len(ids) == 100_000


def test_texts_by_language_go_on_one_line_while_short_and_read_back_exactly() -> None:
    odd = {"ru": "a: b, [c] {d} #e", "kk": "no", "en": "Screenshot"}
    data = {"id": "x", "evidence": [{"url": "https://a.kz/", "description": odd}],
            "outlet": {"name": "N", "url": "https://a.kz", "owner": {"ru": "Д" * 80, "kk": "Қ" * 80}}}
    text = case_text(data, header="made here")
    assert text.startswith("# made here\nformat: 1")
    assert '    description: {ru: "a: b, [c] {d} #e", kk: "no", en: Screenshot}' in text
    assert re.search(r"\n  owner: +# [^\n]+\n    ru: Д+\n    kk: Қ+\n", text)  # too long for one line
    assert yaml.load(text, Loader=yaml.BaseLoader) == {"format": "1", **data}


def test_an_update_keeps_every_other_line_and_comment() -> None:
    text = ("# mine\nformat: 1\nid: x   # my id\ncomment:\n  text: old   # keep this\n"
            "x-note: mine\n")
    updated = updated_text(text, [(("comment", "text"), "new"), (("comment", "author"), "A"),
                                  (("comment", "posted"), "2023-10-06")])
    assert updated == ("# mine\nformat: 1\nid: x   # my id\ncomment:\n  author: A\n  posted: 2023-10-06\n"
                       "  text: new   # keep this\nx-note: mine\n")


def test_an_update_removes_a_field_and_the_mapping_it_leaves_empty() -> None:
    text = ("format: 1\nid: x   # my id\ncomment:\n  url: https://a.kz/#c   # the permalink\n"
            "  text: old   # keep this\n  translations:\n    en: Old\noutlet:\n  owner: ТОО\n")
    updated = updated_text(text, [(("comment", "url"), REMOVE), (("comment", "translations", "en"), REMOVE),
                                  (("outlet", "owner"), REMOVE), (("title",), REMOVE)])
    assert updated == "format: 1\nid: x   # my id\ncomment:\n  text: old   # keep this\n"


def test_an_update_goes_through_a_list_by_its_index() -> None:
    text = ("format: 1\nevidence:\n  - file: a.png   # mine\n    description: A\n"
            "  - url: https://a.kz/\n    description: B\n")
    updated = updated_text(text, [(("evidence", 0, "description"), {"ru": "Снимок", "kk": "Сурет", "en": "Shot"}),
                                  (("evidence", 1), REMOVE)])
    assert updated == ("format: 1\nevidence:\n  - file: a.png   # mine\n"
                       "    description: {ru: Снимок, kk: Сурет, en: Shot}\n")


def test_a_draft_is_what_write_case_would_write_and_writes_nothing(project_dir: Path) -> None:
    data = case_data()
    target, text, problems = draft_case(data, project_dir)
    assert target == project_dir / "test-case.yaml" and not target.exists()
    assert not [p for p in problems if p.is_error]
    assert write_case(data, project_dir).read_text(encoding="utf-8") == text
    _, _, again = draft_case(data, project_dir)
    assert [p.message for p in again if p.field == "id"] == [f"{shown(target)} already exists; give another id"]
