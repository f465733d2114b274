"""The trainee's pages: overview, start, answering without and with JavaScript, submit, result."""

from __future__ import annotations

import random
import re
import secrets
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm.attributes import flag_modified

from lms.extensions import db
from lms.models.quiz import Attempt, AttemptAnswer
from lms.quiz import service
from lms.quiz.bank.types import freeze
from lms.quiz.quizset import load_quiz_set
from tests.conftest import login
from tests.html_lang import language_of
from tests.quiz.answers import form_for

FETCH = {"X-Requested-With": "fetch"}


def _with_question(attempt: Attempt, kind: str) -> tuple[int, dict]:
    """Question 1 of the attempt made a bank question of type `kind` (draws vary by type)."""
    question = next(
        q for bank in load_quiz_set().quiz_set.banks for q in bank.questions if q.type == kind
    )
    snapshot = freeze(question, random.Random(7))
    attempt.questions = [snapshot, *attempt.questions[1:]]
    flag_modified(attempt, "questions")
    db.session.commit()
    return 1, snapshot


def _english(client) -> None:
    client.post("/locale/en", data={"next": "/"})


def _open(client) -> Attempt:
    assert client.post("/test/start").headers["Location"].endswith("/test/attempt")
    return db.session.scalar(select(Attempt))


def test_overview_states_the_rules_and_why_the_test_is_closed(client, login_as, monkeypatch):
    monkeypatch.setattr(service, "course_parts_complete", lambda user: False)
    login_as("trainee")
    _english(client)
    page = client.get("/test/").get_data(as_text=True)
    assert "The test has 30 questions." in page and "You have 45 minutes." in page
    assert "You pass with 80% of the points" in page and "3 attempts left" in page
    assert "completed both parts of the course" in page
    assert "/test/start" not in page
    assert client.post("/test/start").status_code == 302
    assert db.session.scalar(select(func.count(Attempt.id))) == 0


def test_start_twice_in_two_tabs_gives_one_attempt(client, login_as, course_done):
    login_as("trainee")
    _open(client)
    client.post("/test/start")
    assert db.session.scalar(select(func.count(Attempt.id))) == 1
    page = client.get("/test/attempt").get_data(as_text=True)
    assert page.count('class="quiz-question card"') == 30
    assert 'role="timer"' in page and 'aria-live="polite"' in page
    assert "<script>" not in page and "style=" not in page


def test_answer_saved_without_javascript_redirects_back_and_is_shown(client, login_as, course_done):
    login_as("trainee")
    _english(client)
    attempt = _open(client)
    data = form_for(attempt.questions[0], 1)
    response = client.post("/test/answer", data=data)
    assert response.status_code == 302 and response.headers["Location"].endswith("#q1")
    page = client.get("/test/attempt").get_data(as_text=True)
    assert "Your answer to question 1 is saved." in page
    saved = db.session.scalar(select(AttemptAnswer).where(AttemptAnswer.position == 1))
    assert saved is not None and saved.response is not None


def test_autosave_answers_json_and_repeated_saves_keep_one_row(client, login_as, course_done):
    login_as("trainee")
    attempt = _open(client)
    for right in (False, True, True):
        response = client.post(
            "/test/answer", data=form_for(attempt.questions[2], 3, right), headers=FETCH
        )
        assert response.status_code == 200
        assert response.json["status"] == "saved" and response.json["position"] == 3
        assert 0 < response.json["remaining_seconds"] <= 45 * 60
    assert db.session.scalar(select(func.count(AttemptAnswer.id))) == 1


def test_answers_survive_a_new_session(client, app, login_as, course_done):
    user = login_as("trainee")
    attempt = _open(client)
    snapshot = next((p, q) for p, q in enumerate(attempt.questions, 1) if q["type"] == "single")
    position, question = snapshot
    data = form_for(question, position)
    client.post("/test/answer", data=data, headers=FETCH)
    other = app.test_client()
    login(other, user.email)
    page = other.get("/test/attempt").get_data(as_text=True)
    key = data[f"q{position}-answer"][0]
    assert f'value="{key}" checked' in page


