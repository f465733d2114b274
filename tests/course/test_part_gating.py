"""Part 2 opens only when part 1 is complete."""

from __future__ import annotations

import pytest

from lms.course import service
from lms.course.store import get_store
from tests.course.conftest import answer_all, finish_lessons


def _part(part_id: str):
    return get_store().course().part(part_id)


def test_part_two_is_locked_for_a_new_trainee_with_a_clear_message(client, trainee):
    for path in (
        "/course/lessons/p2-tredje",
        "/course/lessons/p2-tredje/print",
        "/course/parts/del-2/checkpoint",
    ):
        response = client.get(path)
        assert response.status_code == 403, path
        page = response.get_data(as_text=True)
        assert "Den här delen är låst" in page
        assert "Del 2: Arbetet öppnas när du är klar med Del 1: Grunder" in page


def test_a_locked_part_cannot_be_marked_done_or_answered(app, client, trainee):
    assert client.post("/course/lessons/p2-tredje/done").status_code == 403
    with pytest.raises(service.PartLocked):
        service.mark_done(trainee, "p2-tredje")
    assert not service.part_unlocked(trainee, _part("del-2"))


def test_all_lessons_done_without_right_answers_keeps_part_two_locked(client, trainee):
    finish_lessons(trainee, "del-1")
    answer_all(trainee, "del-1", right=False)
    assert not service.part_complete(trainee, _part("del-1"))
    assert client.get("/course/lessons/p2-tredje").status_code == 403


def test_right_answers_without_all_lessons_done_keep_part_two_locked(app, trainee):
    service.mark_done(trainee, "p1-forsta")
    answer_all(trainee, "del-1")
    assert not service.part_unlocked(trainee, _part("del-2"))


def test_completing_part_one_opens_part_two(client, trainee, complete_part):
    complete_part(trainee, "del-1")
    assert service.part_unlocked(trainee, _part("del-2"))
    assert client.get("/course/lessons/p2-tredje").status_code == 200
    overview = client.get("/course/").get_data(as_text=True)
    assert 'href="/course/lessons/p2-tredje"' in overview


def test_overview_shows_the_locked_part_with_the_reason(client, trainee):
    page = client.get("/course/").get_data(as_text=True)
    assert "Låst" in page
    assert "Den här delen öppnas när du är klar med Del 1: Grunder" in page
    assert 'href="/course/lessons/p2-tredje"' not in page


def test_approver_and_admin_cannot_open_lessons(client, login_as):
    login_as("approver")
    assert client.get("/course/lessons/p1-forsta").status_code == 403
