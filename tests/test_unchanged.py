"""A render with nothing to do is answered from the last complete run's summary before the heavy imports
(batch/unchanged.py): it prints exactly what the full command prints, and anything that could change a letter
(a file touched or changed, a case added, a template, the tool's version, the letters' date, an interrupted run)
sends it to the full command, which decides by the fingerprints as before."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from complaints.batch import unchanged

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("typer", "click", "rich", "pydantic", "yaml", "jinja2", "babel", "docxtpl", "holidays")
DAY = "2026-11-25"


def run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in ("COMPLAINTS_NO_FAST", "FORCE_COLOR",
                                                                    "TTY_COMPATIBLE")}
    environment.update(env)
    return subprocess.run([sys.executable, "-m", "complaints.cli", *args], capture_output=True, text=True,
                          encoding="utf-8", env=environment, cwd=cwd)


def answered(args: list[str], cwd: Path) -> tuple[int | None, list[str]]:
    """The fast answer alone, in a process of its own: its exit status (None: the full command would run) and the
    heavy modules it imported."""
    code = ("import sys\nfrom complaints.cli.fast import answer\n"
            f"status = answer({args!r})\n"
            f"print('\\nANSWER', status, sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8", cwd=cwd,
                          env={k: v for k, v in os.environ.items() if k != "COMPLAINTS_NO_FAST"})
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("ANSWER "), done.stdout + done.stderr
    status, heavy = last[len("ANSWER "):].split(" ", 1)
    return (None if status == "None" else int(status)), eval(heavy)  # noqa: S307 - a list of names printed above


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "cases", tmp_path / "cases", ignore=shutil.ignore_patterns("*.db*"))
    return tmp_path


RENDER = ["render", "cases", "--out", "letters", "--date", DAY]


def same(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """The command answered fast and run in full give the same output and exit status; the fast one's."""
    fast = run(args, cwd)
    full = run(args, cwd, COMPLAINTS_NO_FAST="1")
    assert (fast.stdout, fast.stderr, fast.returncode) == (full.stdout, full.stderr, full.returncode)
    return fast


@pytest.mark.parametrize("extra", [[], ["-q"], ["--json"], ["--lang", "ru,kk", "--format", "docx,txt"],
                                   ["--group-by", "outlet"]])
def test_an_unchanged_run_prints_what_the_full_command_prints(project: Path, extra: list[str]) -> None:
    first = run([*RENDER, *extra], project)
    assert first.returncode == 0, first.stderr
    assert answered([*RENDER, *extra], project) == (0, [])  # answered, with nothing heavy imported
    again = same([*RENDER, *extra], project)
    if "--json" in extra:
        assert json.loads(again.stdout)["files"]
    elif "-q" not in extra:
        assert " unchanged, 0 failed" in again.stderr


def test_more_than_twenty_cases_are_counted_not_listed(project: Path) -> None:
    base = (project / "cases" / "nurkz-2023-10-06-kazakh-language.yaml").read_text(encoding="utf-8")
    first_id = base.split("id: ", 1)[1].split("\n", 1)[0].strip()
    for n in range(25):
        (project / "cases" / f"copy-{n:02d}.yaml").write_text(base.replace(f"id: {first_id}", f"id: copy-{n:02d}", 1),
                                                             encoding="utf-8")
    assert run(RENDER, project).returncode == 0
    assert answered(RENDER, project)[0] == 0
    again = same(RENDER, project)
    assert "cases, 0 letters written" in again.stderr


def test_a_touched_case_file_goes_to_the_full_command_which_finds_it_unchanged(project: Path) -> None:
    run(RENDER, project)
    case = next((project / "cases").glob("*.yaml"))
    os.utime(case, ns=(case.stat().st_atime_ns, case.stat().st_mtime_ns + 10**9))
    assert answered(RENDER, project)[0] is None
    full = run(RENDER, project, COMPLAINTS_NO_FAST="1")
    assert "no letter written" in full.stderr  # the same bytes: nothing to render
    assert answered(RENDER, project)[0] == 0  # and the next run is answered again


def test_a_changed_case_is_rendered_again(project: Path) -> None:
    run(RENDER, project)
    case = project / "cases" / "nurkz-2023-10-06-kazakh-language.yaml"
    case.write_text(case.read_text(encoding="utf-8").replace("comment:", "x-note: changed\ncomment:", 1),
                    encoding="utf-8")
    assert answered(RENDER, project)[0] is None
    assert "written for 3 letters of 1 case" in run(RENDER, project).stderr


def test_a_new_case_file_is_seen(project: Path) -> None:
    run(RENDER, project)
    source = project / "cases" / "nurkz-2023-10-06-kazakh-language.yaml"
    text = source.read_text(encoding="utf-8")
    first_id = text.split("id: ", 1)[1].split("\n", 1)[0].strip()
    (project / "cases" / "added.yaml").write_text(text.replace(f"id: {first_id}", "id: added-case", 1),
                                                  encoding="utf-8")
    assert answered(RENDER, project)[0] is None
    assert "of 1 case" in run(RENDER, project).stderr


