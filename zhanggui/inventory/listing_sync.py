"""Sold out means delisted (DOMAIN.md §2: 能拍即有货): a product none of whose active SKUs
has stock available in a sellable warehouse is marked sold out in every shop where it is on
sale, and goes back on sale where it was sold out as soon as any of them has stock again.

Listings "in warehouse" are never touched: a person took them off sale on purpose.

Called by the stock services after a change of stock, inside their transaction, after the
balances changed (and were locked). The channels hear of the changes only after commit."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, Final

from django.db import transaction
from django.db.models import F

from zhanggui.catalog import services as catalog_services
from zhanggui.catalog.models import Listing, ListingStatus, Sku
from zhanggui.inventory.models import StockLevel

logger = logging.getLogger(__name__)

# Ids per IN (...) list, below the 999 variables of older SQLite builds.
CHUNK: Final = 900
SYNCED: Final = (ListingStatus.ON_SALE, ListingStatus.SOLD_OUT)


@dataclass(frozen=True)
class ListingChange:
    listing_id: int
    product_id: int
    shop_id: int
    before: str
    after: str


def _chunks(values: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def _products_of(sku_ids: Iterable[int]) -> list[int]:
    wanted = sorted(set(sku_ids))
    products: set[int] = set()
    for chunk in _chunks(wanted):
        rows = Sku.objects.filter(pk__in=chunk).order_by().values_list("product_id", flat=True)
        products.update(rows)
    return sorted(products)


def products_in_stock(product_ids: Sequence[int]) -> set[int]:
    """The products (of these) with at least one active SKU available in a sellable
    warehouse: one query per chunk of products, reading balances only."""
    found: set[int] = set()
    for chunk in _chunks(product_ids):
        rows = StockLevel.objects.filter(
            sku__product_id__in=chunk,
            sku__is_active=True,
            warehouse__is_sellable=True,
            on_hand__gt=F("reserved"),
        )
        found.update(rows.order_by().values_list("sku__product_id", flat=True).distinct())
    return found


def _lock_listings(product_ids: Sequence[int]) -> list[Listing]:
    # Locked before availability is read, in pk order: two stock changes of one product's
    # SKUs then decide one after the other, and the second sees the first's stock.
    listings: list[Listing] = []
    for chunk in _chunks(product_ids):
        query = Listing.objects.select_for_update().filter(product_id__in=chunk, status__in=SYNCED)
        listings.extend(query.order_by("pk"))
    return listings


@transaction.atomic
def sync_listings(*, actor: Any, sku_ids: Iterable[int]) -> list[ListingChange]:
    """Mark the listings of these SKUs' products sold out or back on sale to match their
    stock. Audited per listing (actor None is the system). Returns the changes made; the
    channels are told after commit (notify_channels_of_listing_changes)."""
    product_ids = _products_of(sku_ids)
    if not product_ids:
        return []
    listings = _lock_listings(product_ids)
    if not listings:
        return []
    in_stock = products_in_stock(product_ids)
    changes = []
    for listing in listings:
        wanted = ListingStatus.ON_SALE if listing.product_id in in_stock else ListingStatus.SOLD_OUT
        if listing.status == wanted:
            continue
        catalog_services.set_listing_status(
            actor=actor, product_id=listing.product_id, shop_id=listing.shop_id, status=wanted
        )
        changes.append(
            ListingChange(listing.pk, listing.product_id, listing.shop_id, listing.status, wanted)
        )
    if changes:
        transaction.on_commit(partial(notify_channels_of_listing_changes, changes))
    return changes


def notify_channels_of_listing_changes(changes: Sequence[ListingChange]) -> None:
    """Hook for issue 4: tell each shop's channel (Taobao, Tmall, JD) to delist or relist.
    Runs after commit. For now it only logs what the channels will be told."""
    for change in changes:
        logger.info(
            "listing %s (product %s, shop %s): %s -> %s; channel not told yet",
            change.listing_id,
            change.product_id,
            change.shop_id,
            change.before,
            change.after,
        )
    # Issue 4: the channel sync's outbox pushes the stock of connected shops' listings.
    from zhanggui.channels import outbox

    outbox.queue_stock_pushes([change.listing_id for change in changes])
