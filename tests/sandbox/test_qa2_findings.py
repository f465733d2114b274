"""Regressions from the second QA round of the sandbox console: the card register, its three
exercises and the LoA3 reserve card with two-person control."""

import datetime as dt

from lms.models.sandbox import ExerciseOutcome
from lms.models.types import utcnow
from sandbox.console.messages import finding_text
from tests.conftest import PASSWORD, login

from .conftest import check, current_run, deregister, findings, start, text


def order_run(app, client, trainee, monkeypatch, variant):
    from sandbox.exercises import desk_exercises

    monkeypatch.setattr(desk_exercises, "choose_variant", lambda: variant)
    start(client, "ex-reservkort-loa3")
    return current_run(app, trainee.id)


def sign(client, **extra):
    return client.post(
        "/sandbox/exercise/order/decide",
        data={"order-decision": "approve", "order-identified": "y", **extra},
    )


def fetch(client, pin, **extra):
    return client.post("/sandbox/exercise/order/fetch", data={"fetch-pin": pin, **extra})


def reserve_card_in_reader_2(client, ctx):
    client.post(
        "/sandbox/readers/insert", data={"insert-card": ctx["customer_card"], "insert-reader": "1"}
    )


# -- the card register -----------------------------------------------------------------------


def test_a_new_exercise_leaves_no_cards_of_the_last_one_in_the_register(app, client, trainee):
    # SQLite does not cascade the persons' delete to their cards: the old cards showed under
    # the new people who got the same ids.
    start(client, "ex-avregistrering")
    old = current_run(app, trainee.id).context
    start(client, "ex-slutat-giltiga-kort")
    page = text(client.get("/sandbox/register"))
    assert old["leaver_card"] not in page and old["colleague_card"] not in page
    start(client, "ex-andrade-personuppgifter")
    ctx = current_run(app, trainee.id).context
    from lms.extensions import db
    from sandbox.console import register

    with app.app_context():
        people = register.persons(db.session, trainee.id)
    assert [[c.card_number for c in p.cards] for p in people] == [
        [ctx["old_card"], ctx["new_card"]]
    ]


def test_a_card_number_in_other_scripts_digits_is_a_form_error(app, client, trainee):
    start(client, "ex-avregistrering")
    response = deregister(client, "١٢٣٤٥")
    assert response.status_code == 422
    assert "bara av siffror" in text(response)


def test_the_leaver_leaves_on_the_friday_the_brief_says(app, client, trainee):
    start(client, "ex-avregistrering")
    from lms.extensions import db
    from lms.models.sandbox import RegisterPerson

    with app.app_context():
        ctx = current_run(app, trainee.id).context
        person = db.session.query(RegisterPerson).filter_by(name=ctx["leaver_name"]).one()
        ends = person.assignment_ends
    today = utcnow().date()
    assert ends.weekday() == 4 and today < ends <= today + dt.timedelta(days=7)


def test_a_final_mistake_says_to_start_again(app, client, trainee):
    start(client, "ex-slutat-giltiga-kort")
    ctx = current_run(app, trainee.id).context
    deregister(client, ctx["moved_card"], "affiliationChanged")
    check(client)
    page = text(client.get("/sandbox/"))
    assert "Starta övningen igen" in page
    with app.test_request_context():
        assert "Start" not in finding_text("mover_kept", True)


def test_another_trainees_register_is_neither_shown_nor_changed(app, client, trainee, make_user):
    start(client, "ex-avregistrering")
    ctx = current_run(app, trainee.id).context
    make_user("annan-elev@example.se", "trainee")
    other = app.test_client()
    assert login(other, "annan-elev@example.se", PASSWORD).status_code == 302
    assert ctx["leaver_card"] not in text(other.get("/sandbox/register"))
    assert deregister(other, ctx["leaver_card"]).status_code == 422
    assert "Aktivt" in text(client.get("/sandbox/register"))


# -- the desk's drawer -------------------------------------------------------------------------


def test_a_reserve_card_without_a_name_is_worded_in_swedish(app, client, trainee, monkeypatch):
    order_run(app, client, trainee, monkeypatch, "ok")
    page = text(client.get("/sandbox/"))
    assert "no name printed" not in page
    assert "inget namn tryckt" in page


# -- the LoA3 order ---------------------------------------------------------------------------


def test_a_decision_from_a_tab_of_a_run_left_since_decides_nothing(
    app, client, trainee, monkeypatch
):
    first = order_run(app, client, trainee, monkeypatch, "ok")
    second = order_run(app, client, trainee, monkeypatch, "wrong_card")  # another tab
    response = sign(client, run=str(first.id))
    assert response.status_code == 302
    assert current_run(app, trainee.id).context["decision"] is None
    assert "inte längre öppen" in text(client.get("/sandbox/"))
    assert sign(client, run=str(second.id)).status_code == 302
    assert current_run(app, trainee.id).context["decision"] == "approve"


def test_an_order_is_fetched_once(app, client, trainee, monkeypatch):
    run = order_run(app, client, trainee, monkeypatch, "ok")
    ctx = run.context
    sign(client)
    reserve_card_in_reader_2(client, ctx)
    assert fetch(client, ctx["letter_pin"], run=str(run.id)).status_code == 302
    page = text(client.get("/sandbox/"))
    assert "Hämta certifikaten" not in page and "har hämtat certifikaten" in page
    again = fetch(client, ctx["letter_pin"])
    assert again.status_code == 409
    from sandbox.ca.models import IssuedCertificate

    with app.app_context():
        from lms.extensions import db

        rows = db.session.query(IssuedCertificate).filter_by(card_number=ctx["customer_card"])
        assert rows.count() == 2  # one pair
    check(client)
    assert current_run(app, trainee.id).outcome == ExerciseOutcome.PASSED


def test_a_blocked_reserve_code_says_what_to_do(app, client, trainee, monkeypatch):
    ctx = order_run(app, client, trainee, monkeypatch, "ok").context
    sign(client)
    reserve_card_in_reader_2(client, ctx)
    wrong = "000000" if ctx["letter_pin"] != "000000" else "111111"
    for _ in range(3):
        assert fetch(client, wrong).status_code == 409
    blocked = fetch(client, ctx["letter_pin"])
    assert blocked.status_code == 409
    page = text(blocked)
    assert "nytt reservkort" in page and "låses upp med PUK" not in page
    check(client)
    assert findings(app, trainee)["reserve_code_blocked"] is False
    assert "Starta övningen igen" in text(client.get("/sandbox/"))


def test_another_trainees_certificates_do_not_fail_a_rejected_order(
    app, client, trainee, monkeypatch, make_user
):
    order_run(app, client, trainee, monkeypatch, "wrong_card")
    assert client.post("/sandbox/exercise/order/decide", data={"order-decision": "reject"})
    # Another trainee, at the same time, fetches on a right order for the same test person.
    other_user = make_user("annan-elev@example.se", "trainee")
    other = app.test_client()
    assert login(other, "annan-elev@example.se", PASSWORD).status_code == 302
    other_ctx = order_run(app, other, other_user, monkeypatch, "ok").context
    sign(other)
    reserve_card_in_reader_2(other, other_ctx)
    assert fetch(other, other_ctx["letter_pin"]).status_code == 302
    check(client)
    assert current_run(app, trainee.id).outcome == ExerciseOutcome.PASSED, findings(app, trainee)
