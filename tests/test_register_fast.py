"""The register's fast path (complaints/register/fast.py): `status` and `due` as CSV or JSON answered with the
standard library alone print exactly what the full command prints, and leave to it everything they are not sure
of; the running count of working days the register keeps is counted again when the calendar data changes."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import replace
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

import pytest
from conftest import REPO

from complaints.case.when import kz_zone
from complaints.register import store
from complaints.register.filing import Filing
from complaints.register.listing import LEFT, calendar_digest, keep, select
from complaints.register.sightings import record_sighting
from complaints.register.store import Register
from complaints.register.workdays import calendar

HEAVY = ("typer", "click", "rich", "pydantic", "yaml", "jinja2", "babel", "holidays", "docxtpl", "docx")
# One subprocess that asks the fast path alone, says whether it answered, and what it imported
FAST = f"""
import sys
from complaints.register.fast import answer
code = answer(sys.argv[1:])
sys.stdout.flush()
heavy = sorted(m for m in sys.modules if m.split(".")[0] in {HEAVY!r})
sys.stderr.flush()
sys.stderr.buffer.write(("answered %s; imported %s\\n" % (code, heavy)).encode())
sys.exit(99 if code is None else code)
"""
# Cells a spreadsheet or a CSV reader would trip on, Cyrillic, and the fast path's own separator
REFS = ["ЖТ-2026-00123", "a,b", 'say "hi"', "line\nbreak", "cr\rhere", "=1+2", "-5", "+7", "@home", "\ttab",
        "x\x1fy", "", None, "a=b", "№ 12/3", "Ü—ü", "nul\x00here"]
TODAYS = ["2026-03-20", "2026-03-23", "2026-05-09", "2026-08-31", "2026-11-25", "2027-06-01"]


def _run(args: list[str], cwd: Path, *, fast: bool, more: dict[str, str] | None = None,
         ) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if k not in ("COMPLAINTS_NO_FAST", "FORCE_COLOR", "TTY_COMPATIBLE")}
    env.update(more or {})
    if fast:
        return subprocess.run([sys.executable, "-c", FAST, *args], cwd=cwd, env=env, capture_output=True)
    return subprocess.run([sys.executable, "-m", "complaints.cli", *args], cwd=cwd, capture_output=True,
                          env={**env, "COMPLAINTS_NO_FAST": "1"})


def _same(args: list[str], cwd: Path, more: dict[str, str] | None = None) -> bytes:
    """The full command's output, after checking that the fast path answers with the same bytes and status."""
    full = _run(args, cwd, fast=False, more=more)
    fast = _run(args, cwd, fast=True, more=more)
    assert fast.returncode != 99, f"the fast path did not answer {args}: {fast.stderr.decode()}"
    assert "imported []" in fast.stderr.decode(), fast.stderr.decode()
    assert (fast.returncode, fast.stdout) == (full.returncode, full.stdout), args
    return full.stdout


def _filings(n: int, project: Path | None, start: date = date(2026, 2, 20), step: int = 5) -> list[Filing]:
    cal = calendar((project.parent / "workdays.yaml") if project and (project.parent / "workdays.yaml").is_file()
                   else None)
    found = []
    for i in range(n):
        filed = datetime.combine(start + timedelta(days=i * step), clock(9 + i % 11, i % 60),
                                 tzinfo=kz_zone())
        registered = cal.registration_day(filed)
        case = f"case-{i:03d}" if i % 13 else f"=case-{i:03d}"  # a case id a spreadsheet would run
        found.append(Filing(
            id=0, case_id=case, lang=("kk", "ru", "en")[i % 3], channel=("eotinish", "post")[i % 2],
            ref=REFS[i % len(REFS)], filed_at=filed, registered=registered, due=cal.due_date(registered),
            extended_until=None, extension_ref=None, replied_on=None, outcome=None, note=None,
            letter_name=f"{case}.ru.pdf", letter_sha256=f"{i:064x}", subject="о принятии мер", outlet="Nur.kz",
            authority="mki-rk", project=str(project) if project else None,
            registration="receipt" if i % 4 == 0 else None))
    return found


