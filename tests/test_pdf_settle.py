"""settle's search for a PDF/A's colour profile stream, found from its fixed text: the same match as the
pattern's own search, on files built to mislead it (no LibreOffice needed)."""

from __future__ import annotations

import pytest

from complaints.render.pdf import _ICC_STREAM, _icc_stream

REAL = b"12 0 obj\n<</N 3/Length 13 0 R/Filter/FlateDecode>>\nstream\nxyz\nendstream"


@pytest.mark.parametrize("pdf", [
    b"",
    b"%PDF-1.7\n" + REAL,
    REAL,
    b" 0 obj\n<</N 3/Length 1 0 R/Filter/FlateDecode>>\nstream\n" + REAL,  # no object number before it
    b"7 0 obj\n<</N 3/Length 1 0 R>>\n" + REAL,  # its number, but not the rest
    b"x12345 0 obj\n<</N 3/Length 99 0 R/Filter/FlateDecode>>\nstream\n" + REAL,  # the first of two
    b"7 0 obj\n<</N 3/Length x 0 R/Filter/FlateDecode>>\nstream\n",  # none at all
    b"0 obj\n<</N 3/Length " * 3 + REAL,
])
def test_the_colour_profile_is_found_where_the_pattern_finds_it(pdf: bytes) -> None:
    theirs, mine = _ICC_STREAM.search(pdf), _icc_stream(pdf)
    assert (mine is None) == (theirs is None)
    if mine is not None and theirs is not None:
        assert (mine.span(), mine.groups()) == (theirs.span(), theirs.groups())
