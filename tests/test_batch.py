"""Batches an advocate runs overnight: incremental, resumable after a kill, and never stopped by one case."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from conftest import LETTER_DATE, PROJECT, case_data, write_yaml

import complaints
from complaints.layout import templates_dir


def make_batch(folder: Path, n: int) -> Path:
    write_yaml(folder / "complaints.yaml", PROJECT)
    for i in range(n):
        write_yaml(folder / f"case-{i:04d}.yaml", case_data(id=f"case-{i:04d}", **{"comment.text": f"Текст {i}"}))
    return folder


def files_of(out: Path) -> dict[str, tuple[int, int, bytes]]:
    """Every letter under OUT: (inode, mtime_ns, bytes), to see what was rewritten."""
    found = {}
    for path in sorted(out.rglob("*.docx")):
        st = path.stat()
        found[path.relative_to(out).as_posix()] = (st.st_ino, st.st_mtime_ns, path.read_bytes())
    return found


def render(folder: Path, out: Path, **kwargs) -> complaints.BatchResult:
    return complaints.render_batch([folder], out=out, letter_date=LETTER_DATE, **kwargs)


def manifest_paths(out: Path) -> set[str]:
    return {row["path"] for row in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]}


def test_unchanged_second_run_renders_and_rewrites_nothing(tmp_path: Path) -> None:
    folder, out = make_batch(tmp_path / "cases", 5), tmp_path / "out"
    first = render(folder, out)
    assert (first.rendered, first.letters, first.unchanged) == (5, 15, 0)
    before = files_of(out)
    manifest_before = (out / "manifest.json").stat()
    second = render(folder, out)
    assert (second.rendered, second.letters, second.unchanged, second.failed) == (0, 0, 5, 0)
    assert files_of(out) == before  # same inode, same time, same bytes: not rewritten
    after = (out / "manifest.json").stat()
    assert (after.st_ino, after.st_mtime_ns) == (manifest_before.st_ino, manifest_before.st_mtime_ns)
    assert sorted(p.name for p in out.iterdir())[:2] == ["case-0000", "case-0001"]
    assert not (out / ".complaints").exists()


def test_changing_one_case_rerenders_only_its_letters(tmp_path: Path) -> None:
    folder, out = make_batch(tmp_path / "cases", 4), tmp_path / "out"
    render(folder, out)
    before = files_of(out)
    write_yaml(folder / "case-0002.yaml", case_data(id="case-0002", **{"comment.text": "Изменённый текст"}))
    result = render(folder, out)
    assert (result.rendered, result.letters, result.unchanged) == (1, 3, 3)
    after = files_of(out)
    changed = {name for name in after if after[name] != before[name]}
    assert changed == {f"case-0002/case-0002.{lang}.docx" for lang in ("kk", "ru", "en")}


def test_changing_the_russian_template_rerenders_only_russian_letters(tmp_path: Path) -> None:
    folder, out = make_batch(tmp_path / "cases", 3), tmp_path / "out"
    custom = tmp_path / "templates"
    shutil.copytree(templates_dir(), custom)
    render(folder, out, templates=custom)
    before = files_of(out)
    from docx import Document

    doc = Document(str(custom / "ru" / "letter.docx"))
    doc.add_paragraph("Дополнительный абзац шаблона")
    doc.save(str(custom / "ru" / "letter.docx"))
    result = render(folder, out, templates=custom)
    assert (result.rendered, result.letters) == (3, 3)
    after = files_of(out)
    changed = {name for name in after if after[name] != before[name]}
    assert changed == {f"case-{i:04d}/case-{i:04d}.ru.docx" for i in range(3)}


def test_force_and_a_new_date_render_everything(tmp_path: Path) -> None:
    folder, out = make_batch(tmp_path / "cases", 2), tmp_path / "out"
    render(folder, out)
    assert render(folder, out, force=True).letters == 6
    from datetime import date

    assert complaints.render_batch([folder], out=out, letter_date=date(2026, 12, 1)).letters == 6


def test_a_deleted_or_damaged_letter_is_made_again(tmp_path: Path) -> None:
    folder, out = make_batch(tmp_path / "cases", 2), tmp_path / "out"
    render(folder, out)
    (out / "case-0000" / "case-0000.kk.docx").unlink()
    (out / "case-0001" / "case-0001.en.docx").write_bytes(b"truncated")
    result = render(folder, out)
    assert (result.letters, result.unchanged) == (2, 0)
    assert zipfile.is_zipfile(out / "case-0001" / "case-0001.en.docx")


def test_a_write_error_fails_that_case_and_the_batch_goes_on(tmp_path: Path) -> None:
    folder, out = make_batch(tmp_path / "cases", 3), tmp_path / "out"
    out.mkdir()
    (out / "case-0001").write_text("a file where the case's folder should be")
    result = render(folder, out)
    assert result.exit_code == 1 and result.rendered == 2
    [failure] = result.failures
    assert failure.case_id == "case-0001" and "could not write the letters" in failure.errors[0]
    assert manifest_paths(out) == {f"case-{i:04d}/case-{i:04d}.{lang}.docx" for i in (0, 2) for lang in
                                   ("kk", "ru", "en")}


def _start(folder: Path, out: Path, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, "-m", "complaints.cli", "render", str(folder), "--out", str(out),
                             "--date", LETTER_DATE.isoformat(), "--workers", "2", *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)


def _wait_for_letters(out: Path, proc: subprocess.Popen, at_least: int) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if sum(1 for _ in out.glob("*/*.docx")) >= at_least:
            return
        time.sleep(0.02)
    pytest.fail("the batch finished (or hung) before it could be interrupted")


def _only_whole_letters(out: Path) -> None:
    for path in out.rglob("*"):
        if path.is_file() and ".complaints" not in path.parts:
            assert not path.name.endswith(".tmp"), path
            if path.suffix == ".docx":
                with zipfile.ZipFile(path) as z:
                    assert z.testzip() is None, path


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT])
def test_interrupted_batch_resumes_to_the_same_bytes(tmp_path: Path, how: signal.Signals) -> None:
    folder = make_batch(tmp_path / "cases", 150)
    reference, out = tmp_path / "reference", tmp_path / "out"
    render(folder, reference, workers=2)

    proc = _start(folder, out)
    _wait_for_letters(out, proc, 60)
    proc.send_signal(how)
    code = proc.wait(timeout=120)
    _, stderr = proc.communicate()
    assert b"Traceback" not in stderr
    written = {p.relative_to(out).as_posix() for p in out.glob("*/*.docx")}
    assert 0 < len(written) < 450
    _only_whole_letters(out)
    if how != signal.SIGKILL:  # a clean stop: exit 130, and the manifest lists exactly what is on disk
        assert code == 130, stderr.decode()
        assert manifest_paths(out) == written
        assert not (out / ".complaints").exists()

    again = render(folder, out, workers=2)
    assert again.exit_code == 0 and again.unchanged > 0
    assert manifest_paths(out) == {p.relative_to(out).as_posix() for p in out.glob("*/*.docx")}
    finished = {k: v[2] for k, v in files_of(out).items()}
    assert finished == {k: v[2] for k, v in files_of(reference).items()}
    assert (out / "manifest.csv").read_text(encoding="utf-8").count("\nrendered,") == 450


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_interrupted_grouped_batch_resumes_to_the_same_bytes(tmp_path: Path, how: signal.Signals) -> None:
    folder = tmp_path / "cases"
    write_yaml(folder / "complaints.yaml", PROJECT)
    for i in range(150):  # 75 outlets, two comments each
        write_yaml(folder / f"case-{i:04d}.yaml", case_data(id=f"case-{i:04d}", **{
            "comment.text": f"Текст {i}", "outlet.url": f"https://outlet-{i // 2:02d}.kz"}))
    reference, out = tmp_path / "reference", tmp_path / "out"
    render(folder, reference, workers=2, group_by="outlet")

    proc = _start(folder, out, "--group-by", "outlet")
    _wait_for_letters(out, proc, 30)
    proc.send_signal(how)
    code = proc.wait(timeout=120)
    _, stderr = proc.communicate()
    assert b"Traceback" not in stderr
    written = {p.relative_to(out).as_posix() for p in out.glob("*/*.docx")}
    assert 0 < len(written) < 225
    _only_whole_letters(out)
    if how != signal.SIGKILL:
        assert code == 130, stderr.decode()
        assert manifest_paths(out) == written

    again = render(folder, out, workers=2, group_by="outlet")
    assert again.exit_code == 0 and again.unchanged > 0 and again.rendered < 75
    assert manifest_paths(out) == {p.relative_to(out).as_posix() for p in out.glob("*/*.docx")}
    assert {k: v[2] for k, v in files_of(out).items()} == {k: v[2] for k, v in files_of(reference).items()}
    assert (out / "manifest.csv").read_text(encoding="utf-8").count("\nrendered,") == 225


def test_plain_progress_lines_and_summary_when_not_a_terminal(tmp_path: Path) -> None:
    folder, out = make_batch(tmp_path / "cases", 25), tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "complaints.cli", "render", str(folder), "--out", str(out),
                           "--date", LETTER_DATE.isoformat()], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "25/25 cases, 75 letters written" in done.stderr
    assert "75 files written for 75 letters of 25 cases" in done.stderr and "0 failed" in done.stderr
    again = subprocess.run([sys.executable, "-m", "complaints.cli", "render", str(folder), "--out", str(out),
                            "--date", LETTER_DATE.isoformat()], capture_output=True, text=True, timeout=300)
    assert "no letter written, 25 cases unchanged, 0 failed, 0 warnings." in again.stderr
    assert " 0 letters/s" not in done.stderr + again.stderr


def test_a_run_for_one_language_keeps_the_others_listed(tmp_path: Path) -> None:
    folder, out = make_batch(tmp_path / "cases", 2), tmp_path / "out"
    render(folder, out)
    write_yaml(folder / "case-0001.yaml", case_data(id="case-0001", **{"comment.text": "Новый текст"}))
    result = render(folder, out, languages=["ru"])
    assert (result.rendered, result.letters, result.unchanged) == (1, 1, 1)
    listed = manifest_paths(out)
    assert {f"case-0000/case-0000.{lang}.docx" for lang in ("kk", "ru", "en")} <= listed
    assert "case-0001/case-0001.ru.docx" in listed


def test_a_second_render_into_the_same_folder_is_refused_while_one_runs(tmp_path: Path) -> None:
    import fcntl

    folder, out = make_batch(tmp_path / "cases", 1), tmp_path / "out"
    out.mkdir()
    fd = os.open(out, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # as a running `complaints render` holds it
        with pytest.raises(complaints.UsageError, match="another `complaints render` is writing"):
            render(folder, out)
    finally:
        os.close(fd)
    assert render(folder, out).letters == 3


def _deaf_to_sigterm() -> None:
    import signal
    import time as clock

    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    clock.sleep(600)


def test_stopping_the_workers_never_hangs_on_a_worker_that_missed_sigterm() -> None:
    """A worker that misses the stop and SIGTERM (forked again at that moment, under load) used to keep the batch
    waiting for ever; it is killed after a grace period."""
    import multiprocessing
    import time as clock

    from complaints.batch.workers import stop_processes

    processes = [multiprocessing.get_context("fork").Process(target=_deaf_to_sigterm, daemon=True) for _ in range(2)]
    for process in processes:
        process.start()
    clock.sleep(0.5)  # the workers are up, and ignore SIGTERM
    started = clock.monotonic()
    stop_processes(processes, grace=1.0)
    assert clock.monotonic() - started < 20
    assert not any(process.is_alive() for process in processes)
    assert not multiprocessing.active_children()


def test_a_batch_started_from_another_thread_renders_with_workers_started_afresh(tmp_path: Path) -> None:
    """The web desk renders in a background thread: its workers are not forked beside the server's threads."""
    import threading

    from complaints.batch.workers import start_method

    folder, out = make_batch(tmp_path / "cases", 3), tmp_path / "out"
    seen: dict[str, object] = {}

    def run() -> None:
        seen["method"] = start_method()
        seen["result"] = render(folder, out, workers=2, progress=lambda event: seen.setdefault(event.source, event))

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(120)
    assert not thread.is_alive()
    assert seen["method"] in ("forkserver", "spawn")
    result = seen["result"]
    assert isinstance(result, complaints.BatchResult)
    assert (result.letters, result.failed) == (9, 0)
    assert len(manifest_paths(out)) == 9


def test_a_second_render_from_another_thread_of_the_same_process_is_refused(tmp_path: Path) -> None:
    import threading

    from complaints.batch.write import only_writer

    folder, out = make_batch(tmp_path / "cases", 1), tmp_path / "out"
    out.mkdir()
    refused: list[BaseException] = []
    with only_writer(out):  # as the desk's batch holds it while it runs

        def second() -> None:
            try:
                render(folder, out)
            except complaints.UsageError as exc:
                refused.append(exc)

        thread = threading.Thread(target=second)
        thread.start()
        thread.join(60)
    assert refused and "another `complaints render` is writing" in str(refused[0])
    from complaints.batch.run import FolderBusy

    assert isinstance(refused[0], FolderBusy)
    assert render(folder, out).letters == 3  # and once it has finished, the next one writes
