"""The desk's exercises end to end through the web console: set-up, the operation a person
does at the desk, and the automatic check, right and wrong."""

from lms.extensions import db
from lms.models.sandbox import ExerciseOutcome, ExerciseRun

from .conftest import check, current_run, start


def outcome(app, user):
    return current_run(app, user.id).outcome


def test_pin_change_on_the_customers_card_passes(app, client, trainee):
    start(client, "ex-pin-byte")
    ctx = current_run(app, trainee.id).context
    page = client.get("/sandbox/").get_data(as_text=True)
    assert ctx["customer_card"] in page and ctx["own_card"] in page
    assert ctx["new_pin"] in page  # the brief gives the customer's chosen PIN
    response = client.post(
        "/sandbox/pin/change",
        data={
            "pin-reader": "1",
            "pin-old_pin": ctx["letter_pin"],
            "pin-new_pin": ctx["new_pin"],
            "pin-new_pin_again": ctx["new_pin"],
        },
    )
    assert response.status_code == 302
    check(client)
    assert outcome(app, trainee) == ExerciseOutcome.PASSED


def test_pin_change_on_your_own_card_is_found(app, client, trainee):
    start(client, "ex-pin-byte")
    ctx = current_run(app, trainee.id).context
    # The customer's codes typed into the administrator's own card: a wrong PIN there.
    response = client.post(
        "/sandbox/pin/change",
        data={
            "pin-reader": "0",
            "pin-old_pin": ctx["letter_pin"],
            "pin-new_pin": ctx["new_pin"],
            "pin-new_pin_again": ctx["new_pin"],
        },
    )
    assert response.status_code == 409
    assert "försök" in response.get_data(as_text=True) or "attempt" in response.get_data(
        as_text=True
    )
    check(client)
    run = current_run(app, trainee.id)
    assert run.outcome == ExerciseOutcome.RUNNING
    codes = {f["code"]: f["ok"] for f in run.findings}
    assert codes == {"customer_pin_not_changed": False, "own_card_touched": False}


def test_puk_unblock_passes_and_a_wrong_puk_is_found(app, client, trainee):
    start(client, "ex-puk-upplasning")
    ctx = current_run(app, trainee.id).context
    page = client.get("/sandbox/").get_data(as_text=True)
    assert "PIN-koden är spärrad" in page or "the PIN is blocked" in page
    wrong = "".join(str((int(d) + 1) % 10) for d in ctx["letter_puk"])
    response = client.post(
        "/sandbox/pin/unblock",
        data={
            "unblock-reader": "1",
            "unblock-puk": wrong,
            "unblock-new_pin": ctx["new_pin"],
            "unblock-new_pin_again": ctx["new_pin"],
        },
    )
    assert response.status_code == 409
    client.post(
        "/sandbox/pin/unblock",
        data={
            "unblock-reader": "1",
            "unblock-puk": ctx["letter_puk"],
            "unblock-new_pin": ctx["new_pin"],
            "unblock-new_pin_again": ctx["new_pin"],
        },
    )
    check(client)
    run = current_run(app, trainee.id)
    codes = {f["code"]: f["ok"] for f in run.findings}
    assert codes == {"customer_unblocked": True, "own_card_untouched": True}
    assert run.outcome == ExerciseOutcome.PASSED


def test_reading_two_cards(app, client, trainee):
    start(client, "ex-kort-status")
    ctx = current_run(app, trainee.id).context
    check(client, card_number=ctx["customer_card"], pin_retries="3", hsa_id=ctx["customer_hsa_id"])
    run = current_run(app, trainee.id)
    codes = {f["code"]: f["ok"] for f in run.findings}
    assert codes["answer_pin_retries"] is False  # one attempt was used before the visit
    assert codes["answer_card_number"] is True and codes["answer_hsa_id"] is True
    spaced = " ".join(ctx["customer_card"][i : i + 4] for i in range(0, 19, 4))
    check(client, card_number=spaced, pin_retries="2", hsa_id=ctx["customer_hsa_id"].lower())
    assert outcome(app, trainee) == ExerciseOutcome.PASSED


