"""The demo's purchase orders, supplier payments and last month's stocktake as plain data,
from a seed, the catalog plan and the stock plan (pure, no ORM).

Goods are only ever received for "normal" SKUs and the stocktake only takes back less than
their margin (plan_stock), so the low and sold-out SKUs end exactly as planned. Orders
still waiting for goods are for the SKUs running low or sold out, as a buyer would place."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

from zhanggui.demo import data_stock as story
from zhanggui.demo.plan_catalog import ProductPlan
from zhanggui.demo.plan_stock import LOW, NORMAL, SOLD_OUT, SkuStock, StockPlan
from zhanggui.purchasing import rules
from zhanggui.purchasing.models import PaymentMethod
from zhanggui.purchasing.status import PurchaseOrderStatus

RECEIVING: Final = frozenset(
    {PurchaseOrderStatus.CLOSED, PurchaseOrderStatus.RECEIVED, PurchaseOrderStatus.PARTLY_RECEIVED}
)
WAITING: Final = frozenset({PurchaseOrderStatus.ORDERED, PurchaseOrderStatus.DRAFT})
VARIANCE_SHARE: Final = 0.01
VARIANCES: Final = (-3, -2, -1, -1, 1, 1, 2)  # more found missing than found extra


@dataclass(frozen=True)
class OrderLine:
    merchant_code: str
    quantity: int
    unit_cost: Decimal


@dataclass(frozen=True)
class Delivery:
    merchant_code: str
    quantity: int
    defective: int


@dataclass(frozen=True)
class OrderPlan:
    script: story.OrderScript
    supplier: int  # index into the planned suppliers
    transport: Decimal
    lines: tuple[OrderLine, ...]
    delivered: tuple[Delivery, ...]
    payments: tuple[tuple[int, Decimal, str], ...]  # (day, amount, method)


@dataclass(frozen=True)
class StocktakePlan:
    day: int
    variances: tuple[tuple[str, int], ...]  # (merchant code, counted less expected)


def supplier_of(item_no: str, supplier_count: int) -> int:
    """The style's supplier: its garment's first choice among the suppliers there are."""
    for index in story.SUPPLIERS_BY_GARMENT.get(item_no[:2], ()):
        if index < supplier_count:
            return index
    return 0


def reorder_quantity(sku: SkuStock) -> int:
    """About three weeks of sales, in fives as stalls pack them; at least a few."""
    return min(60, max(3, 5 * math.ceil(sku.window_sold * 0.7 / 5)))


def owed(delivered: Sequence[Delivery], lines: Sequence[OrderLine], transport: Decimal) -> Decimal:
    """What the supplier ledger charges for a delivered order: every unit delivered
    (defective ones are replaced, not refunded) and the freight."""
    costs = {line.merchant_code: line.unit_cost for line in lines}
    goods = [rules.line_amount(d.quantity, costs[d.merchant_code]) for d in delivered]
    return sum(goods, Decimal("0.00")) + transport


class _Picker:
    """Draws the SKUs of each order from one supplier's styles, using each SKU once."""

    def __init__(self, plan: StockPlan, supplier_count: int) -> None:
        self.used: set[str] = set()
        self.by_supplier: dict[int, list[SkuStock]] = {}
        for sku in plan.skus:
            supplier = supplier_of(sku.item_no, supplier_count)
            self.by_supplier.setdefault(supplier, []).append(sku)
        self.turn = 0

    def free(self, supplier: int, fates: set[str]) -> list[SkuStock]:
        skus = self.by_supplier.get(supplier, [])
        return [s for s in skus if s.fate in fates and s.merchant_code not in self.used]

    def pick(self, fates: set[str], count: int) -> tuple[int, list[SkuStock]]:
        """The next supplier (in turn) with SKUs of these fates, best sellers first. SKUs
        already on an order are taken again only when a small demo has run out of others."""
        suppliers = sorted(self.by_supplier)
        for fresh in (True, False):
            for step in range(len(suppliers)):
                supplier = suppliers[(self.turn + step) % len(suppliers)]
                skus = self.by_supplier[supplier]
                found = (
                    self.free(supplier, fates) if fresh else [s for s in skus if s.fate in fates]
                )
                if found:
                    self.turn += step + 1
                    best = sorted(found, key=lambda s: (-s.window_sold, s.merchant_code))
                    return supplier, best[: max(count, 1)]
        return suppliers[0], []