def test_late_autosave_is_refused_and_points_to_the_result(
    client, login_as, course_done, monkeypatch
):
    login_as("trainee")
    attempt = _open(client)
    later = attempt.deadline_at + timedelta(seconds=5)
    monkeypatch.setattr("lms.quiz.service.utcnow", lambda: later)
    monkeypatch.setattr("lms.quiz.routes.utcnow", lambda: later)
    response = client.post("/test/answer", data=form_for(attempt.questions[0], 1), headers=FETCH)
    assert response.status_code == 409 and response.json["status"] == "closed"
    assert response.json["redirect"].endswith("/test/result")
    db.session.expire_all()
    assert db.session.get(Attempt, attempt.id).status == "expired"  # graded by the server
    assert db.session.scalar(select(func.count(AttemptAnswer.id))) == 30  # all scored 0


def test_submit_asks_for_confirmation_listing_unanswered_questions(client, login_as, course_done):
    login_as("trainee")
    _english(client)
    attempt = _open(client)
    client.post("/test/answer", data=form_for(attempt.questions[0], 1), headers=FETCH)
    page = client.get("/test/submit").get_data(as_text=True)
    assert "29 questions have no saved answer" in page
    assert 'href="/test/attempt#q2"' in page and 'href="/test/attempt#q1"' not in page
    response = client.post("/test/submit")
    assert response.headers["Location"].endswith("/test/result?attempt=1")
    db.session.expire_all()
    assert db.session.get(Attempt, attempt.id).status == "submitted"


def _graded(client, review: str, right: set[int]) -> Attempt:
    attempt = _open(client)
    for position, snapshot in enumerate(attempt.questions, start=1):
        client.post(
            "/test/answer", data=form_for(snapshot, position, position in right), headers=FETCH
        )
    attempt.settings = {**attempt.settings, "review": review}
    flag_modified(attempt, "settings")
    db.session.commit()
    client.post("/test/submit")
    db.session.expire_all()
    return db.session.get(Attempt, attempt.id)


def test_failed_result_lists_the_wrong_questions_and_when_the_next_attempt_opens(
    client, login_as, course_done
):
    login_as("trainee")
    _english(client)
    attempt = _graded(client, "wrong", right=set(range(1, 21)))
    page = client.get("/test/result").get_data(as_text=True)
    assert "Not passed" in page and "You scored 20 of 30 points (67%)" in page
    assert "You can take the test again from" in page
    assert re.search(r"Attempt 1, handed in on \w+ \d+, \d{4} at \d+:\d\d\u202f[AP]M\.", page)
    assert page.count('class="card quiz-review"') == 10
    assert "Right answer:" not in page
    first_wrong = attempt.questions[20]
    assert f"/course/lessons/{first_wrong['lesson']}" in page
    assert "Result per area" in page


def test_review_with_answers_shows_the_key_and_explanation_after_grading(
    client, login_as, course_done
):
    login_as("trainee")
    _english(client)
    attempt = _graded(client, "answers", right=set(range(1, 31)))
    page = client.get(f"/test/result?attempt={attempt.number}").get_data(as_text=True)
    assert "Passed" in page and "awaits final approval" in page
    assert page.count("Right answer:") == 30
    explained = next(q for q in attempt.questions if q.get("explanation"))
    # the explanation is Markdown: look for its first real word, not the markup around it
    # (drawn explanations that start with **bold** or with a "* " list item failed here)
    first_word = re.search(r"[^\W\d_]{3,}", explained["explanation"])
    assert first_word and first_word.group() in page


def test_review_score_only_shows_no_questions(client, login_as, course_done):
    login_as("trainee")
    _english(client)
    _graded(client, "score", right=set())
    page = client.get("/test/result").get_data(as_text=True)
    assert 'class="card quiz-review"' not in page and "You scored 0 of 30" in page


def test_result_of_an_open_attempt_goes_back_to_the_attempt(client, login_as, course_done):
    login_as("trainee")
    _open(client)
    response = client.get("/test/result?attempt=1")
    assert response.headers["Location"].endswith("/test/attempt")


def test_attempt_pages_are_not_cached(client, login_as, course_done):
    login_as("trainee")
    _open(client)
    assert client.get("/test/attempt").headers["Cache-Control"] == "no-store"


def _plain_start(text: str, length: int = 25) -> str | None:
    """The text's opening words up to the first Markdown mark or line end, or None if that
    leaves too little to find on the page (Markdown splits the text into several nodes)."""
    head = re.split(r"[*_`\[\]<>&#\n]", text.strip(), maxsplit=1)[0][:length].strip()
    return head if len(head) >= 6 else None


