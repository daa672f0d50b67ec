"""Batch rendering benchmark: python bench/bench_render.py [N] [RUNS]  (default N = 1000 cases, 3 letters each; RUNS = 5).

Measures in one run, side by side, wall time and CPU-seconds (user + system, of every process of the command):
  (a) docxtpl as its README shows it: load the case, build its context, load the template, render, save, for
      every letter (timed on a tenth of the cases and scaled);
  (b) `complaints render` with one worker;
  (c) `complaints render` with two workers: the median of RUNS fresh runs;
  (d) `complaints render` again with nothing changed (the median of RUNS runs), and the floor of such a run:
      Python starting, reading the run's summary and looking at every file it names (os.stat), nothing else;
  (e) the floor of writing: the same finished files written as `complaints render` writes them, nothing rendered;
  (f) the floor of making a letter: Jinja rendering the Word template's document part and zipping it with the
      template's other parts, per letter on one core, the contexts made beforehand (not timed);
  (g) the floor of the whole job, as the 2-worker command must do it: a fresh Python started, the rendering
      modules imported, two processes forked, each reading its case files (the C YAML reader), rendering each
      letter's document part, zipping it and writing it to a new folder per case; the letters' contexts are
      made beforehand (not timed), so everything the tool adds (checking, wording, manifest) is left out: the
      median of RUNS runs, the least wall time a 2-worker render of N cases can take on this machine;
and prints each figure, the CPU per letter against the floor (e) + (f), each target of issue 15 with "met" or
"NOT met", and the peak memory of `complaints render` at N and 10·N cases.
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
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


def timed(fn) -> tuple[float, float, float]:
    """Wall seconds, CPU-seconds (this process and the commands it ran) of `fn`, and how many of those were the
    kernel's (system time: on this machine's disk, creating a file costs far more there than in Python)."""
    if hasattr(os, "sync"):
        os.sync()  # what the last measurement wrote is flushed now, not during this one
    before, kernel = _cpu(), _kernel()
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start, _cpu() - before, _kernel() - kernel


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _kernel() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_stime + resource.getrusage(resource.RUSAGE_CHILDREN).ru_stime


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


ENV = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "COMPLAINTS_NO_FAST")}


def cli_render(cases: Path, out: Path, workers: int) -> None:
    """Run the real command, as a user runs it (its bytecode cached, as an installed tool's is)."""
    subprocess.run([sys.executable, "-m", "complaints.cli", "render", str(cases), "--out", str(out), "-q",
                    "--workers", str(workers), "--date", DAY.isoformat()], check=True, env=ENV)


def finished_letters(source: Path) -> list[dict[Path, bytes]]:
    """The letters of a finished run, read into memory case by case."""
    return [{p.relative_to(source): p.read_bytes() for p in sorted(folder.glob("*.docx"))}
            for folder in sorted(source.iterdir()) if folder.is_dir()]


def floor(cases: list[dict[Path, bytes]], out: Path) -> None:
    """Write them again as `complaints render` writes them: each letter set to a staging folder of its own, under
    the letters' names, renamed into place whole."""
    from complaints.batch import manifest
    from complaints.batch.write import move_into_place
    from complaints.files import Staging

    manifest.start(out)
    for n, letters in enumerate(cases):
        staging = Staging(manifest.temp_dir(out), f"floor-{n}")
        move_into_place(out, {str(rel): staging.write(rel.name, data) for rel, data in letters.items()})


def prepared(cases: Path, n: int | None = None) -> dict[str, tuple[str, dict[str, dict]]]:
    """Each of the first `n` case files: its id and its letters' contexts, by language (made here, not timed)."""
    contexts = {}
    for path in sorted(cases.glob("bench-*.yaml"))[:n]:
        case = complaints.load_case(path, letter_date=DAY)
        contexts[str(path)] = (case.id, {lang: complaints.letter_context(case, lang, letter_date=DAY)
                                         for lang in ("kk", "ru", "en")})
    return contexts


def template_parts() -> dict[str, tuple[str, list[str], dict[str, bytes]]]:
    """Each language's Word template: its document part as one Jinja source (its tags mended as docxtpl mends
    them), its parts' names in order, and its other parts compressed once."""
    from docxtpl import DocxTemplate

    from complaints.render.docx import compress

    parts = {}
    for lang in ("kk", "ru", "en"):
        source = complaints.templates_dir() / lang / "letter.docx"
        with zipfile.ZipFile(source) as z:
            names = [i.filename for i in z.infolist()]
            others = {name: compress(name, z.read(name)) for name in names if name != "word/document.xml"}
            body = DocxTemplate(str(source)).patch_xml(z.read("word/document.xml").decode("utf-8"))
        parts[lang] = (body, names, others)
    return parts


def letter_floor(cases: Path, n: int) -> float:
    """CPU-seconds per letter of Jinja rendering the Word template's document part and zipping it with the
    template's other parts (compressed once), on one core; the contexts are made first and not timed."""
    from complaints.render.docx import assemble, compress, template_environment

    contexts = [(lang, context) for _, letters in prepared(cases, n).values() for lang, context in letters.items()]
    parts = {lang: (template_environment().from_string(body), names, others)
             for lang, (body, names, others) in template_parts().items()}
    start = time.process_time()
    for lang, context in contexts:
        body, names, others = parts[lang]
        document = compress("word/document.xml", body.render(context).encode("utf-8"))
        assemble([document if name == "word/document.xml" else others[name] for name in names])
    return (time.process_time() - start) / len(contexts)


JOB_FLOOR = """
import os, pickle, sys
import yaml
from complaints.render.docx import assemble, compress, template_environment
contexts, parts = pickle.load(open(sys.argv[1], "rb"))
env = template_environment()
bodies = {lang: (env.from_string(body), names, others) for lang, (body, names, others) in parts.items()}
paths = sorted(contexts)
os.mkdir(sys.argv[2])
children = []
for k in range(2):
    pid = os.fork()
    if pid == 0:
        for path in paths[k::2]:
            with open(path, encoding="utf-8") as f:
                yaml.load(f, Loader=yaml.CSafeLoader)
            case_id, letters = contexts[path]
            folder = os.path.join(sys.argv[2], case_id)
            os.mkdir(folder)
            for lang, context in letters.items():
                body, names, others = bodies[lang]
                document = compress("word/document.xml", body.render(context).encode("utf-8"))
                data = assemble([document if name == "word/document.xml" else others[name] for name in names])
                with open(os.path.join(folder, f"{case_id}.{lang}.docx"), "xb") as out:
                    out.write(data)
        os._exit(0)
    children.append(pid)
for pid in children:
    os.waitpid(pid, 0)
"""


def job_floor(cases: Path, work: Path, runs: int) -> float:
    """Wall seconds of (g), the median of `runs`; the contexts and the templates' parts are made first, in
    this process, and handed over in a file (not timed)."""
    import pickle

    ready = work / "g.pickle"
    ready.write_bytes(pickle.dumps((prepared(cases), template_parts())))
    times = []
    for run in range(runs):
        if hasattr(os, "sync"):
            os.sync()
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", JOB_FLOOR, str(ready), str(work / f"g{run}")], check=True, env=ENV)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def unchanged_floor(out: Path, runs: int) -> float:
    """Wall seconds of the least an unchanged run must do: start Python, read the run's summary, look at every
    file it names; the median of `runs`."""
    from complaints.batch.unchanged import summary_path

    code = ("import json, os, sys\n"
            "lines = open(sys.argv[1], 'rb').read().splitlines()\n"
            "for line in lines[:3]: json.loads(line)\n"
            "for name, was in json.loads(lines[3]).items():\n"
            "    if was is not None: os.stat(name)\n")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code, str(summary_path(out))], check=True, env=ENV)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    cpus = os.cpu_count() or 1
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(Path(complaints.__file__).parent)], check=True,
                   env=ENV, stdout=subprocess.DEVNULL)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        # the summaries of unchanged runs (batch/unchanged.py) kept in the benchmark's own cache folder
        os.environ["XDG_CACHE_HOME"] = ENV["XDG_CACHE_HOME"] = str(work / "cache")
        make_cases(work / "cases", n)
        letters = 3 * n
        sample = max(1, n // 10)  # docxtpl's loop is slow: time a tenth and scale
        make_cases(work / "sample", sample)
        wall_a, cpu_a, sys_a = timed(lambda: plain_docxtpl(work / "sample", work / "a"))
        wall_a, cpu_a, sys_a = wall_a * n / sample, cpu_a * n / sample, sys_a * n / sample
        wall_b, cpu_b, sys_b = timed(lambda: cli_render(work / "cases", work / "b", 1))
        full = []
        for _run in range(runs):  # fresh runs, each into a new folder
            shutil.rmtree(work / "c", ignore_errors=True)
            full.append(timed(lambda: cli_render(work / "cases", work / "c", 2)))
        wall_c, cpu_c = statistics.median(w for w, _, _ in full), statistics.median(c for _, c, _ in full)
        sys_c = statistics.median(k for _, _, k in full)
        again = [timed(lambda: cli_render(work / "cases", work / "c", 2)) for _ in range(runs)]
        wall_d, cpu_d = statistics.median(w for w, _, _ in again), statistics.median(c for _, c, _ in again)
        floor_d = unchanged_floor(work / "c", runs)
        ready = finished_letters(work / "c")
        wall_e, cpu_e, sys_e = timed(lambda: floor(ready, work / "e"))
        cpu_f = letter_floor(work / "cases", min(n, 200))
        wall_g = job_floor(work / "cases", work, runs)
        rate = {k: letters / t for k, t in (("a", wall_a), ("b", wall_b), ("c", wall_c), ("e", wall_e), ("g", wall_g))}
        per = {k: 1000 * c / letters for k, c in (("a", cpu_a), ("b", cpu_b), ("c", cpu_c), ("e", cpu_e))}
        kernel = {k: 1000 * c / letters for k, c in (("a", sys_a), ("b", sys_b), ("c", sys_c), ("e", sys_e))}
        floor_ms = per["e"] + 1000 * cpu_f
        print(f"machine: {os.uname().machine}, {cpus} CPUs, Python {sys.version.split()[0]}; N = {n} cases,"
              f" {letters} letters; median of {runs} runs for (c) and (d)")
        print(f"(a) docxtpl loop          {rate['a']:7.0f} letters/s  {per['a']:6.2f} ms CPU a letter"
              f" ({kernel['a']:.2f} system)   (timed on {sample} cases, scaled)")
        print(f"(b) render, 1 worker      {rate['b']:7.0f} letters/s  {per['b']:6.2f} ms CPU a letter"
              f" ({kernel['b']:.2f} system)   {rate['b'] / rate['a']:5.1f}x (a)")
        print(f"(c) render, 2 workers     {rate['c']:7.0f} letters/s  {per['c']:6.2f} ms CPU a letter"
              f" ({kernel['c']:.2f} system)   {rate['c'] / rate['a']:5.1f}x (a)"
              f"   (runs: {', '.join(f'{w:.2f}' for w, _, _ in full)} s)")
        print(f"(d) unchanged second run  {1000 * wall_d:7.0f} ms          {1000 * cpu_d:6.0f} ms CPU"
              f"   {wall_c / wall_d:5.1f}x faster than (c); its floor (start, read the summary, stat"
              f" every file) {1000 * floor_d:.0f} ms")
        print(f"(e) floor: write only     {rate['e']:7.0f} letters/s  {per['e']:6.2f} ms CPU a letter"
              f" ({kernel['e']:.2f} system)")
        print(f"(f) floor: Jinja + zip              {1000 * cpu_f:6.2f} ms CPU a letter (one core)")
        print(f"    CPU a letter in (c) {per['c']:.2f} ms = {per['c'] / floor_ms:.1f}x the floor (e) + (f)"
              f" = {floor_ms:.2f} ms; 2 cores at the floor would make {2000 / floor_ms:.0f} letters/s")
        print(f"(g) floor: the whole job, 2 processes {rate['g']:5.0f} letters/s  ({wall_g:.2f} s; the least a"
              f" 2-worker render can take here)")
        make_cases(work / "big", 10 * n)
        shutil.rmtree(work / "b")
        mem_n = _peak(work / "cases", work / "m1", cpus)
        mem_10n = _peak(work / "big", work / "m10", cpus)
        print(f"peak memory: {mem_n / 1024:.0f} MiB at N, {mem_10n / 1024:.0f} MiB at 10·N, ratio {mem_10n / mem_n:.2f}")
        print("targets (issue 15):")
        print(f"  render, 2 workers >= 1,500 letters/s: {rate['c']:.0f}  {verdict(rate['c'] >= 1500)}"
              + ("" if rate["g"] >= 1500 else f"; beyond this machine: its floor (g) makes {rate['g']:.0f}"))
        print(f"  render >= 25x the docxtpl loop: {rate['c'] / rate['a']:.1f}x  {verdict(rate['c'] / rate['a'] >= 25)}")
        print(f"  CPU a letter within 3x the floor: {per['c'] / floor_ms:.1f}x  {verdict(per['c'] <= 3 * floor_ms)}")
        print(f"  unchanged re-run <= 100 ms: {1000 * wall_d:.0f} ms  {verdict(wall_d <= 0.1)}")
        print(f"  unchanged re-run >= 20x faster than the full render: {wall_c / wall_d:.0f}x"
              f"  {verdict(wall_c / wall_d >= 20)}")
        print(f"  peak memory at 10·N <= 1.2x that at N: {mem_10n / mem_n:.2f}  {verdict(mem_10n <= 1.2 * mem_n)}")


def _peak(cases: Path, out: Path, workers: int) -> int:
    code = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    done = subprocess.run([sys.executable, "-c", code, sys.executable, "-m", "complaints.cli", "render", str(cases),
                           "--out", str(out), "-q", "--workers", str(workers), "--date", DAY.isoformat()],
                          check=True, capture_output=True, text=True, env=ENV)
    return int(done.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
