"""`render --group-by outlet`: one letter per outlet and language about every comment against it."""

from __future__ import annotations

import email
import email.policy
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import LETTER_DATE, REPO, case_data, docx_text, write_yaml
from typer.testing import CliRunner

import complaints
from complaints.batch.workers import Worker, Workers
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
    assert "6 files written for 6 letters of 2 outlets" in output
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
    assert "в отношении двух комментариев" in text
    first, second = text.index("Комментарий № 1"), text.index("Комментарий № 2")
    assert first < text.index("FirstAuthor") < text.index("Первый мерзкий комментарий") < second
    assert second < text.index("SecondAuthor") < text.index("Второй мерзкий комментарий")
    law1, law2 = text.index("По комментарию № 1:"), text.index("По комментарию № 2:")
    assert law1 < text.index("часть 1 статьи 174", law1) < law2  # comment 1 cites the Criminal Code
    assert "часть 1 статьи 174" not in text[law2:]  # comment 2 cites the media law only
    assert "статья 2 Закона" in text[law2:]
    assert "требование об удалении комментариев" in text
    kk = docx_text(tmp_path / "out" / "outlet-nur-kz" / "outlet-nur-kz.kk.docx")
    assert "№ 1 пікір" in kk and "№ 2 пікір" in kk and "2 (екі) пікірге" in kk
    en = docx_text(tmp_path / "out" / "outlet-nur-kz" / "outlet-nur-kz.en.docx")
    assert "Comment No. 1" in en and "concerning two comments" in en


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


# ---------------------------------------------------------------- one engine: workers, --force, incremental runs

OUTLETS = {"nur": "https://www.nur.kz", "zona": "https://zonakz.net", "tengri": "https://tengrinews.kz"}


def _outlet_batch(folder: Path) -> None:
    """Two comments on nur.kz, one on zonakz.net (with no posting date: a warning), one on tengrinews.kz."""
    for name, outlet, extra in (("nur-1", "nur", {}), ("nur-2", "nur", {}), ("zona-1", "zona", {"comment.posted": None}),
                                ("tengri-1", "tengri", {})):
        write_yaml(folder / f"{name}.yaml", case_data(**{"id": name, "outlet.url": OUTLETS[outlet],
                                                         "comment.text": f"Комментарий {name}\n", **extra}))


def _grouped(folder: Path, out: Path, **kwargs: Any) -> complaints.BatchResult:
    return complaints.render_batch([folder], out=out, letter_date=LETTER_DATE, group_by="outlet", **kwargs)


def _files(out: Path) -> dict[str, tuple[int, int, bytes]]:
    """Every letter under OUT: (inode, mtime_ns, bytes), to see what was rewritten."""
    return {p.relative_to(out).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns, p.read_bytes())
            for p in sorted(out.glob("*/*.*"))}


def test_changing_one_case_rerenders_only_its_outlets_letters(project_dir: Path, tmp_path: Path) -> None:
    _outlet_batch(project_dir)
    out = tmp_path / "out"
    first = _grouped(project_dir, out, workers=1)
    assert (first.rendered, first.letters, first.unchanged) == (3, 9, 0)
    before = _files(out)
    read: list[str] = []
    original = Worker.read

    def spy(self: Worker, path: str | Path) -> Any:
        read.append(Path(path).name)
        return original(self, path)

    write_yaml(project_dir / "nur-2.yaml", case_data(**{"id": "nur-2", "outlet.url": OUTLETS["nur"],
                                                         "comment.text": "Изменённый комментарий\n"}))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Worker, "read", spy)
        again = _grouped(project_dir, out, workers=1)
    assert read == ["nur-2.yaml"]  # the others' outlets come from the manifest, unread
    assert (again.rendered, again.letters, again.unchanged, again.failed) == (1, 3, 2, 0)
    after = _files(out)
    changed = {name for name in after if after[name] != before[name]}
    assert changed == {f"outlet-nur-kz/outlet-nur-kz.{lang}.docx" for lang in ("kk", "ru", "en")}
    assert "Изменённый комментарий" in docx_text(out / "outlet-nur-kz" / "outlet-nur-kz.ru.docx")
    rows = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]
    assert {tuple(r["covers"]) for r in rows} == {("nur-1", "nur-2"), ("zona-1",), ("tengri-1",)}


def test_an_unchanged_grouped_run_rewrites_nothing(project_dir: Path, tmp_path: Path) -> None:
    _outlet_batch(project_dir)
    out = tmp_path / "out"
    _grouped(project_dir, out)
    before, manifest_before = _files(out), (out / "manifest.json").stat()
    again = _grouped(project_dir, out)
    assert (again.rendered, again.letters, again.unchanged, again.failed) == (0, 0, 4, 0)
    assert _files(out) == before
    after = (out / "manifest.json").stat()
    assert (after.st_ino, after.st_mtime_ns) == (manifest_before.st_ino, manifest_before.st_mtime_ns)


