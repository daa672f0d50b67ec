"""An existing complaints.yaml updated (case/project.py): the fields given set, every other line and comment kept;
the addressee's fields as the user confirmed them, where and when beside them; never over a file changed on disk
or with a text load_project refuses."""

from __future__ import annotations

import hashlib
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from test_check import clean_project

from complaints.case.law import authorities
from complaints.case.project import (
    Changed,
    authority_changes,
    confirmation_note,
    confirmation_of,
    project_text,
    replace_project,
    updated_project_text,
)
from complaints.case.read import load_case, load_project
from complaints.case.write import REMOVE
from complaints.errors import ProjectError
from complaints.review.content import authority_findings

REPO = Path(__file__).resolve().parents[1]
CASE = "nurkz-2023-10-06-kazakh-language.yaml"

# a project file as a lawyer keeps it: the tool's comments, their own, a note field, a quoted value
HAND_WRITTEN = """\
# Our project: the association's complaints.
applicant:                 # who appeals
  kind: person
  name: {kk: "Әлиева Гүлнар", ru: 'Алиева Гульнар', en: Gulnar Aliyeva}
  iin: "850315300009"      # checked against the ID card, 2026-11-30
  address:
    kk: "050000, Алматы қ., Абай даңғылы, 52-үй, 14-пәтер"
    ru: "050000, г. Алматы, пр. Абая, д. 52, кв. 14"   # as on the envelope
    en: "Apt. 14, 52 Abay Avenue, Almaty 050000, Kazakhstan"
  phone: "+7 701 384 21 57"
  x-note: keep the phone private when possible
# the letters' languages
languages: [kk, ru, en]
authority: mki-rk          # the Ministry
"""


def _profile(name: str) -> dict[str, Any]:
    return dict(getattr(authorities()["mki-rk"], name))


def _doubts(folder: Path) -> set[str]:
    """The addressee's fields check calls unconfirmed for the example case under this project file."""
    return set(_unconfirmed(folder))


def _unconfirmed(folder: Path) -> dict[str, str]:
    case = load_case(folder / CASE, project=folder / "complaints.yaml")
    return {f.field: f.message for f in authority_findings(case)[1]}


def test_an_address_changed_keeps_every_other_line_and_comment() -> None:
    new = "050010, г. Алматы, ул. Жибек Жолы, д. 1"
    text = updated_project_text(HAND_WRITTEN, [(("applicant", "address", "ru"), new)])
    before, after = HAND_WRITTEN.splitlines(), text.splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert len(changed) == 1 and changed[0][0].startswith('    ru: "050000, г. Алматы, пр. Абая, д. 52, кв. 14"')
    assert changed[0][1].startswith(f'    ru: "{new}"') and changed[0][1].endswith("   # as on the envelope")
    data = yaml.safe_load(text)
    expected = yaml.safe_load(HAND_WRITTEN)
    expected["applicant"]["address"]["ru"] = new
    assert data == expected


def test_a_field_removed_and_one_added_leave_the_rest_as_it_was() -> None:
    text = updated_project_text(HAND_WRITTEN, [(("applicant", "phone"), REMOVE),
                                               (("applicant", "email"), "g.aliyeva@mail.kz")])
    data = yaml.safe_load(text)
    assert "phone" not in data["applicant"] and data["applicant"]["email"] == "g.aliyeva@mail.kz"
    assert data["applicant"]["x-note"] == "keep the phone private when possible"
    for kept in ("# Our project: the association's complaints.", "# checked against the ID card, 2026-11-30",
                 "# the letters' languages", "# the Ministry", "# as on the envelope"):
        assert kept in text


def test_the_tools_own_file_keeps_its_comments_in_each_language() -> None:
    original = project_text(clean_project() | {"authority": "mki-rk"}, "kk")
    text = updated_project_text(original, [(("applicant", "iin"), "850315300009")])
    def comments(of: str) -> list[str]:
        return [line[line.index("#"):] for line in of.splitlines() if "#" in line]

    assert comments(original) == comments(text) and len(comments(text)) > 10
    assert yaml.safe_load(text)["applicant"]["iin"] == "850315300009"
    assert '"850315300009"' in text  # the IIN stays a quoted text


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_where_and_when_the_user_checked_reads_back_from_its_comment(lang: str) -> None:
    source = "https://www.gov.kz/memleket/entities/mam"
    changes, notes = authority_changes(yaml.safe_load(HAND_WRITTEN),
                                       {"address": (_profile("address"), (source, date(2026, 12, 1)))}, lang, "why")
    text = updated_project_text(HAND_WRITTEN, changes, notes)
    assert confirmation_note(source, date(2026, 12, 1), lang) in text
    assert confirmation_of(text, ("authority", "address")) == (source, date(2026, 12, 1))
    assert confirmation_of(text, ("authority", "addressee")) is None
    assert "# the Ministry" in text  # the comment of `authority: mki-rk` stays on the line that became a mapping