def test_new_certificates_for_the_order(app, client, trainee):
    start(client, "ex-nya-certifikat")
    ctx = current_run(app, trainee.id).context
    check(client)
    codes = {f["code"] for f in current_run(app, trainee.id).findings}
    assert {"no_new_auth", "no_new_sign"} <= codes
    response = client.post(
        "/sandbox/certificates/issue",
        data={
            "issue-reader": "1",
            "issue-hsa_id": ctx["customer_hsa_id"],
            "issue-given_name": ctx["customer_given"],
            "issue-surname": ctx["customer_surname"],
            "issue-pin": ctx["letter_pin"],
            "issue-loa": "3",
        },
    )
    assert response.status_code == 302, response.data
    check(client)
    run = current_run(app, trainee.id)
    assert run.outcome == ExerciseOutcome.PASSED, run.findings


def test_new_certificates_for_the_wrong_person_are_found(app, client, trainee):
    start(client, "ex-nya-certifikat")
    ctx = current_run(app, trainee.id).context
    client.post(
        "/sandbox/certificates/issue",
        data={
            "issue-reader": "1",
            "issue-hsa_id": "SE2321000016-7TK9",
            "issue-given_name": ctx["customer_given"],
            "issue-surname": ctx["customer_surname"],
            "issue-pin": ctx["letter_pin"],
            "issue-loa": "3",
        },
    )
    check(client)
    codes = {f["code"]: f["ok"] for f in current_run(app, trainee.id).findings}
    assert codes["auth_wrong"] is False and codes["sign_wrong"] is False
    assert codes["auth_key_on_card"] is True


def test_revoking_a_lost_card(app, client, trainee):
    start(client, "ex-sparr")
    ctx = current_run(app, trainee.id).context
    response = client.post(
        "/sandbox/certificates/revoke",
        data={
            "revoke-card_number": ctx["customer_card"],
            "revoke-reason": "keyCompromise",
            "revoke-confirm": "y",
        },
    )
    assert response.status_code == 302, response.data
    check(client)
    assert outcome(app, trainee) == ExerciseOutcome.PASSED


def test_revoking_with_the_wrong_reason_and_the_wrong_card(app, client, trainee):
    start(client, "ex-sparr")
    ctx = current_run(app, trainee.id).context
    for card in (ctx["customer_card"], ctx["other_card"]):
        client.post(
            "/sandbox/certificates/revoke",
            data={
                "revoke-card_number": card,
                "revoke-reason": "cessationOfOperation",
                "revoke-confirm": "y",
            },
        )
    check(client)
    codes = {f["code"]: f["ok"] for f in current_run(app, trainee.id).findings}
    assert codes == {"lost_card_revoked": True, "reason_wrong": False, "others_revoked": False}


def test_starting_again_leaves_the_open_run_and_clears_its_cards(app, client, trainee):
    start(client, "ex-pin-byte")
    first = current_run(app, trainee.id)
    start(client, "ex-puk-upplasning")
    with app.app_context():
        runs = (
            db.session.query(ExerciseRun)
            .filter_by(user_id=trainee.id)
            .order_by(ExerciseRun.id)
            .all()
        )
        assert [r.outcome for r in runs] == [ExerciseOutcome.ABANDONED, ExerciseOutcome.RUNNING]
    page = client.get("/sandbox/").get_data(as_text=True)
    assert first.context["customer_card"] not in page


def test_unknown_or_planned_exercises_cannot_start(client, trainee, monkeypatch):
    from sandbox.console import exercise_runs

    assert client.post("/sandbox/exercises/ex-nope/start").status_code == 404
    planned = [{"id": "ex-pin-byte", "title": "Byt PIN", "status": "planned"}]
    monkeypatch.setattr(exercise_runs, "load_catalog", lambda: planned)
    assert client.post("/sandbox/exercises/ex-pin-byte/start").status_code == 404


def test_removing_the_expired_certificates(app, client, trainee):
    start(client, "ex-rensa-certifikat")
    page = client.get("/sandbox/").get_data(as_text=True)
    assert page.count("Har gått ut") == 2 and page.count("Giltigt") >= 2
    check(client)
    codes = {f["code"]: f["ok"] for f in current_run(app, trainee.id).findings}
    assert codes["expired_left"] is False and codes["valid_kept"] is True
    for slot in ("9D", "9E"):
        response = client.post(
            "/sandbox/certificates/delete",
            data={"delete-reader": "1", "delete-slot": slot, "delete-confirm": "y"},
        )
        assert response.status_code == 302, response.data
    check(client)
    assert outcome(app, trainee) == ExerciseOutcome.PASSED


