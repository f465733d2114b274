"""Marking lessons done, counting progress and reading time."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from lms.course import service
from lms.extensions import db
from lms.models import AuditEvent, LessonProgress
from lms.models.types import utcnow


def _events(action: str) -> int:
    return db.session.scalar(select(func.count()).where(AuditEvent.action == action))


def test_mark_done_is_idempotent_and_audited_once(app, trainee):
    assert service.mark_done(trainee, "p1-forsta") is True
    first = db.session.scalars(select(LessonProgress)).one().completed_at
    assert service.mark_done(trainee, "p1-forsta") is False
    row = db.session.scalars(select(LessonProgress)).one()
    assert row.completed_at == first
    assert row.content_hash
    assert _events("course.lesson_done") == 1


def test_mark_done_twice_through_the_page_keeps_one_row(client, trainee):
    for _ in range(2):
        response = client.post("/course/lessons/p1-forsta/done")
        assert response.status_code == 302
        assert response.headers["Location"].endswith("/course/lessons/p1-forsta")
    assert db.session.scalar(select(func.count()).select_from(LessonProgress)) == 1
    page = client.get("/course/lessons/p1-forsta").get_data(as_text=True)
    assert "Du har markerat lektionen som klar." in page


def test_progress_counts_done_lessons_per_part_and_overall(app, trainee):
    service.mark_done(trainee, "p1-forsta")
    progress = service.progress_for(trainee)
    part1 = progress.for_part("del-1")
    assert (part1.done, part1.total, part1.percent) == (1, 2, 50)
    assert (progress.done, progress.total) == (1, 3)
    assert progress.percent == 33
    assert not part1.complete


def test_overview_shows_progress_bars_with_visible_text(client, trainee):
    client.post("/course/lessons/p1-forsta/done")
    page = client.get("/course/").get_data(as_text=True)
    assert '<progress id="progress-course" max="3" value="1"' in page
    assert "1 av 3 lektioner" in page
    assert '<progress id="progress-del-1" max="2" value="1"' in page
    assert "1 av 2 lektioner" in page
    assert 'aria-label="Framsteg i Del 1: Grunder"' in page


def test_reading_time_goes_to_the_lesson_viewed_before_and_is_capped(app, trainee):
    start = utcnow()
    service.record_view(trainee, "p1-forsta", start)
    service.record_view(trainee, "p1-andra", start + timedelta(minutes=4))
    # The tab stayed open over lunch: only the cap counts.
    service.record_view(trainee, "p1-forsta", start + timedelta(hours=3))
    rows = {r.lesson_id: r for r in db.session.scalars(select(LessonProgress))}
    assert rows["p1-forsta"].seconds_spent == 4 * 60
    assert rows["p1-andra"].seconds_spent == service.MAX_SECONDS_PER_VIEW
    assert rows["p1-forsta"].first_opened_at == start
    assert rows["p1-forsta"].last_seen_at == start + timedelta(hours=3)


def test_opening_a_lesson_page_records_the_view(client, trainee):
    assert client.get("/course/lessons/p1-forsta").status_code == 200
    row = db.session.scalars(select(LessonProgress)).one()
    assert row.lesson_id == "p1-forsta" and row.completed_at is None


def test_unknown_lesson_is_404(client, trainee):
    assert client.get("/course/lessons/finns-inte").status_code == 404
    assert client.post("/course/lessons/finns-inte/done").status_code == 404


def test_lesson_page_shows_title_minutes_objectives_and_pager(client, trainee):
    page = client.get("/course/lessons/p1-andra").get_data(as_text=True)
    assert '<h1 id="lesson-title">Andra</h1>' in page
    assert page.count("<h1") == 1  # the lesson's own "# Andra" is not repeated
    assert "Beräknad tid: 5 min" in page
    assert "Förstå andra." in page
    assert 'href="/course/lessons/p1-forsta" rel="prev"' in page
    # The next lesson is in part 2, still locked.
    assert "öppnas när du är klar med den här delen" in page
    assert "Markera som klar" in page
