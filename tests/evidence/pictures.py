"""Pictures of comments for the OCR check's tests and its threshold's measurement (bench/bench_ocr.py): a comment
box as a news site shows one (author, time, text, replies), drawn by a real headless Chromium and screenshot."""

from __future__ import annotations

import html
import io
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CHROMIUM = os.environ.get("COMPLAINTS_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

# the comments drawn: the one a case quotes, per language, and others of the same language (what a wrong picture
# shows); Kazakh with every letter Russian has not, all with emoji
COMMENTS = {
    "ru": "Не хватает слов в казахском языке, чтобы переводить человеческие языки? 😡 Пусть сначала научатся.",
    "kk": "Адамзат тілдерін аудару үшін қазақ тілінде сөз жетпей ме? Ұят! Өңірде ғалымдар көп, һәм әрі жоқ 🤬",
    "en": "There are not enough words in the Kazakh language to translate human languages? 😂 Go back to your village.",
}
OTHERS = {
    "ru": "Спасибо автору за статью, очень интересно было прочитать про кино в нашем городе 👍 Ждём продолжения!",
    "kk": "Мақала үшін рахмет, біздің қаладағы кинотеатрлар туралы оқу өте қызықты болды 👍 Жалғасын күтеміз!",
    "en": "Thanks for the article, it was really interesting to read about the cinemas in our city 👍 Waiting for more!",
}
AUTHOR = "ZapadNamNePomozhet"
POSTED = {"ru": "6 октября 2023, 22:53", "kk": "2023 ж. 6 қазан, 22:53", "en": "6 October 2023, 10:53 pm"}

PAGE = """<!doctype html><html><head><meta charset="utf-8"><style>
body {{ margin: 0; background: #eef0f3; font-family: {font}; }}
.comment {{ width: {width}px; margin: 16px; padding: 12px 14px; background: #fff; border: 1px solid #d8dbe0;
           border-radius: 6px; color: #222; }}
.head {{ font-size: {small}px; color: #555; }} .head b {{ color: #1a4d8f; }}
.text {{ font-size: {size}px; line-height: 1.45; margin: 6px 0; }}
.foot {{ font-size: {small}px; color: #888; }}
</style></head><body><div class="comment" id="c">
<div class="head"><b>{author}</b> · {posted}</div><div class="text">{text}</div>
<div class="foot">Ответить · 👍 12 · 👎 3</div></div></body></html>"""


@dataclass(frozen=True)
class Look:
    """How a comment box is drawn: its width, its text's size, the screen's pixel ratio."""

    width: int = 600
    size: int = 15
    scale: float = 1.0
    font: str = "Arial, 'Liberation Sans', sans-serif"

    @property
    def name(self) -> str:
        return f"w{self.width}-s{self.size}-x{self.scale:g}"


# the sizes comments are seen at: a phone's column, a desktop's, small and large text, a retina screen
LOOKS = [Look(360, 14, 2.0), Look(360, 13, 1.0), Look(600, 15, 1.0), Look(800, 16, 1.0), Look(600, 13, 1.0),
         Look(600, 15, 2.0), Look(800, 14, 1.0, "'DejaVu Serif', serif")]


@contextmanager
def chromium() -> Iterator[Any]:
    """A real headless Chromium (Debian's), with a new empty profile."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            yield browser
        finally:
            browser.close()


def draw(browser: Any, text: str, path: Path, look: Look = Look(), *, language: str = "ru") -> Path:
    """A screenshot of the comment box with `text`, written to `path` (PNG)."""
    context = browser.new_context(device_scale_factor=look.scale, viewport={"width": look.width + 64, "height": 400})
    try:
        page = context.new_page()
        page.set_content(PAGE.format(font=look.font, width=look.width, small=max(11, look.size - 2), size=look.size,
                                     author=html.escape(AUTHOR), posted=html.escape(POSTED.get(language, "")),
                                     text=html.escape(text)))
        page.locator("#c").screenshot(path=str(path))
    finally:
        context.close()
    return path


def degrade(path: Path, out: Path, *, factor: float = 0.6, quality: int = 35) -> Path:
    """The picture scaled down and saved as a low-quality JPEG: what a messenger does to a screenshot."""
    from PIL import Image

    with Image.open(path) as picture:
        small = picture.convert("RGB").resize((round(picture.width * factor), round(picture.height * factor)),
                                              Image.Resampling.BILINEAR)
    buffer = io.BytesIO()
    small.save(buffer, "JPEG", quality=quality)
    out.write_bytes(buffer.getvalue())
    return out
