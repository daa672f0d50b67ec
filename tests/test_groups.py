"""`render --group-by outlet`: one letter per outlet and language about every comment against it."""

from __future__ import annotations

import email
import email.policy
import json
from pathlib import Path

from conftest import LETTER_DATE, REPO, case_data, docx_text, write_yaml
from typer.testing import CliRunner

from complaints.cli import app

runner = CliRunner()


def _cases(folder: Path) -> None:
    write_yaml(folder / "a.yaml", case_data(**{"id": "nur-one", "comment.author": "FirstAuthor",
                                                "comment.text": "Первый мерзкий комментарий\n"}))
    write_yaml(folder / "b.yaml", case_data(**{"id": "nur-two", "outlet.url": "http://NUR.kz/",
                                                "comment.author": "SecondAuthor",
                                                "comment.text": "Второй мерзкий комментарий\n",
                                                "legal_basis.norms": ["media-law-1999-art-2"]}))
    write_yaml(folder / "c.yaml", case_data(**{"id": "zona-one", "outlet.name": "Zona.kz",
                                                "outlet.url": "https://zonakz.net", "comment.author": "Third"}))


def _render(folder: Path, out: Path, *extra: str) -> tuple[int, str]:
    result = runner.invoke(app, ["render", str(folder), "--out", str(out), "--group-by", "outlet",
                                 "--date", LETTER_DATE.isoformat(), *extra])
    return result.exit_code, result.output


def test_one_letter_per_outlet_and_language_covering_its_comments(project_dir: Path, tmp_path: Path) -> None:
    _cases(project_dir)
    code, output = _render(project_dir, tmp_path / "out")
    assert code == 0, output
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if p.is_dir()) == ["outlet-nur-kz", "outlet-zonakz-net"]
    assert "written for 2 outlets" in output
    rows = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))["files"]
    covers = {row["path"]: row["covers"] for row in rows}
    assert covers["outlet-nur-kz/outlet-nur-kz.ru.docx"] == ["nur-one", "nur-two"]
    assert covers["outlet-zonakz-net/outlet-zonakz-net.kk.docx"] == ["zona-one"]
    csv_text = (tmp_path / "out" / "manifest.csv").read_text(encoding="utf-8")
    assert "nur-one nur-two" in csv_text


def test_the_grouped_letter_numbers_each_comment_with_its_own_facts_and_norms(project_dir: Path,
                                                                            tmp_path: Path) -> None:
    _cases(project_dir)
    _render(project_dir, tmp_path / "out")
    text = docx_text(tmp_path / "out" / "outlet-nur-kz" / "outlet-nur-kz.ru.docx")
    assert "комментариев (2)" in text
    first, second = text.index("Комментарий № 1"), text.index("Комментарий № 2")
    assert first < text.index("FirstAuthor") < text.index("Первый мерзкий комментарий") < second
    assert second < text.index("SecondAuthor") < text.index("Второй мерзкий комментарий")
    law1, law2 = text.index("По комментарию № 1:"), text.index("По комментарию № 2:")
    assert law1 < text.index("часть 1 статьи 174", law1) < law2  # comment 1 cites the Criminal Code
    assert "часть 1 статьи 174" not in text[law2:]  # comment 2 cites the media law only
    assert "статья 2 Закона" in text[law2:]
    assert "в том числе по удалению комментариев" in text
    kk = docx_text(tmp_path / "out" / "outlet-nur-kz" / "outlet-nur-kz.kk.docx")
    assert "№ 1 пікір" in kk and "№ 2 пікір" in kk and "пікірлерге (2)" in kk
    en = docx_text(tmp_path / "out" / "outlet-nur-kz" / "outlet-nur-kz.en.docx")
    assert "Comment No. 1" in en and "concerning 2 comments" in en


def test_an_outlet_with_one_comment_gets_the_usual_letter(project_dir: Path, tmp_path: Path) -> None:
    _cases(project_dir)
    _render(project_dir, tmp_path / "grouped")
    result = runner.invoke(app, ["render", str(project_dir / "c.yaml"), "--out", str(tmp_path / "single"),
                                 "--date", LETTER_DATE.isoformat()])
    assert result.exit_code == 0, result.output
    for lang in ("kk", "ru", "en"):
        grouped = docx_text(tmp_path / "grouped" / "outlet-zonakz-net" / f"outlet-zonakz-net.{lang}.docx")
        single = docx_text(tmp_path / "single" / "zona-one" / f"zona-one.{lang}.docx")
        assert grouped == single


def test_a_bad_case_is_reported_and_its_outlets_letter_covers_the_others(project_dir: Path, tmp_path: Path) -> None:
    _cases(project_dir)
    write_yaml(project_dir / "d.yaml", case_data(**{"id": "nur-bad", "comment.posted": "yesterday"}))
    code, output = _render(project_dir, tmp_path / "out")
    assert code == 1
    assert "d.yaml" in output and "comment.posted" in output
    rows = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert {tuple(r["covers"]) for r in rows["files"]} == {("nur-one", "nur-two"), ("zona-one",)}
    assert [Path(f["source"]).name for f in rows["failures"]] == ["d.yaml"]


def test_shared_evidence_is_one_annex_and_one_attachment(project_dir: Path, tmp_path: Path) -> None:
    (project_dir / "shot.png").write_bytes(b"\x89PNG\r\n\x1a\nfake screenshot")
    evidence = [{"file": "shot.png", "description": {"ru": "Снимок экрана", "kk": "Скриншот", "en": "Screenshot"}}]
    write_yaml(project_dir / "a.yaml", case_data(**{"id": "one", "evidence": evidence}))
    write_yaml(project_dir / "b.yaml", case_data(**{"id": "two", "evidence": evidence,
                                                    "comment.text": "другой текст\n"}))
    code, output = _render(project_dir, tmp_path / "out", "--format", "txt,eml", "--lang", "ru")
    assert code == 0, output
    text = (tmp_path / "out" / "outlet-nur-kz" / "outlet-nur-kz.ru.txt").read_text(encoding="utf-8")
    assert text.count("shot.png") == 1
    msg = email.message_from_bytes((tmp_path / "out" / "outlet-nur-kz" / "outlet-nur-kz.ru.eml").read_bytes(),
                                   policy=email.policy.default)
    assert [p.get_filename() for p in msg.iter_attachments()] == ["outlet-nur-kz.ru.docx", "shot.png"]


def test_grouping_by_anything_else_is_a_usage_error(tmp_path: Path) -> None:
    code, output = _render(REPO / "cases", tmp_path / "out", "--group-by", "author")
    assert code == 2
    assert "outlet" in output