def test_bank_text_is_marked_swedish_in_the_english_interface(client, login_as, course_done):
    """WCAG 2.1 SC 3.1.2: questions, options and explanations from the (Swedish) banks carry
    lang="sv"; the interface's own words stay English. Every drawn text is checked."""
    login_as("trainee")
    _english(client)
    attempt = _open(client)
    page = client.get("/test/attempt").get_data(as_text=True)
    texts = [q["stem"] for q in attempt.questions]
    texts += [o["text"] for q in attempt.questions for o in q.get("options", [])]
    found = [s for t in texts if (s := _plain_start(t))]
    assert len(found) >= 30
    for text in found:
        assert language_of(page, text) == "sv", text
    assert language_of(page, "Time left:") == "en"

    graded = _graded(client, "answers", right=set(range(1, 31)))
    result = client.get(f"/test/result?attempt={graded.number}").get_data(as_text=True)
    explanations = [s for q in graded.questions if (s := _plain_start(q.get("explanation") or ""))]
    assert explanations
    for text in explanations:
        assert language_of(result, text) == "sv", text
    assert language_of(result, "Right answer:") == "en"


def _right_order(snapshot: dict) -> list[str]:
    return [s["key"] for s in sorted(snapshot["steps"], key=lambda s: s["index"])]


def test_a_partly_chosen_order_is_saved_shown_again_and_scores_nothing(
    client, login_as, course_done
):
    login_as("trainee")
    attempt = _open(client)
    position, snapshot = _with_question(attempt, "ordering")
    keys = _right_order(snapshot)
    blanks = [""] * (len(keys) - 1)
    # Autosave after choosing only step 1: accepted, not an error.
    data = {"position": str(position), f"q{position}-order": [keys[0], *blanks]}
    response = client.post("/test/answer", data=data, headers=FETCH)
    assert response.status_code == 200 and response.json["status"] == "saved"
    # Without JavaScript: step 1 and step 3 chosen, step 2 still open.
    partial = [keys[0], "", keys[2], *blanks[2:]]
    response = client.post("/test/answer", data={**data, f"q{position}-order": partial})
    assert response.status_code == 302
    page = client.get("/test/attempt").get_data(as_text=True)
    form = page[page.index(f'id="q{position}"') : page.index(f'id="q{position + 1}"')]
    selects = form.split("<select")[1:]
    assert f'value="{keys[0]}" selected' in selects[0]
    assert " selected" not in selects[1]
    assert f'value="{keys[2]}" selected' in selects[2]
    graded = _graded_as_is(client)
    assert graded.answer_at(position).score == 0.0


def test_hand_in_page_lists_an_unfinished_order_and_drops_it_once_complete(
    client, login_as, course_done
):
    login_as("trainee")
    _english(client)
    attempt = _open(client)
    position, snapshot = _with_question(attempt, "ordering")
    keys = _right_order(snapshot)
    data = {"position": str(position), f"q{position}-order": [keys[0]] + [""] * (len(keys) - 1)}
    assert client.post("/test/answer", data=data, headers=FETCH).status_code == 200
    page = client.get("/test/submit").get_data(as_text=True)
    unfinished = page[page.index('class="quiz-unfinished"') :]
    unfinished = unfinished[: unfinished.index("</ul>")]
    assert f"#q{position}" in unfinished and "steps still open" in page
    data[f"q{position}-order"] = keys
    assert client.post("/test/answer", data=data, headers=FETCH).status_code == 200
    page = client.get("/test/submit").get_data(as_text=True)
    assert "quiz-unfinished" not in page and "steps still open" not in page


def test_an_order_using_a_step_twice_is_still_refused(client, login_as, course_done):
    login_as("trainee")
    attempt = _open(client)
    position, snapshot = _with_question(attempt, "ordering")
    keys = _right_order(snapshot)
    data = {"position": str(position), f"q{position}-order": [keys[0], keys[0]]}
    response = client.post("/test/answer", data=data, headers=FETCH)
    assert response.status_code == 422 and response.json["status"] == "invalid"


def test_a_complete_order_still_scores_one(client, login_as, course_done):
    login_as("trainee")
    attempt = _open(client)
    position, snapshot = _with_question(attempt, "ordering")
    data = {"position": str(position), f"q{position}-order": _right_order(snapshot)}
    assert client.post("/test/answer", data=data, headers=FETCH).status_code == 200
    assert _graded_as_is(client).answer_at(position).score == 1.0


