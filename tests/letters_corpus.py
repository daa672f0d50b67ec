"""The corpus of the equivalence test: the example cases and variants of what the case format allows, rendered in
every format but PDF, with their letters' SHA-256 (tests/data/letters-sha256.json, written by
tools/golden_letters.py with the code of the commit the letters must stay identical to)."""

from __future__ import annotations

import hashlib
import shutil
from datetime import date
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DAY = date(2026, 11, 25)
FORMATS = ("docx", "txt", "md", "html", "eml")
GOLDEN = ROOT / "tests" / "data" / "letters-sha256.json"
NURKZ = "nurkz-2023-10-06-kazakh-language.yaml"
ZONAKZ = "zonakz-2018-07-12-mixed-marriages.yaml"
TEXTS = [
    "«Кавычки» и \"прямые\" & <b>теги</b> {{ не шаблон }} {% raw %} 😀\nвторая строка\n\nтретий абзац",
    "Қазақ тілі — «мемлекеттік тіл» & ағылшынша: 'quoted' <x> 🇰🇿",
    "Plain English comment with a tab\there and trailing spaces   \nand a second line",
]


def _yaml(path: Path) -> dict:  # type: ignore[type-arg]
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _write(path: Path, data: dict) -> None:  # type: ignore[type-arg]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def build(folder: Path) -> dict[str, dict[str, object]]:
    """Write the corpus under `folder`; return each run's folder (relative) → render_batch's options."""
    runs: dict[str, dict[str, object]] = {}
    examples = folder / "examples"
    shutil.copytree(ROOT / "cases", examples)
    runs["examples"] = {}

    kk = folder / "kk-only"
    shutil.copytree(ROOT / "cases", kk)
    project = _yaml(kk / "complaints.yaml")
    project["languages"] = ["kk"]
    _write(kk / "complaints.yaml", project)
    runs["kk-only"] = {}

    ru_en = folder / "ru-en"
    shutil.copytree(ROOT / "cases", ru_en)
    project = _yaml(ru_en / "complaints.yaml")
    project["languages"] = ["ru", "en"]
    _write(ru_en / "complaints.yaml", project)
    runs["ru-en"] = {}

    hard = folder / "texts-and-times"
    shutil.copytree(ROOT / "cases", hard)
    base = _yaml(hard / NURKZ)
    posted = ["2024-02-29T23:30", "2024-03-01T00:30", "2025-12-31T23:59"]
    for i, (text, when) in enumerate(zip(TEXTS, posted)):
        case = dict(base, id=f"variant-{i}")
        case["comment"] = dict(base["comment"], text=text, posted=when)
        _write(hard / f"variant-{i}.yaml", case)
    runs["texts-and-times"] = {}

    grouped = folder / "grouped"
    shutil.copytree(hard, grouped)
    runs["grouped"] = {"group_by": "outlet"}

    own = folder / "own-templates"
    shutil.copytree(ROOT / "cases", own)
    shutil.copytree(ROOT / "templates", own / "templates")
    text = (own / "templates" / "letter.txt").read_text(encoding="utf-8")
    (own / "templates" / "letter.txt").write_text(text.replace("\n", "\n\n", 1), encoding="utf-8")
    runs["own-templates"] = {"templates": str(own / "templates")}
    return runs


def letter_hashes(out: Path) -> dict[str, str]:
    """Every letter under `out` (not the manifest) → its SHA-256."""
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file() and p.parent != out}


def render_all(folder: Path, out: Path, workers: int = 1) -> dict[str, str]:
    """The corpus rendered by the `complaints` on the path; every letter's hash, keyed run/case/file."""
    from complaints import render_batch

    hashes: dict[str, str] = {}
    for name, options in build(folder).items():
        render_batch([folder / name], out=out / name, formats=FORMATS, letter_date=DAY, workers=workers,
                     **options)  # type: ignore[arg-type]
        hashes.update({f"{name}/{key}": sha for key, sha in letter_hashes(out / name).items()})
    return hashes
