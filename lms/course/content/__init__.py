"""The course content engine: Markdown lessons in content/ -> a rendered, checked Course.

No Flask here; the web layer creates one ContentStore and calls it on each request.
"""

from .check import check_content, load_exercise_catalog, run_check
from .loader import ContentError
from .model import CheckpointQuestion, Course, GlossaryEntry, Lesson, Part, TocEntry
from .problems import Problem
from .render import default_asset_url, default_lesson_url, render_lesson, slugify
from .store import ContentStore

__all__ = [
    "CheckpointQuestion",
    "ContentError",
    "ContentStore",
    "Course",
    "GlossaryEntry",
    "Lesson",
    "Part",
    "Problem",
    "TocEntry",
    "check_content",
    "default_asset_url",
    "default_lesson_url",
    "load_exercise_catalog",
    "render_lesson",
    "run_check",
    "slugify",
]
