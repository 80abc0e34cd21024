"""gunicorn settings for SMP Academy (``gunicorn -c gunicorn.conf.py wsgi:app``).

Every value can be overridden with the usual GUNICORN_CMD_ARGS or the SMP_WEB_* variables.
"""

import multiprocessing
import os

bind = os.environ.get("SMP_WEB_BIND", "127.0.0.1:8000")
# Sync workers: requests are short and CPU-bound (templates, argon2); PDFs and photo analysis
# run on RQ workers, so 2 × cores + 1 keeps the cores busy while one worker waits on I/O.
workers = int(os.environ.get("SMP_WEB_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("SMP_WEB_TIMEOUT", 60))  # uploads of 6 × 25 MB on slow links
graceful_timeout = 30
keepalive = 5
max_requests = 2000  # recycle workers now and then against slow leaks
max_requests_jitter = 200
preload_app = True
accesslog = "-"
errorlog = "-"
# remote address, method and path (never the query string: links carry tokens there), status,
# bytes, user agent, duration (µs)
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s "%(a)s" %(D)sus'
forwarded_allow_ips = os.environ.get("SMP_WEB_FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn's control socket sits at one path per user by default, so two servers on a host
# (app and benchmark baseline, or blue/green) would clash; give it a path, or turn it off.
control_socket = os.environ.get("SMP_WEB_CONTROL_SOCKET", "")
control_socket_disable = not control_socket


def _without_server_banner() -> None:
    """gunicorn always names itself in a Server header; say nothing about the stack instead."""
    from gunicorn.http import wsgi

    class Response(wsgi.Response):
        def default_headers(self):
            return [h for h in super().default_headers() if not h.startswith("Server:")]

    wsgi.Response = Response


_without_server_banner()
