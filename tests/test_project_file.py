"""The project file's writer (case/project.py): commented, checked by load_project, never over an existing one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from test_check import clean_project

from complaints.case.project import check_project, project_text, write_project
from complaints.case.read import load_project
from complaints.errors import ProjectError


def _applicant(**changes: Any) -> dict[str, Any]:
    data = clean_project()
    data.pop("authority")
    data["applicant"].update(changes)
    return data


def test_the_written_file_loads_as_given_with_a_comment_on_every_field(tmp_path: Path) -> None:
    target = write_project(_applicant(), tmp_path, "ru")
    text = target.read_text(encoding="utf-8")
    project = load_project(target)
    assert project.project.applicant is not None and project.project.applicant.iin == _applicant()["applicant"]["iin"]
    assert project.languages == ("kk", "ru", "en")
    assert yaml.safe_load(text)["applicant"] == _applicant()["applicant"]
    assert text.startswith("# Файл проекта")
    for line in text.splitlines():
        if line.startswith(("applicant:", "  kind:", "  name:", "  iin:", "  address:", "languages:", "authority:")):
            assert "  # " in line, line
    assert 'iin: "' in text  # digits in quotes, as a lawyer editing it must keep them


def test_the_library_default_addressee_is_written(tmp_path: Path) -> None:
    text = project_text(_applicant())
    assert yaml.safe_load(text)["authority"] == "mki-rk"
    assert yaml.safe_load(project_text({**_applicant(), "authority": "other"}))["authority"] == "other"


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_comments_are_in_the_language_asked(lang: str) -> None:
    text = project_text(_applicant(), lang)
    assert {"kk": "Жоба файлы", "ru": "Файл проекта", "en": "The project file"}[lang] in text


def test_an_organisation_with_its_signatory(tmp_path: Path) -> None:
    iin = _applicant()["applicant"].pop("iin")
    data = _applicant(kind="organisation", bin=iin, signatory={
        "name": {"kk": "Әлиева Гүлнар", "ru": "Алиева Гульнар", "en": "Gulnar Aliyeva"},
        "position": {"kk": "директор", "ru": "директор", "en": "Director"}})
    data["applicant"].pop("iin")
    target = write_project(data, tmp_path, "kk")
    applicant = load_project(target).project.applicant
    assert applicant is not None and applicant.kind == "organisation" and applicant.bin == iin
    assert applicant.signatory is not None and applicant.signatory.position["en"] == "Director"


def test_a_wrong_check_digit_is_refused_and_nothing_written(tmp_path: Path) -> None:
    good = _applicant()["applicant"]["iin"]
    bad = good[:11] + str((int(good[11]) + 1) % 10)
    with pytest.raises(ProjectError) as caught:
        write_project(_applicant(iin=bad), tmp_path)
    assert [p.field for p in caught.value.problems] == ["applicant.iin"]
    assert "check digit" in caught.value.problems[0].message
    assert not (tmp_path / "complaints.yaml").exists()


def test_every_problem_is_given_at_once(tmp_path: Path) -> None:
    data = _applicant(email="not-an-address")
    data["applicant"]["name"] = {"ru": "Алиева Гульнар"}
    fields = {p.field for p in check_project(project_text(data), tmp_path / "complaints.yaml")}
    assert fields == {"applicant.name", "applicant.email"}


def test_an_existing_project_file_is_never_replaced(tmp_path: Path) -> None:
    (tmp_path / "complaints.yaml").write_text("# mine\n", encoding="utf-8")
    with pytest.raises(FileExistsError):
        write_project(_applicant(), tmp_path)
    assert (tmp_path / "complaints.yaml").read_text(encoding="utf-8") == "# mine\n"
