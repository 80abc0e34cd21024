"""The production entry point: ``gunicorn -c gunicorn.conf.py wsgi:app``."""

from smp_academy import create_app

app = create_app({"PRODUCTION": True})
