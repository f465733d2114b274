"""The private desk and the desk lease, without the web application."""

import datetime as dt
import json

import pytest

from sandbox.card.service import card_path, log_path
from sandbox.console.desk import DeskError, DeskLease, PrivateDesk

T0 = dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def desk(tmp_path):
    return PrivateDesk(tmp_path / "desk")


@pytest.fixture
def two_cards(desk):
    own = desk.new_card(holder="Anna Admin").card_number
    return own, desk.new_card(holder="Kim Kund").card_number


def test_cards_go_into_and_out_of_the_two_readers(desk, two_cards):
    own, customer = two_cards
    desk.insert(own, 0)
    desk.insert(customer, 1)
    assert desk.occupancy() == {0: own, 1: customer}
    assert desk.card_in(1) == customer and desk.reader_of(own) == 0
    assert desk.status()["drawer"] == []
    assert [r["card"]["card_number"] for r in desk.status()["readers"]] == [own, customer]
    # A second desk object on the same directory (another request) sees the same readers.
    assert PrivateDesk(desk.state_dir).occupancy() == {0: own, 1: customer}
    assert desk.eject(0) == own
    assert desk.occupancy() == {1: customer}
    assert [c["card_number"] for c in desk.status()["drawer"]] == [own]


@pytest.mark.parametrize("reader", [-1, 2, 7])
def test_only_reader_0_and_1_exist(desk, two_cards, reader):
    with pytest.raises(DeskError):
        desk.insert(two_cards[0], reader)
    with pytest.raises(DeskError):
        desk.eject(reader)
    with pytest.raises(DeskError), desk.piv(reader):
        pass
    assert desk.occupancy() == {}


def test_a_reader_holds_one_card_and_a_card_is_in_one_reader(desk, two_cards):
    own, customer = two_cards
    desk.insert(own, 0)
    with pytest.raises(DeskError, match="already holds"):
        desk.insert(customer, 0)
    with pytest.raises(DeskError, match="already in a reader"):
        desk.insert(own, 1)
    assert desk.occupancy() == {0: own}


@pytest.mark.parametrize("number", ["9752270000000000099", "12ab", "", "../../etc/passwd"])
def test_a_card_that_is_not_in_the_drawer_cannot_be_inserted(desk, two_cards, number):
    with pytest.raises(DeskError, match="no test card"):
        desk.insert(number, 0)
    assert desk.occupancy() == {}


def test_an_empty_reader_cannot_be_ejected_or_used(desk):
    with pytest.raises(DeskError, match="empty"):
        desk.eject(1)
    with pytest.raises(DeskError, match="empty"), desk.piv(1):
        pass


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        "",
        "[1, 2]",
        '"text"',
        '{"x": "9752270000000000011"}',
        '{"0": 42}',
        '{"0": null}',
        '{"0": ["a"]}',
    ],
)
def test_a_damaged_readers_file_empties_the_readers_and_keeps_the_cards(desk, two_cards, content):
    desk.insert(two_cards[0], 0)
    (desk.state_dir / "readers.json").write_text(content)
    assert desk.occupancy() == {}
    assert {c["card_number"] for c in desk.status()["drawer"]} == set(two_cards)
    desk.insert(two_cards[1], 1)  # and the desk works again
    assert desk.occupancy() == {1: two_cards[1]}


def test_a_discarded_card_is_gone_with_its_apdu_log(desk, two_cards):
    own, customer = two_cards
    desk.insert(customer, 1)
    with desk.piv(1) as piv:
        assert piv.pin_retries() == 3
    assert log_path(desk.state_dir, customer).exists()
    desk.discard(customer)
    assert desk.occupancy() == {}
    assert not card_path(desk.state_dir, customer).exists()
    assert not log_path(desk.state_dir, customer).exists()
    assert not desk.owns(customer)
    assert [c["card_number"] for c in desk.status()["drawer"]] == [own]


def test_a_card_operation_changes_the_card_file(desk, two_cards):
    own, _ = two_cards
    desk.insert(own, 0)
    before = desk.card_state(own)
    with desk.piv(0) as piv:
        piv.change_pin(before.pin, "24681357")
    after = desk.card_state(own)
    assert after.pin == "24681357" and after.pin_retries_left == after.pin_max_retries


# -- the lease ----------------------------------------------------------------------------


def test_the_lease_is_taken_extended_and_refused_to_others(tmp_path):
    lease = DeskLease(tmp_path, minutes=30)
    assert lease.holder(T0) is None
    assert lease.take(1, T0) == (True, T0 + dt.timedelta(minutes=30))
    later = T0 + dt.timedelta(minutes=20)
    assert lease.take(1, later) == (True, later + dt.timedelta(minutes=30))  # extended
    # Another person is refused until the extended time, and learns when the desk is free.
    assert lease.take(2, T0 + dt.timedelta(minutes=45)) == (False, later + dt.timedelta(minutes=30))
    assert lease.holder(T0 + dt.timedelta(minutes=45)) == (1, later + dt.timedelta(minutes=30))
    # Another process sees the same lease.
    assert DeskLease(tmp_path).holder(later) == (1, later + dt.timedelta(minutes=30))


def test_an_expired_lease_goes_to_the_next_person(tmp_path):
    lease = DeskLease(tmp_path, minutes=30)
    lease.take(1, T0)
    expiry = T0 + dt.timedelta(minutes=30)
    assert lease.take(2, expiry - dt.timedelta(seconds=1))[0] is False
    assert lease.holder(expiry) is None
    assert lease.take(2, expiry) == (True, expiry + dt.timedelta(minutes=30))
    assert lease.holder(expiry) == (2, expiry + dt.timedelta(minutes=30))


def test_only_the_holder_releases_the_lease(tmp_path):
    lease = DeskLease(tmp_path)
    lease.take(1, T0)
    lease.release(2, T0)
    assert lease.take(2, T0)[0] is False
    lease.release(1, T0)
    assert lease.holder(T0) is None
    assert lease.take(2, T0)[0] is True


@pytest.mark.parametrize(
    "content", ["{broken", "[]", '{"user_id": 1}', '{"user_id": "x", "until": "2025-03-01"}']
)
def test_a_damaged_lease_file_is_no_lease(tmp_path, content):
    (tmp_path / "desk-lease.json").write_text(content)
    lease = DeskLease(tmp_path)
    assert lease.holder(T0) is None
    assert lease.take(7, T0)[0] is True
    assert json.loads((tmp_path / "desk-lease.json").read_text())["user_id"] == 7
