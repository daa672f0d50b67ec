"""The browser a capture uses: a Chromium, Chrome or Edge already on the machine (never one downloaded), started
headless with a fresh, empty profile that is removed afterwards.

    find_browser(configured)   which browser: the project's `browser:`, else $COMPLAINTS_BROWSER, else Debian's
                               /usr/bin/chromium, chromium-browser, google-chrome on the PATH; else Playwright's
                               installed channels "chrome" and "msedge" (Windows always has Edge)
    open_browser(choice)       an async context manager: (Playwright's BrowserContext, the browser's version)
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import UsageError

__all__ = ["FLAGS", "BrowserChoice", "NoBrowser", "find_browser", "open_browser"]

# Headless, no sandbox (containers), no GPU, no QUIC (plain TCP: what the server's logs can be matched to), and no
# traffic of the browser's own: no first-run page, background updates, component downloads or sync.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


class NoBrowser(UsageError):
    """No Chromium, Chrome or Edge was found."""


@dataclass(frozen=True)
class BrowserChoice:
    executable: str | None  # a browser's program, or None for a Playwright channel
    channel: str | None = None  # "chrome" or "msedge": an installed Chrome or Edge, found by Playwright

    def __str__(self) -> str:
        return self.executable or f"the installed {'Edge' if self.channel == 'msedge' else 'Chrome'}"


def find_browser(configured: str | None = None) -> BrowserChoice:
    """The browser to capture with; NoBrowser, saying how to give one, when there is none."""
    for given, what in ((configured, "complaints.yaml's `browser:`"),
                        (os.environ.get("COMPLAINTS_BROWSER"), "COMPLAINTS_BROWSER")):
        if given:
            path = shutil.which(given) or (given if Path(given).is_file() else None)
            if path is None:
                raise NoBrowser(f"{what} names {given}, which is not a program here: give the full path of"
                                " Chromium, Chrome or Edge")
            return BrowserChoice(path)
    if Path("/usr/bin/chromium").is_file():
        return BrowserChoice("/usr/bin/chromium")
    for name in _NAMES:
        found = shutil.which(name)
        if found:
            return BrowserChoice(found)
    for channel, paths in _CHANNELS.items():
        if any(Path(p).is_file() for p in paths):
            return BrowserChoice(None, channel)
    raise NoBrowser("no Chromium, Chrome or Edge found: install Chromium (Debian, Ubuntu: apt install chromium), or"
                    " give the browser's program in complaints.yaml (`browser: /path/to/chrome`) or in the"
                    " COMPLAINTS_BROWSER environment variable")


def _program_files(*parts: str) -> list[str]:
    roots = [os.environ.get(v) for v in ("PROGRAMFILES", "PROGRAMFILES(X86)", "LOCALAPPDATA")]
    return [str(Path(r, *parts)) for r in roots if r]


# Where Playwright's channels look for an installed Chrome or Edge.
_CHANNELS: dict[str, list[str]] = {
    "chrome": (_program_files("Google", "Chrome", "Application", "chrome.exe") if sys.platform == "win32" else
               ["/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"] if sys.platform == "darwin" else
               ["/opt/google/chrome/chrome"]),
    "msedge": (_program_files("Microsoft", "Edge", "Application", "msedge.exe") if sys.platform == "win32" else
               ["/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge"] if sys.platform == "darwin" else
               ["/opt/microsoft/msedge/msedge"]),
}


@asynccontextmanager
async def open_browser(choice: BrowserChoice, *, locale: str = "ru-RU") -> AsyncIterator[tuple[Any, str]]:
    """The browser started headless with a new empty profile (a temporary folder, removed when done): its one
    context, for every page of the run, and its name and version."""
    from playwright.async_api import Error as PlaywrightError
    from playwright.async_api import async_playwright

    profile = tempfile.mkdtemp(prefix="complaints-browser-")
    try:
        async with async_playwright() as pw:
            try:
                context = await pw.chromium.launch_persistent_context(
                    profile, executable_path=choice.executable, channel=choice.channel, headless=True, args=FLAGS,
                    locale=locale, viewport={"width": 1280, "height": 900}, device_scale_factor=1,
                    ignore_https_errors=False, accept_downloads=False)
            except PlaywrightError as exc:
                raise NoBrowser(f"cannot start {choice}: {str(exc).splitlines()[0]}") from None
            try:
                version = context.browser.version if context.browser else ""
                yield context, f"{Path(choice.executable or choice.channel or '').name} {version}".strip()
            finally:
                await context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)