@pytest.fixture
def cases(tmp_path: Path) -> Path:
    """A cases folder (complaints.yaml, its own workdays.yaml) whose register holds filings of two projects over
    2026: some extended, some answered, some overdue, a case filed again, sightings of some comments."""
    folder = tmp_path / "cases"
    folder.mkdir()
    project = folder / "complaints.yaml"
    project.write_text("applicant: {}\n", encoding="utf-8")
    (folder / "workdays.yaml").write_text("format: 1\n", encoding="utf-8")
    other = tmp_path / "elsewhere" / "complaints.yaml"  # a project moved away since: the shipped calendar
    with Register(folder / "complaints.db") as register:
        register.add_many(_filings(40, project) + _filings(60, project, date(2026, 8, 20), 2)[40:]
                          + [replace(f, case_id=f"other-{n}") for n, f in enumerate(_filings(12, other))]
                          + [replace(f, case_id=f"none-{n}") for n, f in enumerate(_filings(40, None, step=7))])
        filings = register.filings()
        again = _filings(3, project)[2]
        register.add(again, again=True)
        for n, f in enumerate(filings):
            if n % 7 == 3:
                register.extend(f, f.due + timedelta(days=20 + n % 9), f"EXT-{n}")
            if n % 5 == 1:
                register.reply(f, f.due - timedelta(days=n % 4), ("answered", "refused", "forwarded")[n % 3],
                               None, None)
    when = datetime(2026, 4, 2, 10, 30, tzinfo=kz_zone())
    db = folder / "complaints.db"
    record_sighting(db, "case-001", "https://example.kz/a#c1", when, "found", "")
    record_sighting(db, "case-002", "https://example.kz/b", when, "found", "")
    record_sighting(db, "case-002", "https://example.kz/b", when + timedelta(days=3), "not-found", "")
    record_sighting(db, "case-004", "https://example.kz/d", when, "timeout", "no answer")
    return folder


def test_status_and_due_print_the_same_bytes_as_the_full_command(cases: Path) -> None:
    outputs = set()
    for today in TODAYS:
        for args in (["status", "--csv"], ["status", "--overdue", "--csv"], ["status", "--json"],
                     ["status", "--overdue", "--json"], ["due", "--csv"], ["due", "--within", "0", "--json"],
                     ["due", "--within=12", "--csv"], ["due", "--json", "--within", "40"]):
            if today not in ("2026-03-23", "2026-11-25") and args[0] == "status" and "--overdue" in args:
                continue  # enough of each; every combination costs a full command's start
            outputs.add(_same([*args, "--today", today], cases))
    assert len(outputs) > 20  # the days, filters and formats gave different listings, not one and the same
    listing = _same(["status", "--csv", "--today", "2026-11-25"], cases).decode()
    assert "'=case-000" in listing and "'-5" in listing and "'@home" in listing  # formulas defused
    assert '"a,b"' in listing and '"line\nbreak"' in listing and '"cr\rhere"' in listing
    assert "removed (last seen 2026-04-02, missing 2026-04-05)" in listing and "online (seen 2026-04-02)" in listing
    data = json.loads(_same(["status", "--json", "--today", "2026-11-25"], cases))
    assert {d["status"] for d in data} >= {"overdue", "answered", "refused", "forwarded", "extended"}
    assert {(d["comment"] or {}).get("state") for d in data} == {None, "online", "removed", "unknown"}
    assert any(d["reference"] == "x\x1fy" for d in data) and any(d["reference"] == "nul\x00here" for d in data)
    assert "nul\x00here" in listing


