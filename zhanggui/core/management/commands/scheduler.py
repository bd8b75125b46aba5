"""`zhanggui scheduler [--once]`: enqueue scheduled jobs when they fall due."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from zhanggui.core.schedule import enqueue_due


class Command(BaseCommand):
    help = "Enqueue scheduled jobs (nightly checks, the Thursday replenishment list) when due."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="check once and exit")
        parser.add_argument("--interval", type=float, default=30.0, help="seconds between checks")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            for name in enqueue_due():
                self.stdout.write(f"enqueued {name}")
            if options["once"]:
                return
            time.sleep(options["interval"])
