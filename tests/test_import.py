"""`complaints import`: a monitoring spreadsheet (CSV or XLSX) becomes one valid, commented case file per row."""

from __future__ import annotations

import os
import re
from pathlib import Path

import openpyxl
import pytest
from conftest import PROJECT, REPO, docx_text, write_yaml
from typer.testing import CliRunner

from complaints.case.read import load_case
from complaints.cli import app
from complaints.intake.importer import ImportResult, import_sheet
from complaints.intake.sheets import column_letter

runner = CliRunner()
DATA = REPO / "tests" / "data"
CSV = DATA / "monitoring-500.csv"
XLSX = DATA / "monitoring-500.xlsx"
CP1251 = DATA / "monitoring-cp1251.csv"

# The 20 bad rows of tools/make_monitoring_sheet.py: spreadsheet row → the field reported.
BAD = {
    7: "article.url",  # no http(s)://
    31: "comment.posted",  # «вчера вечером»
    58: "comment.posted",  # in 2093
    77: "comment.text",  # empty
    102: "legal_basis.norms",  # criminal-code-175-1 is not in the catalogue
    133: "comment.language",  # zz
    150: "article.published",  # 31.02.2023
    177: "comment.text",  # U+0001
    199: "outlet.name",  # empty
    222: "comment.author",  # a paragraph pasted into it
    248: "article.title",  # empty
    271: "comment.url",  # «нет ссылки»
    300: "legal_basis.norms",  # empty
    333: "evidence.url",  # a space inside the address
    350: "comment.still_online",  # before it was posted
    377: "comment.posted",  # 25:70
    402: "article.title",  # #REF!
    433: "comment.text",  # the same comment as row 432
    460: "outlet.url",  # «nur kz»
    488: "comment.posted",  # 12
}
# Where each field is in each sheet (the XLSX has its columns in another order, under Kazakh headers).
CSV_COLUMNS = {"comment.posted": "B", "outlet.name": "C", "outlet.url": "D", "article.title": "F", "article.url": "G",
               "article.published": "H", "comment.author": "I", "comment.text": "J", "comment.language": "K",
               "comment.url": "O", "legal_basis.norms": "P", "evidence.url": "Q", "comment.still_online": "R"}
XLSX_COLUMNS = {"outlet.name": "B", "outlet.url": "C", "article.title": "E", "article.url": "F",
                "article.published": "G", "comment.author": "H", "comment.posted": "I", "comment.text": "J",
                "comment.language": "K", "comment.url": "O", "legal_basis.norms": "P", "evidence.url": "Q",
                "comment.still_online": "R"}
PROBLEM = re.compile(r"^(?P<file>.+?):(?P<row>\d+):(?P<col>[A-Z]+): error: (?P<field>[\w.]+): (?P<message>.+)$")


def run(*args: str):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def problems(output: str, sheet: Path) -> set[tuple[int, str, str]]:
    found = set()
    for line in output.splitlines():
        m = PROBLEM.match(line)
        if m and m["file"].endswith(sheet.name):
            found.add((int(m["row"]), m["col"], m["field"]))
    return found


def project(tmp: Path) -> Path:
    """A folder with complaints.yaml; the cases are imported into its cases/ below."""
    write_yaml(tmp / "complaints.yaml", PROJECT)
    return tmp / "cases"


def case_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.yaml"))


def write_csv(path: Path, header: list[str], rows: list[list[str]], delimiter: str = ";") -> Path:
    def cell(text: str) -> str:
        return '"' + text.replace('"', '""') + '"' if any(c in text for c in f'{delimiter}"\n') else text

    lines = [delimiter.join(cell(c) for c in row) for row in [header, *rows]]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


SMALL_HEADER = ["Издание", "Ссылка на статью", "Заголовок", "Автор комментария", "Дата комментария",
                "Текст комментария", "Язык", "Нормы", "Номер свидетельства"]


def small_row(n: int, *, title: str = "Заголовок", posted: str = "06.10.2023 22:53") -> list[str]:
    return ["Nur.kz", f"https://www.nur.kz/society/{n}/", title, f"nick{n}", posted, f"Комментарий номер {n}",
            "ru", "criminal-code-174-1", "0123"]


# ---------------------------------------------------------------- the 500-row sheets


