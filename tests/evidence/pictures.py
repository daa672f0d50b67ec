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


# a page of other comments on the same subject (none of them the case's): what a full-page screenshot of the wrong
# article, or of the page before the comment appeared, shows
THREAD = ["Спасибо автору за статью, очень интересно", "Кино на казахском языке нужно снимать больше, это правильно",
          "А почему в кинотеатрах нет субтитров? Было бы удобно всем", "Министерство должно выделять деньги на дубляж",
          "Я хожу в кино каждую неделю и вижу, что залы пустые",
          "Казахский язык богатый, переводить можно всё, нужно желание", "Опять эти разговоры, лучше бы дороги построили",
          "Дети смотрят мультфильмы на русском, потому что нет выбора",
          "Переводчики есть, нет денег и желания у прокатчиков", "В Алматы уже есть сеансы с казахским дубляжом, ходите",
          "Языки не виноваты, виноваты чиновники", "Хорошая новость, давно пора было начать",
          "Не хватает кинотеатров в маленьких городах, вот в чём проблема",
          "Кто будет смотреть, если всё на одном языке?", "Фильмы должны быть на двух языках, это честно",
          "Почему в статье нет цифр, сколько фильмов переведено?"] * 2


def draw_thread(browser: Any, path: Path, comments: list[str] = THREAD) -> Path:
    """A full-page screenshot (1366 px wide) of a page of comments."""
    body = "".join(f"<div style='margin:10px;padding:10px;background:#fff'><b>user{i}</b> · 6 октября 2023<br>"
                   f"{html.escape(text)}</div>" for i, text in enumerate(comments))
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    try:
        page = context.new_page()
        page.set_content(f"<html><body style='background:#eee;font-family:Arial;font-size:15px'>{body}</body></html>")
        page.screenshot(path=str(path), full_page=True)
    finally:
        context.close()
    return path
