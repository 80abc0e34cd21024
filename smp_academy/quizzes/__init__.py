"""Quizzes: question types, attempts with autosave, scoring and statistics."""
