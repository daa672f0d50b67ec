"""Every letter of the corpus (tests/letters_corpus.py: the examples and variants of what the case format
allows, in every format but PDF) is byte for byte what the code of tests/data/letters-sha256.json made: a speed-up
must never change a letter. Written by tools/golden_letters.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from letters_corpus import GOLDEN, render_all


@pytest.mark.parametrize("workers", [1, 2])
def test_every_letter_is_byte_identical(tmp_path: Path, workers: int) -> None:
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    made = render_all(tmp_path / "corpus", tmp_path / "out", workers=workers)
    assert sorted(made) == sorted(expected), "the corpus made other files than it did"
    changed = [name for name, sha in made.items() if expected[name] != sha]
    assert not changed, f"{len(changed)} letters differ, e.g. {changed[:5]}"
