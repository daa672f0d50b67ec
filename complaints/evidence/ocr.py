"""Does the screenshot say what the letter says? The quoted comment looked for in a picture's text, as Tesseract
reads it (through pytesseract), tolerant of the noise OCR makes.

Both texts are normalised first (case folded; spaces, quotes, dashes, punctuation and emoji dropped; the Cyrillic
and Latin letters OCR confuses, а/a, е/e, о/o, р/p, с/c, х/x, і/i…, and the Kazakh letters a Russian model reads as
their Russian look-alikes, қ/к, ғ/г, ң/н, ө/о, ұ/ү/у, ә/а, written as one), then the quoted text is aligned with
every run of about as many words of the picture's text, word by word in order: the score is the share of the
quote's letters the best run shows, each word counted by its likeness to the word OCR read (difflib's ratio; a word
less than half alike counts nothing), in [0, 1]. A picture of the comment scores near 1 even with OCR's slips; a
picture of another comment scores what two unrelated texts share by chance. The threshold between them is measured
on pictures a real Chromium makes (tests/evidence/test_ocr.py, bench/bench_ocr.py) and kept in
complaints/data/check.yaml.

OCR is optional: without Tesseract (or its language data) the answer says so (`available` False), never raises.
A picture is read once: its text is kept by its SHA-256 and the languages it was read in, in the process and in
the user's cache folder (XDG_CACHE_HOME or ~/.cache, %LOCALAPPDATA% on Windows: complaints/ocr/), never beside
the case; a cache that cannot be written is only not kept.
"""

from __future__ import annotations

import hashlib
import re
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path

__all__ = ["OcrMatch", "text_in_picture", "read_picture", "score_text", "normalise", "tesseract_langs",
           "langs_for", "PictureText", "forget", "cache_folder"]

# the letters OCR confuses, each written as one: Latin look-alikes as Cyrillic, Kazakh letters as the Russian ones
# a model without them reads (and і, which Russian has not, as Latin i, which it looks like)
_ALIKE = str.maketrans({
    "a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у", "k": "к", "m": "м", "t": "т",
    "b": "в", "h": "н", "i": "і", "ё": "е", "й": "и",
    "ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у", "һ": "н",
})
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """The text as compared: NFKC, case folded, look-alike letters as one, only letters and digits, single spaces."""
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_ALIKE)
    kept = "".join(ch if unicodedata.category(ch)[0] in "LN" else " " for ch in folded)
    return _SPACE.sub(" ", kept).strip()


