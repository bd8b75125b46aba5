"""`zhanggui import-orders --channel taobao ORDERS [ITEMS] [--shop CODE] [--json] [--as USER]`:
import a channel's order export (API.md).

Taobao and Tmall take the seller centre's order report (ExportOrderList…) and item report
(ExportOrderDetailList…), in either order; JD takes its one order export. CSV (GBK or
UTF-8) or XLSX, of any size: the files are streamed.

Exit status: 0 when every order imported (created, updated or unchanged); 1 when some
orders were rejected (the rest imported; errors name file, row and column); 2 when a file
cannot be used at all (unreadable, not an export of that channel, columns missing, unknown
shop) and nothing was imported. `--json` prints exactly one JSON object on stdout, the
summary of API.md; a file that cannot be used gives the same shape with its error."""

from __future__ import annotations

import json
from contextlib import ExitStack
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandError, OutputWrapper
from django.utils.translation import gettext as _
from tqdm import tqdm

from zhanggui.catalog.management.commands.import_products import find_actor
from zhanggui.core.errors import DomainError
from zhanggui.orders.imports import ImportSummary, MissingColumns, SourceFile, import_orders

EXIT_REJECTED = 1
EXIT_UNUSABLE = 2


class _BarStream:
    """tqdm redraws its line with '\\r'; Django's wrapper would end every write with a
    newline and colour stderr as an error."""

    def __init__(self, wrapper: OutputWrapper) -> None:
        self.wrapper = wrapper

    def write(self, text: str) -> None:
        self.wrapper.write(text, style_func=str, ending="")

    def flush(self) -> None:
        self.wrapper.flush()


class Command(BaseCommand):
    help = "Import a channel's order export: Taobao/Tmall order report + item report, or JD."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--channel", required=True, choices=["taobao", "tmall", "jd"])
        parser.add_argument("files", nargs="+", metavar="FILE", help="ORDERS [ITEMS]")
        parser.add_argument("--shop", default="", help="shop code (default: the channel's)")
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument("--as", dest="username", help="act as this user")

    def handle(self, *args: Any, **options: Any) -> None:
        as_json = options["json"]
        paths = [Path(name) for name in options["files"]]
        if len(paths) > 2:
            self._fail(as_json, _("Give at most two files: ORDERS [ITEMS]."))
        actor = find_actor(options["username"])
        with ExitStack() as stack:
            try:
                sources = [
                    SourceFile(path.name, stack.enter_context(path.open("rb"))) for path in paths
                ]
            except OSError as error:
                self._fail(as_json, f"{error.filename}: {error.strerror}")
            bar = (
                None
                if as_json
                else tqdm(
                    total=0,
                    unit=" orders",
                    file=_BarStream(self.stderr),
                    desc="import",
                    mininterval=0.5,
                )
            )

            def progress(done: int, total: int) -> None:
                if bar is not None:
                    bar.total = total
                    bar.n = done
                    bar.refresh()

            try:
                summary = import_orders(
                    actor=actor,
                    channel=options["channel"],
                    files=sources,
                    shop_code=options["shop"],
                    progress=progress,
                )
            except MissingColumns as error:
                errors = [(error.row, column) for column in error.columns]
                self._fail(as_json, str(error.message), errors)
            except DomainError as error:
                self._fail(as_json, str(error.message))
            finally:
                if bar is not None:
                    bar.close()
        if as_json:
            self.stdout.write(json.dumps(summary.as_json(), ensure_ascii=False))
        else:
            self._report(summary)
        if summary.rejected:
            raise CommandError(
                _("%(count)d orders were rejected.") % {"count": summary.rejected},
                returncode=EXIT_REJECTED,
            )

    def _fail(
        self, as_json: bool, message: str, where: list[tuple[int, str]] | None = None
    ) -> NoReturn:
        """Print the summary shape with the file's error (row 0: the whole file; a missing
        column: the header row and the column) and exit with 2."""
        if as_json:
            body = ImportSummary(files=[]).as_json()
            body["errors"] = [
                {"row": row, "field": field, "message": message}
                for row, field in (where or [(0, "")])
            ]
            self.stdout.write(json.dumps(body, ensure_ascii=False))
        raise CommandError(message, returncode=EXIT_UNUSABLE)

    def _report(self, summary: ImportSummary) -> None:
        for error in summary.errors:
            self.stderr.write(
                _("%(file)s row %(row)d, %(field)s: %(message)s")
                % {
                    "file": error.file,
                    "row": error.row,
                    "field": error.field,
                    "message": error.message,
                }
            )
        self.stdout.write(
            _(
                "%(created)d orders created, %(updated)d updated, %(unchanged)d unchanged, "
                "%(rejected)d rejected."
            )
            % summary.as_json()
        )
        if summary.held_unmatched:
            codes = ", ".join(code for code, _count in summary.unmatched_codes.most_common(10))
            self.stdout.write(
                _(
                    "%(count)d new orders are on hold: merchant codes not known (%(codes)s). "
                    "Map them on the unmatched merchant codes page."
                )
                % {"count": summary.held_unmatched, "codes": codes}
            )
        if summary.auto_reviewed:
            self.stdout.write(
                _("%(count)d new paid orders went through the review rules.")
                % {"count": summary.auto_reviewed}
            )