@pytest.fixture(scope="module", params=[CSV, XLSX], ids=["csv", "xlsx"])
def imported(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """Each big sheet imported once (through the command) for the tests below: sheet, --out, output."""
    out = project(tmp_path_factory.mktemp(request.param.suffix[1:]))
    result = run("import", request.param, "--out", out)
    assert result.exit_code == 1, result.output
    return request.param, out, result.output


def test_exactly_the_20_bad_rows_fail_each_at_its_row_column_and_field(imported: tuple[Path, Path, str]) -> None:
    sheet, out, output = imported
    columns = CSV_COLUMNS if sheet.suffix == ".csv" else XLSX_COLUMNS
    expected = {(row, columns[field], field) for row, field in BAD.items()}
    assert problems(output, sheet) == expected, output
    assert "500 rows: 480 new, 0 updated, 0 unchanged, 0 skipped because they exist (use --update), 20 failed" \
        in output
    files = case_files(out)
    assert len(files) == 480
    rows = {int(re.search(r", row (\d+)\.", f.read_text(encoding="utf-8").splitlines()[0])[1]) for f in files}
    assert rows == set(range(2, 502)) - set(BAD)  # nothing written for a bad row, one file for each good one
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temporary file left behind


def test_unknown_columns_are_listed_once_as_a_note(imported: tuple[Path, Path, str]) -> None:
    sheet, _, output = imported
    notes = [line for line in output.splitlines() if line.startswith("note: columns not imported")]
    remark = "«Примечание» (S)" if sheet.suffix == ".csv" else "«Ескерту» (S)"
    assert len(notes) == 1 and "«№» (A)" in notes[0] and remark in notes[0]


def test_the_imported_cases_pass_validate(imported: tuple[Path, Path, str]) -> None:
    _, out, _ = imported
    result = run("validate", out, "--date", "2026-11-25")
    assert result.exit_code == 0, result.output
    assert "480 case files checked: 480 valid, 0 with errors" in result.output


def test_a_sample_of_the_imported_cases_renders_with_the_comment_quoted(imported: tuple[Path, Path, str],
                                                                        tmp_path: Path) -> None:
    _, out, _ = imported
    sample = case_files(out)[::48][:10]
    letters = tmp_path / "letters"
    result = run("render", *sample, "--out", letters, "--lang", "ru", "--date", "2026-11-25", "-q")
    assert result.exit_code == 0, result.output
    for path in sample:
        case = load_case(path).case
        text = docx_text(letters / case.id / f"{case.id}.ru.docx")
        for line in case.comment.text.splitlines():
            assert line in text, (path.name, line)


def test_importing_the_same_sheet_again_changes_nothing(imported: tuple[Path, Path, str]) -> None:
    sheet, out, _ = imported
    long_ago = 1_000_000_000
    for path in case_files(out):
        os.utime(path, (long_ago, long_ago))
    before = {path: path.read_bytes() for path in case_files(out)}
    result = run("import", sheet, "--out", out)
    assert result.exit_code == 1
    assert "500 rows: 0 new, 0 updated, 480 unchanged, 0 skipped because they exist (use --update), 20 failed" \
        in result.output
    assert {path: path.read_bytes() for path in case_files(out)} == before
    assert all(path.stat().st_mtime == long_ago for path in case_files(out))  # not even rewritten


def test_the_library_call_reports_the_same(imported: tuple[Path, Path, str]) -> None:
    sheet, out, _ = imported
    result = import_sheet(sheet, out)
    assert isinstance(result, ImportResult)
    assert (result.rows, result.written, result.unchanged, result.failed) == (500, 0, 480, 20)
    assert len(result.examples["unchanged"]) == 10 and "written" not in result.examples  # a few named, all counted
    assert sorted(result.failed_rows) == sorted(BAD) and result.exit_code == 1


def test_excel_day_number_and_day_first_text_become_the_same_iso_time(imported: tuple[Path, Path, str]) -> None:
    sheet, out, _ = imported
    if sheet.suffix == ".csv":
        assert sheet.read_text(encoding="utf-8-sig").splitlines()[1].split(";")[1] == "06.10.2023 22:53"
    else:
        cell = openpyxl.load_workbook(sheet, read_only=True).worksheets[0]["I2"].value
        assert isinstance(cell, float) and 45205.9 < cell < 45206  # a General cell holding the day number
    [path] = [p for p in case_files(out) if "from monitoring-500" in p.read_text(encoding="utf-8")
              and ", row 2." in p.read_text(encoding="utf-8").splitlines()[0]]
    text = path.read_text(encoding="utf-8")
    assert "\n  posted: 2023-10-06T22:53 " in text
    assert path.name.startswith("nur-kz-2023-10-06-")
    assert load_case(path).case.comment.posted.iso() == "2023-10-06T22:53+06:00"


def test_registration_numbers_stay_as_written(imported: tuple[Path, Path, str]) -> None:
    sheet, out, _ = imported
    if sheet.suffix == ".xlsx":
        ws = openpyxl.load_workbook(sheet, read_only=True).worksheets[0]
        kinds = {type(row[3]) for row in ws.iter_rows(min_row=2, values_only=True) if row[1] == "Informburo.kz"}
        assert kinds == {int}  # number cells: they must not come out as 4567.0
    numbers = {}
    for path in case_files(out):
        case = load_case(path).case
        numbers.setdefault(case.outlet.name, set()).add(case.outlet.registration.number)
    assert numbers["Orda.kz"] == {"0123"}
    assert numbers["Informburo.kz"] == {"4567"}
    orda = next(p for p in case_files(out) if p.name.startswith("orda-kz-"))
    assert '    number: "0123"' in orda.read_text(encoding="utf-8")


def test_the_case_files_say_where_they_came_from_and_carry_comments(imported: tuple[Path, Path, str]) -> None:
    sheet, out, _ = imported
    text = case_files(out)[0].read_text(encoding="utf-8")
    assert text.startswith(f"# Imported by `complaints import` from {sheet.name}, row ")
    assert "# the name or nickname the outlet displays" in text
    assert re.search(r"^id: [a-z0-9-]+-\d{4}-\d{2}-\d{2}-[0-9a-f]{16} +#", text, re.M)


# ---------------------------------------------------------------- encodings, dates, mappings


def test_windows_1251_is_detected_and_the_cyrillic_comes_out_right(tmp_path: Path) -> None:
    out = project(tmp_path)
    result = run("import", CP1251, "--out", out)
    assert result.exit_code == 0, result.output
    assert "(Windows-1251, comma-separated): 10 rows: 10 new" in result.output
    assert "read as Windows-1251" in result.output
    texts = {load_case(p).case.comment.text for p in case_files(out)}
    assert "Пусть эти люди уезжают туда, откуда приехали." in texts
    assert "Зачем учить казахский? Ёлки-палки, опять одно и то же." in texts
    assert "С такими соседями нормальной жизни не будет, «приезжие» везде." in texts
    assert run("validate", out).exit_code == 0


def test_a_windows_1251_sheet_that_lost_kazakh_letters_is_refused_at_its_rows(tmp_path: Path) -> None:
    """Excel saves Қ, Ә, Ң… as '?' in a Windows-1251 CSV: such rows (and rows of comments said to be in Kazakh)
    are errors at their cell saying how to save the sheet as UTF-8; nothing of them reaches a case file."""
    out = project(tmp_path)
    rows = [small_row(1), small_row(2), small_row(3), small_row(4)]
    rows[1][5] = "?аза? тілі ?андай?"  # "Қазақ тілі қандай?" as Excel wrote it: Қ and қ lost
    rows[2][6] = "kk"
    rows[3][5] = "Зачем? Это вопрос."  # a question mark before a space is punctuation, not a lost letter
    sheet = tmp_path / "lost.csv"
    text = "\r\n".join(";".join(row) for row in [SMALL_HEADER, *rows]) + "\r\n"
    sheet.write_bytes(text.encode("cp1251"))
    result = run("import", sheet, "--out", out)
    assert result.exit_code == 1, result.output
    assert problems(result.output, sheet) == {(3, "F", "comment.text"), (4, "G", "comment.language")}
    assert "'?аза?' has a '?' where a letter stood: the sheet was saved as Windows-1251" in result.output
    assert "a comment in Kazakh, in a sheet saved as Windows-1251" in result.output
    assert "Save the sheet as “CSV UTF-8”" in result.output
    texts = {load_case(p).case.comment.text for p in case_files(out)}
    assert texts == {"Комментарий номер 1", "Зачем? Это вопрос."}
    # the same sheet in UTF-8 holds the letters: nothing is refused
    sheet.write_text(text.replace("?аза? тілі ?андай?", "Қазақ тілі қандай?"), encoding="utf-8")
    again = run("import", sheet, "--out", out)
    assert again.exit_code == 0, again.output


def test_dates_are_read_day_first_in_the_forms_monitors_type(tmp_path: Path) -> None:
    forms = {"06.10.2023 22:53": "2023-10-06T22:53", "6.10.23": "2023-10-06", "2023-10-06 22:53": "2023-10-06T22:53",
             "07.10.2023": "2023-10-07", "2023-10-06T22:53:10": "2023-10-06T22:53:10",
             "06.10.2023 г.": "2023-10-06", "45205.9534722222": "2023-10-06T22:53",
             "2023-10-06T22:53+05:00": "2023-10-06T22:53+05:00", "06.10.2023 22.53": "2023-10-06T22:53",
             "06.10.2023, 22:53": "2023-10-06T22:53"}
    rows = [small_row(n, posted=form) for n, form in enumerate(forms)]
    sheet = write_csv(tmp_path / "dates.csv", SMALL_HEADER, rows)
    result = import_sheet(sheet, project(tmp_path))
    assert result.problems == [] and result.written == len(forms) == len(result.examples["written"])
    got = {}
    for path in result.examples["written"]:
        author = load_case(path).case.comment.author
        got[int(author.removeprefix("nick"))] = re.search(r"\n  posted: (\S+)", path.read_text(encoding="utf-8"))[1]
    assert [got[n] for n in range(len(forms))] == list(forms.values())


def test_an_impossible_date_is_reported_at_its_cell(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "s.csv", SMALL_HEADER, [small_row(1), small_row(2, posted="31.02.2023")])
    result = run("import", sheet, "--out", project(tmp_path))
    assert result.exit_code == 1
    assert problems(result.output, sheet) == {(3, "E", "comment.posted")}
    assert "'31.02.2023' is not a real date" in result.output
    # as every refusal of a date does, it lists the forms a date may take
    assert "write it as one of 2023-10-06, 2023-10-06T22:53 (or with +05:00), 06.10.2023, 06.10.2023 22:53" \
        " or 06.10.2023 22.53" in result.output
    assert len(case_files(tmp_path / "cases")) == 1


def test_any_delimiter_is_found(tmp_path: Path) -> None:
    for delimiter, name in ((",", "comma"), (";", "semicolon"), ("\t", "tab"), ("|", "vertical bar")):
        sheet = write_csv(tmp_path / f"s{ord(delimiter)}.csv", SMALL_HEADER, [small_row(1), small_row(2)], delimiter)
        result = import_sheet(sheet, tmp_path / "cases" / str(ord(delimiter)))
        assert (result.delimiter, result.written, result.problems) == (delimiter, 2, []), name


def test_headers_match_ignoring_case_and_spaces(tmp_path: Path) -> None:
    header = ["  ИЗДАНИЕ ", "ссылка  на статью", "заголовок", "Автор Комментария", "дата комментария",
              "ТЕКСТ КОММЕНТАРИЯ", "язык", "нормы", "номер свидетельства"]
    result = import_sheet(write_csv(tmp_path / "s.csv", header, [small_row(1)]), project(tmp_path))
    assert result.written == 1 and result.problems == []


def test_a_missing_required_column_is_a_usage_error_naming_it(tmp_path: Path) -> None:
    header = [h for h in SMALL_HEADER if h != "Язык"]
    rows = [[c for h, c in zip(SMALL_HEADER, small_row(1)) if h != "Язык"]]
    sheet = write_csv(tmp_path / "s.csv", header, rows)
    result = run("import", sheet, "--out", project(tmp_path))
    assert result.exit_code == 2
    assert "no column for comment.language" in result.output
    assert "«Язык»" in result.output and "«Тілі»" in result.output and "«Language»" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "cases").exists() or case_files(tmp_path / "cases") == []