def _graded_as_is(client) -> Attempt:
    client.post("/test/submit")
    db.session.expire_all()
    return db.session.scalar(select(Attempt))


def _field_value(page: str, position: int) -> str:
    return re.search(rf'id="q{position}-n" name="q{position}-answer" value="([^"]*)"', page)[1]


def test_a_saved_number_is_shown_again_exactly_as_a_number_the_parser_reads_back(
    client, login_as, course_done
):
    login_as("trainee")
    attempt = _open(client)
    position, _snapshot = _with_question(attempt, "numeric")
    for typed, shown_sv, shown_en in (
        ("1234567", "1234567", "1234567"),
        ("0,000001", "0,000001", "0.000001"),
        ("-2,75", "-2,75", "-2.75"),
    ):
        data = {"position": str(position), f"q{position}-answer": typed}
        client.post("/test/answer", data=data, headers=FETCH)
        saved = db.session.scalar(select(AttemptAnswer.response))
        shown = _field_value(client.get("/test/attempt").get_data(as_text=True), position)
        assert shown == shown_sv
        # Saving what is shown stores the same value again.
        client.post("/test/answer", data={**data, f"q{position}-answer": shown}, headers=FETCH)
        db.session.expire_all()
        assert db.session.scalar(select(AttemptAnswer.response)) == saved
        _english(client)
        assert _field_value(client.get("/test/attempt").get_data(as_text=True), position) == (
            shown_en
        )
        client.post("/locale/sv", data={"next": "/"})


def _question_html(page: str, position: int) -> str:
    start = page.index(
        f'<form method="post" action="/test/answer" class="quiz-question card" id="q{position}"'
    )
    return page[start : page.index("</form>", start)]


def test_without_javascript_the_save_message_is_shown_in_the_question_returned_to(
    client, login_as, course_done
):
    login_as("trainee")
    _english(client)
    attempt = _open(client)
    client.post("/test/answer", data=form_for(attempt.questions[4], 5))
    page = client.get("/test/attempt").get_data(as_text=True)
    assert "Your answer to question 5 is saved." in _question_html(page, 5)
    assert 'class="flashes"' not in page  # not (only) at the top, out of view
    again = client.get("/test/attempt").get_data(as_text=True)
    assert "Your answer to question 5 is saved." not in again  # shown once


def test_without_javascript_a_refused_number_is_kept_with_the_error_at_its_question(
    client, login_as, course_done
):
    login_as("trainee")
    _english(client)
    attempt = _open(client)
    position, _snapshot = _with_question(attempt, "numeric")
    client.post("/test/answer", data={"position": str(position), f"q{position}-answer": "tolv"})
    question = _question_html(client.get("/test/attempt").get_data(as_text=True), position)
    assert "could not be saved" in question and 'role="alert"' in question
    assert 'value="tolv"' in question


def _saved_response(position: int):
    db.session.expire_all()
    return db.session.scalar(
        select(AttemptAnswer.response).where(AttemptAnswer.position == position)
    )


def test_a_save_without_the_questions_own_fields_is_refused_and_keeps_the_saved_answer(
    client, login_as, course_done
):
    login_as("trainee")
    attempt = _open(client)
    position, snapshot = _with_question(attempt, "matching")
    client.post("/test/answer", data=form_for(snapshot, position), headers=FETCH)
    saved = _saved_response(position)
    assert saved
    tampered = {"position": str(position), f"q{position}-order": ["zz", "zz"]}
    response = client.post("/test/answer", data=tampered, headers=FETCH)
    assert response.status_code == 422 and response.json["status"] == "invalid"
    nothing = client.post("/test/answer", data={"position": str(position)}, headers=FETCH)
    assert nothing.status_code == 422
    assert _saved_response(position) == saved
    client.post("/test/answer", data=tampered)  # without JavaScript: a notice, nothing lost
    question = _question_html(client.get("/test/attempt").get_data(as_text=True), position)
    assert "kunde inte sparas" in question and 'role="alert"' in question
    assert _saved_response(position) == saved


