"""`capture`: a real headless Chromium opens pages of the local test site (tests/evidence/site.py) and keeps them;
every assertion reads back the files written."""

from __future__ import annotations

import hashlib
import json
import os
import re
import socket
import struct
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from complaints.cli import app
from complaints.evidence.capture import Limits, capture, normalise
from complaints.evidence.casefile import add_to_case, capture_case
from complaints.evidence.record import read_record

from .site import FIRST, KAZAKH_AUTHOR, KAZAKH_TEXT, Site, copy_examples, example

CHROMIUM = Path(os.environ.get("COMPLAINTS_BROWSER") or "/usr/bin/chromium")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists() and not os.environ.get("CI"),
                                reason="no Chromium here (Debian's chromium package)")

QUICK = Limits(navigation=3, appear=3, max_bytes=2_000_000)
STEM = re.compile(r"^capture-\d{4}-\d{2}-\d{2}-\d{6}(-\d+)?$")


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    return struct.unpack(">II", data[16:24])


def first_comment() -> dict:
    return example(FIRST)["comment"]


def check_record(folder: Path, cap) -> dict:  # noqa: ANN001
    """The record as written: every file it lists is there with the hash it says; its own hash is the capture's."""
    record = read_record(cap.record)
    assert record["outcome"] == cap.outcome and record["url"] == cap.url
    for item in record["files"]:
        assert hashlib.sha256((folder / item["name"]).read_bytes()).hexdigest() == item["sha256"]
        assert item["name"].startswith(cap.stem + "-")
    assert cap.file("record").sha256 == hashlib.sha256(cap.record.read_bytes()).hexdigest()
    return record


def test_normalise_spaces_quotes_dashes() -> None:
    assert normalise("«Бұл\u00a0біздің\n\n  жер» — “да”") == normalise('"Бұл біздің жер" - "да"')
    assert normalise("Abc") != normalise("abc")  # case kept


def test_first_case_found_after_javascript(site: Site, tmp_path: Path) -> None:
    first, _ = copy_examples(site, tmp_path)
    before = first.read_text(encoding="utf-8")
    cap = capture_case(first, limits=Limits(navigation=10, appear=10))
    assert cap.outcome == "found", cap.detail
    assert cap.author_seen and cap.status == 200
    assert STEM.match(cap.stem) and cap.stem == "capture-" + cap.taken.strftime("%Y-%m-%d-%H%M%S")
    assert cap.taken.utcoffset().total_seconds() == 5 * 3600
    folder = tmp_path / "evidence"
    names = sorted(p.name for p in folder.glob(cap.stem + "-*"))
    assert names == sorted(f"{cap.stem}-{s}" for s in ("comment.png", "page.png", "page.mhtml", "record.json"))
    record = check_record(folder, cap)
    assert record["status"] == 200 and record["final_url"] == site.url("/news/article-1")
    assert record["headers"]["x-test-site"] == "complaints"
    assert normalise(first_comment()["text"]) in normalise(record["matched"])
    # the close-up: a picture of plausible size, wider than it is tall, holding more than the comment's line
    width, height = png_size(folder / f"{cap.stem}-comment.png")
    assert 900 <= width <= 2000 and 150 <= height <= 1000
    page_w, page_h = png_size(folder / f"{cap.stem}-page.png")
    assert page_w >= 1000 and page_h >= 300
    # the case file: four evidence items with their hashes and time, still_online the capture's time, comments kept
    after = first.read_text(encoding="utf-8")
    data = yaml.safe_load(after)
    assert str(data["comment"]["still_online"]).replace(" ", "T") == cap.taken.isoformat()
    added = data["evidence"][-4:]
    assert [Path(e["file"]).name for e in added] == [f"{cap.stem}-{s}" for s in
                                                     ("comment.png", "page.png", "page.mhtml", "record.json")]
    for item in added:
        assert hashlib.sha256((tmp_path / item["file"]).read_bytes()).hexdigest() == item["sha256"]
        assert set(item["description"]) == {"kk", "ru", "en"}
    assert data["evidence"][:2] == yaml.safe_load(before)["evidence"]
    for line in before.splitlines():
        if line.startswith("#") or "# PLACEHOLDER: an empty image" in line:
            assert line in after
    result = CliRunner().invoke(app, ["validate", str(first)])
    assert result.exit_code == 0, result.output
    assert "1 valid, 0 with errors, 0 warnings" in result.output
    # the tool put the real value in: still_online's PLACEHOLDER mark is taken off (check would still ask for it)
    assert "still_online: 2026-11-20" in before and "# PLACEHOLDER: when you last saw it online" in before
    assert "# PLACEHOLDER: when you last saw it online" not in after
    result = CliRunner().invoke(app, ["check", str(first), "--letters", str(tmp_path / "letters")])
    assert "still_online" not in result.output, result.output


def test_second_case_through_a_redirect(site: Site, tmp_path: Path) -> None:
    _, second = copy_examples(site, tmp_path)
    cap = capture_case(second, limits=QUICK)
    assert cap.outcome == "found", cap.detail
    assert cap.redirects == [site.url("/old/article-2")] and cap.final_url == site.url("/news/article-2")
    record = check_record(tmp_path / "evidence", cap)
    assert record["redirects"] == [site.url("/old/article-2")]


