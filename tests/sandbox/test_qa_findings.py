"""Regressions from an exploratory QA round of the sandbox console: another person's card, codes
in other scripts' digits, the own card's PUK, findings with numbers, the English page's
language marks, an empty certificate slot and the HSA-id's format."""

import re

from lms.extensions import db
from lms.models.sandbox import ExerciseOutcome
from sandbox.ca.models import IssuedCertificate
from sandbox.console.desk import PrivateDesk
from tests.conftest import PASSWORD, login

from .conftest import check, current_run, findings, revoke, start, text


def test_another_persons_card_cannot_be_revoked(app, client, trainee, make_user):
    start(client, "ex-kort-status")  # the customer's card carries a valid pair
    victim_card = current_run(app, trainee.id).context["customer_card"]

    other_user = make_user("annan-elev@example.se", "trainee")
    other = app.test_client()
    assert login(other, "annan-elev@example.se", PASSWORD).status_code == 302
    start(other, "ex-sparr")
    response = revoke(other, victim_card)
    assert response.status_code == 409
    # The same answer as for an unknown number: nothing about the other person's card.
    assert f"Inga giltiga certifikat har kortnummer {victim_card}" in text(response)
    with app.app_context():
        rows = db.session.query(IssuedCertificate).filter_by(card_number=victim_card).all()
        assert rows and all(r.revocation is None for r in rows)
    # Their own exercise's cards still can, including the lost one gone from the desk.
    ctx = current_run(app, other_user.id).context
    assert revoke(other, ctx["customer_card"]).status_code == 302
    check(other)
    assert current_run(app, other_user.id).outcome == ExerciseOutcome.PASSED


def test_codes_in_other_scripts_digits_are_a_form_error_not_a_500(app, client, trainee):
    start(client, "ex-pin-byte")
    arabic = "١٢٣٤٥٦"  # six Arabic-Indic digits: str.isdigit() is True
    response = client.post(
        "/sandbox/pin/change",
        data={
            "pin-reader": "1",
            "pin-old_pin": arabic,
            "pin-new_pin": arabic,
            "pin-new_pin_again": arabic,
        },
    )
    assert response.status_code == 422
    assert "En PIN är 6 till 8 siffror." in text(response)
    response = client.post(
        "/sandbox/pin/unblock",
        data={
            "unblock-reader": "1",
            "unblock-puk": "١٢٣٤٥٦٧٨",
            "unblock-new_pin": "123456",
            "unblock-new_pin_again": "123456",
        },
    )
    assert response.status_code == 422
    assert "En PUK är 8 siffror." in text(response)
    response = revoke(client, "١٢٣٤")
    assert response.status_code == 422
    assert "Ett kortnummer består bara av siffror." in text(response)


def test_a_pin_with_a_trailing_newline_is_a_form_error(app, client, trainee):
    start(client, "ex-pin-byte")
    ctx = current_run(app, trainee.id).context
    response = client.post(
        "/sandbox/pin/change",
        data={
            "pin-reader": "1",
            "pin-old_pin": ctx["letter_pin"] + "\n",
            "pin-new_pin": ctx["new_pin"],
            "pin-new_pin_again": ctx["new_pin"],
        },
    )
    assert response.status_code == 422
    assert 'aria-labelledby="error-summary-title"' in text(response)


def test_a_wrong_puk_on_your_own_card_is_found(app, client, trainee):
    start(client, "ex-puk-upplasning")
    ctx = current_run(app, trainee.id).context
    unblock = {"unblock-new_pin": ctx["new_pin"], "unblock-new_pin_again": ctx["new_pin"]}
    own = client.post(
        "/sandbox/pin/unblock",
        data={"unblock-reader": "0", "unblock-puk": ctx["letter_puk"], **unblock},
    )
    assert own.status_code == 409  # the own card's PUK is another: one PUK attempt used
    right = client.post(
        "/sandbox/pin/unblock",
        data={"unblock-reader": "1", "unblock-puk": ctx["letter_puk"], **unblock},
    )
    assert right.status_code == 302
    check(client)
    assert findings(app, trainee) == {"customer_unblocked": True, "own_card_touched": False}


def test_a_finding_with_a_number_shows_the_number(app, client, trainee):
    start(client, "ex-reservkort-loa2")
    ctx = current_run(app, trainee.id).context
    client.post(
        "/sandbox/readers/insert", data={"insert-card": ctx["customer_card"], "insert-reader": "1"}
    )
    client.post(
        "/sandbox/certificates/issue",
        data={
            "issue-reader": "1",
            "issue-hsa_id": ctx["customer_hsa_id"],
            "issue-given_name": ctx["customer_given"],
            "issue-surname": ctx["customer_surname"],
            "issue-pin": ctx["letter_pin"],
            "issue-loa": "2",  # the rule's maximum: longer than the assignment
        },
    )
    check(client)
    body = text(client.get("/sandbox/"))
    assert f"längre än uppdraget ({ctx['contract_days']} dagar)" in body
    assert "%(" not in body


