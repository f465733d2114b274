"""Checkpoint questions: checked on the server, every answer kept, the latest one counts."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from lms.course import service
from lms.course.store import get_store
from lms.extensions import db
from lms.models import AuditEvent, CheckpointAnswer, PartCompletion
from tests.course.conftest import answer_all, finish_lessons


def _part(part_id: str = "del-1"):
    return get_store().course().part(part_id)


def test_a_wrong_answer_leaves_the_part_incomplete(app, trainee):
    finish_lessons(trainee, "del-1")
    correct, feedback = service.answer_checkpoint(trainee, "cp-a", 0)
    service.answer_checkpoint(trainee, "cp-b", 0)
    assert correct is False and feedback == "Chefen intygar, aldrig en kollega."
    assert not service.part_complete(trainee, _part())
    assert db.session.scalar(select(func.count()).select_from(PartCompletion)) == 0


def test_all_right_completes_the_part_records_it_and_audits_it(app, trainee):
    finish_lessons(trainee, "del-1")
    answer_all(trainee, "del-1")
    assert service.part_complete(trainee, _part())
    completion = db.session.scalars(select(PartCompletion)).one()
    assert completion.part_id == "del-1"
    assert completion.course_version == get_store().course().version
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert actions.count("course.part_completed") == 1
    assert not service.course_complete(trainee)  # part 2 is still to do


def test_the_latest_answer_counts_and_every_answer_is_kept(app, trainee):
    finish_lessons(trainee, "del-1")
    answer_all(trainee, "del-1")
    service.answer_checkpoint(trainee, "cp-a", 0)  # a later wrong answer
    answers = db.session.scalars(select(CheckpointAnswer).order_by(CheckpointAnswer.id)).all()
    assert [(a.question_id, a.correct) for a in answers] == [
        ("cp-a", True),
        ("cp-b", True),
        ("cp-a", False),
    ]
    assert service.latest_answers(trainee, _part())["cp-a"].correct is False
    # The completion recorded when all was right stays.
    assert service.part_complete(trainee, _part())


def test_an_option_outside_the_question_is_refused(app, trainee):
    with pytest.raises(service.InvalidAnswer):
        service.answer_checkpoint(trainee, "cp-a", 2)
    with pytest.raises(service.UnknownQuestion):
        service.answer_checkpoint(trainee, "cp-x", 0)


def test_the_checkpoint_page_does_not_reveal_the_right_option_before_answering(client, trainee):
    page = client.get("/course/parts/del-1/checkpoint").get_data(as_text=True)
    assert "Vem intygar identiteten?" in page
    assert "Chefen intygar, aldrig en kollega." not in page  # no feedback yet
    inputs = re.findall(r"<input [^>]*name=\"answer-cp-a\"[^>]*>", page)
    assert len(inputs) == 2
    # Both options look the same apart from their index: nothing marks the right one.
    shapes = {re.sub(r'(id|value)="[^"]*"', "", tag) for tag in inputs}
    assert len(shapes) == 1
    assert "correct" not in page.lower()


def test_posting_answers_shows_right_and_wrong_with_feedback(client, trainee):
    response = client.post(
        "/course/parts/del-1/checkpoint", data={"answer-cp-a": "1", "answer-cp-b": "1"}
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "1 av 2 svar var rätt." in page
    assert "Rätt." in page and "Chefen intygar, aldrig en kollega." in page
    assert "Fel. Försök igen." in page and "PIN skickas aldrig med e-post." in page
    # The wrong one can be answered again, the right one not.
    assert 'name="answer-cp-b"' in page and 'name="answer-cp-a"' not in page


def test_all_right_through_the_page_completes_the_part(client, trainee):
    for lesson_id in ("p1-forsta", "p1-andra"):
        client.post(f"/course/lessons/{lesson_id}/done")
    response = client.post(
        "/course/parts/del-1/checkpoint",
        data={"answer-cp-a": "1", "answer-cp-b": "0"},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "du är klar med den här delen av kursen" in page
    assert "Du är klar med Del 1: Grunder." in page
    assert client.get("/course/lessons/p2-tredje").status_code == 200


def test_posting_no_answer_asks_for_one(client, trainee):
    response = client.post(
        "/course/parts/del-1/checkpoint", data={"answer-cp-a": "x"}, follow_redirects=True
    )
    assert "Välj ett svar på minst en fråga." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(CheckpointAnswer)) == 0
