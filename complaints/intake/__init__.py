"""New case files from outside: a monitoring spreadsheet (`import`) or a person's answers (`new`).

    sheets     a CSV or XLSX sheet read as rows of cells
    mapping    which column is which case field (data/import-map.yaml, a --map file)
    cells      a cell read into a case value (text, dates and times, languages, norms, evidence)
    importer   import_sheet: one row, one case file
    wizard     the interview of `new`: each answer checked at once
    fromjson   `new --from-json`: the fields from a JSON object, problems at their line and column

Every case file is written by case/write.py, which also suggests its id.
"""