def test_the_register_is_found_as_the_full_command_finds_it(cases: Path) -> None:
    assert _same(["status", "--csv", "--today", "2026-06-01"], cases).count(b"\n") > 60  # beside complaints.yaml
    assert _same(["status", "--csv", "--today", "2026-06-01"], cases.parent)  # the one register just below
    (cases / "sub").mkdir()
    assert _same(["due", "--within", "9", "--csv", "--today", "2026-06-01"], cases / "sub")  # walking up
    _same(["status", "--json", "--db", str(cases / "complaints.db"), "--today", "2026-06-01"], cases.parent.parent)


def test_output_in_another_encoding_than_utf8_is_the_same_too(cases: Path) -> None:
    """The rows written as text where standard output is not UTF-8 (the bytes SQLite holds go out as they are
    only where it is)."""
    for args in (["status", "--csv", "--today", "2026-11-25"], ["status", "--json", "--today", "2026-11-25"]):
        written = _same(args, cases, {"PYTHONIOENCODING": "utf-16"})
        assert written.decode("utf-16-le" if not written.startswith(b"\xff\xfe") else "utf-16") \
            == _same(args, cases).decode()


def test_output_that_is_no_terminal_is_csv_without_asking(cases: Path) -> None:
    assert _same(["status", "--today", "2026-06-01"], cases) == _same(["status", "--csv", "--today", "2026-06-01"],
                                                                     cases)
    assert _same(["due", "--today", "2026-06-01"], cases).startswith(b"case,language,channel")


def test_an_empty_register_and_an_empty_listing(tmp_path: Path) -> None:
    (tmp_path / "complaints.yaml").write_text("applicant: {}\n", encoding="utf-8")
    Register(tmp_path / "complaints.db").close()
    assert _same(["status", "--csv"], tmp_path) == b"case,language,channel,reference,filed,registered,due,days," \
                                                  b"status,comment\n"
    assert _same(["status", "--json"], tmp_path) == b"[]\n"
    assert _same(["due", "--json", "--within", "3"], tmp_path) == b"[]\n"


@pytest.mark.parametrize("args", [
    ["status"],  # a terminal? not known here: only CSV and JSON, and output that is no terminal
    ["status", "--csv", "--today", "31.02.2026"],  # a date to refuse: the full command says why
    ["status", "--csv", "--today", "2026-11-25", "--lang", "ru"],  # an option it does not know
    ["status", "--csv", "extra"],
    ["status", "--csv", "--help"],
    ["due", "--within", "-1", "--csv"],
    ["due", "--within", "+3", "--csv"],
    ["due", "--within", "10001", "--csv"],
    ["due", "--within"],
    ["status", "--csv=yes"],
    ["filed", "c1.yaml"],
    ["status", "--csv", "--db", "missing.db"],  # the full command makes the register, or says why not
])
def test_what_the_fast_path_is_not_sure_of_is_left_to_the_full_command(cases: Path, args: list[str]) -> None:
    _run(["status", "--csv"], cases, fast=False)  # the register's count made
    env = {**os.environ, "FORCE_COLOR": "1"} if args == ["status"] else None
    result = subprocess.run([sys.executable, "-c", FAST, *args], cwd=cases, capture_output=True, env=env)
    assert result.returncode == 99 and result.stdout == b"", result.stderr


def test_a_register_to_migrate_or_count_is_left_to_the_full_command_which_does_it(cases: Path) -> None:
    db = cases / "complaints.db"
    args = ["status", "--csv", "--today", "2026-11-25"]
    assert _run(args, cases, fast=True).returncode == 99  # never counted: the full command counts it
    _run(args, cases, fast=False)
    assert _run(args, cases, fast=True).returncode == 0
    assert _run(["status", "--csv", "--today", "2029-01-10"], cases, fast=True).returncode == 99  # beyond the span
    _same(["status", "--csv", "--today", "2029-01-10"], cases)  # counted again, further
    with sqlite3.connect(db) as raw:
        raw.execute(f"PRAGMA user_version = {len(store.MIGRATIONS) + 1}")
    assert _run(args, cases, fast=True).returncode == 99  # newer: the full command says to update the tool
    full = _run(args, cases, fast=False)
    assert full.returncode == 1 and b"newer version" in full.stderr


