"""What each page of a label batch carries, read in chunks: the parcel, the orders that ship
in it (the carrier order first, then the orders merged into it) and their items. Labels,
packing slips and pick lists are all drawn from this one reading.

A page is checked before anything is drawn: pages run 1..n, no parcel and no order appears
twice, and (when the caller says which orders it asked for) page i carries order i. Odoo's
batch printing once printed one order's label twice and skipped another; a batch here
refuses to render rather than do that."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from zhanggui.fulfillment.labels import LabelData, Party
from zhanggui.fulfillment.models import LabelBatch, LabelBatchEntry, Parcel, ShippingSettings
from zhanggui.orders.models import Order, OrderLine, RefundStatus
from zhanggui.orders.sla import SHANGHAI

CHUNK: Final = 500  # pages read per round: a few queries each, memory stays flat


class PageMismatch(RuntimeError):
    """A batch's pages do not carry the orders asked for, in that order. A bug or a
    tampered batch: never printed."""


@dataclass(frozen=True)
class Item:
    """One SKU (or unmatched merchant code) of a parcel, quantities summed."""

    sku_id: int | None
    merchant_code: str
    item_no: str
    title: str
    color: str
    size: str
    quantity: int

    @property
    def model(self) -> str:
        """model/colour/size as the label prints it (K1/红/M); the merchant code when the
        line matched no SKU."""
        if self.sku_id is None:
            return self.merchant_code or self.title
        return "/".join(part for part in (self.item_no, self.color, self.size) if part)

    @property
    def with_quantity(self) -> str:
        return f"{self.model}×{self.quantity}" if self.quantity > 1 else self.model


@dataclass(frozen=True)
class ParcelPage:
    page: int
    parcel: Parcel  # with courier, order and packed_by read
    orders: list[Order]  # the carrier order first, then the orders merged into it
    items: list[Item]

    @property
    def order(self) -> Order:
        return self.orders[0]

    @property
    def order_numbers(self) -> str:
        """Every order number the parcel ships (split parts as `no-part`)."""
        return ", ".join(str(order) for order in self.orders)

    @property
    def contents(self) -> str:
        return ";".join(item.with_quantity for item in self.items)

    @property
    def buyer_messages(self) -> list[str]:
        return [order.buyer_message.strip() for order in self.orders if order.buyer_message.strip()]


def check_pages(batch: LabelBatch, expected: Sequence[int] | None = None) -> list[tuple[int, int]]:
    """(parcel id, order id) of every page in page order, after checking the batch: pages
    1..n, each parcel and each order once, and page i carrying `expected[i]` when given.

    Raises PageMismatch naming the first page that is wrong."""
    rows = list(
        LabelBatchEntry.objects.filter(batch=batch)
        .order_by("page")
        .values_list("page", "parcel_id", "parcel__order_id")
    )
    parcels: set[int] = set()
    orders: set[int] = set()
    for index, (page, parcel_id, order_id) in enumerate(rows):
        if page != index + 1:
            raise PageMismatch(f"batch {batch.pk}: page {index + 1} is missing")
        if parcel_id in parcels or order_id in orders:
            raise PageMismatch(f"batch {batch.pk}: page {page} repeats a label")
        if expected is not None and (index >= len(expected) or expected[index] != order_id):
            raise PageMismatch(f"batch {batch.pk}: page {page} is not the order asked for")
        parcels.add(parcel_id)
        orders.add(order_id)
    if expected is not None and len(expected) != len(rows):
        raise PageMismatch(f"batch {batch.pk}: {len(rows)} pages for {len(expected)} orders")
    return [(parcel_id, order_id) for _page, parcel_id, order_id in rows]


def batch_pages(batch: LabelBatch, expected: Sequence[int] | None = None) -> Iterator[ParcelPage]:
    """The batch's pages in order, read CHUNK at a time (checked first: check_pages)."""
    rows = check_pages(batch, expected)
    for start in range(0, len(rows), CHUNK):
        yield from parcel_pages(rows[start : start + CHUNK], first_page=start + 1)


