"""Serve the shop with gunicorn and run a background-task worker and the scheduler beside it.

The worker is `db_worker` (tasks kept in the database, nothing to install) or, when
TASKS_BACKEND is rq, an RQ worker on Redis. Both stop when the server stops."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand


def worker_command() -> list[str]:
    if settings.TASKS_BACKEND == "rq":
        return [
            sys.executable,
            "-m",
            "zhanggui",
            "rqworker",
            "default",
            "--job-class",
            "django_tasks_rq.Job",
        ]
    return [sys.executable, "-m", "zhanggui", "db_worker", "--queue-name", "default"]


class Command(BaseCommand):
    help = "Run gunicorn on 127.0.0.1:$PORT with a background worker beside it."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--bind", default=None, help="host:port (default 127.0.0.1:$PORT)")
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", "3")))
        parser.add_argument("--no-worker", action="store_true", help="do not start a task worker")

    def handle(self, *args: Any, **options: Any) -> None:
        bind = options["bind"] or f"127.0.0.1:{os.environ.get('PORT', '8000')}"
        children: list[subprocess.Popen[bytes]] = []
        if not options["no_worker"]:
            if settings.TASKS_BACKEND != "immediate":
                children.append(subprocess.Popen(worker_command()))  # noqa: S603
            scheduler = [sys.executable, "-m", "zhanggui", "scheduler"]
            children.append(subprocess.Popen(scheduler))  # noqa: S603
        web = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "gunicorn",
                "zhanggui.config.wsgi:application",
                "--bind",
                bind,
                "--workers",
                str(options["workers"]),
                "--access-logfile",
                "-",
                "--timeout",
                "120",
            ]
        )
        children.append(web)

        def stop(signum: int, frame: Any) -> None:
            for child in children:
                if child.poll() is None:
                    child.terminate()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            web.wait()
        finally:
            stop(signal.SIGTERM, None)
            for child in children:
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()