def test_removing_the_valid_pair_is_found(app, client, trainee):
    start(client, "ex-rensa-certifikat")
    for slot in ("9A", "9D", "9E"):
        client.post(
            "/sandbox/certificates/delete",
            data={"delete-reader": "1", "delete-slot": slot, "delete-confirm": "y"},
        )
    check(client)
    codes = {f["code"]: f["ok"] for f in current_run(app, trainee.id).findings}
    assert codes["expired_removed"] is True and codes["valid_removed"] is False


def test_handing_out_the_right_new_card(app, client, trainee):
    start(client, "ex-utlamning-aktivering")
    ctx = current_run(app, trainee.id).context
    page = client.get("/sandbox/").get_data(as_text=True)
    assert ctx["customer_card"] in page and ctx["other_card"] in page  # both in the drawer
    # The wrong card first: the other person's card takes the customer's codes and refuses.
    client.post(
        "/sandbox/readers/insert", data={"insert-card": ctx["other_card"], "insert-reader": "1"}
    )
    refused = client.post(
        "/sandbox/pin/change",
        data={
            "pin-reader": "1",
            "pin-old_pin": ctx["letter_pin"],
            "pin-new_pin": ctx["new_pin"],
            "pin-new_pin_again": ctx["new_pin"],
        },
    )
    assert refused.status_code == 409
    check(client)
    codes = {f["code"]: f["ok"] for f in current_run(app, trainee.id).findings}
    assert codes == {
        "card_not_activated": False,
        "other_card_touched": False,
        "own_card_untouched": True,
    }


def test_handing_out_and_activating(app, client, trainee):
    start(client, "ex-utlamning-aktivering")
    ctx = current_run(app, trainee.id).context
    response = client.post(
        "/sandbox/readers/insert", data={"insert-card": ctx["customer_card"], "insert-reader": "1"}
    )
    assert response.status_code == 302
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
    assert outcome(app, trainee) == ExerciseOutcome.PASSED


def _issue(client, ctx, **extra):
    data = {
        "issue-reader": "1",
        "issue-hsa_id": ctx["customer_hsa_id"],
        "issue-given_name": ctx["customer_given"],
        "issue-surname": ctx["customer_surname"],
        "issue-pin": ctx["letter_pin"],
        "issue-loa": "3",
    }
    data.update({f"issue-{k}": v for k, v in extra.items()})
    return client.post("/sandbox/certificates/issue", data=data)


def test_reserve_card_at_level_2_within_the_assignment(app, client, trainee):
    start(client, "ex-reservkort-loa2")
    ctx = current_run(app, trainee.id).context
    client.post(
        "/sandbox/readers/insert", data={"insert-card": ctx["customer_card"], "insert-reader": "1"}
    )
    # Longer than the local rule: refused by the console, nothing issued.
    refused = _issue(client, ctx, loa="2", validity_days=str(ctx["rule_days"] + 1))
    assert refused.status_code == 422
    assert f"högst {ctx['rule_days']} dagar" in refused.get_data(as_text=True)
    response = _issue(client, ctx, loa="2", validity_days=str(ctx["contract_days"]))
    assert response.status_code == 302, response.data
    check(client)
    run = current_run(app, trainee.id)
    assert run.outcome == ExerciseOutcome.PASSED, run.findings


def test_reserve_card_longer_than_the_assignment_or_at_level_3_is_found(app, client, trainee):
    start(client, "ex-reservkort-loa2")
    ctx = current_run(app, trainee.id).context
    client.post(
        "/sandbox/readers/insert", data={"insert-card": ctx["customer_card"], "insert-reader": "1"}
    )
    _issue(client, ctx, loa="2")  # the rule's maximum, longer than the assignment
    check(client)
    codes = {f["code"]: f["ok"] for f in current_run(app, trainee.id).findings}
    assert codes["validity_too_long"] is False and codes["auth_matches_order"] is True
    _issue(client, ctx, loa="3")
    check(client)
    codes = {f["code"]: f["ok"] for f in current_run(app, trainee.id).findings}
    assert codes["auth_wrong"] is False and codes["sign_wrong"] is False


