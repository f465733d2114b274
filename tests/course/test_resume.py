"""Signing in sends a trainee to where they left off."""

from __future__ import annotations

from lms.course import service
from lms.course.content import Part
from tests.conftest import login


def _sign_out_and_in(client, user):
    client.post("/logout")
    return login(client, user.email)


def test_after_logout_and_login_the_trainee_lands_on_the_next_unfinished_lesson(client, trainee):
    client.get("/course/lessons/p1-forsta")
    client.post("/course/lessons/p1-forsta/done")
    response = _sign_out_and_in(client, trainee)
    assert response.headers["Location"].endswith("/course/resume")
    response = client.get("/course/resume")
    assert response.headers["Location"].endswith("/course/lessons/p1-andra")


def test_a_new_trainee_starts_at_the_first_lesson(client, trainee):
    assert client.get("/course/resume").headers["Location"].endswith("/course/lessons/p1-forsta")


def test_lessons_done_but_checkpoint_open_resumes_at_the_checkpoint(app, trainee):
    service.mark_done(trainee, "p1-forsta")
    service.mark_done(trainee, "p1-andra")
    target = service.resume_target(trainee)
    assert isinstance(target, Part) and target.id == "del-1"


def test_resume_skips_a_done_lesson_to_the_first_not_done(app, trainee):
    service.mark_done(trainee, "p1-andra")
    assert service.resume_target(trainee).id == "p1-forsta"


def test_a_complete_part_resumes_in_the_next_part(client, trainee, complete_part):
    complete_part(trainee, "del-1")
    assert client.get("/course/resume").headers["Location"].endswith("/course/lessons/p2-tredje")


def test_when_everything_is_done_resume_goes_to_the_overview(client, trainee, complete_part):
    complete_part(trainee, "del-1")
    complete_part(trainee, "del-2")
    assert service.resume_target(trainee) is None
    assert client.get("/course/resume").headers["Location"].endswith("/course/")
    assert service.course_complete(trainee)