def test_the_english_desk_marks_only_the_swedish_title(app, client, trainee):
    start(client, "ex-pin-byte")
    client.post("/locale/en", data={"next": "/sandbox/"})
    body = text(client.get("/sandbox/"))
    heading = re.search(r'<h2 id="exercise".*?</h2>', body, re.S).group(0)
    assert '<span lang="sv">Byt PIN på rätt kort' in heading
    section = re.search(r'<section aria-labelledby="exercise".*?</section>', body, re.S).group(0)
    assert "thinks a colleague has seen the card" in section
    # The English brief is not marked as Swedish.
    assert section.count('lang="sv"') == 1


def test_the_start_buttons_name_begins_with_its_visible_word(app, client, trainee):
    start(client, "ex-pin-byte")
    body = text(client.get("/sandbox/exercises"))
    row = re.search(r'<tr id="ex-pin-byte">.*?</tr>', body, re.S).group(0)
    button = re.search(r"<button.*?</button>", row, re.S).group(0)
    assert 'aria-label="Starta igen: Byt PIN på rätt kort' in button
    assert button.endswith(">Starta igen</button>")


def test_removing_from_an_empty_slot_says_so(app, client, trainee, tmp_path):
    start(client, "ex-pin-byte")  # the customer's card has no certificates
    response = client.post(
        "/sandbox/certificates/delete",
        data={"delete-reader": "1", "delete-slot": "9A", "delete-confirm": "y"},
    )
    assert response.status_code == 422
    assert "Det finns inget certifikat på plats 9A" in text(response)


def test_a_malformed_hsa_id_is_a_swedish_form_error(app, client, trainee):
    start(client, "ex-nya-certifikat")
    ctx = current_run(app, trainee.id).context
    desk = PrivateDesk(app.config["CARDS_DIR"] + f"/desks/{trainee.id}")
    before = desk.card_state(ctx["customer_card"]).pin_retries_left
    response = client.post(
        "/sandbox/certificates/issue",
        data={
            "issue-reader": "1",
            "issue-hsa_id": "SE٢٣٢١٠٠٠٠١٦-7TK4",
            "issue-given_name": ctx["customer_given"],
            "issue-surname": ctx["customer_surname"],
            "issue-pin": ctx["letter_pin"],
            "issue-loa": "3",
        },
    )
    assert response.status_code == 422
    body = text(response)
    assert "Ett HSA-id består av SE" in body
    assert "expected SE" not in body
    assert desk.card_state(ctx["customer_card"]).pin_retries_left == before


def test_two_starts_at_once_leave_one_run_and_only_its_cards(app, client, trainee, tmp_path):
    import threading

    second = app.test_client()
    assert login(second, trainee.email, PASSWORD).status_code == 302
    statuses = []

    def go(c):
        statuses.append(c.post("/sandbox/exercises/ex-utlamning-aktivering/start").status_code)

    threads = [threading.Thread(target=go, args=(c,)) for c in (client, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302, 302]
    ctx = current_run(app, trainee.id).context
    desk = PrivateDesk(tmp_path / "cards" / "desks" / str(trainee.id))
    on_desk = {s["card_number"] for s in desk.status()["drawer"]} | set(desk.occupancy().values())
    assert on_desk == {ctx["own_card"], ctx["customer_card"], ctx["other_card"]}


def test_a_start_clears_cards_that_no_run_names(app, client, trainee, tmp_path):
    desk = PrivateDesk(tmp_path / "cards" / "desks" / str(trainee.id))
    stray = desk.new_card(holder="Kvarglömd").card_number  # e.g. a set-up that failed half-way
    start(client, "ex-pin-byte")
    assert not desk.owns(stray)
    assert "Kvarglömd" not in text(client.get("/sandbox/"))


def test_listing_the_drawer_skips_a_card_discarded_meanwhile(tmp_path, monkeypatch):
    from sandbox.card import service

    desk = PrivateDesk(tmp_path / "desk")
    kept = desk.new_card(holder="Kvar").card_number
    gone = desk.new_card(holder="Borta").card_number
    real = service.load_state

    def load_after_discard(path):
        if gone in str(path):
            (tmp_path / "desk" / f"{gone}.json").unlink()
        return real(path)

    monkeypatch.setattr(service, "load_state", load_after_discard)
    assert [c.card_number for c in service.list_cards(tmp_path / "desk")] == [kept]
