"""Write tests/data/letters-sha256.json: the SHA-256 of every letter of the equivalence corpus
(tests/letters_corpus.py), as the `complaints` on the path renders them. Run it with the code the letters must
stay identical to (e.g. PYTHONPATH=/path/to/a/checkout/of/that/commit), and only when a change of the letters'
wording or layout is meant.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from letters_corpus import GOLDEN, render_all  # noqa: E402


def main() -> None:
    import complaints

    with tempfile.TemporaryDirectory() as tmp:
        hashes = render_all(Path(tmp) / "corpus", Path(tmp) / "out")
    GOLDEN.write_text(json.dumps(hashes, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{len(hashes)} letters from {complaints.__file__} → {GOLDEN}")


if __name__ == "__main__":
    main()
