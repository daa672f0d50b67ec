"""The `complaints` command as an advocate runs it: exit statuses, output layout, manifests, privacy."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PROJECT, case_data, docx_text, write_yaml
from typer.testing import CliRunner

from complaints.cli import app
from complaints.layout import templates_dir

runner = CliRunner()
EXAMPLES = templates_dir().parent / "cases"
IIN = PROJECT["applicant"]["iin"]


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_render_examples_layout_and_manifest(tmp_path: Path) -> None:
    out = tmp_path / "letters"
    result = run("render", str(EXAMPLES), "--out", str(out), "--date", "2026-11-25")
    assert result.exit_code == 0, result.output
    ids = ["nurkz-2023-10-06-kazakh-language", "zonakz-2018-07-12-mixed-marriages"]
    for case_id in ids:
        for lang in ("kk", "ru", "en"):
            assert (out / case_id / f"{case_id}.{lang}.docx").is_file()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["letter_date"] == "2026-11-25"
    assert len(manifest["files"]) == 6 and manifest["failures"] == []
    for row in manifest["files"]:
        data = (out / row["path"]).read_bytes()
        import hashlib

        assert row["size"] == len(data) and row["sha256"] == hashlib.sha256(data).hexdigest()
    rows = list(csv.DictReader((out / "manifest.csv").open(encoding="utf-8")))
    assert len(rows) == 6 and {r["status"] for r in rows} == {"rendered"}
    zonakz = [r for r in manifest["files"] if r["case_id"] == ids[1]]
    assert all(any("no `posted` date" in w for w in r["warnings"]) for r in zonakz)


def test_second_run_gives_the_same_bytes_and_another_date_does_not(tmp_path: Path) -> None:
    for name, day in (("a", "2026-11-25"), ("b", "2026-11-25"), ("c", "2026-11-26")):
        assert run("render", str(EXAMPLES), "--out", str(tmp_path / name), "--date", day, "-q").exit_code == 0
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert len(files) == 8
    for rel in files:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel
    changed = [rel for rel in files if rel.suffix == ".docx"
               and (tmp_path / "a" / rel).read_bytes() != (tmp_path / "c" / rel).read_bytes()]
    assert len(changed) == 6


def test_bad_case_fails_alone_and_writes_nothing(project_dir: Path, tmp_path: Path) -> None:
    write_yaml(project_dir / "good.yaml", case_data(id="good"))
    write_yaml(project_dir / "bad.yaml", case_data(id="bad", **{"comment.language": "russian"}))
    out = tmp_path / "out"
    result = run("render", str(project_dir), "--out", str(out), "--date", "2026-11-25")
    assert result.exit_code == 1
    assert "bad.yaml:" in result.output and "error: comment.language:" in result.output
    assert "Traceback" not in result.output
    assert sorted(p.name for p in out.rglob("*.docx")) == ["good.en.docx", "good.kk.docx", "good.ru.docx"]
    assert not (out / "bad").exists()
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [f["source"].endswith("bad.yaml") for f in manifest["failures"]] == [True]


def test_usage_mistakes_exit_2(tmp_path: Path) -> None:
    assert run("render", str(tmp_path / "nope")).exit_code == 2
    assert run("validate", str(tmp_path / "nope")).exit_code == 2
    assert run("render", str(EXAMPLES), "--out", str(tmp_path), "--lang", "de").exit_code == 2
    assert run("render", str(EXAMPLES), "--out", str(tmp_path), "--format", "odt").exit_code == 2
    bad_date = run("render", str(EXAMPLES), "--out", str(tmp_path), "--date", "25/13/2026")
    assert bad_date.exit_code == 2 and "2023-10-06 or 06.10.2023" in bad_date.output
    assert run("render", "--no-such-option", str(EXAMPLES)).exit_code == 2
    assert run("norms", "show", "no-such-norm").exit_code == 2


def test_date_option_day_first_as_in_kazakhstan(tmp_path: Path) -> None:
    """--date 25.11.2026 is the same day as --date 2026-11-25: the same letters, byte for byte."""
    assert run("render", str(EXAMPLES), "--out", str(tmp_path / "a"), "--date", "25.11.2026", "-q").exit_code == 0
    assert run("render", str(EXAMPLES), "--out", str(tmp_path / "b"), "--date", "2026-11-25", "-q").exit_code == 0
    letters = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.docx"))
    assert letters and all((tmp_path / "a" / p).read_bytes() == (tmp_path / "b" / p).read_bytes() for p in letters)


def test_lang_option_limits_the_letters(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("render", str(EXAMPLES), "--out", str(out), "--lang", "ru", "-q").exit_code == 0
    assert {p.name.split(".")[-2] for p in out.rglob("*.docx")} == {"ru"}


def test_json_prints_the_manifest(tmp_path: Path) -> None:
    result = run("render", str(EXAMPLES), "--out", str(tmp_path / "o"), "--json", "--date", "2026-11-25")
    assert result.exit_code == 0
    start = result.stdout.index("{")
    assert len(json.loads(result.stdout[start:])["files"]) == 6


def test_iin_appears_in_the_letter_and_nowhere_else(project_dir: Path, tmp_path: Path) -> None:
    write_yaml(project_dir / "good.yaml", case_data(id="good"))
    write_yaml(project_dir / "bad.yaml", case_data(id="bad", **{"comment.text": ""}))
    write_yaml(project_dir / "warn.yaml", case_data(id="warn", **{"comment.posted": None}))
    out = tmp_path / "out"
    results = [run("render", str(project_dir), "--out", str(out)), run("validate", str(project_dir)),
               run("render", str(project_dir), "--out", str(tmp_path / "j"), "--json")]
    for result in results:
        assert IIN not in result.output
    for path in list(out.rglob("*")) + list((tmp_path / "j").rglob("*")):
        assert IIN not in path.name
        if path.is_file() and path.suffix != ".docx":
            assert IIN not in path.read_text(encoding="utf-8"), path
    assert IIN in docx_text(out / "good" / "good.ru.docx")


def test_wrong_iin_is_not_echoed(tmp_path: Path) -> None:
    folder = tmp_path / "cases"
    wrong = "900101300127"
    write_yaml(folder / "complaints.yaml", {**PROJECT, "applicant": {**PROJECT["applicant"], "iin": wrong}})
    write_yaml(folder / "c.yaml", case_data())
    result = run("validate", str(folder))
    assert result.exit_code == 1
    assert "applicant.iin" in result.output and "check digit" in result.output
    assert wrong not in result.output


def test_norms_list_and_show() -> None:
    listing = run("norms")
    assert listing.exit_code == 0
    for norm_id in ("criminal-code-174-1", "media-law-1999-art-2", "media-law-2024",
                    "online-platforms-2023-art-9-4", "constitution-1995-art-20-3"):
        assert norm_id in listing.output
    shown = run("norms", "show", "criminal-code-174-1", "--lang", "ru")
    assert shown.exit_code == 0
    assert "часть 1 статьи 174" in shown.output
    assert "adilet.zan.kz" in shown.output and "checked:" in shown.output
    assert "not quoted" in shown.output


def test_schema_is_json_schema_of_the_case_format() -> None:
    result = run("schema")
    schema = json.loads(result.stdout)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert {"format", "id", "outlet", "article", "comment", "legal_basis"} <= set(schema["required"])
    assert schema["additionalProperties"] is False


def test_console_script_runs_without_traceback(tmp_path: Path) -> None:
    exe = shutil.which("complaints", path=os.path.dirname(sys.executable)) or shutil.which("complaints")
    assert exe, "the console script `complaints` is installed"
    done = subprocess.run([exe, "validate", str(EXAMPLES)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "2 case files checked: 2 valid, 0 with errors" in done.stderr


@pytest.mark.skipif(not shutil.which("soffice") and not os.environ.get("CI"),
                    reason="LibreOffice is not installed here (CI installs it)")
def test_letters_open_in_libreoffice(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("render", str(EXAMPLES), "--out", str(out), "-q", "--lang", "kk,ru,en").exit_code == 0
    files = sorted(out.glob("*/*.docx"))
    profile = tmp_path / "lo-profile"
    done = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "txt:Text (encoded):UTF8",
         "--outdir", str(tmp_path / "txt"), *map(str, files)],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    for file in files:
        text = (tmp_path / "txt" / (file.stem + ".txt")).read_text(encoding="utf-8-sig")
        assert "ZapadNamNePomozhet" in text or "Slava Voznyak" in text
        assert "174" in text


def test_one_worker_and_two_workers_write_the_same_files(project_dir: Path, tmp_path: Path) -> None:
    for i in range(9):
        write_yaml(project_dir / f"c{i}.yaml", case_data(id=f"case-{i}", **{"comment.text": f"Текст {i} & <{i}>"}))
    write_yaml(project_dir / "bad.yaml", case_data(id="bad", **{"outlet.url": "nope"}))
    for name, workers in (("one", "1"), ("two", "2")):
        result = run("render", str(project_dir), "--out", str(tmp_path / name), "--workers", workers, "-q",
                     "--date", "2026-11-25")
        assert result.exit_code == 1
    one = {p.relative_to(tmp_path / "one"): p.read_bytes() for p in (tmp_path / "one").rglob("*") if p.is_file()}
    two = {p.relative_to(tmp_path / "two"): p.read_bytes() for p in (tmp_path / "two").rglob("*") if p.is_file()}
    assert len(one) == 9 * 3 + 2 and one == two


def test_a_repeated_id_fails_the_later_case_only(project_dir: Path, tmp_path: Path) -> None:
    write_yaml(project_dir / "a.yaml", case_data(id="same", **{"comment.text": "first"}))
    write_yaml(project_dir / "b.yaml", case_data(id="same", **{"comment.text": "second"}))
    result = run("render", str(project_dir), "--out", str(tmp_path / "out"), "--date", "2026-11-25")
    assert result.exit_code == 1
    assert "b.yaml:2:5: error: id: id 'same' is already used by" in result.output
    assert "first" in docx_text(tmp_path / "out" / "same" / "same.en.docx")


def test_paths_are_shown_relative_to_the_folder_in_use_now(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A library caller that changes folder gets paths relative to the new one, not to the old."""
    from complaints.layout import shown

    (tmp_path / "a" / "b").mkdir(parents=True)
    target = tmp_path / "a" / "b" / "case.yaml"
    monkeypatch.chdir(tmp_path)
    assert shown(target) == "a/b/case.yaml"
    monkeypatch.chdir(tmp_path / "a")  # os.chdir: $PWD stays as it was
    assert shown(target) == "b/case.yaml"