def _schema_4_register(path: Path) -> None:
    """A register as the tool wrote it before it kept the count (schema 4), with filings of 2026."""
    db = sqlite3.connect(path)
    for script in store.MIGRATIONS[:4]:
        db.executescript(script)
    db.execute("PRAGMA user_version = 4")
    db.execute("PRAGMA journal_mode = WAL")
    for n, (filed, registered, due, extended, replied) in enumerate([
            ("2026-03-19T17:00:00+05:00", "2026-03-19", "2026-04-13", None, None),  # Nauryz counted over
            ("2026-04-30T19:00:00+05:00", "2026-05-04", "2026-05-26", "2026-06-20", None),
            ("2026-06-01T10:00:00+05:00", "2026-06-01", "2026-06-22", None, "2026-06-10"),
            ("2026-11-10T10:00:00+05:00", "2026-11-10", "2026-12-02", None, None)]):
        db.execute("INSERT INTO filings (case_id, lang, channel, filed_at, registered, due, extended_until,"
                   " replied_on, outcome, letter_name, letter_sha256, subject, outlet, authority, recorded_at)"
                   " VALUES (?, 'ru', 'eotinish', ?, ?, ?, ?, ?, ?, 'x.ru.docx', ?, 'о принятии мер', 'Nur.kz',"
                   " 'mki-rk', '2026-11-20T05:00:00+00:00')",
                   (f"old-{n}", filed, registered, due, extended, replied, "answered" if replied else None,
                    f"{n:064x}"))
    db.commit()
    db.close()


def test_a_register_of_schema_4_is_migrated_and_lists_as_before(tmp_path: Path) -> None:
    (tmp_path / "complaints.yaml").write_text("applicant: {}\n", encoding="utf-8")
    path = tmp_path / "complaints.db"
    _schema_4_register(path)
    before = _run(["status", "--csv", "--today", "2026-11-25"], tmp_path, fast=True)
    assert before.returncode == 99  # schema 4: migrated by the full command first
    listing = _same(["status", "--csv", "--today", "2026-11-25"], tmp_path).decode()
    with Register(path) as register:
        assert register.schema_version == len(store.MIGRATIONS) == 5
        assert [f.case_id for f in register.filings()] == ["old-0", "old-1", "old-2", "old-3"]
        assert [tuple(r) for r in register.db.execute("SELECT project, digest FROM calendars")] == [
            ("", calendar_digest(""))]
    cal = calendar()
    today = date(2026, 11, 25)

    def days(deadline: str) -> str:
        left = cal.working_days_between(today, date.fromisoformat(deadline))
        return f"{left} left" if left > 0 else "due today" if left == 0 else f"{-left} overdue"

    assert listing.splitlines()[1:] == [
        f"old-0,ru,eotinish,,2026-03-19,2026-03-19,2026-04-13,{days('2026-04-13')},overdue,",
        f"old-1,ru,eotinish,,2026-04-30,2026-05-04,2026-06-20,{days('2026-06-20')},overdue,",
        "old-2,ru,eotinish,,2026-06-01,2026-06-01,2026-06-22,,answered,",
        "old-3,ru,eotinish,,2026-11-10,2026-11-10,2026-12-02,5 left,pending,"]  # 26-27 Nov, 30 Nov, 1-2 Dec
    old = _same(["status", "--csv", "--today", "2026-04-14"], tmp_path).decode()
    # 13 April was due, 14 April is one working day after
    assert "old-0,ru,eotinish,,2026-03-19,2026-03-19,2026-04-13,1 overdue,overdue," in old


BASE = Path(os.environ.get("COMPLAINTS_BASELINE", "/work/base"))


@pytest.mark.skipif(not (BASE / "complaints" / "register" / "store.py").is_file(),
                    reason="no checkout of the tool before the count was kept (COMPLAINTS_BASELINE)")
