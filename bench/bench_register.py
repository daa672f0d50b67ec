"""Register benchmark: python bench/bench_register.py [N] [RUNS]  (default 100,000 filings, 5 runs).

Fills a register with N filings (spread over two years, a tenth answered, some extended), then times the real
commands on it, each run as a user runs it (a fresh process, output to /dev/null): `complaints status --csv`,
`status --overdue --csv`, `due --within 5 --csv` and `status --json`, answered by the standard-library fast path
(complaints/register/fast.py) once the register's running count of working days is made; the full command
(COMPLAINTS_NO_FAST=1) in alternate runs beside it; and, in the same run, the floor: Python's start-up alone,
and start-up plus reading the rows' stored columns with sqlite3 and writing them with csv (no working days, no
status: less than any listing can do). Wall time and CPU-seconds (user + sys of the process), best and median.

The targets (issue 15): `status --csv` over 100,000 filings in at most 0.6 s; `complaints --help` in at most
150 ms (printed here for scale).

The processes run with bytecode written (PYTHONDONTWRITEBYTECODE unset), as an installed tool runs, after one
run that writes it.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

from complaints.case.when import kz_zone
from complaints.register.filing import Filing
from complaints.register.store import Register
from complaints.register.workdays import calendar

try:
    import resource
except ImportError:  # Windows: wall time only
    resource = None  # type: ignore[assignment]

TODAY = date(2026, 11, 25)
TARGET_STATUS = 0.6
TARGET_HELP = 0.15
ROOT = Path(__file__).resolve().parent.parent  # the code measured: the checkout this file is in
ENV = {**{k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "COMPLAINTS_NO_FAST")},
       "PYTHONPATH": os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])}
FULL = {**ENV, "COMPLAINTS_NO_FAST": "1"}
# the floor: start-up, the stored columns of every filing in the listing's order, written by csv
FLOOR = """
import csv, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("SELECT case_id, lang, channel, ref, filed_at, registered, due, extended_until, outcome,"
                  " replied_on FROM filings ORDER BY case_id, lang, again")
writer = csv.writer(sys.stdout, lineterminator="\\n")
while chunk := rows.fetchmany(5000):
    writer.writerows(chunk)
"""


def fill(db: Path, n: int) -> None:
    """N filings, recorded as `filed` records them: each with the path of the project file it was made with."""
    project = db.parent / "complaints.yaml"
    project.write_text("applicant: {}\n", encoding="utf-8")
    cal = calendar()
    start = date(2025, 1, 1)
    filings = []
    for i in range(n):
        filed = datetime.combine(start + timedelta(days=i * 700 // n), clock(9 + i % 10, i % 60), tzinfo=kz_zone())
        registered = cal.registration_day(filed)
        due = cal.due_date(registered)
        answered = i % 10 == 0
        filings.append(Filing(
            id=0, case_id=f"case-{i:06d}", lang=("kk", "ru", "en")[i % 3], channel="eotinish", ref=f"ЖТ-{i:07d}",
            filed_at=filed, registered=registered, due=due,
            extended_until=due + timedelta(days=30) if i % 17 == 0 else None, extension_ref=None,
            replied_on=due if answered else None, outcome="answered" if answered else None, note=None,
            letter_name=f"case-{i:06d}.ru.pdf", letter_sha256=f"{i:064x}", subject="о принятии мер",
            outlet="Nur.kz", authority="mki-rk", project=str(project.resolve())))
    with Register(db) as register:
        register.add_many(filings)


def once(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """One run: (wall seconds, CPU seconds of the process)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN) if resource else None
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=env, cwd=cwd)
    wall = time.perf_counter() - start
    if before is None:
        return wall, float("nan")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


class Timing:
    def __init__(self) -> None:
        self.walls: list[float] = []
        self.cpus: list[float] = []

    def add(self, measured: tuple[float, float]) -> None:
        self.walls.append(measured[0])
        self.cpus.append(measured[1])

    @property
    def best(self) -> float:
        return min(self.walls)

    def __str__(self) -> str:
        return (f"wall best {min(self.walls):5.2f} s, median {statistics.median(self.walls):5.2f} s;"
                f" CPU best {min(self.cpus):5.2f} s, median {statistics.median(self.cpus):5.2f} s")


