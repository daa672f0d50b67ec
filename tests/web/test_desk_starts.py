"""The desk starts on this computer only, one per folder, and speaks the chosen language."""

from __future__ import annotations

import urllib.request
from pathlib import Path


def test_the_desk_listens_on_loopback_and_a_second_one_on_the_folder_is_refused(serve, project_folder: Path) -> None:
    desk = serve(project_folder)
    assert desk.url.startswith("http://127.0.0.1:")
    with urllib.request.urlopen(desk.url) as answer:
        assert answer.status == 200
    second = start_desk_refused(project_folder)
    assert "already serving" in second


def start_desk_refused(folder: Path) -> str:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "complaints.cli", "serve", str(folder), "--port", "0", "--no-browser"],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 2, done.stderr
    return done.stderr


def test_the_interface_switches_to_kazakh_and_remembers_it(serve, project_folder: Path, browser_page) -> None:
    desk = serve(project_folder)
    page = browser_page
    page.goto(desk.url)
    page.click("a[hreflang=kk]")
    assert page.locator("html").get_attribute("lang") == "kk"
    assert "Істер" in page.locator("header nav").inner_text()
    page.goto(desk.url)
    assert "Істер" in page.locator("header nav").inner_text()



def test_a_folder_not_made_yet_is_made_and_the_desk_asks_for_the_applicant(serve, tmp_path: Path) -> None:
    folder = tmp_path / "my-complaints"
    desk = serve(folder)
    with urllib.request.urlopen(desk.url) as answer:
        assert answer.url.endswith("/first-run")
    assert folder.is_dir() and not (folder / "complaints.yaml").exists()