def test_the_listings_are_those_the_tool_printed_before_it_kept_the_count(cases: Path, tmp_path: Path) -> None:
    """The register of `cases` turned back into schema 4 and listed by the tool as it was: the same bytes."""
    for n, args in enumerate((["status", "--csv", "--today", "2026-05-09"],
                              ["status", "--json", "--today", "2026-11-25"],
                              ["status", "--overdue", "--csv", "--today", "2026-08-31"],
                              ["due", "--within", "7", "--csv", "--today", "2026-11-25"],
                              ["due", "--within", "3", "--json", "--today", "2026-03-20"])):
        old = tmp_path / f"old-{n}"  # each listed by the old tool, then by this one (which migrates it)
        old.mkdir()
        shutil.copy(cases / "complaints.yaml", old / "complaints.yaml")
        shutil.copy(cases / "workdays.yaml", old / "workdays.yaml")
        src, dst = sqlite3.connect(cases / "complaints.db"), sqlite3.connect(old / "complaints.db")
        src.backup(dst)
        src.close()
        dst.execute("DROP TABLE IF EXISTS calendars")  # schema 4 had no count
        dst.execute("DROP TABLE IF EXISTS workday_counts")
        dst.execute("DROP INDEX IF EXISTS filings_project_deadline")
        dst.execute("PRAGMA user_version = 4")
        dst.commit()
        dst.close()
        db = ["--db", str(old / "complaints.db")]
        then = subprocess.run([sys.executable, "-m", "complaints.cli", *args, *db], cwd=old, capture_output=True,
                              env={**os.environ, "PYTHONPATH": str(BASE), "COMPLAINTS_NO_FAST": "1"})
        assert then.returncode == 0, then.stderr
        assert _same([*args, *db], cases) == then.stdout, args


def test_a_changed_calendar_is_counted_again_and_the_answers_follow_it(cases: Path) -> None:
    args = ["status", "--csv", "--today", "2026-11-25"]
    before = _same(args, cases).decode()
    # the nearest of the project's deadlines at least two working days away: one fewer, and `due` lists it
    edge = min(left for row in _rows(before) if _ours(row) and (left := _left(row) or 0) >= 2)
    within = ["due", "--within", str(edge - 1), "--csv", "--today", "2026-11-25"]
    due_before = _same(within, cases).decode()
    with sqlite3.connect(cases / "complaints.db") as db:
        kept = dict(db.execute("SELECT project, digest FROM calendars").fetchall())
    # the project's own calendar: Thursday 26 November 2026 a day off
    (cases / "workdays.yaml").write_text(
        "format: 1\ndays_off:\n  - date: 2026-11-26\n    name: Test day off\n"
        "    source: https://adilet.zan.kz/rus/docs/example\n    checked: 2026-11-25\n", encoding="utf-8")
    assert _run(args, cases, fast=True).returncode == 99  # the calendar data changed: not the count kept
    after = _same(args, cases).decode()
    with sqlite3.connect(cases / "complaints.db") as db:
        now = dict(db.execute("SELECT project, digest FROM calendars").fetchall())
    project = str(cases / "complaints.yaml")
    assert now[project] != kept[project] and now[project] == calendar_digest(project)
    assert {p: d for p, d in now.items() if p != project} == {p: d for p, d in kept.items() if p != project}
    rows_before, rows_after = _rows(before), _rows(after)
    changed = [(b, a) for b, a in zip(rows_before, rows_after, strict=True) if a != b]
    assert len(changed) > 10, "a day off between today and the deadlines changes the days left"
    for b, a in changed:  # one working day fewer, for the project's filings only
        assert _ours(a) and _left(a) == (_left(b) or 0) - 1, (b, a)
    nearest = [row for row in rows_before if _ours(row) and _left(row) == edge]
    due_after = _rows(_same(within, cases).decode())
    assert due_after == [row for row in rows_after if row[8] in ("pending", "extended") and _left(row) in range(edge)]
    assert len(due_after) == len(_rows(due_before)) + len(nearest)


