"""The OCR check's threshold, measured: python bench/bench_ocr.py

Draws each test comment (ru, kk, en, with emoji) and another comment of the same language in a real headless
Chromium at the usual sizes (tests/evidence/pictures.py LOOKS), and the same pictures scaled down and saved as
low-quality JPEGs, and a full page of 32 other comments on the subject (none of them the comment); reads each with
Tesseract (evidence/ocr.py) and scores it against the comment's text. Prints
every score, the lowest score of a picture of the comment, the highest of a picture of another comment, the
threshold check.yaml states, and the time OCR takes per picture.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from complaints.evidence.ocr import text_in_picture  # noqa: E402
from complaints.review.pictures import langs_of  # noqa: E402
from tests.evidence.pictures import COMMENTS, LOOKS, OTHERS, chromium, degrade, draw, draw_thread  # noqa: E402


def main() -> None:
    same: list[tuple[str, float]] = []
    other: list[tuple[str, float]] = []
    times: list[float] = []
    threshold = 0.0
    with tempfile.TemporaryDirectory() as scratch, chromium() as browser:
        folder = Path(scratch)
        os.environ["XDG_CACHE_HOME"] = str(folder / "cache")  # every picture read, none from an earlier run
        for lang, text in COMMENTS.items():
            for look in LOOKS:
                for which, shown in (("same", text), ("other", OTHERS[lang])):
                    clean = draw(browser, shown, folder / f"{lang}-{which}-{look.name}.png", look, language=lang)
                    noisy = degrade(clean, folder / f"{lang}-{which}-{look.name}-noisy.jpg")
                    for picture in (clean, noisy):
                        started = time.monotonic()
                        match = text_in_picture(picture, text, langs_of(lang))
                        times.append(time.monotonic() - started)
                        threshold = match.threshold
                        (same if which == "same" else other).append((picture.name, match.score))
                        print(f"{match.score:.3f}  {which:5}  {picture.name}  [{match.excerpt[:70]}]")
        page = draw_thread(browser, folder / "thread-page.png")  # a full page of other comments on the subject
        started = time.monotonic()
        match = text_in_picture(page, COMMENTS["ru"], langs_of("ru"))
        times.append(time.monotonic() - started)
        other.append((page.name, match.score))
        print(f"{match.score:.3f}  other  {page.name}  [{match.excerpt[:70]}]")
    low = min(same, key=lambda s: s[1])
    high = max(other, key=lambda s: s[1])
    print(f"\npictures of the comment: {len(same)}, lowest score {low[1]:.3f} ({low[0]})")
    print(f"pictures of another comment: {len(other)}, highest score {high[1]:.3f} ({high[0]})")
    print(f"threshold (check.yaml): {threshold:.2f}: {'between them' if high[1] < threshold <= low[1] else 'NOT'}")
    times.sort()
    print(f"OCR per picture: median {times[len(times) // 2]:.2f} s, slowest {times[-1]:.2f} s ({len(times)} pictures)")


if __name__ == "__main__":
    main()
