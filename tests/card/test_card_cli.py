"""The `cards` click group: new/list without a service; insert/eject/list through one."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from flask import Flask

from sandbox.card.control import ControlServer
from sandbox.card.service import CardService
from sandbox.console.cards_cli import cards


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def service(tmp_path):
    """A card service without vpcd (no pcscd needed), with its control socket."""
    card_service = CardService(tmp_path / "cards", use_vpcd=False)
    server = ControlServer(card_service)
    server.start()
    yield card_service
    card_service.shutdown()
    server.stop()


def _invoke(runner: CliRunner, state_dir, *args: str):
    result = runner.invoke(cards, ["--state-dir", str(state_dir), *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_new_card_has_a_luhn_checked_9752_number_and_shows_in_list(runner, tmp_path):
    number = _invoke(runner, tmp_path, "new", "--product-code", "473").strip()
    assert len(number) == 19 and number.startswith("9752")
    listing = json.loads(_invoke(runner, tmp_path, "list", "--json"))
    assert listing["service_running"] is False
    (card,) = listing["cards"]
    assert card["product_code"] == "473" and card["pin_retries_left"] == 3
    assert "pin" not in card and "puk" not in card


def test_new_card_rejects_a_pin_that_is_not_6_to_8_digits(runner, tmp_path):
    result = runner.invoke(cards, ["--state-dir", str(tmp_path), "new", "--pin", "12ab"])
    assert result.exit_code != 0 and "PIN must be 6-8 digits" in result.output


def test_insert_list_eject_through_the_running_service(runner, service):
    state_dir = service.state_dir
    first = _invoke(runner, state_dir, "new", "--holder", "Anna").strip()
    second = _invoke(runner, state_dir, "new", "--holder", "Kim").strip()
    _invoke(runner, state_dir, "insert", first, "--reader", "0")
    _invoke(runner, state_dir, "insert", second, "--reader", "1")
    text = _invoke(runner, state_dir, "list")
    assert f"reader 0 Virtual PCD 00 00 [administrator]: {first}" in text
    assert f"reader 1 Virtual PCD 00 01 [customer]: {second}" in text
    busy = runner.invoke(cards, ["--state-dir", str(state_dir), "insert", first, "--reader", "1"])
    assert busy.exit_code != 0 and "already holds a card" in busy.output
    _invoke(runner, state_dir, "eject", "--reader", "0")
    listing = json.loads(_invoke(runner, state_dir, "list", "--json"))
    assert listing["readers"][0]["card"] is None
    assert [c["card_number"] for c in listing["cards"]] == [first]


def test_state_dir_defaults_to_instance_cards_inside_flask(runner, tmp_path, monkeypatch):
    monkeypatch.delenv("ACADEMY_CARDS_DIR", raising=False)
    app = Flask("cards_cli_test", instance_path=str(tmp_path / "instance"))
    app.cli.add_command(cards)
    result = app.test_cli_runner().invoke(args=["cards", "new"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "instance" / "cards" / f"{result.output.strip()}.json").exists()


def test_state_dir_from_environment(runner, tmp_path, monkeypatch):
    monkeypatch.setenv("ACADEMY_CARDS_DIR", str(tmp_path / "env-cards"))
    result = runner.invoke(cards, ["new"])
    assert result.exit_code == 0
    assert (tmp_path / "env-cards" / f"{result.output.strip()}.json").exists()