def test_a_mapping_file_names_other_headers_and_gives_constant_values(tmp_path: Path) -> None:
    header = ["Ресурс X", "URL материала", "Заг.", "Кто", "Когда", "Что написал", "Законы"]
    rows = [["Nur.kz", "https://www.nur.kz/a/", "Заголовок", "nick", "06.10.2023 22:53", "Текст", "criminal-code-174-1"]]
    sheet = write_csv(tmp_path / "s.csv", header, rows)
    mapping = tmp_path / "map.yaml"
    mapping.write_text("outlet.name: Ресурс X\narticle.url: URL материала\narticle.title: Заг.\ncomment.author: Кто\n"
                       "comment.posted: [Когда]\ncomment.text: {headers: [Что написал]}\nlegal_basis.norms: Законы\n"
                       "comment.language: {value: ru}\n", encoding="utf-8")
    out = project(tmp_path)
    result = run("import", sheet, "--out", out, "--map", mapping)
    assert result.exit_code == 0, result.output
    [path] = case_files(out)
    case = load_case(path).case
    assert (case.comment.language, case.comment.text, case.outlet.url) == ("ru", "Текст", "https://www.nur.kz")


def test_an_unknown_field_in_the_mapping_file_is_a_usage_error(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "s.csv", SMALL_HEADER, [small_row(1)])
    mapping = tmp_path / "map.yaml"
    mapping.write_text("coment.text: Текст\n", encoding="utf-8")
    result = run("import", sheet, "--out", project(tmp_path), "--map", mapping)
    assert result.exit_code == 2
    assert "map.yaml:1:1" in result.output and "did you mean 'comment.text'?" in result.output


