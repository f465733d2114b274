"""The shared CSV writer: formulas never run in a spreadsheet, numbers stay numbers."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from lms.csvexport import csv_bytes, safe_cell


def _cells(row: list[object]) -> list[str]:
    text = csv_bytes(["h"] * len(row), [row]).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))[1]


@pytest.mark.parametrize(
    "value",
    ["-0,2500", "-0.25", "-3", "0,5000", "12", -0.25, -3, Decimal("-0.25")],
)
def test_numbers_and_plain_number_text_get_no_apostrophe(value):
    assert safe_cell(value) == value
    assert _cells([value]) == [str(value)]


@pytest.mark.parametrize(
    "value",
    [
        "=1+2",
        "+46 8 123",
        "-2+3",
        "-1,5e3",
        "- 1",
        "-cmd|' /C calc'!A0",
        "-0,25\n=1",
        "@SUM(A1)",
        "\t=1",
        "\r=1",
        "-",
        "-,5",
    ],
)
def test_text_that_could_run_as_a_formula_gets_an_apostrophe(value):
    assert safe_cell(value) == "'" + value
