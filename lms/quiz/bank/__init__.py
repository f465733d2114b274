"""Flask-independent quiz core: question banks, question types, draw, grading, GIFT, statistics.

The attempt engine and the web views call this package; it never imports Flask.
"""

from .check import check_quizzes, run_check
from .draw import DrawError, draw_attempt, draw_questions
from .gift import GiftExportError, export_banks, export_gift, parse_gift
from .loader import QuizSet, load_quizzes
from .model import Bank, Problem, Question, Source, TestDefinition
from .stats import ItemStatistics, item_statistics
from .types import (
    QUESTION_TYPES,
    QuestionType,
    ResponseError,
    chosen_option_keys,
    freeze,
    get_type,
    normalise_response,
    public_view,
    register,
    score,
    validate,
)

__all__ = [
    "QUESTION_TYPES",
    "Bank",
    "DrawError",
    "GiftExportError",
    "ItemStatistics",
    "Problem",
    "Question",
    "QuestionType",
    "QuizSet",
    "ResponseError",
    "Source",
    "TestDefinition",
    "check_quizzes",
    "chosen_option_keys",
    "draw_attempt",
    "draw_questions",
    "export_banks",
    "export_gift",
    "freeze",
    "get_type",
    "item_statistics",
    "load_quizzes",
    "normalise_response",
    "parse_gift",
    "public_view",
    "register",
    "run_check",
    "score",
    "validate",
]
