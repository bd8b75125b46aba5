"""Running the demo in tests, and clearing the database for a second run."""

from __future__ import annotations

from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import translation

from zhanggui.catalog.models import Category, Listing, Product, Sku
from zhanggui.channels.models import Shop
from zhanggui.core.models import AuditEntry
from zhanggui.customers.models import Customer
from zhanggui.inventory.models import (
    Bin,
    Reservation,
    SkuBin,
    StockLevel,
    StockMove,
    Stocktake,
    Warehouse,
)
from zhanggui.orders.models import Order, OrderLine
from zhanggui.purchasing.models import (
    ExchangeList,
    PurchaseOrder,
    Receipt,
    Supplier,
    SupplierLedgerEntry,
)

# Children before the rows they protect.
DEMO_MODELS = (
    OrderLine,
    Order,
    StockMove,
    StockLevel,
    Reservation,
    Stocktake,
    SkuBin,
    Bin,
    SupplierLedgerEntry,
    ExchangeList,
    Receipt,
    PurchaseOrder,
    AuditEntry,
    Listing,
    Sku,
    Product,
    Category,
    Customer,
    Supplier,
    Shop,
)


def run_demo(*args: str, with_orders: bool = False) -> str:
    """The demo at a tenth of the full size; without orders unless asked (`--orders N`, or
    `with_orders` for the default number), which keeps the stock and catalog tests fast."""
    if "--orders" not in args and not with_orders:
        args = (*args, "--orders", "0")
    out = StringIO()
    # English, so the messages read the same whatever the .po files say.
    with translation.override("en"):
        call_command("demo", "--scale", "0.1", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def wipe() -> None:
    """Everything the demo made, so it can run again in the same test."""
    Order.objects.update(merged_into=None, split_from=None)  # they protect each other
    for model in DEMO_MODELS:
        model.objects.all().delete()
    Warehouse.objects.filter(is_default=False).delete()
    get_user_model().objects.all().delete()
