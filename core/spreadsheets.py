"""Writing XLSX exports: every row goes through `append_row`, so no text typed by a user becomes a formula.

A cell name or a member's name such as `=HYPERLINK("http://…?x="&A1,"…")` would otherwise be a live formula
in the reviewer's copy of the export. Following OWASP's CSV/formula injection guidance, text that starts with
`=`, `+`, `-`, `@`, a tab or a carriage return is stored as a string cell with Excel's "quote prefix" style
(what typing a leading apostrophe does): the reader sees exactly the text, and editing the cell keeps it text.
"""

from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def append_row(sheet, values: Iterable) -> None:
    sheet.append(list(values))
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
            cell.data_type = "s"
            cell.quotePrefix = True
