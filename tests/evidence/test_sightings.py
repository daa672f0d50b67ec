"""The register's sightings (register/sightings.py): what each check proves of a comment being online, read back
from the SQLite file; several processes recording at once lose nothing."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from complaints.errors import UsageError
from complaints.register.sightings import history, record_sighting, sightings
from complaints.register.store import MIGRATIONS, Register

KZ = timezone(timedelta(hours=5))
UTC_ = UTC
URL = "https://www.nur.kz/society/2046512-balaeva-obyasnila/#comment-17"


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 12, day, hour, 0, tzinfo=KZ)


def record(db: Path, when: datetime, outcome: str, detail: str = "", **more: object) -> str:
    return record_sighting(db, "nurkz-1", URL, when, outcome, detail, **more).state  # type: ignore[arg-type]


def test_seen_missed_seen_again(tmp_path: Path) -> None:
    db = tmp_path / "complaints.db"
    assert sightings(db) == {} and not db.exists()  # looking makes no register
    assert record(db, at(1), "found", "the comment is on the page", capture="capture-2026-12-01-090000") == "online"
    assert record(db, at(2), "not-found", "the page loaded, the text is not on it") == "removed"
    assert record(db, at(3), "not-found", "still gone") == "removed"  # first_missed stays the first
    seen = sightings(db)["nurkz-1"]
    assert (seen.last_seen, seen.first_missed, seen.last_checked) == (at(1), at(2), at(3))
    assert (seen.last_outcome, seen.last_detail, seen.last_capture) == ("not-found", "still gone", None)
    assert record(db, at(4), "found", "back") == "online"
    seen = sightings(db)["nurkz-1"]
    assert (seen.last_seen, seen.first_missed) == (at(4), None)
    # every check in the history, with what it changed; times as ISO 8601 with the offset, read from the file
    assert [(c.at, c.outcome, c.change) for c in history(db, "nurkz-1")] == [
        (at(1), "found", "seen"), (at(2), "not-found", "missed"), (at(3), "not-found", None), (at(4), "found", "back")]
    raw = sqlite3.connect(db).execute("SELECT last_seen, first_missed, last_checked FROM sightings").fetchone()
    assert raw == ("2026-12-04T09:00:00+05:00", None, "2026-12-04T09:00:00+05:00")


def test_a_check_that_proves_nothing_changes_no_state(tmp_path: Path) -> None:
    db = tmp_path / "complaints.db"
    assert record(db, at(1), "timeout", "the page did not load in 20 s") == "unknown"
    assert record(db, at(2), "found") == "online"
    for n, outcome in enumerate(("timeout", "login-wall", "network-error", "too-large", "refused"), start=3):
        assert record(db, at(n), outcome, "no answer") == "online"
    assert record(db, at(8), "http-error", "the server answered 503") == "online"
    assert record(db, at(9), "not-found") == "removed"
    assert record(db, at(10), "timeout") == "removed"  # a time-out does not bring a comment back
    seen = sightings(db)["nurkz-1"]
    assert (seen.last_seen, seen.first_missed, seen.last_checked, seen.last_outcome) == (at(2), at(9), at(10),
                                                                                       "timeout")


def test_404_and_410_are_a_removal_by_their_status_or_as_the_detail_says_it(tmp_path: Path) -> None:
    one, two, three = (tmp_path / f"{n}.db" for n in (1, 2, 3))
    record(one, at(1), "found")
    assert record(one, at(2), "http-error", "the server answered 404 (the page is gone)") == "removed"
    record(two, at(1), "found")
    assert record(two, at(2), "http-error", "gone", status=410) == "removed"
    assert history(two)[-1].status == 410
    record(three, at(1), "found")
    assert record(three, at(2), "http-error", "the server answered 500") == "online"
    assert history(three)[-1].status == 500


def test_a_miss_before_the_last_sighting_is_ignored_and_a_late_check_does_not_replace_the_last(
        tmp_path: Path) -> None:
    db = tmp_path / "complaints.db"
    record(db, at(5), "found", "seen on the 5th")
    assert record(db, at(3), "not-found", "a slow process's older check") == "online"
    seen = sightings(db)["nurkz-1"]
    assert (seen.last_seen, seen.first_missed, seen.last_checked, seen.last_detail) == (at(5), None, at(5),
                                                                                      "seen on the 5th")
    assert [c.at for c in history(db)] == [at(5), at(3)]  # in the history all the same
    # the same instant in UTC is the same instant: a miss at 04:00 UTC on the 5th is later than 09:00 in Almaty
    utc = datetime(2026, 12, 5, 4, 30, tzinfo=UTC_)
    assert record(db, utc, "not-found") == "removed"
    assert sightings(db)["nurkz-1"].first_missed == datetime(2026, 12, 5, 9, 30, tzinfo=KZ)
    assert str(sightings(db)["nurkz-1"].first_missed) == "2026-12-05 09:30:00+05:00"  # kept in Kazakhstan time



def test_another_address_starts_afresh(tmp_path: Path) -> None:
    db = tmp_path / "complaints.db"
    record(db, at(1), "found")
    record(db, at(2), "not-found")
    moved = record_sighting(db, "nurkz-1", URL + "-corrected", at(3), "timeout", "slow")
    assert (moved.state, moved.url, moved.last_seen, moved.first_missed) == ("unknown", URL + "-corrected", None,
                                                                             None)
    assert history(db)[-1].change == "new-url"


def test_bad_input_is_refused_with_a_message(tmp_path: Path) -> None:
    db = tmp_path / "complaints.db"
    with pytest.raises(UsageError, match="UTC offset"):
        record_sighting(db, "nurkz-1", URL, datetime(2026, 12, 1, 9), "found", "")
    with pytest.raises(UsageError, match="'gone' is not an outcome"):
        record_sighting(db, "nurkz-1", URL, at(1), "gone", "")
    assert sightings(db) == {}


def test_a_register_of_schema_3_gains_the_sightings_and_keeps_its_filings(tmp_path: Path) -> None:
    db = tmp_path / "complaints.db"
    conn = sqlite3.connect(db)
    for script in MIGRATIONS[:3]:
        conn.executescript(script)
    conn.execute("PRAGMA user_version = 3")
    conn.close()
    record(db, at(1), "found")
    with Register(db) as reg:
        assert reg.schema_version == len(MIGRATIONS) == 5
        assert reg.filings() == []
    assert sightings(db)["nurkz-1"].state == "online"


WRITER = """
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from complaints.register.sightings import record_sighting

