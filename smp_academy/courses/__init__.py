"""Courses, lessons, the reader, progress and cohorts."""
