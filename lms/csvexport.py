"""CSV for spreadsheets: UTF-8 with a byte order mark (Excel shows å, ä, ö), semicolons (Excel
with Swedish settings), and text cells that start with = + - @ tab or CR prefixed with an
apostrophe so that a spreadsheet never runs them as formulas (CSV injection). Every CSV export
of the platform goes through here."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

BOM = "\ufeff"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
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
