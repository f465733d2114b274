"""The desk on the card service: cards reached through vpcd, pcscd and pyscard (PC/SC)."""

import pytest

from sandbox.console.desk import DeskError, ServiceDesk

pytestmark = pytest.mark.pcsc


@pytest.fixture
def service_desk(pcsc):
    """The service's readers, emptied for the test; the harness's cards go back afterwards."""
    desk = ServiceDesk(pcsc.state_dir)
    assert desk.available()
    desk.empty_readers()
    for reader in (0, 1):
        pcsc.wait_for_card(reader, present=False)
    yield desk
    desk.empty_readers()
    for reader, number in enumerate(pcsc.cards):
        desk.insert(number, reader)
        pcsc.wait_for_card(reader)


def test_cards_are_inserted_changed_through_pcsc_and_ejected(pcsc, service_desk):
    desk = service_desk
    assert desk.via_pcsc and desk.occupancy() == {}
    own = desk.new_card(holder="Anna Administratör", pin="135790").card_number
    customer = desk.new_card(holder="Kim Kund", pin="246802").card_number
    desk.insert(own, 0)
    desk.insert(customer, 1)
    pcsc.wait_for_card(0)
    pcsc.wait_for_card(1)

    status = desk.status()
    assert [r["card"]["card_number"] for r in status["readers"]] == [own, customer]
    assert {c["card_number"] for c in status["drawer"]} >= set(pcsc.cards)
    assert own not in {c["card_number"] for c in status["drawer"]}
    with pytest.raises(DeskError):
        desk.insert(pcsc.cards[0], 1)  # the reader holds a card

    with desk.piv(1) as piv:
        assert piv.pin_retries() == 3
        piv.change_pin("246802", "97531864")
    state = desk.card_state(customer)
    assert state.pin == "97531864" and state.pin_retries_left == state.pin_max_retries
    assert desk.card_state(own).pin == "135790"  # the other reader's card is untouched

    assert desk.eject(1) == customer
    pcsc.wait_for_card(1, present=False)
    assert desk.occupancy() == {0: own}
    with pytest.raises(DeskError), desk.piv(1):
        pass
    desk.discard(own)
    assert desk.occupancy() == {} and not desk.owns(own)
