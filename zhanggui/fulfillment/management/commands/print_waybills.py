"""`zhanggui print-waybills --orders ID,... [--size 76x130] --out FILE.pdf [--json]
[--strict] [--as USER]`: e-waybill labels, one page per parcel, in the order given (API.md).

An order without a tracking number gets one from its courier's pool first (its courier
chosen by the shop's rules when it has none); an order already printed is printed again
with its number (a reprint, audited). Orders that cannot be printed (held, not approved,
merged into another, pool exhausted, a place the courier does not reach...) are left as
they are and listed; the others are printed, as a store team printing 200 labels wants.
`--strict` prints nothing when any order is refused.

Exit status: 0 when every order printed; 1 when some were refused (the rest printed, FILE
written); 2 when nothing printed (no FILE written) or the input is unusable. `--json`
prints exactly one JSON object on stdout: {"printed", "batch", "out", "pages": [{"page",
"order_id", "order_no", "courier", "tracking_no"}], "refused": [{"order_id", "order_no",
"code", "reason"}]}. A progress bar goes to stderr for large batches."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final, NoReturn

from django.core.management.base import BaseCommand, CommandError, OutputWrapper
from django.utils.translation import gettext as _
from tqdm import tqdm

from zhanggui.catalog.management.commands.import_products import find_actor
from zhanggui.core.errors import DomainError
from zhanggui.fulfillment.models import Parcel, ParcelStatus
from zhanggui.fulfillment.services import printing
from zhanggui.fulfillment.services.couriers import get_settings

EXIT_REFUSED: Final = 1
EXIT_NOTHING: Final = 2
BAR_FROM: Final = 200  # orders: below this the bar would only flicker


class _BarStream:
    """tqdm redraws its line with '\\r'; Django's wrapper would end every write with a
    newline and colour stderr as an error."""

    def __init__(self, wrapper: OutputWrapper) -> None:
        self.wrapper = wrapper

    def write(self, text: str) -> None:
        self.wrapper.write(text, style_func=str, ending="")

    def flush(self) -> None:
        self.wrapper.flush()


def _order_ids(text: str) -> list[int]:
    ids = []
    for item in text.replace("，", ",").split(","):
        item = item.strip()
        if not item:
            continue
        if not item.isdigit() or len(item) > 18:
            raise ValueError(item)
        ids.append(int(item))
    return ids


class Command(BaseCommand):
    help = (
        "Print the e-waybill labels of orders into one PDF, one page per order in the order given."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--orders", required=True, help="order ids, comma-separated")
        parser.add_argument(
            "--size", default="", help="label size, e.g. 76x130 (default: the shop's)"
        )
        parser.add_argument("--out", required=True, help="the PDF file to write")
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument(
            "--strict", action="store_true", help="print nothing if any order is refused"
        )
        parser.add_argument("--as", dest="username", help="act as this user")

    def handle(self, *args: Any, **options: Any) -> None:
        as_json = options["json"]
        try:
            order_ids = _order_ids(options["orders"])
        except ValueError as error:
            self._fail(as_json, _("Not an order id: %(id)s") % {"id": error.args[0]})
        if not order_ids:
            self._fail(as_json, _("Give at least one order id."))
        actor = find_actor(options["username"])
        size = options["size"] or get_settings().default_label_size
        out = Path(options["out"])
        bar = (
            tqdm(
                total=len(order_ids), unit=" labels", file=_BarStream(self.stderr), mininterval=0.5
            )
            if len(order_ids) >= BAR_FROM
            else None
        )

        def progress(step: str, done: int, total: int) -> None:
            if bar is not None:
                bar.set_description(step)
                bar.total, bar.n = total, done
                bar.refresh()

        try:
            result = printing.print_labels(
                actor,
                order_ids,
                size,
                reprint=True,
                all_or_nothing=options["strict"],
                progress=progress,
            )
        except printing.LabelsRefused as error:
            self._fail(as_json, str(error.message), error.data["refused"])
        except DomainError as error:
            self._fail(as_json, str(error.message))
        finally:
            if bar is not None:
                bar.close()
        if result.printed:
            out.write_bytes(result.pdf)
        self._report(as_json, result, out)
        if not result.printed:
            raise CommandError(_("Nothing was printed."), returncode=EXIT_NOTHING)
        if result.refused:
            raise CommandError(
                _("%(count)d orders were not printed.") % {"count": len(result.refused)},
                returncode=EXIT_REFUSED,
            )

    def _report(self, as_json: bool, result: printing.PrintResult, out: Path) -> None:
        parcels = {
            parcel.order_id: parcel
            for parcel in Parcel.objects.select_related("courier", "order")
            .filter(order_id__in=result.order_ids)
            .exclude(status=ParcelStatus.CANCELLED)
        }
        pages = [
            {
                "page": page,
                "order_id": order_id,
                "order_no": str(parcels[order_id].order),
                "courier": parcels[order_id].courier.code,
                "tracking_no": parcels[order_id].tracking_no,
            }
            for page, order_id in enumerate(result.order_ids, start=1)
        ]
        if as_json:
            body = {
                "printed": result.printed,
                "batch": result.batch.pk if result.batch else None,
                "out": str(out) if result.printed else None,
                "pages": pages,
                "refused": [refusal.as_dict() for refusal in result.refused],
            }
            self.stdout.write(json.dumps(body, ensure_ascii=False))
            return
        for refusal in result.refused:
            self.stderr.write(f"{refusal.order_no or refusal.order_id}: {refusal.reason}")
        if result.printed:
            self.stdout.write(
                _("%(count)d labels printed to %(out)s (batch #%(batch)d).")
                % {
                    "count": result.printed,
                    "out": out,
                    "batch": result.batch.pk if result.batch else 0,
                }
            )

    def _fail(
        self, as_json: bool, message: str, refused: list[dict[str, Any]] | None = None
    ) -> NoReturn:
        if as_json:
            body = {"printed": 0, "batch": None, "out": None, "pages": [], "refused": refused or [],
                    "error": message}  # fmt: skip
            self.stdout.write(json.dumps(body, ensure_ascii=False))
        elif refused:
            for refusal in refused:
                self.stderr.write(
                    f"{refusal['order_no'] or refusal['order_id']}: {refusal['reason']}"
                )
        raise CommandError(message, returncode=EXIT_NOTHING)
