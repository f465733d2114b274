"""The card-register exercises through the console: deregistering a returned card, the report
of people who have left, a new card after a change of name."""

from lms.models.sandbox import ExerciseOutcome

from .conftest import check, current_run, deregister, findings, start


def test_deregistering_the_returned_card(app, client, trainee):
    start(client, "ex-avregistrering")
    ctx = current_run(app, trainee.id).context
    page = client.get("/sandbox/register").get_data(as_text=True)
    assert ctx["leaver_card"] in page and ctx["colleague_card"] in page
    assert ctx["leaver_name"] in page
    response = deregister(client, ctx["leaver_card"])
    assert response.status_code == 302, response.data
    page = client.get("/sandbox/register").get_data(as_text=True)
    assert "Avregistrerat" in page
    again = deregister(client, ctx["leaver_card"])
    assert again.status_code == 409  # already deregistered: said so, nothing changes
    check(client)
    assert current_run(app, trainee.id).outcome == ExerciseOutcome.PASSED


def test_deregistering_the_wrong_card_is_found(app, client, trainee):
    start(client, "ex-avregistrering")
    ctx = current_run(app, trainee.id).context
    deregister(client, ctx["colleague_card"])
    check(client)
    assert findings(app, trainee) == {"returned_card_in_use": False, "others_revoked": False}


def test_a_card_not_in_the_register_is_refused(app, client, trainee):
    start(client, "ex-avregistrering")
    response = deregister(client, "9752270000000000000")
    assert response.status_code == 422
    assert "finns inte i kortregistret" in response.get_data(as_text=True)


def test_the_leavers_report(app, client, trainee):
    start(client, "ex-slutat-giltiga-kort")
    ctx = current_run(app, trainee.id).context
    page = client.get("/sandbox/register").get_data(as_text=True)
    assert "Vårdcentralen Norr" in page  # the directory administrator's note on the mover
    # Deregistering everyone on the report is the typical mistake: the mover keeps the card.
    for card in [*ctx["left_cards"], ctx["moved_card"]]:
        deregister(client, card, "affiliationChanged")
    check(client)
    assert findings(app, trainee) == {
        "leavers_deregistered": True,
        "mover_deregistered": False,
        "others_intact": True,
    }


def test_the_leavers_report_done_right(app, client, trainee):
    start(client, "ex-slutat-giltiga-kort")
    ctx = current_run(app, trainee.id).context
    for card in ctx["left_cards"]:
        assert deregister(client, card, "affiliationChanged").status_code == 302
    check(client)
    assert current_run(app, trainee.id).outcome == ExerciseOutcome.PASSED


def test_new_card_after_a_name_change(app, client, trainee):
    start(client, "ex-andrade-personuppgifter")
    ctx = current_run(app, trainee.id).context
    client.post(
        "/sandbox/readers/insert", data={"insert-card": ctx["new_card"], "insert-reader": "1"}
    )
    client.post(
        "/sandbox/pin/change",
        data={
            "pin-reader": "1",
            "pin-old_pin": ctx["letter_pin"],
            "pin-new_pin": ctx["new_pin"],
            "pin-new_pin_again": ctx["new_pin"],
        },
    )
    check(client)
    assert findings(app, trainee)["old_card_in_use"] is False  # two valid cards in circulation
    deregister(client, ctx["old_card"], "superseded")
    check(client)
    assert current_run(app, trainee.id).outcome == ExerciseOutcome.PASSED


def test_registers_are_separate_per_person(app, client, trainee, login_as):
    start(client, "ex-avregistrering")
    ctx = current_run(app, trainee.id).context
    client.post("/logout")
    login_as("trainee")
    page = client.get("/sandbox/register").get_data(as_text=True)
    assert ctx["leaver_card"] not in page
    assert deregister(client, ctx["leaver_card"]).status_code == 422


def test_a_run_remembers_every_card_its_set_up_made(app, client, trainee):
    """A later start clears them, and they are the person's own to revoke; a key per exercise
    missed the cards of newer exercises (the old and the new card after a name change)."""
    start(client, "ex-andrade-personuppgifter")
    ctx = current_run(app, trainee.id).context
    assert {ctx["own_card"], ctx["old_card"], ctx["new_card"]} <= set(ctx["cards"])
    assert len(ctx["cards"]) == 3
