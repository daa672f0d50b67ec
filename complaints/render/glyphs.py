"""Which characters the PDF letters can draw: those of the fonts installed where LibreOffice runs.

LibreOffice draws a character missing from the letter's font (Liberation Serif) with another installed font
that has it, found through fontconfig; a character no installed font has is left out of the PDF without a
word, and so is one only a colour font has (LibreOffice 7.4 embeds Noto Color Emoji and draws nothing). So what
a PDF can draw is what fontconfig's outline fonts but the colour ones cover, asked once per run (`fc-list`), and
a case whose text has anything else gets a warning at its field, naming the character and the font to install.
Where fontconfig cannot be asked (no `fc-list`: Windows, most Macs) nothing is known and nothing is said.
"""

from __future__ import annotations

import bisect
import re
import shutil
import subprocess
import unicodedata
from functools import cache
from typing import Any

from ..case.load import Document, Path_
from ..errors import Problem

SHOWN = 5  # characters named in one warning; the rest are counted

# Characters that are never drawn, so need no glyph: the default-ignorable ones (Unicode's
# DerivedCoreProperties.txt) beyond the format characters (category Cf), which `_needs_glyph` leaves out too.
_IGNORABLE = re.compile("[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u3164\ufe00-\ufe0f\uffa0"
                        "\U000e0000-\U000e0fff]")

# The Debian package that draws a kind of character: (first, last code point, package), the first match wins.
_FONTS: tuple[tuple[int, int, str], ...] = (
    # emoji, flags (regional indicators), playing cards; and the older symbols and dingbats emoji use. Symbola's
    # black-and-white glyphs, because LibreOffice 7.4 (Debian 12's) leaves a colour font's glyphs (Noto Color
    # Emoji's) out of a PDF: it embeds the font and draws nothing (tried: 🇰🇿 and 👨‍👩‍👧, both ways)
    (0x1F000, 0x1FAFF, "fonts-symbola"),
    (0x2600, 0x27BF, "fonts-symbola"),
    (0x20000, 0x3FFFF, "fonts-hanazono"),  # the rarer CJK ideographs, extensions B to F (HanaMinB; tried: 𠜎)
    (0x2E80, 0x9FFF, "fonts-noto-cjk"),  # CJK: radicals, kana, Bopomofo, Hangul Jamo, ideographs
    (0xAC00, 0xD7FF, "fonts-noto-cjk"),  # Hangul syllables
    (0xF900, 0xFAFF, "fonts-noto-cjk"),  # CJK compatibility ideographs
    (0xFF00, 0xFFEF, "fonts-noto-cjk"),  # full-width forms
)
_OTHER_FONTS = "fonts-noto-core"  # most other scripts (fonts-noto-extra has more)


@cache
def coverage() -> tuple[list[int], list[int]] | None:
    """The code points the installed fonts have, as sorted, merged ranges (starts, ends); None where
    fontconfig cannot be asked. Asked once per process: fonts are not installed in the middle of a run."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    # outline fonts only: bitmap fonts are not embedded in a PDF, and LibreOffice draws nothing of a colour font's
    # glyphs there (see _FONTS); a fontconfig older than 2.13.1 knows no `color` and is asked without it
    charsets = _fc_list(fc_list, ":scalable=true:color=false")
    if charsets is None or not charsets.strip():
        charsets = _fc_list(fc_list, ":scalable=true")
    if charsets is None:
        return None
    ranges = []
    for part in charsets.split():
        low, _, high = part.partition("-")
        try:
            ranges.append((int(low, 16), int(high or low, 16)))
        except ValueError:
            continue
    starts: list[int] = []
    ends: list[int] = []
    for first, last in sorted(ranges):
        if ends and first <= ends[-1] + 1:
            ends[-1] = max(ends[-1], last)
        else:
            starts.append(first)
            ends.append(last)
    return starts, ends


def _fc_list(fc_list: str, pattern: str) -> str | None:
    """The character sets of the fonts fontconfig matches to `pattern`, as `fc-list` writes them."""
    try:
        done = subprocess.run([fc_list, pattern, "--format=%{charset}\n"], capture_output=True, timeout=60, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.decode("ascii", "replace")


def _needs_glyph(char: str) -> bool:
    """Whether a character is drawn at all: not a control, format character, line or paragraph separator."""
    return unicodedata.category(char) not in ("Cc", "Cf", "Zl", "Zp") and not _IGNORABLE.match(char)


def missing_glyphs(text: str) -> list[str]:
    """The characters of `text` that no installed font can draw (each once, in order), which a PDF letter would
    leave out; none where the fonts cannot be known."""
    known = coverage()
    if known is None:
        return []
    if _drawn[0] is not known:  # the fonts asked again (a test): what was found of the others is forgotten
        _drawn[:] = [known, set()]
    drawn: set[str] = _drawn[1]
    if drawn.issuperset(text):  # most texts: every character met before, and drawable
        return []
    starts, ends = known
    missing: dict[str, None] = {}
    for char in dict.fromkeys(text):
        if char in drawn:
            continue
        point = ord(char)
        at = bisect.bisect_right(starts, point) - 1
        if (at < 0 or point > ends[at]) and _needs_glyph(char):
            missing[char] = None
        else:
            drawn.add(char)
    return list(missing)


_drawn: list[Any] = [None, set()]  # the fonts' coverage, and the characters found drawable with it (or not drawn)


def describe(char: str) -> str:
    """A character as a message names it: U+2070E CJK UNIFIED IDEOGRAPH-2070E."""
    name = unicodedata.name(char, "")
    if not name:
        name = "a private-use character" if unicodedata.category(char) == "Co" else "a character with no name"
    return f"U+{ord(char):04X} {name}"


def font_for(char: str) -> str:
    """The Debian package with a font that draws `char` (or most characters of its kind)."""
    point = ord(char)
    for first, last, package in _FONTS:
        if first <= point <= last:
            return package
    return _OTHER_FONTS


def missing_message(missing: list[str]) -> str:
    """What a warning says of characters no installed font has: which they are and what to install."""
    named = ", ".join(describe(c) for c in missing[:SHOWN])
    more = f" and {len(missing) - SHOWN} more" if len(missing) > SHOWN else ""
    packages = " ".join(dict.fromkeys(font_for(c) for c in missing))
    them = "it" if len(missing) == 1 else "them"
    return (f"no installed font can draw {named}{more}: the PDF letter would leave {them} out without a sign;"
            f" install a font that has {them} (on Debian or Ubuntu: sudo apt install {packages}) and render again")


def glyph_warnings(doc: Document | None) -> list[Problem]:
    """A warning at every text of a case file that has characters no installed font can draw (each field once)."""
    if doc is None or coverage() is None:
        return []
    problems = []
    for path, text in _texts(doc.data, ()):
        missing = missing_glyphs(text)
        if missing:
            problems.append(doc.problem(path, missing_message(missing), severity="warning"))
    return problems


def _texts(value: Any, path: Path_) -> list[tuple[Path_, str]]:
    """Every string of a read YAML document with its path, in the file's order."""
    if isinstance(value, str):
        return [(path, value)]
    found: list[tuple[Path_, str]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _texts(item, path + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _texts(item, path + (i,))
    return found
