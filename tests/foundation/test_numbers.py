"""Numbers and percentages as each interface language writes them."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from lms.numbers import format_percentage


@pytest.mark.parametrize(
    ("locale", "value", "shown"),
    [("sv", 80, "80\u00a0%"), ("en", 80, "80%"), ("sv", 66.6667, "67\u00a0%"), ("en", None, "–")],
)
def test_a_percentage_has_a_no_break_space_in_swedish_and_none_in_english(
    app, locale, value, shown
):
    with app.test_request_context(), force_locale(locale):
        assert format_percentage(value) == shown