def test_level_2_certificates_are_refused_on_an_ordinary_card(app, client, trainee):
    start(client, "ex-nya-certifikat")
    ctx = current_run(app, trainee.id).context
    response = _issue(client, ctx, loa="2")
    assert response.status_code == 422
    assert "reservkort" in response.get_data(as_text=True)


def _order_run(app, client, trainee, monkeypatch, variant):
    from sandbox.exercises import desk_exercises

    monkeypatch.setattr(desk_exercises, "choose_variant", lambda: variant)
    start(client, "ex-reservkort-loa3")
    return current_run(app, trainee.id).context


def test_loa3_reserve_card_two_person_control_right_order(app, client, trainee, monkeypatch):
    ctx = _order_run(app, client, trainee, monkeypatch, "ok")
    page = client.get("/sandbox/").get_data(as_text=True)
    assert "Karin Åberg" in page and "Svenskt pass" in page and ctx["order"]["card_number"] in page
    # Signing without one's own identification of the user is refused.
    refused = client.post("/sandbox/exercise/order/decide", data={"order-decision": "approve"})
    assert refused.status_code == 422
    signed = client.post(
        "/sandbox/exercise/order/decide",
        data={"order-decision": "approve", "order-identified": "y"},
    )
    assert signed.status_code == 302
    # The user fetches with the card in reader 2.
    no_card = client.post("/sandbox/exercise/order/fetch", data={"fetch-pin": ctx["letter_pin"]})
    assert no_card.status_code == 422
    client.post(
        "/sandbox/readers/insert", data={"insert-card": ctx["customer_card"], "insert-reader": "1"}
    )
    fetched = client.post("/sandbox/exercise/order/fetch", data={"fetch-pin": ctx["letter_pin"]})
    assert fetched.status_code == 302, fetched.data
    check(client)
    run = current_run(app, trainee.id)
    assert run.outcome == ExerciseOutcome.PASSED, run.findings


def test_loa3_reserve_card_wrong_orders_are_to_be_rejected(app, client, trainee, monkeypatch):
    for variant in ("wrong_card", "too_long", "coordination_number"):
        ctx = _order_run(app, client, trainee, monkeypatch, variant)
        client.post(
            "/sandbox/exercise/order/decide",
            data={"order-decision": "approve", "order-identified": "y"},
        )
        check(client)
        codes = {f["code"]: f["ok"] for f in current_run(app, trainee.id).findings}
        assert codes[f"bad_order_signed_{variant}"] is False, variant
        # The decision is final.
        again = client.post("/sandbox/exercise/order/decide", data={"order-decision": "reject"})
        assert again.status_code == 409
    ctx = _order_run(app, client, trainee, monkeypatch, "wrong_card")
    client.post("/sandbox/exercise/order/decide", data={"order-decision": "reject"})
    check(client)
    assert current_run(app, trainee.id).outcome == ExerciseOutcome.PASSED
    assert ctx["order"]["card_number"] != ctx["customer_card"]


def test_a_check_from_a_tab_of_an_exercise_left_since_checks_nothing(app, client, trainee):
    start(client, "ex-pin-byte")
    first = current_run(app, trainee.id)
    start(client, "ex-puk-upplasning")  # in another tab
    response = client.post("/sandbox/exercise/check", data={"run": str(first.id)})
    assert response.status_code == 302 and response.location.endswith("/sandbox/exercises")
    second = current_run(app, trainee.id)
    assert second.checks == 0 and second.outcome == ExerciseOutcome.RUNNING
    page = client.get("/sandbox/exercises").get_data(as_text=True)
    assert "inte längre öppen" in page


def test_new_certificates_with_the_wrong_name_are_found(app, client, trainee):
    start(client, "ex-nya-certifikat")
    ctx = current_run(app, trainee.id).context
    _issue(client, ctx, surname="Fel")
    check(client)
    codes = {f["code"]: f["ok"] for f in current_run(app, trainee.id).findings}
    assert codes["auth_wrong"] is False and codes["sign_wrong"] is False


def test_the_coordination_number_order_shows_a_foreign_passport(app, client, trainee, monkeypatch):
    _order_run(app, client, trainee, monkeypatch, "coordination_number")
    page = client.get("/sandbox/").get_data(as_text=True)
    assert "Utländskt pass" in page and "Svenskt pass" not in page
