"""The desk's forms through the web console: errors come back as a page (never a 500), codes
are never echoed, and what a refusal says is what happened to the card and in the CA."""

import re

import pytest

from lms.extensions import db
from sandbox.ca.models import IssuedCertificate, Revocation
from sandbox.card.piv.constants import Slot
from sandbox.console.desk import PrivateDesk

from .conftest import current_run, start, text

SUMMARY = re.compile(r'<div class="error-summary" role="alert"')


def desk_of(tmp_path, user):
    return PrivateDesk(tmp_path / "cards" / "desks" / str(user.id))


def pin_change(client, reader, old, new, again):
    return client.post(
        "/sandbox/pin/change",
        data={
            "pin-reader": str(reader),
            "pin-old_pin": old,
            "pin-new_pin": new,
            "pin-new_pin_again": again,
        },
    )


@pytest.fixture
def pin_run(app, client, trainee):
    start(client, "ex-pin-byte")
    return current_run(app, trainee.id).context


# -- form errors ---------------------------------------------------------------------------


def test_a_pin_form_with_errors_comes_back_without_the_codes(client, trainee, pin_run, tmp_path):
    desk = desk_of(tmp_path, trainee)
    before = desk.card_state(pin_run["customer_card"])
    response = pin_change(client, 1, "12ab", "55554444", "55554443")
    assert response.status_code == 422
    body = text(response)
    assert SUMMARY.search(body)
    assert "A PIN is 6 to 8 digits." in body or "6–8" in body or "6 till 8" in body
    for typed in ("12ab", "55554444", "55554443"):
        assert typed not in body
    after = desk.card_state(pin_run["customer_card"])
    assert (after.pin, after.pin_retries_left) == (before.pin, before.pin_retries_left)


def test_an_unblock_form_with_errors_comes_back_without_the_codes(client, trainee, pin_run):
    response = client.post(
        "/sandbox/pin/unblock",
        data={
            "unblock-reader": "1",
            "unblock-puk": "8642ab97",
            "unblock-new_pin": "97531864",
            "unblock-new_pin_again": "97531865",
        },
    )
    assert response.status_code == 422
    body = text(response)
    assert SUMMARY.search(body)
    for typed in ("8642ab97", "97531864", "97531865"):
        assert typed not in body


def test_an_issue_form_with_errors_keeps_the_names_but_not_the_pin(client, trainee, pin_run):
    response = client.post(
        "/sandbox/certificates/issue",
        data={
            "issue-reader": "1",
            "issue-hsa_id": "SE2321000016-7TK1",
            "issue-given_name": "Kimberly",
            "issue-surname": "",
            "issue-pin": "4711x",
        },
    )
    assert response.status_code == 422
    body = text(response)
    assert SUMMARY.search(body)
    assert 'value="Kimberly"' in body  # what is not secret is kept for the person to correct
    assert "4711x" not in body


def test_a_wrong_pin_uses_an_attempt_and_says_how_many_are_left(client, trainee, pin_run, tmp_path):
    desk = desk_of(tmp_path, trainee)
    customer = pin_run["customer_card"]
    before = desk.card_state(customer)
    assert before.pin_retries_left == before.pin_max_retries == 3
    wrong = "".join(str((int(d) + 1) % 10) for d in pin_run["letter_pin"])
    response = pin_change(client, 1, wrong, "24681357", "24681357")
    assert response.status_code == 409
    body = text(response)
    assert SUMMARY.search(body)
    assert re.search(r"Wrong code\. 2 attempts are left|2 försök", body), body
    assert wrong not in body and "24681357" not in body
    after = desk.card_state(customer)
    assert after.pin_retries_left == 2 and after.pin == before.pin
    # The page read the card again: the reader shows the attempt gone.
    assert re.search(r"PIN attempts left</dt><dd>2</dd>|PIN-försök kvar</dt><dd>2</dd>", body)


def test_the_last_wrong_pin_says_the_pin_is_blocked(client, trainee, pin_run, tmp_path):
    desk = desk_of(tmp_path, trainee)
    wrong = "".join(str((int(d) + 1) % 10) for d in pin_run["letter_pin"])
    for _ in range(2):
        assert pin_change(client, 1, wrong, "24681357", "24681357").status_code == 409
    response = pin_change(client, 1, wrong, "24681357", "24681357")
    assert response.status_code == 409
    assert "No attempts are left" in text(response) or "spärr" in text(response)
    assert desk.card_state(pin_run["customer_card"]).pin_blocked
    # The right PIN cannot help now: the card says it is blocked.
    response = pin_change(client, 1, pin_run["letter_pin"], "24681357", "24681357")
    assert response.status_code == 409
    assert "blocked" in text(response) or "spärr" in text(response)
    assert desk.card_state(pin_run["customer_card"]).pin == pin_run["letter_pin"]


# -- readers ---------------------------------------------------------------------------------


def test_inserting_into_an_occupied_reader_is_refused_clearly(client, trainee, pin_run, tmp_path):
    desk = desk_of(tmp_path, trainee)
    spare = desk.new_card(holder="Extra Kort").card_number
    response = client.post(
        "/sandbox/readers/insert", data={"insert-card": spare, "insert-reader": "0"}
    )
    assert response.status_code == 409
    body = text(response)
    assert SUMMARY.search(body) and "Det sitter redan ett kort i den läsaren" in body
    assert desk.occupancy() == {0: pin_run["own_card"], 1: pin_run["customer_card"]}


