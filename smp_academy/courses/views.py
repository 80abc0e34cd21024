"""The home page, the catalogue, course pages and the lesson reader."""

from __future__ import annotations

from flask import render_template

from smp_academy.courses import bp


@bp.get("/")
def index():
    return render_template("courses/index.html")