def test_moving_a_case_to_another_outlet_rerenders_both_outlets_only(project_dir: Path, tmp_path: Path) -> None:
    _outlet_batch(project_dir)
    out = tmp_path / "out"
    _grouped(project_dir, out)
    before = _files(out)
    write_yaml(project_dir / "nur-2.yaml", case_data(**{"id": "nur-2", "outlet.url": OUTLETS["tengri"],
                                                         "comment.text": "Комментарий nur-2\n"}))
    again = _grouped(project_dir, out)
    assert (again.rendered, again.unchanged) == (2, 1)
    after = _files(out)
    assert {name.split("/")[0] for name in after if after[name] != before[name]} == {"outlet-nur-kz",
                                                                                     "outlet-tengrinews-kz"}
    rows = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]
    assert {tuple(r["covers"]) for r in rows} == {("nur-1",), ("zona-1",), ("nur-2", "tengri-1")}


def test_force_and_workers_render_every_outlet_the_same(project_dir: Path, tmp_path: Path) -> None:
    _outlet_batch(project_dir)
    one, two = tmp_path / "one", tmp_path / "two"
    _grouped(project_dir, one, workers=1)
    pools: list[int] = []
    original = Workers._start

    def spy(self: Workers) -> Any:
        pools.append(self.processes)
        return original(self)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Workers, "_start", spy)
        result = _grouped(project_dir, two, workers=2)
    assert pools and set(pools) == {2}  # worker processes did the reading and the rendering
    assert result.letters == 9
    assert {k: v[2] for k, v in _files(one).items()} == {k: v[2] for k, v in _files(two).items()}
    before = _files(two)
    code, output = _render(project_dir, two, "--workers", "2", "--force")
    assert code == 0, output
    assert "9 files written for 9 letters of 3 outlets" in output
    after = _files(two)
    assert all(after[name][:2] != before[name][:2] and after[name][2] == before[name][2] for name in before)


def test_grouped_runs_count_warnings_as_single_runs_do(project_dir: Path, tmp_path: Path) -> None:
    _outlet_batch(project_dir)
    single = complaints.render_batch([project_dir], out=tmp_path / "single", letter_date=LETTER_DATE)
    grouped = _grouped(project_dir, tmp_path / "grouped")
    assert single.warnings == grouped.warnings == 1
    assert _grouped(project_dir, tmp_path / "grouped").warnings == 1  # unchanged, still counted
    write_yaml(project_dir / "zona-2.yaml", case_data(**{"id": "zona-2", "outlet.url": OUTLETS["zona"],
                                                         "comment.posted": None}))
    assert _grouped(project_dir, tmp_path / "grouped").warnings == 2


def test_a_bad_case_is_read_again_until_it_is_mended(project_dir: Path, tmp_path: Path) -> None:
    _outlet_batch(project_dir)
    write_yaml(project_dir / "nur-3.yaml", case_data(**{"id": "nur-3", "comment.posted": "yesterday"}))
    out = tmp_path / "out"
    assert _grouped(project_dir, out).failed == 1
    before = _files(out)
    again = _grouped(project_dir, out)
    assert (again.failed, again.unchanged, again.letters) == (1, 4, 0)
    assert _files(out) == before
    write_yaml(project_dir / "nur-3.yaml", case_data(**{"id": "nur-3", "comment.text": "Третий\n"}))
    mended = _grouped(project_dir, out)
    assert (mended.failed, mended.rendered, mended.unchanged) == (0, 1, 2)
    rows = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert ("nur-1", "nur-2", "nur-3") in {tuple(r["covers"]) for r in rows["files"]} and rows["failures"] == []


def test_a_second_case_with_the_same_id_fails_in_grouped_runs_too(project_dir: Path, tmp_path: Path) -> None:
    _outlet_batch(project_dir)
    out = tmp_path / "out"
    _grouped(project_dir, out)
    write_yaml(project_dir / "a-first.yaml", case_data(**{"id": "zona-1", "outlet.url": OUTLETS["tengri"]}))
    result = _grouped(project_dir, out)
    [failure] = result.failures
    assert failure.source.endswith("zona-1.yaml") and "already used by" in failure.errors[0]
    rows = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]
    assert {tuple(r["covers"]) for r in rows} == {("nur-1", "nur-2"), ("zona-1", "tengri-1")}


def test_grouped_letters_name_their_outlet_as_case_ids_do() -> None:
    """One naming of outlets: the folder of an outlet's letter is outlet-<the slug that starts its cases' ids>."""
    from complaints.batch.groups import Member, letter_sets, outlet_key
    from complaints.layout import outlet_slug

    urls = ["https://www.Nur.kz/", "https://қазақстан.kz/"]
    members = [Member(f"c{i}.yaml", f"c{i}.yaml", {}, f"c{i}", ("p", outlet_key(url)))
               for i, url in enumerate(urls)]
    ids = [letters.id for letters in letter_sets(members, "outlet")]
    assert ids == ["outlet-nur-kz", "outlet-" + outlet_slug(urls[1])]
    assert outlet_slug(urls[1]).startswith("xn-")  # a host in another script by its IDNA name, not dropped
