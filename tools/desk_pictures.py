#!/usr/bin/env python3
"""The README's pictures of the desk, taken by the browser tests' own Chromium (Debian's, through Playwright).

    .venv/bin/python tools/desk_pictures.py [--out docs]

Starts the real server (`complaints serve --no-browser`) on a copy of cases/ with its letters written (DOCX),
opens its pages in Russian at 1280×860 and saves:

    docs/desk-cases.png     the cases
    docs/desk-case.png      a case's form
    docs/desk-letters.png   a case's letters
    docs/desk-register.png  the filing register

A page the desk does not have (yet) is skipped, saying so; the others are still taken. The pages are found the
way a user finds them: by the links of the cases page and of a case's page, else at their usual addresses.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("COMPLAINTS_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-sync"]
CASE = "nurkz-2023-10-06-kazakh-language.yaml"
SIZE = {"width": 1280, "height": 860}


def start(folder: Path) -> tuple[subprocess.Popen[str], str]:
    """`complaints serve FOLDER --port 0 --no-browser`, waited for until it says its address."""
    process = subprocess.Popen([sys.executable, "-m", "complaints.cli", "serve", str(folder), "--port", "0",
                                "--no-browser"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               encoding="utf-8", cwd=folder)
    assert process.stdout is not None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        found = re.search(r"http://127\.0\.0\.1:\d+/", line)
        if found:
            return process, found.group(0)
    process.kill()
    sys.exit("the desk did not start")


def answers(url: str) -> bool:
    """The page is there: it answers 200 with a page (not a 404, nor a redirect to another page)."""
    try:
        with urllib.request.urlopen(url) as answer:
            return answer.status == 200 and urlsplit(answer.url).path == urlsplit(url).path \
                and answer.headers.get_content_type() == "text/html"
    except (urllib.error.URLError, OSError):
        return False


def linked(page: object, base: str, *words: str) -> list[str]:
    """The links of the open page whose address has one of `words` in its path (this server's only)."""
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")  # type: ignore[attr-defined]
    found = []
    for href in hrefs:
        url = urljoin(base, href)
        if urlsplit(url).netloc == urlsplit(base).netloc and any(w in urlsplit(url).path for w in words):
            found.append(url)
    return list(dict.fromkeys(found))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs", help="where the pictures go (default: docs/)")
    where = parser.parse_args().out
    if not Path(CHROMIUM).exists():
        sys.exit(f"no Chromium at {CHROMIUM} (Debian's chromium package; or set COMPLAINTS_CHROMIUM)")
    from playwright.sync_api import sync_playwright

    import complaints

    where.mkdir(parents=True, exist_ok=True)
    taken, skipped = [], []
    with tempfile.TemporaryDirectory(prefix="desk-pictures-") as scratch:
        folder = Path(scratch) / "cases"
        shutil.copytree(REPO / "cases", folder)
        complaints.render_batch([folder], out=folder / "letters", formats=["docx"])  # the letters page has letters
        try:  # and the register a filing (the example's letter is not ready to sign: recorded anyway, for the picture)
            complaints.record_filing(folder / CASE, lang="ru", on="2026-11-02T10:30", channel="eotinish",
                                     ref="ЖТ-Т-2026-00012345", registered="2026-11-03", letters=folder / "letters",
                                     db=folder / "complaints.db", anyway=True)
        except complaints.ComplaintsError as exc:
            print(f"note: the register's picture has no filing ({exc})", file=sys.stderr)
        process, base = start(folder)
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
                page = browser.new_context(locale="ru-RU", viewport=SIZE, device_scale_factor=1).new_page()

                def shoot(name: str, candidates: list[str]) -> None:
                    for url in candidates:
                        if answers(url):
                            page.goto(url)
                            page.wait_for_load_state("networkidle")
                            page.screenshot(path=str(where / name))
                            taken.append(f"{name}: {urlsplit(url).path}")
                            return
                    skipped.append(f"{name}: no such page yet (tried {', '.join(urlsplit(u).path for u in candidates)})")

                shoot("desk-cases.png", [urljoin(base, "/cases")])
                page.goto(urljoin(base, "/cases"))
                of_case = [u for u in linked(page, base, "case", "letter") if quote(CASE) in u or CASE in u]
                usual = f"?file={quote(CASE)}"
                shoot("desk-case.png", [*(u for u in of_case if "letter" not in u),
                                        *(urljoin(base, p + usual) for p in ("/case", "/cases/case", "/cases/edit"))])
                # the letters: linked from the case's page (open now, if it was taken) or the cases page
                letters = [*linked(page, base, "letter"), *(u for u in of_case if "letter" in u)]
                shoot("desk-letters.png", [*(u for u in letters if CASE in u or quote(CASE) in u),
                                           *(urljoin(base, p + usual) for p in ("/letters", "/case/letters",
                                                                                 "/cases/letters"))])
                shoot("desk-register.png", [urljoin(base, "/register")])
                browser.close()
        finally:
            process.terminate()
            process.communicate(timeout=15)
    for line in taken:
        print(f"saved {where / line.split(':')[0]}  ({line.split(': ', 1)[1]})")
    for line in skipped:
        print(f"skipped {line}", file=sys.stderr)
    return 0 if taken else 1


if __name__ == "__main__":
    sys.exit(main())
