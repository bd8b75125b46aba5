"""`zhanggui bench [--json] [--only NAME]`: run every registered benchmark on a fresh
temporary database (SQLite by default, PostgreSQL when DATABASE_URL says so)."""

from __future__ import annotations

import json
import platform
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import setup_databases, teardown_databases
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from zhanggui.core.bench import REGISTRY


class Command(BaseCommand):
    help = "Run the benchmark suite on a fresh temporary database."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument(
            "--only", action="append", default=[], help="run only NAME (repeatable; prefix match)"
        )
        parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")

    def handle(self, *args: Any, **options: Any) -> None:
        autodiscover_modules("benchmarks")
        chosen = [
            bench
            for name, bench in sorted(REGISTRY.items())
            if not options["only"] or any(name.startswith(prefix) for prefix in options["only"])
        ]
        if options["list"]:
            for bench in chosen:
                self.stdout.write(f"{bench.name}  ({bench.unit})  {bench.description}")
            return
        if not chosen:
            raise CommandError("no benchmark matches")
        config = setup_databases(verbosity=0, interactive=False, keepdb=False)
        results = []
        try:
            for bench in chosen:
                call_command("flush", interactive=False, verbosity=0)
                figure = bench.function()
                results.append(
                    {
                        "name": bench.name,
                        "value": round(figure, 2),
                        "unit": bench.unit,
                        "higher_is_better": bench.higher_is_better,
                    }
                )
                if not options["json"]:
                    self.stdout.write(f"{bench.name:<45} {figure:>12,.1f} {bench.unit}")
        finally:
            teardown_databases(config, verbosity=0)
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "database": connection.vendor,
                        "machine": f"{platform.machine()} {platform.processor() or ''}".strip(),
                        "python": platform.python_version(),
                        "date": timezone.localdate().isoformat(),
                        "results": results,
                    },
                    ensure_ascii=False,
                )
            )