def test_a_card_already_in_a_reader_is_no_choice_for_insert(client, trainee, pin_run, tmp_path):
    desk = desk_of(tmp_path, trainee)
    desk.eject(1)
    response = client.post(
        "/sandbox/readers/insert", data={"insert-card": pin_run["own_card"], "insert-reader": "1"}
    )
    assert response.status_code == 422
    assert SUMMARY.search(text(response))
    assert desk.occupancy() == {0: pin_run["own_card"]}


def test_ejecting_an_empty_reader_says_it_is_empty(client, trainee, pin_run, tmp_path):
    desk = desk_of(tmp_path, trainee)
    assert client.post("/sandbox/readers/eject", data={"eject-reader": "1"}).status_code == 302
    assert desk.occupancy() == {0: pin_run["own_card"]}
    response = client.post("/sandbox/readers/eject", data={"eject-reader": "1"})
    assert response.status_code == 422
    assert "Det sitter inget kort i den läsaren" in text(response)
    assert desk.occupancy() == {0: pin_run["own_card"]}


def test_a_pin_change_on_an_empty_reader_is_refused(client, trainee, pin_run, tmp_path):
    desk_of(tmp_path, trainee).eject(1)
    response = pin_change(client, 1, pin_run["letter_pin"], "24681357", "24681357")
    assert response.status_code == 422
    assert "Det sitter inget kort i den läsaren" in text(response)


def test_a_reader_that_does_not_exist_is_a_form_error(client, trainee, pin_run):
    response = client.post("/sandbox/readers/eject", data={"eject-reader": "5"})
    assert response.status_code == 422
    assert SUMMARY.search(text(response))


# -- certificates ------------------------------------------------------------------------


@pytest.fixture
def cert_run(app, client, trainee):
    start(client, "ex-nya-certifikat")
    return current_run(app, trainee.id).context


def test_removing_a_certificate_needs_the_confirm_box(client, trainee, cert_run, tmp_path):
    desk = desk_of(tmp_path, trainee)
    customer = cert_run["customer_card"]
    state = desk.card_state(customer)
    assert state.get_object(Slot.AUTHENTICATION.object_id)
    assert state.get_object(Slot.SIGNATURE.object_id)
    response = client.post(
        "/sandbox/certificates/delete", data={"delete-reader": "1", "delete-slot": "9A"}
    )
    assert response.status_code == 422
    assert "Kryssa i rutan för att bekräfta." in text(response)
    assert desk.card_state(customer).get_object(Slot.AUTHENTICATION.object_id)

    response = client.post(
        "/sandbox/certificates/delete",
        data={"delete-reader": "1", "delete-slot": "9A", "delete-confirm": "y"},
    )
    assert response.status_code == 302, response.data
    state = desk.card_state(customer)
    assert state.get_object(Slot.AUTHENTICATION.object_id) is None
    assert state.get_object(Slot.SIGNATURE.object_id)  # the other slot is left alone


@pytest.fixture
def lost_card_run(app, client, trainee):
    start(client, "ex-sparr")
    return current_run(app, trainee.id).context


def _revocations(app):
    with app.app_context():
        return db.session.query(Revocation).count()


def test_revoking_a_card_without_certificates_revokes_nothing(app, client, trainee, lost_card_run):
    assert _revocations(app) == 0
    own = lost_card_run["own_card"]  # carries no certificates
    response = client.post(
        "/sandbox/certificates/revoke",
        data={
            "revoke-card_number": own,
            "revoke-reason": "keyCompromise",
            "revoke-confirm": "y",
        },
    )
    assert response.status_code == 409
    body = text(response)
    assert "inget spärrades" in body and own in body
    assert _revocations(app) == 0


def test_revoking_needs_the_confirm_box(app, client, trainee, lost_card_run):
    response = client.post(
        "/sandbox/certificates/revoke",
        data={
            "revoke-card_number": lost_card_run["customer_card"],
            "revoke-reason": "keyCompromise",
        },
    )
    assert response.status_code == 422
    assert "Kryssa i rutan för att bekräfta." in text(response)
    assert _revocations(app) == 0
    with app.app_context():
        rows = (
            db.session.query(IssuedCertificate)
            .filter_by(card_number=lost_card_run["customer_card"])
            .all()
        )
        assert len(rows) >= 2 and all(r.revocation is None for r in rows)


@pytest.mark.parametrize("number", ["9752 27x0 0000", "abc"])
def test_a_card_number_with_letters_is_a_form_error(app, client, trainee, lost_card_run, number):
    response = client.post(
        "/sandbox/certificates/revoke",
        data={
            "revoke-card_number": number,
            "revoke-reason": "keyCompromise",
            "revoke-confirm": "y",
        },
    )
    assert response.status_code == 422
    assert _revocations(app) == 0


# -- checks ---------------------------------------------------------------------------------


def test_checking_after_the_cards_are_gone_says_so(app, client, trainee, pin_run, tmp_path):
    desk_of(tmp_path, trainee).discard(pin_run["customer_card"])
    response = client.post("/sandbox/exercise/check")
    assert response.status_code == 302
    codes = [f["code"] for f in current_run(app, trainee.id).findings]
    assert codes == ["cards_missing"]


def test_the_error_summary_links_a_radio_group_to_its_first_radio(client, trainee):
    """A fieldset cannot take focus: the link must land on a radio, or keyboard users are
    left on the page's body."""
    import re

    response = client.post("/sandbox/readers/eject", data={})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    summary = body.split('class="error-summary"')[1].split("</div>")[0]
    assert re.findall(r'<a href="#([^"]+)">', summary) == ["eject-reader-0"]
    assert 'id="eject-reader-0"' in body and 'type="radio"' in body