@dataclass(frozen=True)
class OcrMatch:
    """How well a picture shows a text."""

    score: float  # in [0, 1]: the best alignment of the text with the picture's text (0 when not read)
    threshold: float  # found: score >= threshold
    found: bool
    excerpt: str  # the picture's text that matched best, as OCR read it ("" when none)
    available: bool = True  # False: OCR could not run here (no Tesseract, no language data): nothing was checked
    error: str | None = None  # why nothing was checked (OCR missing, not a picture, nothing to look for)
    langs: str = ""  # the Tesseract languages read with, "kaz+rus+eng"
    seconds: float = 0.0  # the time OCR took (0 when the picture's text was known already)

    @property
    def checked(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class PictureText:
    text: str
    seconds: float


class OcrUnavailable(Exception):
    """Tesseract, or every language asked for, is not installed."""


class NotAPicture(Exception):
    """The file cannot be opened as a picture."""


def _settings() -> tuple[float, int, float]:
    from ..review.findings import signs

    s = signs().ocr
    return s.threshold, s.min_width, s.timeout


@lru_cache(maxsize=4)
def tesseract_langs(command: str) -> frozenset[str]:
    """The languages the Tesseract at `command` has data for (OcrUnavailable if it does not run)."""
    import pytesseract

    try:
        return frozenset(pytesseract.get_languages(config=""))
    except pytesseract.TesseractNotFoundError as exc:
        raise OcrUnavailable(f"Tesseract is not installed: no '{command}' command") from exc
    except (pytesseract.TesseractError, OSError) as exc:
        raise OcrUnavailable(f"Tesseract does not run ('{command}'): {exc}") from exc


def langs_for(langs: Sequence[str]) -> str:
    """The Tesseract language string for the languages asked for, in their order, those installed only
    ("kaz+rus+eng"); OcrUnavailable when Tesseract is missing or has none of them."""
    import pytesseract

    command = str(pytesseract.pytesseract.tesseract_cmd)
    installed = tesseract_langs(command)
    chosen = [lang for i, lang in enumerate(langs) if lang in installed and lang not in langs[:i]]
    if not chosen:
        raise OcrUnavailable(f"Tesseract has none of the languages {'+'.join(langs)} (installed:"
                             f" {', '.join(sorted(installed)) or 'none'})")
    return "+".join(chosen)


_READ: dict[tuple[str, str, str], PictureText] = {}


def forget() -> None:
    """Forget every picture's text read so far in this process (and which Tesseract is installed); the cache
    folder's are kept."""
    _READ.clear()
    tesseract_langs.cache_clear()


def cache_folder() -> Path | None:
    """Where pictures' texts are kept between runs (None where the user has no cache folder)."""
    from ..layout import user_cache

    try:
        return user_cache() / "ocr"
    except (RuntimeError, KeyError):
        return None


def _cached(name: str) -> str | None:
    folder = cache_folder()
    if folder is None:
        return None
    try:
        return (folder / name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _keep(name: str, text: str) -> None:
    from ..files import write_whole

    folder = cache_folder()
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_whole(folder / name, text.encode("utf-8"))
    except OSError:
        pass  # only not kept: read again next time


def read_picture(image: Path, langs: str) -> PictureText:
    """The text Tesseract reads in the picture (once per picture's content and languages in a process).
    NotAPicture if it is not one; OcrUnavailable if Tesseract does not run."""
    import pytesseract
    from PIL import Image, UnidentifiedImageError

    try:
        digest = hashlib.sha256(image.read_bytes()).hexdigest()
    except OSError as exc:
        raise NotAPicture(f"cannot be read: {exc.strerror or exc}") from exc
    key = (digest, langs, str(pytesseract.pytesseract.tesseract_cmd))
    if key in _READ:
        return PictureText(_READ[key].text, 0.0)
    _, min_width, timeout = _settings()
    name = f"{digest}-{langs}-{min_width}.txt"
    kept = _cached(name)
    if kept is not None:
        _READ[key] = PictureText(kept, 0.0)
        return _READ[key]
    try:
        with Image.open(image) as opened:
            opened.load()
            picture = opened.convert("RGBA")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise NotAPicture("is not a picture OCR can read (PNG, JPEG or WebP)") from exc
    flat = Image.new("RGBA", picture.size, "white")  # a transparent picture on white, as a page shows it
    flat.alpha_composite(picture)
    grey = flat.convert("L")
    if grey.width < min_width:  # small text reads better enlarged (a close-up, a picture scaled down)
        factor = min(4.0, min_width / max(1, grey.width))
        grey = grey.resize((round(grey.width * factor), round(grey.height * factor)), Image.Resampling.LANCZOS)
    started = time.monotonic()
    try:
        text = pytesseract.image_to_string(grey, lang=langs, timeout=timeout)
    except pytesseract.TesseractNotFoundError as exc:
        raise OcrUnavailable(f"Tesseract is not installed: no '{key[2]}' command") from exc
    except RuntimeError as exc:  # pytesseract's time-out
        raise NotAPicture(f"took OCR longer than {timeout:g} s: not read") from exc
    except (pytesseract.TesseractError, OSError) as exc:
        raise NotAPicture(f"could not be read by OCR: {exc}") from exc
    read = PictureText(str(text), time.monotonic() - started)
    _READ[key] = read
    _keep(name, read.text)
    return read


def _similar(a: str, b: str) -> float:
    """Two words' likeness (difflib's ratio), 0 below one half: a word OCR garbled past that is not counted."""
    ratio = SequenceMatcher(None, a, b, autojunk=False).ratio()
    return ratio if ratio >= 0.5 else 0.0


def score_text(text: str, seen: str) -> tuple[float, str]:
    """How well `seen` (a picture's text) contains `text`: the quoted words aligned in order with a run of seen's
    words a little longer than the quote (OCR splits a word, adds a stray mark), each quoted word counted by its
    length and its likeness to the word it is aligned with; the best run's share of the quote's letters, and that
    run as seen has it."""
    wanted = normalise(text).split()
    words = [(w, n) for w, n in ((w, normalise(w)) for w in seen.split()) if n]
    if not wanted or not words:
        return 0.0, ""
    weights = [len(w) for w in wanted]
    total = sum(weights)
    likeness = [[_similar(q, n) for _, n in words] for q in wanted]
    span = len(wanted) + 3
    best, where = 0.0, (0, 0)
    for start in range(max(1, len(words) - len(wanted) + 1)):
        window = range(start, min(len(words), start + span))
        if not any(likeness[i][j] for i in range(len(wanted)) for j in window):
            continue
        previous = [(0.0, -1, -1)] * (len(window) + 1)  # (score, first word matched, last word matched)
        for i, weight in enumerate(weights):
            current = [(0.0, -1, -1)] * (len(window) + 1)
            for k, j in enumerate(window, 1):
                took = previous[k - 1]
                gain = weight * likeness[i][j]
                pair = (took[0] + gain, took[1] if took[1] >= 0 else j, j) if gain else took
                current[k] = max(previous[k], current[k - 1], pair, key=lambda c: c[0])
            previous = current
        score, first, last = previous[-1]
        if score / total > best:
            best, where = score / total, (first, last + 1)
    return round(best, 3), " ".join(w for w, _ in words[where[0]:where[1]])


def text_in_picture(image: Path, text: str, langs: Sequence[str], *, threshold: float | None = None) -> OcrMatch:
    """Whether the picture `image` shows `text`: OCR in the Tesseract languages `langs` (the text's own first:
    ["kaz", "rus", "eng"]), then the normalised, fuzzy comparison. Never raises for OCR's or the picture's fault:
    the answer's `error` says why nothing was checked (and `available` False when OCR is not installed)."""
    limit = _settings()[0] if threshold is None else threshold
    if not normalise(text):
        return OcrMatch(0.0, limit, False, "", error="the text has no letters or digits to look for")
    try:
        chosen = langs_for(langs)
        read = read_picture(image, chosen)
    except OcrUnavailable as exc:
        return OcrMatch(0.0, limit, False, "", available=False, error=f"OCR not available: {exc}")
    except NotAPicture as exc:
        return OcrMatch(0.0, limit, False, "", error=str(exc))
    score, excerpt = score_text(text, read.text)
    return OcrMatch(score, limit, score >= limit, excerpt, langs=chosen, seconds=read.seconds)
