"""LibreOffice kept running (`complaints office`) and started early (`ahead`): the PDFs are the very bytes a
render makes with a LibreOffice of its own; the office stops when unused and when killed, leaving no LibreOffice
behind; its folder is the user's alone. Real LibreOffice, as in test_pdf.py."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import LETTER_DATE, case_data, need_office, write_yaml

from complaints.cli.fast import parse
from complaints.render.office import RENDER_ALIASES, RENDER_FLAGS, RENDER_VALUES, read_render

HEAVY = ("typer", "click", "rich", "pydantic", "yaml", "jinja2", "babel", "docxtpl", "holidays")


@pytest.fixture(scope="module", autouse=True)
def _office() -> None:
    need_office()  # pdftotext and LibreOffice: skipped without them, failed in CI


def _ours(folder: Path) -> list[str]:
    """The processes that run with this office folder (LibreOffice's profiles are in it, the server's state)."""
    # -ww: whole command lines, however narrow the terminal (COLUMNS) is
    rows = subprocess.run(["ps", "-ww", "-eo", "pid,args"], capture_output=True, text=True,
                          check=True).stdout.splitlines()
    return [row for row in rows if str(folder) in row and "ps -ww" not in row]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie of this test's own children counts as gone
    with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
        return fh.read().rsplit(")", 1)[1].split()[0] != "Z"


def _gone(pids: list[int], seconds: float = 40) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(_alive(pid) for pid in pids):
        time.sleep(0.2)
    return [pid for pid in pids if _alive(pid)]


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private office folder of the test's own (COMPLAINTS_OFFICE_DIR, inherited by the commands it runs);
    whatever office is left running is stopped, and no process of it may remain."""
    office = tmp_path / "office"
    monkeypatch.setenv("COMPLAINTS_OFFICE_DIR", str(office))
    monkeypatch.delenv("COMPLAINTS_OFFICE_RUN", raising=False)
    yield office
    _cli("office", "stop")
    deadline = time.monotonic() + 40
    while _ours(office) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _ours(office) == []


def _cli(*args: str, fast: bool = True) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if not fast:
        env["COMPLAINTS_NO_FAST"] = "1"
    return subprocess.run([sys.executable, "-m", "complaints.cli", *args], capture_output=True, text=True, env=env,
                          timeout=600)


def _status() -> dict[str, object]:
    done = _cli("office", "status", "--json")
    return json.loads(done.stdout)


def _start(*options: str) -> dict[str, object]:
    done = _cli("office", *options)
    assert done.returncode == 0, done.stderr
    assert "LibreOffice is running" in done.stderr
    status = _status()
    assert status["ok"] and status["ready"] == status["processes"]
    return status


def _render(cases: Path, out: Path, *, fast: bool = True) -> None:
    done = _cli("render", str(cases), "--out", str(out), "--format", "pdf", "--date", LETTER_DATE.isoformat(),
                "-q", "--workers", "2", fast=fast)
    assert done.returncode == 0, done.stderr


def _pdfs(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.glob("*/*.pdf"))}


def _text(pdf: bytes, tmp: Path) -> str:
    path = tmp / "read.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def _cases(project_dir: Path, n: int) -> Path:
    for i in range(n):
        write_yaml(project_dir / f"c{i}.yaml", case_data(id=f"case-{i}"))
    return project_dir


def test_render_uses_the_office_and_its_pdfs_are_those_a_render_makes_alone(
        project_dir: Path, tmp_path: Path, folder: Path) -> None:
    cases = _cases(project_dir, 3)
    status = _start("--processes", "2", "--idle", "10")
    assert status["conversions"] == 0
    assert len([row for row in _ours(folder) if "soffice.bin" in row]) == 2  # what the fixture checks is gone
    _render(cases, tmp_path / "office")
    shared = _pdfs(tmp_path / "office")
    assert len(shared) == 9
    assert _status()["conversions"] == 9  # every PDF was made by the office
    assert "9 PDFs made" in _cli("office", "stop").stderr
    assert _cli("office", "status").returncode == 1

    _render(cases, tmp_path / "ahead")  # the office stopped: LibreOffice started early, by the render
    _render(cases, tmp_path / "alone", fast=False)  # as before this issue: each worker its own LibreOffice
    assert _pdfs(tmp_path / "ahead") == shared
    assert _pdfs(tmp_path / "alone") == shared
    for name, pdf in _pdfs(tmp_path / "alone").items():
        assert _text(shared[name], tmp_path) == _text(pdf, tmp_path)
    assert "Министр" in _text(shared["case-0/case-0.ru.pdf"], tmp_path)


