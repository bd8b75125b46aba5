"""Placeholder replaced by the demo builder (see zhanggui/demo)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Fill an empty database with a realistic demo shop."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--orders", type=int, default=0)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write("demo: nothing yet")
