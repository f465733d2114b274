"""Quizzes: question banks, the knowledge test and its grading."""