def test_the_office_stops_by_itself_when_unused(folder: Path) -> None:
    status = _start("--processes", "1", "--idle", "0.05")  # 3 seconds
    pids = [int(status["pid"]), *status["converters"], *status["offices"]]  # type: ignore[misc]
    assert len(pids) == 3
    assert _gone(pids) == []
    assert _cli("office", "status").returncode == 1
    assert not (folder / "office.json").exists()
    assert "stopped after 0 PDFs" in (folder / "office.log").read_text(encoding="utf-8")


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL])
def test_an_office_killed_leaves_no_libreoffice_running(folder: Path, how: signal.Signals) -> None:
    status = _start("--processes", "2", "--idle", "10")
    office = [int(pid) for pid in status["offices"]]  # type: ignore[attr-defined]
    converters = [int(pid) for pid in status["converters"]]  # type: ignore[attr-defined]
    assert len(office) == 2 and all(_alive(pid) for pid in office)
    os.kill(int(status["pid"]), how)  # type: ignore[call-overload]
    assert _gone([int(status["pid"]), *converters, *office]) == []  # type: ignore[call-overload]
    assert _cli("office", "status").returncode == 1


def test_the_office_folder_is_the_users_alone(folder: Path) -> None:
    _start("--processes", "1", "--idle", "10")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / "office.json").stat().st_mode) == 0o600  # it holds the token
    assert stat.S_IMODE((folder / "profile-0").stat().st_mode) == 0o700
    state = json.loads((folder / "office.json").read_text(encoding="utf-8"))
    assert state["address"] == f"unix:{folder / 'office.sock'}"  # a socket in that folder, not a network port
    assert stat.S_IMODE((folder / "office.sock").stat().st_mode) & 0o077 == 0


def test_the_office_answers_only_with_its_token(folder: Path) -> None:
    import socket

    _start("--processes", "1", "--idle", "10")
    state = json.loads((folder / "office.json").read_text(encoding="utf-8"))
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(10)
        sock.connect(state["address"][5:])
        sock.sendall(b'{"token": "not-the-token"}\n{"status": true}\n')
        assert sock.recv(100) == b""  # closed without a word


def test_a_second_office_is_not_started_beside_the_first(folder: Path) -> None:
    first = _start("--processes", "1", "--idle", "10")
    again = _cli("office", "--processes", "1")
    assert again.returncode == 0
    assert "already running" in again.stderr
    assert _status()["pid"] == first["pid"]


def test_ahead_starts_libreoffice_before_the_imports_and_the_render_uses_it(
        project_dir: Path, tmp_path: Path, folder: Path) -> None:
    """In a process of its own: `ahead` for a PDF render starts the run's office (with the standard library
    alone), and a PDF then made by the library comes from it."""
    cases = _cases(project_dir, 1)
    script = f"""
import sys, json
from complaints.render.office import ahead
ahead(["render", {str(cases)!r}, "--format", "docx,pdf", "--workers", "1"])
heavy = sorted(m for m in {HEAVY!r} if m in sys.modules)
from complaints import Kit, letter_context, load_case
kit = Kit(formats=("pdf",), letter_date=__import__("datetime").date.fromisoformat({LETTER_DATE.isoformat()!r}))
from complaints.render import render_letter
pdf = render_letter(letter_context(load_case({str(cases / "c0.yaml")!r}), "ru"), "pdf", kit)
print(json.dumps({{"heavy": heavy, "shared": kit.office.shared_pdfs, "pdf": pdf.startswith(b"%PDF")}}))
kit.close()
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found == {"heavy": [], "shared": 1, "pdf": True}
    # the run is over: its office and LibreOffice with it (checked by the fixture)


def test_ahead_starts_nothing_for_a_render_without_pdf_or_a_line_it_does_not_read(tmp_path: Path,
                                                                                    folder: Path) -> None:
    script = """
