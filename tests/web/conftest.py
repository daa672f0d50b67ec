"""The desk under test: the real server (`complaints serve`) on a free loopback port, driven by a real headless
Chromium (Debian's /usr/bin/chromium, through Playwright; no browser is downloaded)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import PROJECT, REPO, write_yaml

CHROMIUM = os.environ.get("COMPLAINTS_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


@dataclass
class Desk:
    """A running `complaints serve`: its address, its folder, what it has printed."""

    url: str
    folder: Path
    process: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)

    def log(self) -> str:
        """Everything the server printed so far (it is stopped first, so that nothing is missed)."""
        return "\n".join(self.lines)


def start_desk(folder: Path, *extra: str, env: dict[str, str] | None = None) -> Desk:
    """`complaints serve FOLDER --port 0 --no-browser`, waited for until it says its address."""
    where = folder if folder.is_dir() else folder.parent  # a folder not made yet: the desk makes it
    process = subprocess.Popen([sys.executable, "-m", "complaints.cli", "serve", str(folder), "--port", "0",
                                "--no-browser", *extra], cwd=where, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, encoding="utf-8", env={**os.environ, **(env or {})})
    assert process.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip("\n"))
        found = re.search(r"(http://127\.0\.0\.1:\d+/)", line)
        if found:
            return Desk(found.group(1), folder, process, lines)
    process.kill()
    raise AssertionError("the desk did not start:\n" + "\n".join(lines))


def stop_desk(desk: Desk) -> None:
    desk.process.terminate()
    try:
        rest, _ = desk.process.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        desk.process.kill()
        rest, _ = desk.process.communicate()
    desk.lines += (rest or "").splitlines()


@pytest.fixture
def empty_folder(tmp_path: Path) -> Path:
    """A project folder with nothing in it yet (the first run)."""
    folder = tmp_path / "my cases"
    folder.mkdir()
    return folder


@pytest.fixture
def project_folder(tmp_path: Path) -> Path:
    """A project folder with a complaints.yaml (the tests' applicant) and the two example cases with their
    evidence."""
    folder = tmp_path / "project"
    shutil.copytree(REPO / "cases", folder)
    write_yaml(folder / "complaints.yaml", PROJECT)
    return folder


@pytest.fixture
def serve() -> Iterator[Callable[..., Desk]]:
    """serve(folder, *options) starts a desk over `folder`; every desk started is stopped after the test."""
    started: list[Desk] = []

    def start(folder: Path, *extra: str, env: dict[str, str] | None = None) -> Desk:
        desk = start_desk(folder, *extra, env=env)
        started.append(desk)
        return desk

    yield start
    for desk in started:
        stop_desk(desk)


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    """A headless Chromium for the session (the tests fail in CI without one, and skip elsewhere)."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"no Chromium at {CHROMIUM}: .ci/run installs Debian's chromium")
        pytest.skip("no Chromium here (Debian's chromium package)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium: object, tmp_path: Path) -> Iterator[object]:
    """A new browser tab with its own cookies, downloads allowed, in Russian (as most of the desk's users)."""
    context = chromium.new_context(accept_downloads=True, locale="ru-RU")  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()
