"""CSV for spreadsheets: UTF-8 with a byte order mark (Excel shows å, ä, ö), semicolons (Excel
with Swedish settings), and text cells that start with = + - @ tab or CR prefixed with an
apostrophe so that a spreadsheet never runs them as formulas (CSV injection); a plain negative
number ("-0,25") is not a formula and stays a number. Every CSV export of the platform goes
through here."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

BOM = "\ufeff"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
# A number as the exports write one: decimal comma (or point), no exponent, no spaces.
PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:[,.][0-9]+)?")


def safe_cell(value: object) -> object:
    """The cell as written: text that a spreadsheet would run as a formula gets an apostrophe;
    numbers (and text that is only a number) are left alone."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_PREFIXES)
        and not PLAIN_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


def csv_text(rows: Iterable[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return buffer.getvalue()


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    return (BOM + csv_text([header, *rows])).encode("utf-8")
