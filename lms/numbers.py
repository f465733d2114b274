"""Numbers shown to people, in the current locale (Babel): "9,5" in Swedish, "9.5" in English;
percentages "80 %" (a no-break space) in Swedish, "80%" in English."""

from __future__ import annotations

from flask_babel import format_decimal, format_percent


def format_number(value: float | int | None, digits: int = 2, fixed: bool = False) -> str:
    """`value` with at most `digits` decimals (exactly `digits` when `fixed`); "–" for None.

    A whole score reads "9", not "9.0"; measures compared in a column use `fixed`."""
    if value is None:
        return "–"
    decimals = ("0" if fixed else "#") * digits
    return format_decimal(value, format="#,##0" + (f".{decimals}" if decimals else ""))


def format_percentage(value: float | int | None) -> str:
    """`value` percent, whole, as the locale writes a percentage; "–" for None."""
    if value is None:
        return "–"
    return format_percent(value / 100)
