"""What Windows and macOS run differently, run here: worker processes started by spawn (as on Windows), a
child's pipe read by a thread (Windows cannot `select` a pipe), LibreOffice stopped without process groups, the
locks, and every text file opened with its encoding said (Windows would otherwise read cp1251 or cp1252)."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from complaints.locks import FOLDER_LOCK, Busy, hold, hold_folder, release, take
from complaints.render.pdf import find_office, read_line
from tests.conftest import PROJECT, REPO, case_data, need_office, write_yaml

PACKAGE = REPO / "complaints"


def make_cases(folder: Path, n: int) -> Path:
    write_yaml(folder / "complaints.yaml", PROJECT)
    for i in range(n):
        write_yaml(folder / f"case-{i:04d}.yaml", case_data(id=f"case-{i:04d}", **{"comment.text": f"Текст {i}"}))
    return folder


RENDER = """
import json, multiprocessing, sys
from datetime import date

import complaints
from complaints.batch import workers

asked = []
real = multiprocessing.get_context


def spy(method=None):
    asked.append(method)
    return real(method)


if __name__ == "__main__":  # as Windows needs: a spawned worker imports this file again
    workers.START_METHOD = sys.argv[3] or None
    multiprocessing.get_context = spy
    result = complaints.render_batch([sys.argv[1]], out=sys.argv[2], letter_date=date(2026, 1, 15), workers=3)
    print(json.dumps({"letters": result.letters, "failed": result.failed, "asked": asked}))
"""


def test_a_batch_with_workers_started_by_spawn_as_on_windows_or_by_a_fork_server_writes_the_same_letters(
        tmp_path: Path) -> None:
    cases = make_cases(tmp_path / "cases", 6)
    script = tmp_path / "render_it.py"
    script.write_text(RENDER, encoding="utf-8")
    made = {}
    for method in ("spawn", "forkserver", ""):  # "": fork, as on Linux; forkserver: as the desk starts them
        out = tmp_path / f"out-{method or 'default'}"
        done = subprocess.run([sys.executable, str(script), str(cases), str(out), method], capture_output=True,
                              text=True, encoding="utf-8", timeout=300, cwd=REPO)
        assert done.returncode == 0, done.stderr
        said = json.loads(done.stdout.strip().splitlines()[-1])
        assert said["letters"] == 18 and said["failed"] == 0, said
        assert said["asked"] == [method or "fork"], said
        rows = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]
        made[method] = {row["path"]: row["sha256"] for row in rows}
        assert not [path for path in made[method] if "\\" in path]  # a manifest's paths are the same everywhere
    assert made["spawn"] == made["forkserver"] == made[""] and len(made[""]) == 18


def _child(code: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE)


def test_a_childs_answer_is_read_by_a_thread_where_a_pipe_cannot_be_selected() -> None:
    for select_pipe in (False, True):  # Windows' way, and the one of Linux and macOS, the same answers
        talks = _child("import sys, time; print('{\"ok\": true}', flush=True); time.sleep(30)")
        silent = _child("import time; time.sleep(30)")
        ended = _child("pass")
        try:
            assert read_line(talks.stdout, 10, select_pipe=select_pipe) == (True, b'{"ok": true}\n')  # type: ignore[arg-type]
            started = time.monotonic()
            assert read_line(silent.stdout, 0.5, select_pipe=select_pipe) == (False, b"")  # type: ignore[arg-type]
            assert time.monotonic() - started < 5
            assert read_line(ended.stdout, 10, select_pipe=select_pipe) == (True, b"")  # type: ignore[arg-type]
        finally:
            for child in (talks, silent, ended):
                child.kill()
                child.wait()
                assert child.stdout is not None
                child.stdout.close()


@pytest.mark.parametrize("posix", [True, False], ids=["process-group", "no-process-groups"])
def test_the_converter_stops_libreoffice_with_or_without_process_groups(posix: bool, tmp_path: Path) -> None:
    need_office()
    _, python = find_office()  # the Python that runs the converter: one with `uno`
    code = textwrap.dedent(f"""
        import subprocess, sys, time
        sys.path.insert(0, {str(PACKAGE / "render")!r})
        import uno_convert
        office = subprocess.Popen([sys.executable, "-c", "import signal, time; signal.signal(signal.SIGTERM,"
                                   " signal.SIG_IGN); time.sleep(60)"], start_new_session=True)
        time.sleep(0.3)
        started = time.monotonic()
        uno_convert.stop(office, False, posix={posix})
        print(office.poll() is not None, round(time.monotonic() - started))
    """)
    done = subprocess.run([python, "-c", code], capture_output=True, text=True, encoding="utf-8", timeout=60)
    assert done.returncode == 0, done.stderr
    stopped, seconds = done.stdout.split()
    assert stopped == "True" and int(seconds) <= 12  # deaf to SIGTERM, it was killed after the grace


LOCK_FROM_ELSEWHERE = """
import sys
from complaints.locks import Busy, hold, hold_folder
try:
    with (hold_folder if sys.argv[1] == "folder" else hold)(sys.argv[2]):
        print("taken")