def test_without_a_project_file_above_the_cases_a_note_says_so(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "s.csv", SMALL_HEADER, [small_row(1)])
    result = run("import", sheet, "--out", tmp_path / "cases")
    assert result.exit_code == 0, result.output
    assert "note: no complaints.yaml in" in result.output
    assert not list(tmp_path.rglob("complaints.yaml"))


def test_a_sheet_that_cannot_be_read_is_a_usage_error(tmp_path: Path) -> None:
    result = run("import", tmp_path / "nothing.csv", "--out", tmp_path / "cases")
    assert result.exit_code == 2 and "no such file" in result.output
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0 not really")
    result = run("import", tmp_path / "old.xls", "--out", tmp_path / "cases")
    assert result.exit_code == 2 and ".xlsx" in result.output and "Traceback" not in result.output


def test_column_letters_go_past_z() -> None:
    assert [column_letter(i) for i in (0, 2, 25, 26, 27, 701, 702)] == ["A", "C", "Z", "AA", "AB", "ZZ", "AAA"]


# ---------------------------------------------------------------- existing case files


def test_an_existing_file_is_not_touched_without_update_and_with_it_only_imported_fields_change(
        tmp_path: Path) -> None:
    out = project(tmp_path)
    sheet = write_csv(tmp_path / "s.csv", SMALL_HEADER, [small_row(1), small_row(2)])
    assert run("import", sheet, "--out", out).exit_code == 0
    first, second = sorted(case_files(out), key=lambda p: "row 3" in p.read_text(encoding="utf-8"))
    edited = first.read_text(encoding="utf-8").replace(
        "\narticle:\n", "\nx-note: called the outlet on 20 Nov   # my own note\narticle:\n") \
        + "requests: [assess]   # only an assessment for now\n"
    first.write_text(edited, encoding="utf-8")
    assert run("validate", first).exit_code == 0

    # The sheet changes an imported field of that row.
    write_csv(sheet, SMALL_HEADER, [small_row(1, title="Исправленный заголовок"), small_row(2)])
    result = run("import", sheet, "--out", out)
    assert result.exit_code == 0
    assert "0 new, 0 updated, 1 unchanged, 1 skipped because they exist (use --update), 0 failed" in result.output
    assert first.read_text(encoding="utf-8") == edited

    result = run("import", sheet, "--out", out, "--update")
    assert result.exit_code == 0, result.output
    assert "0 new, 1 updated, 1 unchanged, 0 skipped" in result.output
    text = first.read_text(encoding="utf-8")
    assert "title: Исправленный заголовок" in text and "Заголовок " not in text.replace("Исправленный заголовок", "")
    assert "x-note: called the outlet on 20 Nov   # my own note" in text
    assert "requests: [assess]   # only an assessment for now" in text
    assert text.startswith("# Imported by `complaints import` from s.csv, row 2.")
    assert _same_lines_but_title(text, edited)  # every other line, comments and all, as the user left it
    case = load_case(first).case
    assert case.requests == ["assess"] and case.article.title == "Исправленный заголовок"
    assert run("validate", out).exit_code == 0

    # And again: nothing left to change.
    mtime = first.stat().st_mtime_ns
    result = run("import", sheet, "--out", out, "--update")
    assert "0 new, 0 updated, 2 unchanged" in result.output and first.stat().st_mtime_ns == mtime