def _ours(row: list[str]) -> bool:
    """A filing of the project whose calendar changed (not one of elsewhere's, nor one without a project)."""
    return row[0].startswith(("case-", "'=case-"))


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))[1:]


def _left(row: list[str]) -> int | None:
    days = row[7]  # "" for a filing answered
    if not days:
        return None
    return 0 if days == "due today" else int(days.split()[0]) * (-1 if days.endswith("overdue") else 1)


def test_the_fast_path_is_standard_library_only() -> None:
    """Imported and run in a fresh interpreter: none of the heavy packages comes in (FAST asserts it for every
    answer above; here with a register that cannot be found, the cheapest answer: None)."""
    result = subprocess.run([sys.executable, "-c", FAST, "status", "--csv", "--db", "/nonexistent/complaints.db"],
                            capture_output=True, cwd=REPO)
    assert result.returncode == 99 and "imported []" in result.stderr.decode(), result.stderr


def test_a_filing_recorded_after_the_count_is_listed_by_the_fast_path_without_counting_again(cases: Path) -> None:
    args = ["status", "--csv", "--today", "2026-11-25"]
    _same(args, cases)
    with sqlite3.connect(cases / "complaints.db") as db:
        kept = db.execute("SELECT * FROM calendars ORDER BY project").fetchall()
    project = cases / "complaints.yaml"
    with Register(cases / "complaints.db") as register:
        register.add(replace(_filings(1, project, date(2026, 11, 20))[0], case_id="new-within-the-span"))
    assert b"new-within-the-span" in _same(args, cases)  # answered by the fast path: the span holds its deadline
    with sqlite3.connect(cases / "complaints.db") as db:
        assert db.execute("SELECT * FROM calendars ORDER BY project").fetchall() == kept
    with Register(cases / "complaints.db") as register:  # a deadline beyond the span: counted further first
        register.add(replace(_filings(1, project, date(2028, 6, 1))[0], case_id="new-beyond-the-span"))
    assert _run(args, cases, fast=True).returncode == 99
    assert b"new-beyond-the-span" in _same(args, cases)


def test_a_count_the_register_cannot_keep_is_read_from_the_commands_own_table(tmp_path: Path) -> None:
    """Where the register cannot be written (or the calendar data cannot be read), the count is made in the
    connection's temporary table, which the listing reads instead of the register's (filings._query)."""
    path = tmp_path / "complaints.db"
    with Register(path) as register:
        register.add_many(_filings(3, None, date(2026, 11, 2)))
        db = register.db
        listing_sql = select(["f.case_id", LEFT], {"": 1000})
        db.execute("INSERT INTO workday_counts (project, day, n) SELECT '', due, 1005 FROM filings")  # stale
        assert {r[1] for r in db.execute(listing_sql)} == {5}
        first = date(2026, 11, 1)
        keep(db, "", None, first, list(range(100)))  # n = days since 1 November
        counted = {r[0]: r[1] for r in db.execute(listing_sql)}
        due = {f.case_id: f.due for f in register.filings()}
        assert counted == {case: (due[case] - first).days - 1000 for case in due}
        assert db.execute("SELECT count(*) FROM main.calendars").fetchone()[0] == 0  # the register unchanged


def test_sqlite_writes_every_character_of_a_text_as_json_dumps_does() -> None:
    """The fast path has SQLite's json_quote write the texts of `status --json`: for every character (NUL and
    the other control characters, quotes, backslashes, non-ASCII) it writes what json.dumps(ensure_ascii=False)
    writes."""
    texts = [chr(i) for i in range(0x110000) if not 0xD800 <= i < 0xE000]
    texts += ["a" + c + "b\x00c" + c for c in texts[:300]]
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE t (x TEXT)")
    db.executemany("INSERT INTO t VALUES (?)", [(t,) for t in texts])
    assert [x for x, quoted in db.execute("SELECT x, json_quote(x) FROM t") if quoted != json.dumps(
        x, ensure_ascii=False)] == []
    assert db.execute("SELECT json_quote(NULL)").fetchone()[0] == json.dumps(None)