import os, sys
from complaints.render import office
for args in sys.argv[1:]:
    office.ahead(args.split())
print(bool(os.environ.get(office.RUN_ENV)), len(office._EARLY))
"""
    lines = ["render cases --format docx,txt", "render cases --format pdf --no-such-option", "render --format pdf",
             "validate cases --format pdf", "render cases --format pdf --workers", "render cases --help --format pdf"]
    done = subprocess.run([sys.executable, "-c", script, *lines], capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["False", "0"], done.stderr


@pytest.mark.parametrize("line", [
    "render cases --format pdf", "render a b --format=docx,pdf --workers 3 -q", "render cases -- --format",
    "render cases --pdfa --force --final --json --quiet --lang kk --date 2026-01-02 --project p --templates t",
    "render cases --group-by outlet --out o --format pdf --format docx", "render cases --workers", "render -x",
    "render cases --pdfa=yes", "render", "validate cases --format pdf", "render cases --help", "render - --out=",
])
def test_ahead_reads_a_render_line_as_the_fast_paths_do(line: str) -> None:
    args = line.split()
    theirs = parse(args, "render", values=RENDER_VALUES, flags=RENDER_FLAGS, aliases=RENDER_ALIASES)
    mine = read_render(args)
    assert (mine is None) == (theirs is None)
    if theirs is not None and mine is not None:
        assert mine == (theirs.values, theirs.args)


def test_the_render_options_ahead_knows_are_those_of_the_render_command() -> None:
    import typer.main

    from complaints.cli import application

    render = typer.main.get_command(application()).commands["render"]  # type: ignore[attr-defined]
    values, flags = set(), set()
    for param in render.params:
        for name in param.opts:
            if name.startswith("--"):
                (flags if param.is_flag else values).add(name)
    assert values == set(RENDER_VALUES)
    assert flags == set(RENDER_FLAGS)


def test_without_libreoffice_the_office_says_what_to_install(folder: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPLAINTS_SOFFICE", str(tmp_path / "no-such-soffice"))
    done = _cli("office")
    assert done.returncode == 1
    assert "libreoffice-writer-nogui" in done.stderr and "Traceback" not in done.stderr
    assert _cli("office", "status").returncode == 1


def test_a_libreoffice_that_does_not_start_is_told_as_before(project_dir: Path, folder: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A broken LibreOffice: `complaints office` says it did not start and leaves nothing running; a render (its
    LibreOffice started ahead) tells what it told before, word for word, and writes the Word letters."""
    broken = tmp_path / "soffice"
    broken.write_text("#!/bin/sh\nexit 3\n", encoding="utf-8")
    broken.chmod(0o755)
    monkeypatch.setenv("COMPLAINTS_SOFFICE", str(broken))
    done = _cli("office", "--processes", "1")
    assert done.returncode == 1
    assert "did not start" in done.stderr and "Traceback" not in done.stderr
    assert _cli("office", "status").returncode == 1
    cases = _cases(project_dir, 1)
    told = []
    for fast in (True, False):
        out = tmp_path / f"out-{fast}"
        run = _cli("render", str(cases), "--out", str(out), "--format", "pdf", "--date", LETTER_DATE.isoformat(),
                   "--workers", "1", "-q", fast=fast)
        assert run.returncode == 1
        assert sorted(p.suffix for p in out.glob("*/*")) == [".docx", ".docx", ".docx"]
        told.append(run.stderr.replace(str(out), "OUT"))
    assert "was found but did not start" in told[0]
    assert told[0] == told[1]
