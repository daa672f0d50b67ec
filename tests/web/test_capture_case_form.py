"""The case page in a real browser keeps a captured case's capture: the form has no inputs for an evidence item's
`sha256` and `timestamped_by` (what `complaints capture` wrote), and an advocate who edits another field saves the
file with those lines as they were."""

from __future__ import annotations

import hashlib
from pathlib import Path

from playwright.sync_api import Page, expect

from complaints.case.read import load_case
from complaints.case.write import updated_text
from complaints.evidence.record import token_name

NUR = "nurkz-2023-10-06-kazakh-language.yaml"
WHEN = "2026-11-24T19:03:12+05:00"


def test_editing_a_captured_case_keeps_its_hashes_and_time_stamps(serve, project_folder: Path,
                                                                   browser_page: Page) -> None:
    case = project_folder / NUR
    items = []
    for role, ext in (("comment", "png"), ("page", "mhtml")):
        file = project_folder / "evidence" / f"capture-2026-11-24-190312-{role}.{ext}"
        file.write_bytes(f"{role}.{ext}".encode())
        items.append({"file": f"evidence/{file.name}", "description": f"The {role}", "taken": WHEN,
                      "sha256": hashlib.sha256(file.read_bytes()).hexdigest(), "timestamped_by": ["freetsa.org"]})
    (project_folder / "evidence" / token_name("capture-2026-11-24-190312", "freetsa.org")).write_bytes(b"token")
    # added as the capture adds them: through the one case-file writer, keeping the file's comments
    text = updated_text(case.read_text(encoding="utf-8"),
                        [(("evidence", "+"), item) for item in items] + [(("comment", "still_online"), WHEN)])
    case.write_text(text, encoding="utf-8")
    before = text.splitlines()
    assert load_case(case).case.evidence[-1].timestamped_by == ["freetsa.org"]

    desk = serve(project_folder)
    page = browser_page
    page.goto(desk.url + f"case?file={NUR}")
    page.locator('[name="comment.url"]').fill("https://www.nur.kz/example-article-path/#comment-123")
    page.click("#save")
    expect(page.locator("#saved")).to_be_visible()
    after = case.read_text(encoding="utf-8").splitlines()
    assert [line for line in after if line not in before] == [
        "  url: https://www.nur.kz/example-article-path/#comment-123"]
    assert set(before) <= set(after)
    saved = load_case(case).case
    assert [(e.sha256, e.timestamped_by) for e in saved.evidence[-2:]] == [
        (item["sha256"], ["freetsa.org"]) for item in items]
