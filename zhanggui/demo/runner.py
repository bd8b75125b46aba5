"""Runs the demo steps in one transaction: all of the demo shop, or nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhanggui.catalog.models import Category, Listing, Product, Sku
from zhanggui.channels.models import Shop
from zhanggui.core.errors import DomainError
from zhanggui.customers.models import Customer
from zhanggui.demo.build_catalog import build_listings, build_products, build_shops
from zhanggui.demo.build_history import build_history
from zhanggui.demo.build_orders import build_orders
from zhanggui.demo.build_parties import build_customers, build_suppliers
from zhanggui.demo.build_staff import build_staff
from zhanggui.demo.build_stock import sync_all_listings
from zhanggui.demo.data_people import STAFF
from zhanggui.demo.plan_catalog import plan_catalog
from zhanggui.demo.plan_parties import plan_customers, plan_suppliers
from zhanggui.inventory.models import Bin, StockMove, Stocktake
from zhanggui.orders.models import Order, OrderStatus
from zhanggui.purchasing.models import PurchaseOrder, Supplier
from zhanggui.purchasing.status import PurchaseOrderStatus

# Full-size demo; --scale shrinks it (tests use 0.1).
PRODUCTS = 200
CUSTOMERS = 300
SUPPLIERS = 15
# Orders when --orders is not given: every status and kind of work shows, and the first
# `make run` stays quick.
ORDERS = 300
STEPS = (
    gettext_lazy("shops"),
    gettext_lazy("staff"),
    gettext_lazy("products and SKUs"),
    gettext_lazy("listings"),
    gettext_lazy("suppliers"),
    gettext_lazy("customers"),
    gettext_lazy("bins"),
    gettext_lazy("six weeks of stock, purchase orders and a stocktake"),
    gettext_lazy("orders of the last 90 days"),
    gettext_lazy("listings follow stock"),
)
ORDER_STEP = STEPS[8]


class DemoRefused(DomainError):  # noqa: N818 (named like the other DomainErrors)
    code = "demo_refused"
    http_status = 409


@dataclass(frozen=True)
class DemoCounts:
    shops: int
    staff: int
    categories: int
    products: int
    skus: int
    listings: int
    suppliers: int
    customers: int
    bins: int
    stock_moves: int
    purchase_orders: dict[str, int]  # by status, every status named
    stocktakes: int
    orders: int  # the channels' orders
    order_statuses: dict[str, int]  # every order by status (split-off parts too), all named

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def scaled(full: int, scale: float) -> int:
    return max(1, round(full * scale))


def check_empty() -> None:
    """Refuse a database that already holds shop data: the demo is for a new database and
    must never mix invented goods and buyers with real ones."""
    found = [
        str(label)
        for label, model in (
            (gettext_lazy("products"), Product),
            (gettext_lazy("suppliers"), Supplier),
            (gettext_lazy("customers"), Customer),
        )
        if model.objects.exists()
    ]
    usernames = [username for username, _name, _roles in STAFF]
    if get_user_model().objects.filter(username__in=usernames).exists():
        found.append(_("demo staff logins"))
    if found:
        raise DemoRefused(
            _(
                "The database already has %(what)s. The demo only fills an empty database: "
                "run it on a new one."
            )
            % {"what": ", ".join(found)}
        )


def count_all(staff: int) -> DemoCounts:
    by_status = dict(PurchaseOrder.objects.values_list("status").annotate(n=Count("pk")))
    statuses = dict(Order.objects.order_by().values_list("status").annotate(n=Count("pk")))
    return DemoCounts(
        shops=Shop.objects.count(),
        staff=staff,
        categories=Category.objects.count(),
        products=Product.objects.count(),
        skus=Sku.objects.count(),
        listings=Listing.objects.count(),
        suppliers=Supplier.objects.count(),
        customers=Customer.objects.count(),
        bins=Bin.objects.count(),
        stock_moves=StockMove.objects.count(),
        purchase_orders={status: by_status.get(status, 0) for status in PurchaseOrderStatus.values},
        stocktakes=Stocktake.objects.count(),
        orders=Order.objects.filter(part=0).count(),
        order_statuses={status: statuses.get(status, 0) for status in OrderStatus.values},
    )


def run_demo(
    *,
    seed: int,
    scale: float = 1.0,
    orders: int | None = None,
    on_step: Callable[[str], Any] | None = None,
    on_work: Callable[[int], Any] | None = None,
    on_tick: Callable[[], Any] | None = None,
) -> DemoCounts:
    """Fill an empty database with the demo shop drawn from `seed`, with `orders` orders
    (None: ORDERS, scaled). `on_step(label)` is called after each of STEPS; while the
    orders are written, `on_work(n)` announces their n steps and `on_tick()` follows each.
    Raises DemoRefused when the database is not empty."""
    report = on_step or (lambda label: None)
    catalog = plan_catalog(
        seed=seed,
        count=scaled(PRODUCTS, scale),
        title_limit=settings.ZHANGGUI["TITLE_MAX_BYTES"],
    )
    suppliers = plan_suppliers(seed=seed, count=scaled(SUPPLIERS, scale))
    customers = plan_customers(seed=seed, count=scaled(CUSTOMERS, scale))
    with transaction.atomic():
        check_empty()
        shops = build_shops()
        report(str(STEPS[0]))
        staff = build_staff()
        report(str(STEPS[1]))
        products = build_products(catalog)
        report(str(STEPS[2]))
        build_listings(catalog, products, shops)
        report(str(STEPS[3]))
        build_suppliers(suppliers)
        report(str(STEPS[4]))
        build_customers(customers)
        report(str(STEPS[5]))
        build_history(
            seed=seed,
            catalog=catalog,
            supplier_names=[supplier.name for supplier in suppliers],
            on_bins=lambda: report(str(STEPS[6])),
        )
        report(str(STEPS[7]))
        build_orders(
            seed=seed,
            count=scaled(ORDERS, scale) if orders is None else orders,
            catalog=catalog,
            customers=customers,
            on_planned=on_work,
            on_step=on_tick,
        )
        report(str(ORDER_STEP))
        sync_all_listings()
        report(str(STEPS[9]))
        return count_all(len(staff))
