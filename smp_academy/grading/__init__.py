"""The instructors' grading queue, rubric grades and feedback."""