def test_unchecking_every_box_of_a_multiple_response_clears_the_answer(
    client, login_as, course_done
):
    login_as("trainee")
    attempt = _open(client)
    position, snapshot = _with_question(attempt, "multiple")
    client.post("/test/answer", data=form_for(snapshot, position), headers=FETCH)
    page = client.get("/test/attempt").get_data(as_text=True)
    # The page always sends the question's own (empty) field, so "none checked" is a clearing.
    assert f'<input type="hidden" name="q{position}-answer" value="">' in page
    cleared = {"position": str(position), f"q{position}-answer": ""}
    assert client.post("/test/answer", data=cleared, headers=FETCH).json["status"] == "saved"
    assert _saved_response(position) == []


def _selected(question: str) -> list[str | None]:
    """The chosen value of each select in a question's HTML."""
    return [
        (m[1] if (m := re.search(r'value="([^"]*)" selected', select)) else None)
        for select in question.split("<select")[1:]
    ]


def test_without_javascript_a_step_chosen_twice_is_named_and_the_choices_are_kept(
    client, login_as, course_done
):
    login_as("trainee")
    attempt = _open(client)
    position, snapshot = _with_question(attempt, "ordering")
    keys = _right_order(snapshot)
    field = f"q{position}-order"
    client.post("/test/answer", data={"position": str(position), field: keys}, headers=FETCH)
    twice = [keys[1], keys[1], *keys[2:]]
    client.post("/test/answer", data={"position": str(position), field: twice})
    question = _question_html(client.get("/test/attempt").get_data(as_text=True), position)
    assert "ett steg är valt två gånger" in question
    assert _selected(question) == twice
    assert _saved_response(position) == keys
    # JavaScript gets the same specific message.
    response = client.post(
        "/test/answer", data={"position": str(position), field: twice}, headers=FETCH
    )
    assert response.status_code == 422 and "ett steg är valt två gånger" in response.json["message"]


def test_without_javascript_a_matching_item_chosen_twice_is_named_and_the_choices_are_kept(
    client, login_as, course_done
):
    login_as("trainee")
    attempt = _open(client)
    position, snapshot = _with_question(attempt, "matching")
    right = snapshot["right"][0]["key"]
    twice = {f"q{position}-match-{left['key']}": right for left in snapshot["left"]}
    client.post("/test/answer", data={"position": str(position), **twice})
    question = _question_html(client.get("/test/attempt").get_data(as_text=True), position)
    assert "ett alternativ i listan är valt två gånger" in question
    assert _selected(question) == [right] * len(snapshot["left"])
    assert _saved_response(position) is None


def test_long_numbers_and_exponents_are_refused_with_the_rule_and_kept_as_typed(
    client, login_as, course_done
):
    login_as("trainee")
    attempt = _open(client)
    position, _snapshot = _with_question(attempt, "numeric")
    for typed in ("99999999999999999999999999", "1e3"):
        client.post("/test/answer", data={"position": str(position), f"q{position}-answer": typed})
        question = _question_html(client.get("/test/attempt").get_data(as_text=True), position)
        assert "Skriv ett tal med högst 15 siffror, utan exponent." in question
        assert f'value="{typed}"' in question
        assert _saved_response(position) is None


def test_a_number_of_15_digits_is_stored_and_shown_again_exactly(client, login_as, course_done):
    login_as("trainee")
    attempt = _open(client)
    position, _snapshot = _with_question(attempt, "numeric")
    for typed in ("999999999999999", "-123456789,012345", "0,000000000000001"):
        data = {"position": str(position), f"q{position}-answer": typed}
        assert client.post("/test/answer", data=data, headers=FETCH).status_code == 200
        shown = _field_value(client.get("/test/attempt").get_data(as_text=True), position)
        assert shown == typed


def test_a_forged_huge_refused_answer_still_leaves_a_session_cookie_browsers_keep(
    client, login_as, course_done
):
    """The refused fields travel in the session cookie; over 4 KB a browser drops it silently
    (and the sign-in with it)."""
    login_as("trainee")
    attempt = _open(client)
    position, _snapshot = _with_question(attempt, "ordering")
    # random text: the session serialiser compresses, and repeated text would shrink to nothing
    forged = {
        f"q{position}-f{n}": [secrets.token_urlsafe(150)[:200] for _ in range(20)]
        for n in range(30)
    }
    response = client.post("/test/answer", data={"position": str(position), **forged})
    assert response.status_code == 302
    name = client.application.config["SESSION_COOKIE_NAME"]
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith(f"{name}="))
    assert len(cookie) < 4000
    assert client.get("/test/attempt").status_code == 200  # still signed in
