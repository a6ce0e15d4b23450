"""Cells for spreadsheets the platform writes (CSV and XLSX exports): text that a
spreadsheet program would run as a formula is written with a leading apostrophe.

Excel and LibreOffice treat a cell starting with = + - @ as a formula, and a leading tab
or carriage return is dropped before that test, so "\\t=HYPERLINK(...)" runs too (OWASP,
CSV injection). One function for every export; imports that read our own files back
strip the apostrophe again with `unescape`.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """The value to write into a cell: text that would start a formula gets a leading '."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unescape(value):
    """A cell read back from a file we wrote: undo `safe_cell`."""
    if isinstance(value, str) and value[:1] == "'" and value[1:2] in FORMULA_STARTS:
        return value[1:]
    return value
