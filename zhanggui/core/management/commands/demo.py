"""`zhanggui demo [--orders N] [--seed S] [--json]`: fill an empty database with a realistic
demo clothing shop: catalog, team, suppliers, customers, six weeks of stock, purchase
orders and last month's stocktake, and N orders over the last 90 days in every status.
The same seed always gives the same shop."""

from __future__ import annotations

import argparse
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, OutputWrapper
from django.utils.translation import gettext as _
from tqdm import tqdm

from zhanggui.demo.data_people import DEMO_PASSWORD, STAFF
from zhanggui.demo.runner import (
    ORDER_STEP,
    ORDERS,
    STEPS,
    DemoCounts,
    DemoRefused,
    check_empty,
    run_demo,
)
from zhanggui.orders.models import OrderStatus
from zhanggui.purchasing.status import PurchaseOrderStatus


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
    help = "Fill an empty database with a realistic demo shop (same seed, same shop)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument(
            "--orders",
            type=int,
            default=None,
            metavar="N",
            help=f"number of orders over the last 90 days (default {ORDERS})",
        )
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        # Shrinks every table but the team and the shops; for tests.
        parser.add_argument("--scale", type=float, default=1.0, help=argparse.SUPPRESS)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["orders"] is not None and options["orders"] < 0:
            raise CommandError(_("--orders must not be negative."))
        if not 0 < options["scale"] <= 10:
            raise CommandError(_("--scale must be above 0 and at most 10."))
        try:
            # Refuse before drawing a progress bar; run_demo checks again in its transaction.
            check_empty()
            counts = self._run(
                seed=options["seed"], scale=options["scale"], orders=options["orders"]
            )
        except DemoRefused as error:
            raise CommandError(str(error.message)) from error
        if options["json"]:
            result = {"seed": options["seed"], **counts.as_dict()}
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        self.stdout.write(
            _(
                "Demo shop ready (seed %(seed)d): %(shops)d shops, %(staff)d staff, "
                "%(products)d products, %(skus)d SKUs, %(listings)d listings, "
                "%(suppliers)d suppliers, %(customers)d customers."
            )
            % {"seed": options["seed"], **counts.as_dict()}
        )
        orders = ", ".join(
            f"{PurchaseOrderStatus(status).label} {count}"
            for status, count in counts.purchase_orders.items()
        )
        self.stdout.write(
            _(
                "Stock: %(bins)d bins, %(stock_moves)d stock moves, stocktakes: %(stocktakes)d. "
                "Purchase orders: %(orders)s."
            )
            % {**counts.as_dict(), "orders": orders}
        )
        self.stdout.write(
            _("Demo logins (password %(password)s, for the demo only): %(usernames)s")
            % {
                "password": DEMO_PASSWORD,
                "usernames": ", ".join(username for username, _name, _roles in STAFF),
            }
        )
        statuses = ", ".join(
            f"{OrderStatus(status).label} {count}"
            for status, count in counts.order_statuses.items()
        )
        self.stdout.write(
            _("Orders of the last 90 days: %(orders)d (%(statuses)s).")
            % {"orders": counts.orders, "statuses": statuses}
        )

    def _run(self, *, seed: int, scale: float, orders: int | None) -> DemoCounts:
        # Each step of the demo is one unit; the orders add one unit per order step.
        bar = tqdm(total=len(STEPS), file=_BarStream(self.stderr), desc="demo", mininterval=0.2)

        def step_done(label: str) -> None:
            bar.set_postfix_str(label, refresh=False)
            bar.update(1)

        def more_work(units: int) -> None:
            bar.total += units
            bar.set_postfix_str(str(ORDER_STEP))  # the step under way

        try:
            return run_demo(
                seed=seed,
                scale=scale,
                orders=orders,
                on_step=step_done,
                on_work=more_work,
                on_tick=lambda: bar.update(1),
            )
        finally:
            bar.close()
