"""Batch rendering benchmark: python bench/bench_render.py [N]  (default N = 1000 cases, 3 letters each).

Measures in one run, side by side:
  (a) docxtpl as its README shows it: load the template, render, save, for every letter
      (contexts from complaints.letter_context);
  (b) `complaints render` with one worker;
  (c) `complaints render` with all workers;
  (d) `complaints render` again with nothing changed;
  (e) the floor: writing the same finished files with the tool's own writer, with no rendering at all;
and prints letters per second, the ratios, and peak memory of `complaints render` at N and 10·N cases.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import yaml

import complaints

ROOT = Path(__file__).resolve().parent.parent
DAY = date(2026, 11, 25)


def make_cases(folder: Path, n: int) -> None:
    """N synthetic cases beside a copy of the examples' project file."""
    folder.mkdir(parents=True)
    shutil.copy(ROOT / "cases" / "complaints.yaml", folder / "complaints.yaml")
    base = yaml.safe_load((ROOT / "cases" / "nurkz-2023-10-06-kazakh-language.yaml").read_text(encoding="utf-8"))
    base.pop("evidence")
    for i in range(n):
        case = dict(base, id=f"bench-{i:06d}")
        case["comment"] = dict(base["comment"], text=f"Комментарий номер {i} & <{i}> {{{{ x }}}}\nвторая строка",
                               posted=f"202{4 + i % 2}-0{1 + i % 9}-1{i % 10}T1{i % 10}:{10 + i % 50}")
        (folder / f"bench-{i:06d}.yaml").write_text(yaml.safe_dump(case, allow_unicode=True), encoding="utf-8")


def timed(fn) -> float:
    if hasattr(os, "sync"):
        os.sync()  # what the last measurement wrote is flushed now, not during this one
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def plain_docxtpl(cases: Path, out: Path) -> int:
    from docxtpl import DocxTemplate
    from jinja2 import Environment, StrictUndefined

    count = 0
    for path in sorted(cases.glob("bench-*.yaml")):
        case = complaints.load_case(path, letter_date=DAY)
        for lang in ("kk", "ru", "en"):
            tpl = DocxTemplate(str(complaints.templates_dir() / lang / "letter.docx"))
            tpl.render(complaints.letter_context(case, lang, letter_date=DAY),
                       jinja_env=Environment(undefined=StrictUndefined, autoescape=True), autoescape=True)
            target = out / case.id / f"{case.id}.{lang}.docx"
            target.parent.mkdir(parents=True, exist_ok=True)
            tpl.save(str(target))
            count += 1
    return count


def cli_render(cases: Path, out: Path, workers: int) -> int:
    """Run the real command; return its peak resident memory in KiB (largest process)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run([sys.executable, "-m", "complaints.cli", "render", str(cases), "--out", str(out), "-q",
                    "--workers", str(workers), "--date", DAY.isoformat()], check=True)
    return max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)


def finished_letters(source: Path) -> list[dict[Path, bytes]]:
    """The letters of a finished run, read into memory case by case."""
    return [{p.relative_to(source): p.read_bytes() for p in sorted(folder.glob("*.docx"))}
            for folder in sorted(source.iterdir()) if folder.is_dir()]


def floor(cases: list[dict[Path, bytes]], out: Path) -> None:
    """Write them again as `complaints render` writes: each letter to a temporary file, each case renamed into
    place whole."""
    from complaints.batch import manifest
    from complaints.batch.write import move_into_place

    manifest.start(out)
    for letters in cases:
        staged = {}
        for rel, data in letters.items():
            fd, temp = tempfile.mkstemp(dir=manifest.temp_dir(out))
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            staged[str(rel)] = temp
        move_into_place(out, staged)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    cpus = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        make_cases(work / "cases", n)
        letters = 3 * n
        sample = max(1, n // 10)  # docxtpl's loop is slow: time a tenth and scale
        make_cases(work / "sample", sample)
        t_a = timed(lambda: plain_docxtpl(work / "sample", work / "a")) * (n / sample)
        t_b = timed(lambda: cli_render(work / "cases", work / "b", 1))
        t_c = timed(lambda: cli_render(work / "cases", work / "c", cpus))
        t_d = timed(lambda: cli_render(work / "cases", work / "c", cpus))
        ready = finished_letters(work / "c")
        t_e = timed(lambda: floor(ready, work / "e"))
        rate = {k: letters / t for k, t in (("a", t_a), ("b", t_b), ("c", t_c), ("d", t_d), ("e", t_e))}
        print(f"machine: {os.uname().machine}, {cpus} CPUs, Python {sys.version.split()[0]}; N = {n} cases,"
              f" {letters} letters")
        print(f"(a) docxtpl loop          {rate['a']:9.0f} letters/s   (timed on {sample} cases, scaled)")
        print(f"(b) render, 1 worker      {rate['b']:9.0f} letters/s   {rate['b'] / rate['a']:5.1f}x (a)")
        print(f"(c) render, {cpus} workers     {rate['c']:9.0f} letters/s   {rate['c'] / rate['a']:5.1f}x (a)")
        print(f"(d) unchanged second run  {rate['d']:9.0f} letters/s   {rate['d'] / rate['c']:5.1f}x (c)"
              f"   ({t_d:.2f} s for the whole run)")
        print(f"(e) floor: write only     {rate['e']:9.0f} letters/s   (c) is {rate['e'] / rate['c']:.1f}x slower")
        make_cases(work / "big", 10 * n)
        shutil.rmtree(work / "b")
        mem_n = _peak(work / "cases", work / "m1", cpus)
        mem_10n = _peak(work / "big", work / "m10", cpus)
        print(f"peak memory: {mem_n / 1024:.0f} MiB at N, {mem_10n / 1024:.0f} MiB at 10·N,"
              f" ratio {mem_10n / mem_n:.2f}")


def _peak(cases: Path, out: Path, workers: int) -> int:
    code = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    done = subprocess.run([sys.executable, "-c", code, sys.executable, "-m", "complaints.cli", "render", str(cases),
                           "--out", str(out), "-q", "--workers", str(workers), "--date", DAY.isoformat()],
                          check=True, capture_output=True, text=True)
    return int(done.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
