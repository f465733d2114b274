"""Sandbox exercises: set-up at the desk, brief and automatic check (see `base`)."""

from . import desk_exercises, register_exercises  # noqa: F401,E402 - registers the exercises
from .base import REGISTRY, AnswerField, Exercise, Finding, Workbench, load_catalog

__all__ = ["REGISTRY", "AnswerField", "Exercise", "Finding", "Workbench", "load_catalog"]
