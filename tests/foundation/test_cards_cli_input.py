"""`flask cards new` refuses a product code or holder name the card layer cannot use, on one
line (only the state directory is touched: no card service or pcscd)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from sandbox.console.cards_cli import cards


def _new(tmp_path, *args: str):
    return CliRunner().invoke(cards, ["--state-dir", str(tmp_path), "new", *args])


@pytest.mark.parametrize("code", ["xyz", "1234", "67", "999", " 673", "６７３"])
def test_an_unknown_product_code_is_refused_on_one_line(tmp_path, code):
    result = _new(tmp_path, "--product-code", code)
    assert result.exit_code == 1
    [line] = result.output.strip().splitlines()
    assert line.startswith("Error: product code must be one of 673, 773, 473, 573")
    assert not list(tmp_path.glob("*.json"))


@pytest.mark.parametrize(
    "holder,message",
    [
        ("a\nb", "one line without control characters"),
        ("Kim\tKund", "one line without control characters"),
        ("Kim\x00", "one line without control characters"),
        ("K" * 65, "at most 64 characters"),
    ],
)
def test_a_holder_name_with_control_characters_or_too_long_is_refused(tmp_path, holder, message):
    result = _new(tmp_path, "--holder", holder)
    assert result.exit_code == 1
    [line] = result.output.strip().splitlines()
    assert line.startswith("Error: holder name") and message in line
    assert not list(tmp_path.glob("*.json"))


@pytest.mark.parametrize("code", ["673", "773", "473", "573"])
def test_the_known_product_codes_and_a_normal_name_make_a_card(tmp_path, code):
    from sandbox.card.service import list_cards

    result = _new(tmp_path, "--product-code", code, "--holder", "  Åsa Öberg-Kund ")
    assert result.exit_code == 0, result.output
    [card] = list_cards(tmp_path)
    assert card.product_code == code and card.holder == "Åsa Öberg-Kund"