def _written(folder: Path, text: str) -> Path:
    if not (folder / CASE).exists():  # the example case beside it, with its evidence
        shutil.copytree(REPO / "cases", folder, dirs_exist_ok=True)
    target = folder / "complaints.yaml"
    target.write_text(text, encoding="utf-8")
    return target


def test_both_fields_confirmed_leave_check_nothing_unconfirmed(tmp_path: Path) -> None:
    target = _written(tmp_path, HAND_WRITTEN)
    assert _doubts(tmp_path) == {"authority.address", "authority.addressee"}
    checked = ("a decree of the President, No. 1", date(2026, 11, 30))
    changes, notes = authority_changes(yaml.safe_load(HAND_WRITTEN), {"address": (_profile("address"), checked),
                                                                      "addressee": (_profile("addressee"), checked)},
                                       "ru", "why")
    sha = hashlib.sha256(target.read_bytes()).hexdigest()
    replace_project(target, updated_project_text(HAND_WRITTEN, changes, notes), sha)
    assert _doubts(tmp_path) == set()
    authority = load_project(target).project.authority
    assert authority is not None and not isinstance(authority, str) and authority.base == "mki-rk"
    assert authority.address == _profile("address") and authority.unconfirmed is None


def test_a_corrected_field_not_ticked_is_written_unconfirmed_so_check_still_reminds(tmp_path: Path) -> None:
    _written(tmp_path, HAND_WRITTEN)
    address = _profile("address") | {"ru": "010000, г. Астана, пр. Мәңгілік Ел, 8, подъезд 15"}
    changes, notes = authority_changes(yaml.safe_load(HAND_WRITTEN), {"address": (address, None)}, "ru",
                                       "исправлено, но не сверено")
    text = updated_project_text(HAND_WRITTEN, changes, notes)
    assert yaml.safe_load(text)["authority"] == {"base": "mki-rk", "address": address,
                                                 "unconfirmed": {"address": "исправлено, но не сверено"}}
    _written(tmp_path, text)
    said = _unconfirmed(tmp_path)
    assert set(said) == {"authority.address", "authority.addressee"}
    assert said["authority.address"].startswith("исправлено, но не сверено")


def test_a_field_confirmed_then_unticked_goes_back_under_unconfirmed_without_its_note(tmp_path: Path) -> None:
    checked = ("https://www.gov.kz/memleket/entities/mam", date(2026, 11, 30))
    changes, notes = authority_changes(yaml.safe_load(HAND_WRITTEN), {"address": (_profile("address"), checked)},
                                       "en", "why")
    first = updated_project_text(HAND_WRITTEN, changes, notes)
    changes, notes = authority_changes(yaml.safe_load(first), {"address": (_profile("address"), None)}, "en",
                                       "not checked")
    second = updated_project_text(first, changes, notes)
    assert yaml.safe_load(second)["authority"]["unconfirmed"] == {"address": "not checked"}
    assert confirmation_of(second, ("authority", "address")) is None
    changes, notes = authority_changes(yaml.safe_load(second), {"address": (_profile("address"), checked)}, "en", "x")
    third = updated_project_text(second, changes, notes)
    assert "unconfirmed" not in yaml.safe_load(third)["authority"]
    assert confirmation_of(third, ("authority", "address")) == checked


def test_the_profiles_own_value_not_ticked_changes_nothing() -> None:
    assert authority_changes(yaml.safe_load(HAND_WRITTEN), {"address": (_profile("address"), None),
                                                            "addressee": (_profile("addressee"), None)},
                             "ru", "why") == ([], {})


def test_a_file_changed_on_disk_since_it_was_read_is_not_replaced(tmp_path: Path) -> None:
    target = _written(tmp_path, HAND_WRITTEN)
    sha = hashlib.sha256(target.read_bytes()).hexdigest()
    target.write_text(HAND_WRITTEN + "# edited by hand meanwhile\n", encoding="utf-8")
    with pytest.raises(Changed):
        replace_project(target, updated_project_text(HAND_WRITTEN, [(("applicant", "phone"), REMOVE)]), sha)
    assert target.read_text(encoding="utf-8").endswith("# edited by hand meanwhile\n")
    target.unlink()
    with pytest.raises(Changed):
        replace_project(target, HAND_WRITTEN, sha)
    assert not target.exists()


@pytest.mark.parametrize("change", [(("applicant", "iin"), "850315300008"),  # fails its check digit
                                    (("applicant", "kind"), "company"),
                                    (("authority", "base"), "no-such-profile"),
                                    (("applicant", "address"), REMOVE)])
def test_a_text_load_project_refuses_writes_nothing(tmp_path: Path, change: Any) -> None:
    target = _written(tmp_path, HAND_WRITTEN.replace("authority: mki-rk", "authority: {base: mki-rk}"))
    before = target.read_bytes()
    text = updated_project_text(before.decode("utf-8"), [change])
    with pytest.raises(ProjectError) as refused:
        replace_project(target, text, hashlib.sha256(before).hexdigest())
    assert any(p.is_error for p in refused.value.problems)
    assert target.read_bytes() == before