def test_a_second_capture_never_overwrites_the_first(site: Site, tmp_path: Path) -> None:
    comment = first_comment()
    caps = [capture(site.url("/news/article-1"), text=comment["text"], author=comment["author"], posted=None,
                    folder=tmp_path, limits=QUICK) for _ in range(2)]
    assert caps[0].stem != caps[1].stem
    for cap in caps:
        assert cap.found
        check_record(tmp_path, cap)
    assert len(list(tmp_path.glob("capture-*"))) == 8


def test_the_archive_replays_in_chromium(site: Site, tmp_path: Path) -> None:
    comment = first_comment()
    cap = capture(site.url("/news/article-1"), text=comment["text"], author=comment["author"], posted=None,
                  folder=tmp_path, limits=QUICK)
    assert cap.found, cap.detail
    archive = tmp_path / cap.file("archive").name
    assert archive.read_bytes().startswith(b"From: <Saved by Blink>")
    site.remove("/news/article-1")  # the live page no longer has it: what is shown comes from the file
    from playwright.sync_api import sync_playwright

    from complaints.evidence.browser import FLAGS

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            page = browser.new_page()
            page.goto(archive.as_uri())
            shown = page.evaluate("() => document.body.innerText")
        finally:
            browser.close()
    assert normalise(comment["text"]) in normalise(shown)
    assert comment["author"] in shown


def test_kazakh_and_emoji(site: Site, tmp_path: Path) -> None:
    cap = capture(site.url("/news/kazakh"), text=KAZAKH_TEXT.replace("«", '"').replace("»", '"').replace("—", "-"),
                  author=KAZAKH_AUTHOR, posted="2026-11-30T12:05", folder=tmp_path, limits=QUICK)
    assert cap.outcome == "found", cap.detail
    assert cap.author_seen
    record = read_record(cap.record)
    assert "😡" in record["matched"] and "біздің" in record["matched"]


@pytest.mark.parametrize(("path", "outcome", "said"), [
    ("/news/removed", "not-found", "not on it"),
    ("/news/gone", "http-error", "404 (the page is gone"),
    ("/news/login", "login-wall", "log in"),
    ("/news/large", "too-large", "larger than the limit of 2,000,000 bytes"),
    ("/news/slow", "timeout", "did not load within 3 s"),
])
def test_what_was_seen_instead(site: Site, tmp_path: Path, path: str, outcome: str, said: str) -> None:
    comment = first_comment()
    cap = capture(site.url(path), text=comment["text"], author=comment["author"], posted=None, folder=tmp_path,
                  limits=QUICK)
    assert cap.outcome == outcome, cap.detail
    assert said in cap.detail
    record = check_record(tmp_path, cap)
    assert record["outcome"] == outcome
    roles = {f.role for f in cap.files}
    assert "comment" not in roles and "archive" not in roles  # nothing that would pass for evidence
    if outcome != "timeout":  # the page rendered: its screenshot, anyway
        assert "page" in roles and png_size(tmp_path / cap.file("page").name)[0] > 0


def test_slow_page_is_cut_off_in_time(site: Site, tmp_path: Path) -> None:
    import time

    start = time.monotonic()
    cap = capture(site.url("/news/slow"), text="x", author=None, posted=None, folder=tmp_path,
                  limits=Limits(navigation=2, appear=2))
    assert cap.outcome == "timeout"
    assert time.monotonic() - start < site.slow