def test_a_message_names_a_flag_only_as_the_user_typed_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A library error is about an argument: the flag goes before the message where the user typed it, after it
    (as what to give) where they did not, and nowhere for a positional argument."""
    monkeypatch.chdir(tmp_path)
    typed = run("status", "--db", str(tmp_path / "none" / "x.db"), "--today", "31.02.2026")
    assert typed.exit_code == 2 and "error: --today: '31.02.2026' is not a real date" in typed.output
    left_out = run("status")  # no complaints.yaml here: the register is found by --db, which was not typed
    assert left_out.exit_code == 2 and left_out.output.startswith("error: no complaints.yaml")
    assert left_out.output.rstrip().endswith("(--db)")
    positional = run("filed", "no-such-case", "--lang", "ru", "--on", "2026-11-03T10:00", "--channel", "post", "--anyway")
    assert positional.exit_code == 2 and "--case" not in positional.output and "no-such-case" in positional.output


def test_an_output_folder_that_is_a_file_is_refused_before_anything_is_done(tmp_path: Path) -> None:
    afile = tmp_path / "afile"
    afile.write_text("mine", encoding="utf-8")
    result = run("render", str(EXAMPLES), "--out", str(afile), "-q")
    assert result.exit_code == 2
    assert f"error: --out: the letters' folder {afile} is a file, not a folder" in result.output
    assert afile.read_text(encoding="utf-8") == "mine"


def test_files_written_get_the_users_usual_mode(tmp_path: Path) -> None:
    """Letters and case files are created as any file the user makes (their umask), not readable by them alone."""
    import os

    from complaints.files import write_new, write_whole

    old = os.umask(0o022)
    try:
        out = tmp_path / "out"
        assert run("render", str(EXAMPLES), "--out", str(out), "-q").exit_code == 0
        write_new(tmp_path / "new.yaml", b"x")
        write_whole(tmp_path / "whole.yaml", b"x")
    finally:
        os.umask(old)
    made = [*out.rglob("*.docx"), tmp_path / "new.yaml", tmp_path / "whole.yaml"]
    assert made and {p.stat().st_mode & 0o777 for p in made} == {0o644}
