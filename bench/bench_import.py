"""Import benchmark: python bench/bench_import.py [--rows N]  (default 1,000,000 rows).

Writes a monitoring sheet of N rows (a CSV as monitors keep it: distinct comments on several outlets' articles
over many days, some with a translation or an archived copy), then runs the real `complaints import SHEET --out
CASES` in a subprocess, as a user runs it, and measures its wall time, its processor time (user + system, from
the child's own rusage), rows per second and its peak memory (the child's ru_maxrss). Then, in the same run,
the floor: the least work the job needs, reading the same CSV with the csv module and writing each row's YAML
text to a new file of its own with plain open/write (no checking, no atomic write); and prints the ratio.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

PROJECT = """\
applicant:
  kind: person
  name: {kk: Серікұлы Нұрлан, ru: Серікұлы Нұрлан, en: Nurlan Serikuly}
  iin: "900101300126"
  address: {kk: "Астана қ., Мысал көшесі, 1", ru: "г. Астана, ул. Мысал, 1", en: "1 Mysal St, Astana"}
  phone: +7 700 000 00 00
  email: applicant@example.org
languages: [kk, ru, en]
"""

HEADER = ["Дата комментария", "Издание", "Адрес сайта", "Заголовок", "Ссылка на статью", "Дата публикации",
          "Автор комментария", "Текст комментария", "Язык", "Перевод (англ)", "Нормы", "Архивная копия"]
OUTLETS = [("Nur.kz", "https://www.nur.kz"), ("Zakon.kz", "https://www.zakon.kz"), ("Orda.kz", "https://orda.kz"),
           ("Tengrinews.kz", "https://tengrinews.kz"), ("KazTAG", "https://kaztag.kz"),
           ("Informburo.kz", "https://informburo.kz")]
TITLES = ["В Алматы растёт число переселенцев из регионов", "Мәжіліс тіл туралы заңға түзетулерді қарады",
          "В Астане обсудили программу развития государственного языка",
          "Балаева объяснила, почему в кинотеатрах нет иностранных фильмов на казахском языке"]
OPENINGS = ["Опять одно и то же.", "Честно говоря,", "Давно пора сказать прямо:", "Не хватает слов,"]
MIDDLES = ["с такими соседями нормальной жизни не будет", "их язык годится только для деревни",
           "этим людям нельзя доверять работу в госорганах", "пусть уезжают туда, откуда приехали"]
NORMS = ["criminal-code-174-1", "criminal-code-174-1; media-law-1999-art-2",
         "criminal-code-174-1, media-law-2024, online-platforms-2023-art-9-4"]
FIRST_DAY = date(2024, 9, 1)  # the norms in NORMS all in force


def make_sheet(path: Path, n: int) -> None:
    """N rows, each a comment of its own: a number in its text and its author, a day among 450, six outlets."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, delimiter=";")
        out.writerow(HEADER)
        for i in range(n):
            name, site = OUTLETS[i % len(OUTLETS)]
            day = FIRST_DAY + timedelta(days=(i * 7) % 450)
            article = f"{site}/news/{2_100_000 + i // 40}-novost/"
            text = f"{OPENINGS[i % 4]} {MIDDLES[(i // 4) % 4]} (комментарий {i})."
            english = "The same thing again, for the {i}th time." if i % 5 == 0 else ""
            archive = f"https://web.archive.org/web/20240827125500/{article}" if i % 3 == 0 else ""
            out.writerow([f"{day.strftime('%d.%m.%Y')} {8 + i % 14:02d}:{i % 60:02d}", name, site,
                          TITLES[(i // 40) % 4], article, day.strftime("%d.%m.%Y"), f"User_{i % 9973}_{i // 9973}",
                          text, "ru", english.format(i=i), NORMS[i % 3], archive])


def run_import(sheet: Path, out: Path) -> tuple[float, float, int, str]:
    """Wall seconds, processor seconds, peak resident bytes and the summary line of the real command."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "complaints.cli", "import", str(sheet), "--out", str(out)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    stderr = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"complaints import failed ({proc.returncode}):\n{stderr[-4000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, stderr.strip().splitlines()[-1]


def floor(sheet: Path, out: Path) -> tuple[float, float]:
    """Wall and processor seconds of the least the job needs: the CSV read, each row's YAML to a new file."""
    out.mkdir()
    start, cpu = time.perf_counter(), time.process_time()
    with sheet.open(encoding="utf-8", newline="") as fh:
        rows = csv.reader(fh, delimiter=";")
        next(rows)
        for number, row in enumerate(rows, start=2):
            posted, name, site, title, article, published, author, text, lang, english, norms, archive = row
            yaml = (f"# imported from row {number}\nformat: 1\nid: row-{number}\noutlet:\n  name: {name}\n"
                    f"  url: {site}\narticle:\n  title: {title}\n  url: {article}\n  published: {published}\n"
                    f"comment:\n  author: {author}\n  posted: {posted}\n  language: {lang}\n  text: \"{text}\"\n"
                    + (f"  translation:\n    en: \"{english}\"\n" if english else "")
                    + f"legal_basis:\n  norms: [{norms}]\n" + (f"evidence:\n  - url: {archive}\n" if archive else ""))
            with open(out / f"row-{number}.yaml", "x", encoding="utf-8") as case:
                case.write(yaml)
    return time.perf_counter() - start, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows in the sheet (default 1,000,000)")
    parser.add_argument("--keep", type=Path, help="make the sheet and the case folders here, and leave them")
    args = parser.parse_args()
    n = args.rows
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        sheet = work / "monitoring.csv"
        start = time.perf_counter()
        make_sheet(sheet, n)
        made = time.perf_counter() - start
        cases = work / "cases"
        cases.mkdir()
        (cases / "complaints.yaml").write_text(PROJECT, encoding="utf-8")
        wall, cpu, peak, summary = run_import(sheet, cases)
        written = sum(1 for _ in os.scandir(cases)) - 1
        f_wall, f_cpu = floor(sheet, work / "floor")
        print(f"machine: {os.uname().machine}, {os.cpu_count()} CPUs, Python {sys.version.split()[0]};"
              f" {n:,} rows, {sheet.stat().st_size / 2**20:,.0f} MiB CSV (made in {made:.0f} s)")
        print(f"complaints import   {wall:8.1f} s wall  {cpu:8.1f} s CPU  {n / wall:7,.0f} rows/s"
              f"   peak {peak / 2**20:,.0f} MiB   {written:,} case files")
        print(f"floor: csv + write  {f_wall:8.1f} s wall  {f_cpu:8.1f} s CPU  {n / f_wall:7,.0f} rows/s"
              f"   import is {wall / f_wall:.1f}x slower")
        print(f"({summary})")


if __name__ == "__main__":
    main()
