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
from zhanggui.purchasing.models import (
    ExchangeList,
    PurchaseOrder,
    Receipt,
    Supplier,
    SupplierLedgerEntry,
)

# Children before the rows they protect.
DEMO_MODELS = (
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


def run_demo(*args: str) -> str:
    out = StringIO()
    # English, so the messages read the same whatever the .po files say.
    with translation.override("en"):
        call_command("demo", "--scale", "0.1", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def wipe() -> None:
    """Everything the demo made, so it can run again in the same test."""
    for model in DEMO_MODELS:
        model.objects.all().delete()
    Warehouse.objects.filter(is_default=False).delete()
    get_user_model().objects.all().delete()