def test_a_changed_template_the_date_and_the_options_go_to_the_full_command(project: Path) -> None:
    shutil.copytree(ROOT / "templates", project / "mine")
    own = [*RENDER, "--templates", "mine"]
    run(own, project)
    assert answered(own, project)[0] == 0
    assert answered([*RENDER, "--templates", "mine", "--date", "2026-11-26"], project)[0] is None
    assert answered(["render", "cases", "--out", "letters", "--templates", "mine"], project)[0] is None  # today
    assert answered([*own, "--format", "txt"], project)[0] is None
    assert answered([*own, "--force"], project)[0] is None
    assert answered([*own, "--final"], project)[0] is None
    template = project / "mine" / "ru" / "letter.docx"
    template.write_bytes(template.read_bytes())  # the same bytes, touched
    assert answered(own, project)[0] is None
    assert "no letter written" in run(own, project).stderr
    assert answered(own, project)[0] == 0


def test_another_version_of_the_tool_goes_to_the_full_command(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run(RENDER, project)
    monkeypatch.chdir(project)
    monkeypatch.setattr(unchanged, "__version__", "0.0.0-other")
    assert unchanged.answer(RENDER) is None
    monkeypatch.undo()
    assert answered(RENDER, project)[0] == 0


def test_an_interrupted_run_and_a_letter_changed_go_to_the_full_command(project: Path) -> None:
    run(RENDER, project)
    journal = project / "letters" / ".complaints" / "journal.jsonl"
    journal.parent.mkdir(exist_ok=True)
    journal.write_text("", encoding="utf-8")
    assert answered(RENDER, project)[0] is None
    journal.unlink()
    assert answered(RENDER, project)[0] == 0
    letter = next((project / "letters").glob("*/*.ru.docx"))
    letter.write_bytes(b"not the letter")
    assert answered(RENDER, project)[0] is None
    assert "written for 1 letter" in run(RENDER, project).stderr  # the full command makes it again


def test_any_letter_changed_goes_to_the_full_command(project: Path) -> None:
    """Every letter of every case is in the summary, the first case's as well as the last's (a letter changed or
    replaced by hand is never answered as unchanged)."""
    run(RENDER, project)
    letters = sorted((project / "letters").glob("*/*.docx"))
    assert len({p.parent for p in letters}) >= 2
    stamped = unchanged.summary_path(project / "letters").read_text(encoding="utf-8").splitlines()[-1]
    assert all(json.dumps(str(letter.relative_to(project))) in stamped for letter in letters)
    for letter in (letters[0], letters[-1]):
        was = letter.read_bytes()
        letter.write_bytes(b"not the letter")
        assert answered(RENDER, project)[0] is None, letter
        letter.write_bytes(was)
        run(RENDER, project, COMPLAINTS_NO_FAST="1")
        assert answered(RENDER, project)[0] == 0


def test_a_run_with_a_failed_case_leaves_no_summary(project: Path) -> None:
    (project / "cases" / "broken.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    assert run(RENDER, project).returncode == 1
    assert not unchanged.summary_path(project / "letters").exists()
    assert answered(RENDER, project)[0] is None


def test_nothing_but_the_summary_is_left_in_the_cache(project: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # a cache of its own: only this test's runs
    killed = unchanged.summary_path(project / "letters").with_suffix(".json.1-dead.notes")
    killed.parent.mkdir(parents=True)
    killed.write_text("[]\n", encoding="utf-8")  # what a run killed while it noted leaves
    assert run(RENDER, project).returncode == 0
    assert not killed.exists()
    (project / "cases" / "broken.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    assert run(RENDER, project).returncode == 1
    left = [p.name for p in unchanged.summary_path(project / "letters").parent.iterdir()]
    assert not [name for name in left if name.endswith((".notes", ".part"))], left


def test_a_file_added_or_removed_beside_the_evidence_goes_to_the_full_command(project: Path) -> None:
    """A capture's record and time-stamp tokens stand beside its files: `check` reads them, so a token removed (or
    one added) there is not answered from the summary."""
    run(RENDER, project)
    assert answered(RENDER, project)[0] == 0
    folder = next(p for p in (project / "cases" / "evidence").rglob("*") if p.is_file()).parent
    token = folder / "added.tsr"
    token.write_bytes(b"token")
    assert answered(RENDER, project)[0] is None
    run(RENDER, project, COMPLAINTS_NO_FAST="1")
    assert answered(RENDER, project)[0] == 0
    token.unlink()
    assert answered(RENDER, project)[0] is None