def parcel_pages(rows: Sequence[tuple[int, int]], first_page: int = 1) -> list[ParcelPage]:
    """Pages for (parcel id, order id) rows, in the order given: a handful of queries for
    the whole chunk, whatever its size."""
    parcels = Parcel.objects.select_related("courier", "order", "packed_by").in_bulk(
        [parcel_id for parcel_id, _order_id in rows]
    )
    carrier_ids = [order_id for _parcel_id, order_id in rows]
    members: dict[int, list[Order]] = defaultdict(list)
    for member in Order.objects.filter(merged_into_id__in=carrier_ids).order_by("pk"):
        assert member.merged_into_id is not None  # noqa: S101 (filtered on it)
        members[member.merged_into_id].append(member)
    items = _items([*carrier_ids, *(m.pk for ms in members.values() for m in ms)])
    pages = []
    for offset, (parcel_id, order_id) in enumerate(rows):
        parcel = parcels[parcel_id]
        if parcel.order_id != order_id:
            raise PageMismatch(f"parcel {parcel_id} belongs to another order")
        group = [parcel.order, *members.get(order_id, [])]
        pages.append(
            ParcelPage(first_page + offset, parcel, group, _merge(items, [o.pk for o in group]))
        )
    return pages


def _items(order_ids: Sequence[int]) -> dict[int, list[Item]]:
    """The lines that ship (refunded ones do not), by order, in line order."""
    found: dict[int, list[Item]] = defaultdict(list)
    lines = (
        OrderLine.objects.filter(order_id__in=order_ids)
        .exclude(refund_status=RefundStatus.REFUNDED)
        .order_by("order_id", "pk")
        .values_list(
            "order_id",
            "sku_id",
            "merchant_code",
            "title",
            "quantity",
            "sku__product__item_no",
            "sku__product__title",
            "sku__color",
            "sku__size",
        )
    )
    for order_id, sku_id, code, title, quantity, item_no, product, color, size in lines:
        found[order_id].append(
            Item(
                sku_id=sku_id,
                merchant_code=code,
                item_no=item_no or "",
                title=product or title,
                color=color or "",
                size=size or "",
                quantity=quantity,
            )
        )
    return found


def _merge(items: dict[int, list[Item]], order_ids: Sequence[int]) -> list[Item]:
    """One item per SKU (per merchant code when unmatched) over the orders of a parcel, in
    the order first seen, quantities summed."""
    merged: dict[tuple[int | None, str], Item] = {}
    for order_id in order_ids:
        for item in items.get(order_id, []):
            key = (item.sku_id, "" if item.sku_id else item.merchant_code or item.title)
            seen = merged.get(key)
            if seen is None:
                merged[key] = item
            else:
                merged[key] = Item(
                    seen.sku_id,
                    seen.merchant_code,
                    seen.item_no,
                    seen.title,
                    seen.color,
                    seen.size,
                    seen.quantity + item.quantity,
                )
    return list(merged.values())


# ---------------------------------------------------------------- what the label prints


def sender_of(settings: ShippingSettings) -> Party:
    return Party(
        name=settings.sender_name,
        phone=settings.sender_phone,
        address=_full_address(
            settings.sender_province,
            settings.sender_city,
            settings.sender_district,
            settings.sender_address,
        ),
        postcode=settings.sender_postcode,
    )


def _full_address(province: str, city: str, district: str, address: str) -> str:
    parts = [province, city, district]
    if parts[0] and parts[0] == parts[1]:  # a municipality is its own city: say it once
        parts = [parts[0], parts[2]]
    return " ".join(part for part in [*parts, address] if part)


def destination_of(order: Order) -> str:
    """The destination zone: city and district. The courier's sorting code (大头笔, 三段码)
    comes from Cainiao's routing service with the number and is not known offline."""
    place = [order.receiver_city or order.receiver_province, order.receiver_district]
    return " ".join(part for part in place if part)


def shanghai_time(moment: datetime) -> str:
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def label_of(page: ParcelPage, sender: Party, printed_at: str) -> LabelData:
    order, parcel = page.order, page.parcel
    packer = ""
    if parcel.packed_by is not None:  # a label printed again after packing names the packer
        packer = parcel.packed_by.get_full_name() or parcel.packed_by.get_username()
    return LabelData(
        tracking_no=parcel.tracking_no,
        courier_name=parcel.courier.name,
        destination=destination_of(order),
        receiver=Party(
            name=order.receiver_name,
            phone=order.receiver_phone,
            address=order.receiver_full_address,
            postcode=order.receiver_postcode,
        ),
        sender=sender,
        contents=page.contents,
        order_no=page.order_numbers,
        packer=packer,
        printed_at=printed_at,
    )