except Busy:
    print("busy")
"""


def _other_process(kind: str, path: Path) -> str:
    return subprocess.run([sys.executable, "-c", LOCK_FROM_ELSEWHERE, kind, str(path)], capture_output=True,
                          text=True, encoding="utf-8", timeout=60, cwd=REPO).stdout.strip()


def test_a_lock_held_here_is_refused_to_another_process_and_free_once_let_go(tmp_path: Path) -> None:
    path = tmp_path / "x.lock"
    fd = take(path)
    try:
        assert _other_process("file", path) == "busy"
    finally:
        release(fd)
    assert _other_process("file", path) == "taken"
    with hold(path):
        assert _other_process("file", path) == "busy"
    folder = tmp_path / "letters"
    folder.mkdir()
    with hold_folder(folder):
        assert _other_process("folder", folder) == "busy"
        if os.name == "posix":  # on the folder itself: nothing is written in it
            assert list(folder.iterdir()) == []
        else:
            assert [p.name for p in folder.iterdir()] == [FOLDER_LOCK]
    assert _other_process("folder", folder) == "taken"
    with pytest.raises(Busy), hold(path):
        with hold(path):  # not even this process takes it twice (another open file)
            pass


def _text_opens_without_encoding(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        keywords = {k.arg: k.value for k in node.keywords}
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        method = isinstance(func, ast.Attribute)
        if name in ("read_text", "write_text") and "encoding" not in keywords:
            found.append(f"{path.relative_to(REPO)}:{node.lineno}: {ast.unparse(node)[:70]}")
        elif name == "open" and not (method and ast.unparse(func.value) in ("os", "webbrowser", "zipfile", "tarfile",
                                                                                "opener", "Image")):  # urllib, Pillow
            args = node.args[0 if method else 1:]
            mode = keywords.get("mode") or (args[0] if args else None)
            text = not (isinstance(mode, ast.Constant) and "b" in str(mode.value))
            if text and "encoding" not in keywords:
                found.append(f"{path.relative_to(REPO)}:{node.lineno}: {ast.unparse(node)[:70]}")
        elif name in ("run", "Popen", "check_output") and ("text" in keywords or "universal_newlines" in keywords) \
                and "encoding" not in keywords:
            found.append(f"{path.relative_to(REPO)}:{node.lineno}: {ast.unparse(node)[:70]}")
    return found


def test_every_text_file_the_tool_opens_says_its_encoding() -> None:
    found = [line for path in sorted(PACKAGE.rglob("*.py")) for line in _text_opens_without_encoding(path)]
    assert found == [], "text opened in the system's encoding (cp1251 on a Russian Windows):\n" + "\n".join(found)


def test_no_module_needs_fcntl_signals_or_process_groups_without_a_windows_way() -> None:
    """fcntl, os.killpg, SIGKILL, select on pipes: only where a branch for Windows is beside them."""
    allowed = {"locks.py": ("fcntl",), "render/pdf.py": ("select.select",), "render/uno_convert.py": ("killpg", "SIGKILL"),
               "batch/check.py": ("SIGKILL",)}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        text = path.read_text(encoding="utf-8")
        for word in ("fcntl", "killpg", "SIGKILL", "select.select", "os.setsid", "os.getuid", "pwd."):
            if word in text:
                assert word in allowed.get(rel, ()), f"{rel} uses {word}"


def test_a_new_file_is_written_once_on_a_disk_without_hard_links(tmp_path: Path, monkeypatch) -> None:
    """A USB stick (FAT, exFAT) has no hard links: Windows answers os.link with "Incorrect function" (EINVAL),
    macOS with ENOTSUP; the file is still created, and still never over another one."""
    import errno

    from complaints.files import write_new

    for code in (errno.EINVAL, errno.ENOTSUP, errno.EPERM):
        def no_links(source: object, target: object, code: int = code) -> None:
            raise OSError(code, os.strerror(code))

        monkeypatch.setattr(os, "link", no_links)
        path = tmp_path / f"case-{code}.yaml"
        write_new(path, "первый".encode())
        with pytest.raises(FileExistsError):
            write_new(path, b"second")
        assert path.read_bytes() == "первый".encode()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"case-{c}.yaml" for c in (errno.EINVAL, errno.ENOTSUP,
                                                                                         errno.EPERM))


def test_the_desk_starts_a_batchs_workers_apart_from_its_threads() -> None:
    """The desk's process has threads: its batches' workers come from a fork server (spawn on Windows), never a
    fork of it; the command line keeps fork."""
    code = ("from complaints.batch import workers; from complaints.web.serve import workers_start_apart;"
            " before = workers.START_METHOD; workers_start_apart(); print(before, workers.START_METHOD)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8", cwd=REPO)
    assert done.stdout.split() == ["None", "forkserver" if os.name == "posix" else "spawn"], done.stderr
