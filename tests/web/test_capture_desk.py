"""Capturing a case's comment from the desk, in a real browser: the real server, Debian's Chromium for both the
advocate's tab and the capture, the local news site (tests/evidence/site.py) and the local time-stamping authority
(tests/evidence/tsa.py)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import yaml
from playwright.sync_api import Page, expect

from complaints.web import words
from tests.evidence.site import Site, copy_examples, site  # noqa: F401
from tests.evidence.tsa import LocalTSA, tsa  # noqa: F401

FIRST = "nurkz-2023-10-06-kazakh-language.yaml"


def _project(site: Site, folder: Path, tsa: LocalTSA | None = None) -> tuple[Path, Path]:  # noqa: F811
    folder.mkdir()
    first, second = copy_examples(site, folder)
    if tsa is not None:  # the project's own authority, as complaints.yaml names it
        project = folder / "complaints.yaml"
        data = yaml.safe_load(project.read_text(encoding="utf-8"))
        (folder / "tsa-root.pem").write_bytes(tsa.root_pem.read_bytes())
        data["timestamping"] = [{"url": tsa.url, "name": "local-tsa", "certificate": "tsa-root.pem"}]
        project.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return first, second


def _capture(page: Page, url: str) -> None:
    page.goto(url + f"case?file={FIRST}")
    page.click("#capture-now")
    expect(page.locator("#capture-job")).to_have_attribute("data-running", "no", timeout=90_000)


def test_a_found_capture_shows_its_close_up_and_goes_into_the_case_file(
        serve, tmp_path: Path, browser_page: Page, site: Site, tsa: LocalTSA) -> None:  # noqa: F811
    first, _ = _project(site, tmp_path / "project", tsa)
    desk = serve(tmp_path / "project")
    page = browser_page
    _capture(page, desk.url)
    assert page.locator("#capture-job").get_attribute("data-outcome") == "found", page.content()
    expect(page.locator("#capture-found")).to_contain_text("Комментарий найден на странице")
    expect(page.locator("#case-updated")).to_be_visible()
    expect(page.locator("#capture-stamped")).to_contain_text("local-tsa")
    closeup = page.locator("img#closeup")
    expect(closeup).to_be_visible()
    assert closeup.evaluate("img => img.naturalWidth") > 100  # the picture itself, served by the desk
    got = page.request.get(desk.url.rstrip("/") + closeup.get_attribute("src"))
    assert got.status == 200 and got.headers["content-type"] == "image/png"

    data = yaml.safe_load(first.read_text(encoding="utf-8"))
    captured = [e for e in data["evidence"] if Path(e.get("file") or "").name.startswith("capture-")]
    assert sorted(Path(e["file"]).name.rsplit("-", 1)[1] for e in captured) == \
        ["comment.png", "page.mhtml", "page.png", "record.json", "tsa.tsr"]  # the token: record.local-tsa.tsr
    for item in captured:
        file = first.parent / item["file"]
        assert hashlib.sha256(file.read_bytes()).hexdigest() == item["sha256"]
        assert item.get("timestamped_by") == (None if file.suffix == ".tsr" else ["local-tsa"])
    assert captured[0]["taken"] and data["comment"]["still_online"] == captured[0]["taken"]
    assert got.body() == (first.parent / next(e["file"] for e in captured if e["file"].endswith("comment.png"))
                          ).read_bytes()

    page.click("#back-to-case")  # the case page, reloaded: the capture listed, the comment online
    row = page.locator("#captures tr.capture-row")
    expect(row).to_have_count(1)
    expect(row.locator("td.stamped")).to_contain_text("local-tsa")
    expect(row.locator("img.closeup-thumb")).to_be_visible()
    expect(page.locator("#online")).to_have_attribute("data-online", "online")
    page.goto(desk.url + "cases")
    assert page.locator(f"#cases tbody tr[data-file='{FIRST}']").get_attribute("data-online") == "online"


def test_a_removed_comment_is_said_and_the_case_file_is_left_alone(
        serve, tmp_path: Path, browser_page: Page, site: Site) -> None:  # noqa: F811
    first, _ = _project(site, tmp_path / "project")
    before = first.read_bytes()
    site.remove("/news/article-1")
    desk = serve(tmp_path / "project")
    page = browser_page
    _capture(page, desk.url)
    missed = page.locator("#capture-missed")
    expect(missed).to_have_attribute("data-outcome", "not-found")
    expect(missed).to_contain_text(words.say("case.capture.missed", "ru",
                                             outcome=words.say("cases.online.outcome.not-found", "ru")))
    expect(missed).to_contain_text("Файл дела не изменён")
    page.locator("#capture-detail summary").click()
    expect(page.locator("#capture-detail")).to_contain_text("страница загрузилась (статус 200), но текста на ней нет")
    assert first.read_bytes() == before
    page.goto(desk.url + "cases")
    assert page.locator(f"#cases tbody tr[data-file='{FIRST}']").get_attribute("data-online") == "removed"
    page.goto(desk.url + f"case?file={FIRST}")
    expect(page.locator("#online")).to_have_attribute("data-online", "removed")
    expect(page.locator("#captures")).to_have_count(0)  # nothing captured was added to the case


def test_the_page_in_kazakh_and_english(serve, tmp_path: Path, browser_page: Page, site: Site) -> None:  # noqa: F811
    _project(site, tmp_path / "project")
    site.remove("/news/article-1")
    desk = serve(tmp_path / "project")
    page = browser_page
    page.goto(desk.url + f"lang/kk?back=/case?file={FIRST}")
    expect(page.locator("#capture-now")).to_have_text(words.say("case.capture.now", "kk"))
    page.goto(desk.url + f"lang/en?back=/case?file={FIRST}")
    page.click("#capture-now")
    expect(page.locator("#capture-job")).to_have_attribute("data-running", "no", timeout=90_000)
    expect(page.locator("#capture-missed")).to_contain_text("The comment was not found: the comment is not on the page")
    page.locator("#capture-detail summary").click()
    expect(page.locator("#capture-detail")).to_contain_text("the page loaded (status 200), but the text is not on it")


def test_no_browser_is_said_with_what_to_install(serve, tmp_path: Path, browser_page: Page,
                                                 site: Site) -> None:  # noqa: F811
    first, _ = _project(site, tmp_path / "project")
    before = first.read_bytes()
    desk = serve(tmp_path / "project", env={"COMPLAINTS_BROWSER": str(tmp_path / "no-such-browser")})
    page = browser_page
    _capture(page, desk.url)
    expect(page.locator("#no-browser")).to_contain_text("Chrome")
    expect(page.locator("#no-browser")).to_contain_text("Chromium")
    assert first.read_bytes() == before


def test_evidence_files_are_served_only_from_inside_the_project(serve, tmp_path: Path, browser_page: Page,
                                                                site: Site) -> None:  # noqa: F811
    _project(site, tmp_path / "project")
    (tmp_path / "secret.png").write_bytes(b"not yours")
    desk = serve(tmp_path / "project")
    ask = browser_page.request
    for rel in ("../secret.png", "/etc/passwd", "complaints.yaml", FIRST, "evidence/../complaints.yaml"):
        assert ask.get(desk.url + f"evidence?file={rel}").status == 404, rel


def test_one_capture_at_a_time(serve, tmp_path: Path, browser_page: Page, site: Site) -> None:  # noqa: F811
    _, second = _project(site, tmp_path / "project")
    site.remove("/news/article-1")  # the first capture waits for a text that never comes: still running
    desk = serve(tmp_path / "project")
    page = browser_page
    page.goto(desk.url + f"case?file={FIRST}")
    token = page.locator("#capture-form input[name=csrf]").get_attribute("value")
    where = []
    for rel in (FIRST, second.name):
        sent = page.request.post(desk.url + "case/capture", form={"csrf": token or "", "file": rel}, max_redirects=0)
        assert sent.status == 303
        where.append(sent.headers["location"])
    assert where[0] == where[1]  # the second press shows the capture already running
    page.goto(desk.url + f"case?file={second.name}")
    expect(page.locator("#capture-running")).to_be_visible()
    refused = page.request.post(desk.url + "case/capture", form={"file": FIRST}, max_redirects=0)
    assert refused.status == 403  # no CSRF token: nothing started
