"""`zhanggui import_products FILE [--json] [--as USERNAME]`: import products and SKUs
from a CSV or XLSX file (one row per SKU). A file with any bad row saves nothing: every
error is printed as `FILE row N, FIELD: message` and the command exits with 1."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from zhanggui.catalog.imports import import_catalog
from zhanggui.core.errors import DomainError, ImportRejected


def find_actor(username: str | None) -> Any:
    """The person a command acts as; None (the system itself) without --as."""
    if not username:
        return None
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(_("No user named %(name)s.") % {"name": username})
    return user


class Command(BaseCommand):
    help = "Import products and SKUs from a CSV (UTF-8 or GBK) or XLSX file, one row per SKU."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="the CSV or XLSX file")
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument(
            "--as", dest="username", help="act as this user (their permissions apply)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}") from error
        actor = find_actor(options["username"])
        try:
            summary = import_catalog(actor=actor, filename=path.name, content=content)
        except ImportRejected as rejected:
            if options["json"]:
                self._json(rejected, errors=[error.as_dict() for error in rejected.errors])
            else:
                for row_error in rejected.errors:
                    self.stderr.write(str(row_error))
            raise CommandError(str(rejected.message), returncode=1) from rejected
        except DomainError as error:
            if options["json"]:
                self._json(error)
            raise CommandError(str(error.message), returncode=1) from error
        if options["json"]:
            self.stdout.write(json.dumps(asdict(summary)))
            return
        self.stdout.write(
            _(
                "%(rows)d rows: %(products_created)d products created, %(products_updated)d "
                "updated; %(skus_created)d SKUs created, %(skus_updated)d updated; "
                "%(unchanged)d rows unchanged."
            )
            % asdict(summary)
        )

    def _json(self, error: DomainError, **extra: Any) -> None:
        body = {"error": error.code, "detail": str(error.message), **extra}
        self.stdout.write(json.dumps(body, ensure_ascii=False))