def _same_lines_but_title(new: str, old: str) -> bool:
    differing = [(a, b) for a, b in zip(new.splitlines(), old.splitlines()) if a != b]
    return len(new.splitlines()) == len(old.splitlines()) and len(differing) == 1 and "title:" in differing[0][0]


def test_update_adds_new_imported_fields_in_their_place(tmp_path: Path) -> None:
    out = project(tmp_path)
    sheet = write_csv(tmp_path / "s.csv", SMALL_HEADER, [small_row(1)])
    assert run("import", sheet, "--out", out).exit_code == 0
    header = SMALL_HEADER + ["Перевод (англ)", "Проверено онлайн", "Архивная копия"]
    write_csv(sheet, header, [small_row(1) + ["Comment number 1", "20.11.2026 10:00",
                                              "https://web.archive.org/web/2023/https://www.nur.kz/society/1/"]])
    result = run("import", sheet, "--out", out, "--update")
    assert result.exit_code == 0, result.output
    [path] = case_files(out)
    case = load_case(path).case
    assert case.comment.translations == {"en": "Comment number 1"}
    assert case.comment.still_online is not None and case.comment.still_online.iso() == "2026-11-20T10:00+05:00"
    assert [e.url for e in case.evidence] == ["https://web.archive.org/web/2023/https://www.nur.kz/society/1/"]
    keys = [line.split(":")[0] for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    assert keys.index("  still_online") > keys.index("  text") and keys[-3] == "evidence"


def test_out_that_is_a_file_or_a_missing_map_is_refused_naming_the_flag(tmp_path: Path) -> None:
    from complaints.errors import UsageError

    sheet = write_csv(tmp_path / "s.csv", SMALL_HEADER, [small_row(1)])
    taken = tmp_path / "cases.yaml"
    taken.write_text("# mine\n", encoding="utf-8")
    result = run("import", sheet, "--out", taken)
    assert result.exit_code == 2
    assert f"--out: the case folder {taken} is a file, not a folder" in result.output
    with pytest.raises(UsageError) as refused:
        import_sheet(sheet, taken)
    assert refused.value.about == "out" and "--out" not in str(refused.value)
    assert taken.read_text(encoding="utf-8") == "# mine\n"
    result = run("import", sheet, "--out", project(tmp_path), "--map", tmp_path / "missing.yaml")
    assert result.exit_code == 2 and "--map: no such mapping file:" in result.output


@pytest.mark.parametrize("when", ["check_text", "put"])
def test_a_case_file_made_meanwhile_under_the_same_name_is_not_overwritten(tmp_path: Path, when: str,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import complaints.intake.importer as importer

    real = getattr(importer, when)

    def someone_else_writes_it(*args: object, **kwargs: object):  # after the check, or as it writes
        (target,) = [a for a in args if isinstance(a, Path)]
        if when == "check_text":
            found = real(*args, **kwargs)
            target.write_text("# theirs\n", encoding="utf-8")
            return found
        target.write_text("# theirs\n", encoding="utf-8")
        return real(*args, **kwargs)

    monkeypatch.setattr(importer, when, someone_else_writes_it)
    out = project(tmp_path)
    result = import_sheet(write_csv(tmp_path / "s.csv", SMALL_HEADER, [small_row(1)]), out)
    assert (result.written, result.skipped, result.problems) == (0, 1, [])
    assert result.examples["skipped"][0].read_text(encoding="utf-8") == "# theirs\n"
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


# ---------------------------------------------------------------- a dry run (the web's preview)


def test_a_dry_run_makes_the_same_checks_and_writes_nothing(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "s.csv", SMALL_HEADER, [small_row(1), small_row(2, posted="вчера"), small_row(3)])
    out = project(tmp_path)
    seen: list[tuple[int, str, str, str]] = []
    preview = import_sheet(sheet, out, dry_run=True, each=lambda r: seen.append((r.row, r.kind, r.author, r.outlet)))
    assert not out.exists()
    assert (preview.rows, preview.written, preview.failed, preview.failed_rows) == (3, 2, 1, [3])
    assert seen == [(2, "written", "nick1", "Nur.kz"), (4, "written", "nick3", "Nur.kz")]
    assert [(p.line, p.column, p.field) for p in preview.problems] == [(3, "E", "comment.posted")]

    real = import_sheet(sheet, out)
    assert (real.written, real.failed_rows, [str(p) for p in real.problems]) == \
        (2, [3], [str(p) for p in preview.problems])
    before = {p.name: p.read_bytes() for p in case_files(out)}
    again: list[str] = []
    second = import_sheet(sheet, out, dry_run=True, each=lambda r: again.append(r.kind))
    assert (second.written, second.unchanged, again) == (0, 2, ["unchanged", "unchanged"])
    assert {p.name: p.read_bytes() for p in case_files(out)} == before


def test_a_dry_run_of_an_update_leaves_the_edited_file_as_it_is(tmp_path: Path) -> None:
    out = project(tmp_path)
    import_sheet(write_csv(tmp_path / "s.csv", SMALL_HEADER, [small_row(1)]), out)
    (case,) = case_files(out)
    before = case.read_bytes()
    changed = write_csv(tmp_path / "t.csv", SMALL_HEADER, [small_row(1, title="Другой заголовок")])
    kinds: list[str] = []
    preview = import_sheet(changed, out, update=True, dry_run=True, each=lambda r: kinds.append(r.kind))
    assert (preview.updated, kinds) == (1, ["updated"])
    assert case.read_bytes() == before


# ---------------------------------------------------------------- norms written as the catalogue writes them


@pytest.mark.parametrize("written", ["ч. 1 ст. 174 УК РК", "ҚК 174-бабы 1-бөлігі", "Criminal Code, Art. 174(1)",
                                     "ч.1 ст.174 ук рк", "criminal-code-174-1"])
def test_a_norm_written_as_its_short_label_in_any_language_is_that_norm(tmp_path: Path, written: str) -> None:
    row = small_row(1)
    row[SMALL_HEADER.index("Нормы")] = written
    out = project(tmp_path)
    result = import_sheet(write_csv(tmp_path / "s.csv", SMALL_HEADER, [row]), out)
    assert (result.written, result.problems) == (1, [])
    assert load_case(case_files(out)[0]).case.legal_basis.norms == ["criminal-code-174-1"]


def test_labels_and_ids_mixed_in_one_cell_are_each_read_once_in_order(tmp_path: Path) -> None:
    from complaints.intake.cells import norm_ids
    from complaints.intake.importer import norm_labels

    assert norm_ids("ст. 2 Закона о СМИ 1999 г.; Criminal Code, Art. 174(1), criminal-code-174-1",
                    norm_labels()) == ["media-law-1999-art-2", "criminal-code-174-1"]


def test_a_cell_that_is_no_norm_is_one_message_with_an_example_in_the_users_own_capitals(tmp_path: Path) -> None:
    row = small_row(1)
    row[SMALL_HEADER.index("Нормы")] = "ч. 1 ст. 175 УК РК"
    result = import_sheet(write_csv(tmp_path / "s.csv", SMALL_HEADER, [row]), project(tmp_path))
    norms = [p for p in result.problems if p.field == "legal_basis.norms"]
    assert len(norms) == 1, norms
    assert "'ч. 1 ст. 175 УК РК'" in norms[0].message and "ук" not in norms[0].message
    assert "criminal-code-174-1" in norms[0].message and "«ч. 1 ст. 174 УК РК»" in norms[0].message


def test_the_command_line_reads_a_norm_label_too(tmp_path: Path) -> None:
    row = small_row(1)
    row[SMALL_HEADER.index("Нормы")] = "ч. 1 ст. 174 УК РК"
    out = project(tmp_path)
    result = run("import", write_csv(tmp_path / "s.csv", SMALL_HEADER, [row]), "--out", out)
    assert result.exit_code == 0, result.output
    assert "criminal-code-174-1" in case_files(out)[0].read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_the_sample_sheet_of_each_language_imports_cleanly_with_its_norm_label(tmp_path: Path, lang: str) -> None:
    from complaints.intake.sample import sample_csv

    data = sample_csv(lang)
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM: Excel opens it as UTF-8
    sheet = tmp_path / "sample.csv"
    sheet.write_bytes(data)
    out = project(tmp_path)
    result = import_sheet(sheet, out)
    assert (result.written, result.failed, result.problems) == (1, 0, [])
    assert load_case(case_files(out)[0]).case.legal_basis.norms == ["criminal-code-174-1"]


def test_the_columns_listed_in_a_language_lead_with_its_headers() -> None:
    from complaints.intake.sample import columns

    norms = {c.field: c for c in columns("kk")}["legal_basis.norms"]
    assert norms.required and norms.headers[0] == "Құқық нормалары"
    assert {c.field: c for c in columns("en")}["comment.text"].headers[0] == "Comment text"