def test_network_error_and_refused(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cap = capture(f"http://127.0.0.1:{port}/x", text="x", author=None, posted=None, folder=tmp_path, limits=QUICK)
    assert cap.outcome == "network-error" and "ERR_CONNECTION_REFUSED" in cap.detail
    assert cap.record.is_file()
    out = tmp_path / "refused"
    for url in ("file:///etc/passwd", "ftp://127.0.0.1/x", "javascript:alert(1)"):
        cap = capture(url, text="x", author=None, posted=None, folder=out)
        assert cap.outcome == "refused" and "only http and https" in cap.detail
    assert not out.exists()  # nothing written at all


def test_not_found_is_never_added_to_the_case(site: Site, tmp_path: Path) -> None:
    first, _ = copy_examples(site, tmp_path)
    site.remove("/news/article-1")
    before = first.read_bytes()
    cap = capture_case(first, limits=QUICK)
    assert cap.outcome == "not-found"
    assert first.read_bytes() == before
    from complaints.errors import UsageError

    with pytest.raises(UsageError, match="no evidence that the comment is online"):
        add_to_case(first, cap)
    assert first.read_bytes() == before


def test_case_changed_meanwhile_is_not_overwritten(site: Site, tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    first, _ = copy_examples(site, tmp_path)
    cap = capture_case(first, limits=QUICK, update_case=False)
    assert cap.found
    import complaints.evidence.casefile as casefile

    real = casefile.updated_text

    def edit_meanwhile(text: str, changes):  # noqa: ANN001, ANN202 - the user saves the file while it is updated
        first.write_text(text + "# the user's edit\n", encoding="utf-8")
        return real(text, changes)

    monkeypatch.setattr(casefile, "updated_text", edit_meanwhile)
    from complaints.errors import UsageError

    with pytest.raises(UsageError, match="changed while"):
        add_to_case(first, cap)
    assert first.read_text(encoding="utf-8").endswith("# the user's edit\n")


def test_cli_capture(site: Site, tmp_path: Path) -> None:
    first, second = copy_examples(site, tmp_path)
    runner = CliRunner()
    result = runner.invoke(app, ["capture", str(first), str(second), "--timeout", "5"])
    assert result.exit_code == 0, result.output
    assert result.output.count(": found: ") == 2 and "added to the case file" in result.output
    assert "-comment.png" in result.output
    site.remove("/news/article-2")
    result = runner.invoke(app, ["capture", str(second), "--no-update", "--timeout", "3"])
    assert result.exit_code == 1 and ": not-found: " in result.output
    out = tmp_path / "loose"
    result = runner.invoke(app, ["capture", "--url", site.url("/news/kazakh"), "--text", KAZAKH_TEXT,
                                 "--author", KAZAKH_AUTHOR, "--out", str(out), "--timeout", "5"])
    assert result.exit_code == 0, result.output
    records = list(out.glob("*-record.json"))
    assert len(records) == 1 and json.loads(records[0].read_text())["outcome"] == "found"
    result = runner.invoke(app, ["capture", "--url", "file:///etc/passwd", "--text", "x", "--out", str(out)])
    assert result.exit_code == 1 and "refused" in result.output
    result = runner.invoke(app, ["capture", "--url", site.url("/news/kazakh")])
    assert result.exit_code == 2 and "--text" in result.output


def test_timestamped_capture_in_the_case(site: Site, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    """With helper A's timestamp.py and its local authority (tests/evidence/tsa.py): the record's token is
    written beside it, verifies, and the case file says which authority stamped each item."""
    timestamp = pytest.importorskip("complaints.evidence.timestamp")
    try:
        tsa = request.getfixturevalue("tsa")
    except pytest.FixtureLookupError:
        pytest.skip("the local time-stamping authority (tests/evidence/tsa.py) is not in this tree")
    first, _ = copy_examples(site, tmp_path)
    authority = timestamp.Authority(tsa.url, "local-tsa", tsa.root_pem)
    cap = capture_case(first, authorities=[authority], limits=QUICK)
    assert cap.found, cap.detail
    [stamp] = cap.stamps
    assert stamp.error is None and stamp.token == f"{cap.stem}-record.local-tsa.tsr"
    token = (tmp_path / "evidence" / stamp.token).read_bytes()
    verdict = timestamp.verify_token(token, cap.record.read_bytes(), timestamp.trust_of([authority]))
    assert verdict.ok, verdict.message
    added = yaml.safe_load(first.read_text(encoding="utf-8"))["evidence"][-5:]
    assert all(item["timestamped_by"] == ["local-tsa"] for item in added[:4])
    # the token itself is annexed, with its own hash: the letter's "time-stamped by" has its proof beside it
    assert added[4]["file"] == f"evidence/{stamp.token}" and "timestamped_by" not in added[4]
    assert added[4]["sha256"] == hashlib.sha256(token).hexdigest()
    assert "local-tsa" in added[4]["description"]["ru"]
    assert "&id" not in first.read_text(encoding="utf-8")  # no YAML anchors for the user to puzzle over


def test_long_page_screenshot_is_cut_and_said(site: Site, tmp_path: Path) -> None:
    comment = first_comment()
    cap = capture(site.url("/news/article-1"), text=comment["text"], author=comment["author"], posted=None,
                  folder=tmp_path, limits=Limits(navigation=5, appear=5, max_height=300))
    assert cap.found
    assert "the page screenshot is cut at 300 of" in cap.detail
    assert png_size(tmp_path / cap.file("page").name)[1] == 300


def test_the_case_lists_the_first_capture_and_the_latest(site: Site, tmp_path: Path) -> None:
    first, _ = copy_examples(site, tmp_path)
    caps = [capture_case(first, limits=QUICK) for _ in range(3)]
    assert all(c.found for c in caps)
    data = yaml.safe_load(first.read_text(encoding="utf-8"))
    files = [Path(e["file"]).name for e in data["evidence"] if "file" in e]
    assert files[0] == "nurkz-2023-10-06.png"  # the user's own item, untouched
    listed = [re.match(r"^(capture-[\d-]{17}(?:-\d+)?)-(?:comment|page|record)\.", name)[1] for name in files[1:]]
    assert listed == [caps[0].stem] * 4 + [caps[2].stem] * 4, files
    assert (tmp_path / "evidence" / f"{caps[1].stem}-comment.png").is_file()  # its files are kept
    assert str(data["comment"]["still_online"]).replace(" ", "T") == caps[2].taken.isoformat()
    result = CliRunner().invoke(app, ["validate", str(first)])
    assert result.exit_code == 0 and "0 with errors" in result.output, result.output
