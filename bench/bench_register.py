"""Register benchmark: python bench/bench_register.py [N]  (default 100,000 filings).

Fills a register with N filings (spread over two years, a tenth answered, some extended), then times the real
commands on it, each run as a user runs it: `complaints status --csv`, `status --overdue --csv` and
`due --within 5 --csv`, output to /dev/null. The target (issue 5): `status` over 100,000 filings answers in under
a second. Also prints, for scale, the start-up of the command alone (`complaints --help`).
"""

from __future__ import annotations

import os
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

TODAY = date(2026, 11, 25)


def fill(db: Path, n: int) -> None:
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
            outlet="Nur.kz", authority="mki-rk", project=None))
    with Register(db) as register:
        register.add_many(filings)


def timed(args: list[str], runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "complaints.cli", *args], check=True, stdout=subprocess.DEVNULL)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "complaints.db"
        start = time.perf_counter()
        fill(db, n)
        made = time.perf_counter() - start
        common = ["--db", str(db), "--today", TODAY.isoformat(), "--csv"]
        t_help = timed(["--help"])
        t_status = timed(["status", *common])
        t_overdue = timed(["status", "--overdue", *common])
        t_due = timed(["due", "--within", "5", *common])
        print(f"machine: {os.uname().machine}, {os.cpu_count()} CPUs, Python {sys.version.split()[0]};"
              f" {n:,} filings (made in {made:.1f} s)")
        print(f"complaints --help (start-up only)   {t_help:6.2f} s")
        verdict = "met" if t_status < 1 else "NOT met"
        print(f"complaints status --csv             {t_status:6.2f} s   target < 1 s: {verdict}")
        print(f"complaints status --overdue --csv   {t_overdue:6.2f} s")
        print(f"complaints due --within 5 --csv     {t_due:6.2f} s")
        print("(best of 3 runs each, output to /dev/null)")


if __name__ == "__main__":
    main()
