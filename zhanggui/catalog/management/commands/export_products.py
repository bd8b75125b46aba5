"""`zhanggui export_products --format xlsx|csv [--encoding gbk] --out FILE [--as USERNAME]`:
the catalog in the import's format, one row per SKU."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from zhanggui.catalog.exports import FORMATS, export_catalog
from zhanggui.catalog.management.commands.import_products import find_actor
from zhanggui.core.errors import DomainError


class Command(BaseCommand):
    help = "Export products and SKUs as XLSX or CSV (UTF-8 with BOM, or GBK)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--format", dest="fmt", choices=FORMATS, default="xlsx")
        parser.add_argument(
            "--encoding", choices=("utf-8-sig", "utf-8", "gbk"), default="utf-8-sig"
        )
        parser.add_argument("--out", required=True, help="the file to write")
        parser.add_argument("--as", dest="username", help="export what this user may see (costs)")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        user = find_actor(options["username"])
        try:
            export = export_catalog(user=user, fmt=options["fmt"], encoding=options["encoding"])
        except DomainError as error:
            raise CommandError(str(error.message), returncode=1) from error
        out = Path(options["out"])
        try:
            out.write_bytes(export.content)
        except OSError as error:
            raise CommandError(f"{out}: {error.strerror}") from error
        if options["json"]:
            self.stdout.write(
                json.dumps({"rows": export.rows, "file": str(out)}, ensure_ascii=False)
            )
        else:
            self.stdout.write(
                _("Wrote %(rows)d rows to %(file)s.") % {"rows": export.rows, "file": out}
            )
