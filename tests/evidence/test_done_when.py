"""Issue 14's "done when", as an advocate runs it: the two example cases, their articles served by the local test
site, captured by the real command with a local time-stamping authority; each gets a replayable archive, two pictures
and a verified timestamp; `evidence --verify` catches a tampered screenshot; the letters cite the capture; `watch`
notices a comment taken down between two runs and the register shows it."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from complaints.evidence.capture import normalise

from .site import Site, copy_examples, example
from .tsa import LocalTSA

CHROMIUM = Path(os.environ.get("COMPLAINTS_BROWSER") or "/usr/bin/chromium")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists() and not os.environ.get("CI"),
                                reason="no Chromium here (Debian's chromium package)")


def complaints(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The installed command, in its own process, as a user starts it."""
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "complaints.cli", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


@pytest.fixture
def project(site: Site, tsa: LocalTSA, tmp_path: Path) -> tuple[Path, Path, Path]:
    """The example project, its articles on the local site, its complaints.yaml naming the local authority."""
    folder = tmp_path / "cases"
    first, second = copy_examples(site, folder)
    shutil.copy(tsa.root_pem, folder / "local-tsa-root.pem")
    with (folder / "complaints.yaml").open("a", encoding="utf-8") as f:
        f.write(f"timestamping:\n  - url: {tsa.url}\n    name: Local TSA\n    certificate: local-tsa-root.pem\n")
    return folder, first, second


def test_capture_verify_cite_and_watch(site: Site, project: tuple[Path, Path, Path], tsa: LocalTSA) -> None:
    folder, first, second = project
    done = complaints("capture", str(folder), "--timeout", "10", cwd=folder.parent)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr

    for case in (first, second):
        data = yaml.safe_load(case.read_text(encoding="utf-8"))
        items = [e for e in data["evidence"] if "capture-" in e.get("file", "")]
        names = {Path(e["file"]).name.split("-")[-1] for e in items}
        assert names == {"comment.png", "page.png", "page.mhtml", "record.json", "record.Local_TSA.tsr"}, items
        stem = re.match(r"(capture-[\d-]+)-", Path(items[0]["file"]).name)[1]  # type: ignore[index]
        evidence = case.parent / "evidence"
        # two pictures, an archive, a record, a token from the authority named in complaints.yaml
        for suffix in ("comment.png", "page.png"):
            assert (evidence / f"{stem}-{suffix}").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert (evidence / f"{stem}-record.Local_TSA.tsr").stat().st_size > 500
        assert all(e["timestamped_by"] == ["Local TSA"] for e in items if not e["file"].endswith(".tsr"))
        assert str(data["comment"]["still_online"]).replace(" ", "T").startswith(items[0]["taken"][:16])
        # the archive replays: Chromium opens the MHTML file itself and shows the comment in it
        mhtml = evidence / f"{stem}-page.mhtml"
        dom = subprocess.run([str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                              "--disable-background-networking", f"--user-data-dir={folder.parent / 'profile'}",
                              "--dump-dom", mhtml.as_uri()], capture_output=True, text=True, timeout=120).stdout
        first_line = example(case)["comment"]["text"].strip().splitlines()[0]
        assert normalise(first_line) in normalise(html.unescape(dom)), f"{mhtml.name} does not replay"
    assert tsa.requests == 2

    verified = complaints("evidence", "--verify", str(folder), cwd=folder.parent)
    assert verified.returncode == 0, verified.stdout + verified.stderr

    # the letters cite the capture: its time and the authority, in each language
    made = complaints("render", str(folder), "--format", "txt", "--out", str(folder.parent / "letters"),
                      cwd=folder.parent)
    assert made.returncode == 0, made.stdout + made.stderr
    letters = {p.name: p.read_text(encoding="utf-8") for p in (folder.parent / "letters").rglob("*.txt")}
    assert len(letters) == 6
    for name, text in letters.items():
        assert "Local TSA" in text and "RFC 3161" in text, name
        assert "-comment.png" in text and "-page.mhtml" in text and "-record.Local_TSA.tsr" in text, name

    # a tampered screenshot is caught, by its name
    comment_png = next((first.parent / "evidence").glob("capture-*-comment.png"))
    comment_png.write_bytes(comment_png.read_bytes() + b"\0")
    verified = complaints("evidence", "--verify", str(folder), cwd=folder.parent)
    assert verified.returncode == 1
    assert comment_png.name in verified.stdout

    # watch: the first article's comment is taken down between two runs; the register shows it
    comment_png.write_bytes(comment_png.read_bytes()[:-1])
    watched = complaints("watch", str(folder), "--workers", "2", "--pace", "0", cwd=folder.parent)
    assert watched.returncode == 0, watched.stdout + watched.stderr
    site.remove("/news/article-1")
    watched = complaints("watch", str(folder), "--workers", "2", "--pace", "0", cwd=folder.parent)
    assert watched.returncode == 1
    assert "not-found" in watched.stdout and "the register: removed, missing since" in watched.stdout
    status = complaints("check", str(first), cwd=folder.parent)
    assert "comment-removed" in status.stdout + status.stderr and "last seen online" in status.stdout + status.stderr

    # a token the letters cite, deleted: the case no longer validates (it is one of its annexes)
    listed = yaml.safe_load(first.read_text(encoding="utf-8"))["evidence"]
    token = first.parent / next(e["file"] for e in listed if e.get("file", "").endswith(".tsr"))
    token.unlink()
    checked = complaints("validate", str(first), cwd=folder.parent)
    assert checked.returncode == 1 and token.name in checked.stdout + checked.stderr
