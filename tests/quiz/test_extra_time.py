"""Extra time is set, not added: a repeated submit changes nothing, the total stays within
600 minutes, and nobody sets their own."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lms.extensions import db
from lms.models.quiz import Attempt
from lms.quiz import service
from tests.quiz.conftest import T0, start


def test_setting_the_same_extra_time_twice_keeps_it_and_never_exceeds_the_maximum(
    trainee, approver
):
    service.set_extra_time(approver, trainee, 600, "Dyslexi")
    assert service.set_extra_time(approver, trainee, 600, "Dyslexi") is None
    assert service.extra_minutes_for(trainee) == 600
    service.set_extra_time(approver, trainee, 90, "Omprövat")
    assert service.extra_minutes_for(trainee) == 90
    with pytest.raises(ValueError):
        service.set_extra_time(approver, trainee, 601, "För mycket")
    service.set_extra_time(approver, trainee, 0, "Behövs inte längre")
    assert service.extra_minutes_for(trainee) == 0


def test_a_raise_extends_the_running_attempt_by_the_difference_and_a_cut_waits(trainee, approver):
    service.set_extra_time(approver, trainee, 20, "Dyslexi", now=T0 - timedelta(days=1))
    attempt = start(trainee)
    deadline = attempt.deadline_at
    service.set_extra_time(approver, trainee, 30, "Mer tid", now=T0 + timedelta(minutes=1))
    db.session.expire_all()
    assert db.session.get(Attempt, attempt.id).deadline_at == deadline + timedelta(minutes=10)
    service.set_extra_time(approver, trainee, 5, "Mindre", now=T0 + timedelta(minutes=2))
    db.session.expire_all()
    assert db.session.get(Attempt, attempt.id).deadline_at == deadline + timedelta(minutes=10)
    # a raise back after the cut: the attempt already has 30, so it stays at 30, and cut and
    # raise repeated never grow it beyond the total
    for _ in range(3):
        service.set_extra_time(approver, trainee, 30, "Igen", now=T0 + timedelta(minutes=3))
        service.set_extra_time(approver, trainee, 5, "Mindre", now=T0 + timedelta(minutes=3))
    service.set_extra_time(approver, trainee, 40, "Mer", now=T0 + timedelta(minutes=4))
    db.session.expire_all()
    running = db.session.get(Attempt, attempt.id)
    assert running.deadline_at == deadline + timedelta(minutes=20)
    assert running.extra_minutes == 40


def test_nobody_sets_their_own_extra_time(app, make_user):
    both = make_user("godkannare@example.se", "approver", "trainee", name="Greta Godkännare")
    with pytest.raises(service.ExtraTimeRefused):
        service.set_extra_time(both, both, 600, "Dyslexi")
    assert service.extra_minutes_for(both) == 0


def test_double_submit_of_the_form_is_idempotent_and_the_table_shows_the_total(
    client, login_as, make_user
):
    login_as("approver")
    trainee = make_user("slow@example.se", name="Sam Långsam")
    data = {"user_id": trainee.id, "minutes": "600", "reason": "Dyslexi"}
    for _ in range(2):
        assert client.post("/team/test/extra-time", data=data).status_code == 302
    page = client.get("/team/test/extra-time").get_data(as_text=True)
    assert "Sam Långsam har nu 600 extra minuter på provet." in page
    assert service.extra_minutes_for(trainee) == 600
    assert "Beviljad extra tid" in page and "Given extra tid" not in page
    assert '<th scope="row">Sam Långsam</th><td>600</td>' in page


def test_the_form_refuses_your_own_extra_time_with_a_reason(client, make_user):
    from tests.conftest import login

    me = make_user("godkannare@example.se", "approver", "trainee", name="Greta Godkännare")
    login(client, me.email)
    page = client.get("/team/test/extra-time").get_data(as_text=True)
    assert f'<option value="{me.id}"' not in page
    assert "Du kan inte ange extra tid för dig själv" in page
    response = client.post(
        "/team/test/extra-time", data={"user_id": me.id, "minutes": "600", "reason": "Dyslexi"}
    )
    assert response.status_code == 422
    assert 'href="#user_id"' in response.get_data(as_text=True)
    assert "Dyslexi</textarea>" in response.get_data(as_text=True)
    assert service.extra_minutes_for(me) == 0


def test_unreadable_values_get_one_message_of_our_own_not_wtforms(client, login_as, make_user):
    login_as("approver")
    trainee = make_user("slow@example.se", name="Sam Långsam")
    data = {"user_id": "abc", "minutes": "tio", "reason": "Dyslexi"}
    response = client.post("/team/test/extra-time", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "ceorce" not in page and "Inte ett giltigt" not in page
    # Each message twice: in the error summary and at its field; nothing else about the field.
    assert page.count("Välj ett av alternativen i listan.") == 2
    assert page.count("Skriv ett heltal.") == 2
    assert (
        "Välj en kursdeltagare." not in page and "0 till 600 minuter." not in page.split("<form")[1]
    )
    assert "Dyslexi</textarea>" in page
    assert service.extra_minutes_for(trainee) == 0
