"""``flask cards ...``: the card service and its control commands.

Register with ``app.cli.add_command(cards)``. The state directory is, in order:
``--state-dir``, ``$ACADEMY_CARDS_DIR``, ``<instance_path>/cards``.
Also runnable without Flask: ``python -m sandbox.console.cards_cli --state-dir DIR ...``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import threading
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import ScriptInfo

from sandbox.card.control import ControlServer, ServiceClient, ServiceNotRunning
from sandbox.card.service import (
    CardService,
    CardServiceError,
    create_card,
    describe_card,
    list_cards,
)
from sandbox.card.virtual.vpcd import DEFAULT_PORT

ENV_STATE_DIR = "ACADEMY_CARDS_DIR"
_META_KEY = "sandbox.cards.state_dir"


def resolve_state_dir(explicit: str | None) -> Path:
    if explicit:
        return Path(explicit)
    if os.environ.get(ENV_STATE_DIR):
        return Path(os.environ[ENV_STATE_DIR])
    if current_app:
        return Path(current_app.instance_path) / "cards"
    ctx = click.get_current_context(silent=True)
    info = ctx.find_object(ScriptInfo) if ctx else None
    if info is not None:  # run by `flask cards ...`: the app is known but not pushed
        with contextlib.suppress(Exception):
            return Path(info.load_app().instance_path) / "cards"
    return Path("instance") / "cards"


def _state_dir(ctx: click.Context) -> Path:
    return resolve_state_dir(ctx.meta.get(_META_KEY))


def _fail(error: Exception) -> None:
    raise click.ClickException(str(error))


@click.group(help="Virtual PIV test cards and the two-reader card service.")
@click.option("--state-dir", default=None, help="card state directory (default <instance>/cards)")
@click.pass_context
def cards(ctx: click.Context, state_dir: str | None) -> None:
    ctx.meta[_META_KEY] = state_dir


@cards.command("new", help="Create a blank test card and print its number.")
@click.option("--card-number", default=None, help="19 digits (default: generated)")
@click.option(
    "--product-code",
    default="673",
    show_default=True,
    help="673/773 ordinary card, 473/573 reserve card",
)
@click.option("--holder", default="", help="the holder's name, one line, at most 64 characters")
@click.option("--pin", default="123456", show_default=True, help="PIN-letter PIN")
@click.option("--puk", default="12345678", show_default=True, help="PIN-letter PUK")
@click.option("--pin-retries", default=3, show_default=True, type=int)
@click.option("--puk-retries", default=10, show_default=True, type=int)
@click.pass_context
def new_command(ctx: click.Context, **options: Any) -> None:
    try:
        state = create_card(_state_dir(ctx), **options)
    except (CardServiceError, ValueError) as error:
        _fail(error)
    click.echo(state.card_number)


@cards.command("insert", help="Insert CARD into reader N (0 = administrator, 1 = customer).")
@click.argument("card")
@click.option("--reader", "reader", type=int, required=True)
@click.pass_context
def insert_command(ctx: click.Context, card: str, reader: int) -> None:
    try:
        status = ServiceClient(_state_dir(ctx)).insert(card, reader)
    except CardServiceError as error:
        _fail(error)
    click.echo(f"card {card} inserted in reader {reader} ({status['name']})")


@cards.command("eject", help="Eject the card in reader N.")
@click.option("--reader", "reader", type=int, required=True)
@click.pass_context
def eject_command(ctx: click.Context, reader: int) -> None:
    try:
        result = ServiceClient(_state_dir(ctx)).eject(reader)
    except CardServiceError as error:
        _fail(error)
    click.echo(f"card {result['ejected']} ejected from reader {reader}")


def _card_line(card: dict[str, Any]) -> str:
    pin = (
        "BLOCKED"
        if card["pin_blocked"]
        else f"{card['pin_retries_left']}/{card['pin_max_retries']}"
    )
    puk = (
        "BLOCKED"
        if card["puk_blocked"]
        else f"{card['puk_retries_left']}/{card['puk_max_retries']}"
    )
    certs = ", ".join(f"{c['slot']}: {c['subject']}" for c in card["certificates"]) or "none"
    return (
        f"{card['card_number']} product {card['product_code']} {card['holder']}".rstrip()
        + f" | PIN tries {pin} | PUK tries {puk} | certificates: {certs}"
    )


@cards.command("list", help="Readers, inserted cards, retries left and certificates.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def list_command(ctx: click.Context, as_json: bool) -> None:
    state_dir = _state_dir(ctx)
    try:
        status = ServiceClient(state_dir).status()
        running = True
    except ServiceNotRunning:
        running = False
        status = {"readers": [], "cards": [describe_card(c) for c in list_cards(state_dir)]}
    if as_json:
        click.echo(json.dumps({"service_running": running, **status}, indent=2))
        return
    if not running:
        click.echo("card service not running (start it with `cards serve`)")
    for reader in status["readers"]:
        card = reader["card"]
        content = _card_line(card) if card else "(empty)"
        click.echo(f"reader {reader['reader']} {reader['name']} [{reader['role']}]: {content}")
    for card in status["cards"]:
        click.echo(f"not inserted: {_card_line(card)}")


@cards.command("serve", help="Run the card service: connect inserted cards to vpcd.")
@click.option("--readers", default=2, show_default=True, type=int)
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=int, help="first vpcd port")
@click.option("--insert", "initial", multiple=True, help="READER=CARD to insert at start")
@click.option("-v", "--verbose", is_flag=True, help="log every APDU (masked)")
@click.pass_context
def serve_command(
    ctx: click.Context, readers: int, port: int, initial: tuple[str, ...], verbose: bool
) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    state_dir = _state_dir(ctx)
    service = CardService(state_dir, readers=readers, base_port=port)
    server = ControlServer(service)
    try:
        server.start()
        for item in initial:
            reader, _, card = item.partition("=")
            service.insert(card, int(reader))
    except (CardServiceError, ValueError) as error:
        server.stop()
        _fail(error)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    click.echo(f"card service ready: state {state_dir}, control {server.path}", err=True)
    try:
        stop.wait()
    finally:
        service.shutdown()
        server.stop()
        click.echo("card service stopped", err=True)


if __name__ == "__main__":
    cards()
