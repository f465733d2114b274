"""Fixtures for the card tests: in-process virtual cards, --reader. The `pcsc` fixture (pcscd +
card service) is in tests/conftest.py: one for the whole session, shared with tests/sandbox."""

from __future__ import annotations

from pathlib import Path

import pytest

from sandbox.card import InProcessConnection, PivSession
from sandbox.card.virtual import VirtualPivCard, new_card_state

PIN = "123456"
PUK = "12345678"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--reader",
        action="store",
        default=None,
        metavar="NAME",
        help="run the physical-card tests against the PC/SC reader whose name contains NAME "
        "(card with the PIV default PIN, PUK and management key; tests restore them)",
    )


@pytest.fixture
def card(tmp_path: Path) -> VirtualPivCard:
    state = new_card_state(card_number="9752270000000000011", product_code="673")
    return VirtualPivCard(state, state_path=tmp_path / "card.json")


@pytest.fixture
def session(card: VirtualPivCard) -> PivSession:
    return PivSession(InProcessConnection(card))


@pytest.fixture
def admin_session(session: PivSession) -> PivSession:
    """A session that has verified the PIN and authenticated with the management key."""
    session.verify_pin(PIN)
    session.authenticate()
    return session


@pytest.fixture(scope="session")
def physical_reader(request: pytest.FixtureRequest) -> str:
    name = request.config.getoption("--reader")
    if not name:
        pytest.skip("physical-card tests run only with --reader NAME")
    return name