def _deliveries(
    script: story.OrderScript, lines: list[OrderLine], fates: dict[str, str]
) -> tuple[Delivery, ...]:
    """What came in: every normal line in full (the first only in part on a partly
    received order), defective units in the first lines; low and sold-out lines wait."""
    if script.status not in RECEIVING:
        return ()
    normal = [line for line in lines if fates[line.merchant_code] == NORMAL]
    deliveries = []
    defective_left = script.defective
    for index, line in enumerate(normal):
        quantity = line.quantity
        if script.status == PurchaseOrderStatus.PARTLY_RECEIVED and index == 0:
            # The stall was short of this one; what came has the defective unit in it.
            quantity = max(2, line.quantity // 2)
        defective = min(defective_left, quantity - 1)
        defective_left -= defective
        deliveries.append(Delivery(line.merchant_code, quantity, defective))
    return tuple(deliveries)


def _order(
    rng: random.Random,
    picker: _Picker,
    script: story.OrderScript,
    costs: dict[str, Decimal],
    fates: dict[str, str],
) -> OrderPlan:
    count = rng.randint(3, 8)
    if script.status in WAITING:
        supplier, skus = picker.pick({LOW, SOLD_OUT}, count)
        skus += picker.free(supplier, {NORMAL})[: max(0, 3 - len(skus))]
    elif script.status == PurchaseOrderStatus.PARTLY_RECEIVED:
        supplier, skus = picker.pick({NORMAL}, count - 1)
        skus += picker.free(supplier, {LOW, SOLD_OUT})[:2]
    else:
        supplier, skus = picker.pick({NORMAL}, count)
    picker.used.update(s.merchant_code for s in skus)
    lines = [OrderLine(s.merchant_code, reorder_quantity(s), costs[s.merchant_code]) for s in skus]
    transport = Decimal(rng.randint(*story.TRANSPORT_YUAN)).quantize(Decimal("0.01"))
    delivered = _deliveries(script, lines, fates)
    due = owed(delivered, lines, transport)
    payments = tuple(
        (
            day,
            due if percent == 100 else (due * percent / 100).quantize(Decimal(1), ROUND_HALF_UP),
            PaymentMethod.BANK
            if due >= 2000
            else rng.choice([PaymentMethod.ALIPAY, PaymentMethod.WECHAT]),
        )
        for day, percent in script.paid
    )
    return OrderPlan(script, supplier, transport, tuple(lines), delivered, payments)


def plan_purchases(
    *, seed: int, catalog: Sequence[ProductPlan], stock: StockPlan, supplier_count: int
) -> list[OrderPlan]:
    """One order per script of data_stock.ORDER_SCRIPTS, oldest first."""
    rng = random.Random(f"purchases-{seed}")  # noqa: S311 (demo data, not secrets)
    costs = {sku.merchant_code: sku.cost_price for plan in catalog for sku in plan.skus}
    fates = {sku.merchant_code: sku.fate for sku in stock.skus}
    picker = _Picker(stock, supplier_count)
    return [_order(rng, picker, script, costs, fates) for script in story.ORDER_SCRIPTS]


def plan_stocktake(*, seed: int, stock: StockPlan, day: int) -> StocktakePlan:
    """A whole-warehouse count on `day` that finds a handful of normal SKUs a few off."""
    rng = random.Random(f"stocktake-{seed}")  # noqa: S311 (demo data, not secrets)
    normal = [sku.merchant_code for sku in stock.by_fate(NORMAL)]
    count = min(len(normal), max(3, round(len(stock.skus) * VARIANCE_SHARE)))
    chosen = sorted(rng.sample(normal, count))
    return StocktakePlan(day, tuple((code, rng.choice(VARIANCES)) for code in chosen))