db, me, n = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
kz = timezone(timedelta(hours=5))
for i in range(n):
    when = datetime(2026, 12, 1, 9, tzinfo=kz) + timedelta(minutes=i, seconds=me)
    record_sighting(db, f"case-{me}", "https://example.kz/a", when, "found" if i % 2 else "not-found", f"{me}/{i}")
    record_sighting(db, "shared", "https://example.kz/shared", when, "found", f"{me}/{i}")
"""


def test_several_processes_recording_at_once_lose_nothing(tmp_path: Path) -> None:
    db = tmp_path / "complaints.db"
    procs, per = 6, 25
    script = tmp_path / "writer.py"
    script.write_text(WRITER, encoding="utf-8")
    running = [subprocess.Popen([sys.executable, str(script), str(db), str(me), str(per)], stderr=subprocess.PIPE)
               for me in range(procs)]
    for proc in running:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
    checks = history(db)
    assert len(checks) == procs * per * 2
    assert {(c.case_id, c.detail) for c in checks if c.case_id != "shared"} == {
        (f"case-{me}", f"{me}/{i}") for me in range(procs) for i in range(per)}
    found = sightings(db)
    assert set(found) == {"shared", *(f"case-{me}" for me in range(procs))}
    last = datetime(2026, 12, 1, 9, tzinfo=KZ) + timedelta(minutes=per - 1)
    for me in range(procs):
        mine = found[f"case-{me}"]
        # the last check (i = per - 1, even: not-found) came after the one before it (found): removed
        assert (mine.state, mine.last_checked) == ("removed", last + timedelta(seconds=me))
        assert mine.last_seen == last + timedelta(seconds=me) - timedelta(minutes=1)
    assert found["shared"].last_seen == last + timedelta(seconds=procs - 1)  # the latest of all, whoever wrote last