def verdict(value: float, target: float) -> str:
    return "met" if value <= target else "NOT met"


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    tool = [sys.executable, "-m", "complaints.cli"]
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "complaints.db"
        start = time.perf_counter()
        fill(db, n)
        made = time.perf_counter() - start
        common = ["--db", str(db), "--today", TODAY.isoformat()]
        status = [*tool, "status", "--csv", *common]
        start = time.perf_counter()
        # counts the working days, once (and writes the bytecode, as an installed tool has it)
        subprocess.run(status, check=True, stdout=subprocess.DEVNULL, env=ENV, cwd=tmp)
        counted = time.perf_counter() - start
        timings = {name: Timing() for name in ("help", "status", "overdue", "due", "json", "full", "full-due",
                                               "python", "floor")}
        commands = {
            "help": ([*tool, "--help"], ENV),
            "status": (status, ENV),
            "overdue": ([*tool, "status", "--overdue", "--csv", *common], ENV),
            "due": ([*tool, "due", "--within", "5", "--csv", *common], ENV),
            "json": ([*tool, "status", "--json", *common], ENV),
            "full": (status, FULL),
            "full-due": ([*tool, "due", "--within", "5", "--csv", *common], FULL),
            "python": ([sys.executable, "-c", "import csv, sqlite3"], ENV),
            "floor": ([sys.executable, "-c", FLOOR, str(db)], ENV),
        }
        for run in range(runs):  # alternating, so that the machine's swings fall on all alike
            for name, (command, env) in commands.items():
                if name.startswith("full") and run >= 3:
                    continue  # the full command three times is enough to compare
                timings[name].add(once(command, env, Path(tmp)))
        t = timings
        print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {sys.version.split()[0]};"
              f" {n:,} filings (made in {made:.1f} s; their working days counted by the first `status` in"
              f" {counted:.2f} s)")
        print(f"complaints --help (start-up only)   {t['help'].best:6.2f} s   target <= {TARGET_HELP * 1000:.0f} ms:"
              f" {verdict(t['help'].best, TARGET_HELP)}")
        print(f"complaints status --csv             {t['status'].best:6.2f} s   target <= {TARGET_STATUS} s:"
              f" {verdict(t['status'].best, TARGET_STATUS)} (median {statistics.median(t['status'].walls):.2f} s:"
              f" {verdict(statistics.median(t['status'].walls), TARGET_STATUS)})")
        print(f"complaints status --overdue --csv   {t['overdue'].best:6.2f} s")
        print(f"complaints due --within 5 --csv     {t['due'].best:6.2f} s")
        print(f"complaints status --json            {t['json'].best:6.2f} s")
        print(f"(best of {runs} runs each, output to /dev/null)")
        print()
        width = max(len(k) for k in t)
        labels = {"help": "--help", "status": "status --csv (fast path)", "overdue": "status --overdue --csv",
                  "due": "due --within 5 --csv", "json": "status --json", "full": "status --csv, full command",
                  "full-due": "due --within 5 --csv, full command", "python": "floor: python + import csv, sqlite3",
                  "floor": "floor: python + sqlite3 rows + csv write"}
        width = max(len(v) for v in labels.values())
        for name, label in labels.items():
            print(f"{label:<{width}}  {t[name]}")
        print()
        fast, full, floor = t["status"], t["full"], t["floor"]
        print(f"status --csv: {min(full.cpus) / min(fast.cpus):.1f}x less CPU than the full command,"
              f" {min(full.walls) / min(fast.walls):.1f}x less wall time; {min(fast.cpus) / min(floor.cpus):.2f}x the"
              f" floor's CPU, {min(fast.walls) / min(floor.walls):.2f}x its wall time")
        print(f"target status --csv <= {TARGET_STATUS} s (best wall): {verdict(fast.best, TARGET_STATUS)};"
              f" the floor itself: {floor.best:.2f} s ({verdict(floor.best, TARGET_STATUS)})")


if __name__ == "__main__":
    main()
