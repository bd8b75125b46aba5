"""The weekly replenishment list (补货需求表, DOMAIN.md §3): what to re-order from whom.

Every Thursday at 07:00 (tasks.py), or when the buyer asks, each active SKU's suggested
quantity is computed with inventory.rules.suggested_quantity from its sales over the policy
window, its velocity class's safety stock, what is available in the sellable warehouses,
what suppliers still owe on placed orders and its supplier's lead time. SKUs with something
to order are stored as a run, grouped by the supplier of their latest purchase order line,
and one action turns a run into one draft purchase order per supplier."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Final

from django.db import transaction
from django.db.models import F, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from zhanggui.catalog.models import Sku
from zhanggui.core import audit
from zhanggui.core.errors import Conflict, NotFound
from zhanggui.core.models import AuditAction
from zhanggui.inventory import rules
from zhanggui.inventory.selectors import available_by_sku
from zhanggui.inventory.velocity import get_policy, units_sold
from zhanggui.purchasing import services
from zhanggui.purchasing.models import (
    PurchaseOrder,
    PurchaseOrderLine,
    ReplenishmentLine,
    ReplenishmentRun,
    Supplier,
)
from zhanggui.purchasing.services.orders import MAX_LINES
from zhanggui.purchasing.status import OPEN_FOR_RECEIPT, PLACED, PurchaseOrderStatus

LINE_BATCH: Final = 2000


def on_order_by_sku() -> dict[int, int]:
    """Units suppliers still owe per SKU: ordered less received on orders placed and not
    yet complete. Drafts are not orders yet; closed orders gave up on the rest."""
    rows = (
        PurchaseOrderLine.objects.filter(
            purchase_order__status__in=OPEN_FOR_RECEIPT, quantity__gt=F("received_quantity")
        )
        .order_by()
        .values("sku_id")
        .annotate(total=Sum(F("quantity") - F("received_quantity")))
    )
    return {row["sku_id"]: row["total"] for row in rows}


def latest_suppliers() -> dict[int, int]:
    """The supplier of each SKU's latest purchase order line (drafts included: they are the
    buyer's latest choice; cancelled orders are not)."""
    rows = (
        PurchaseOrderLine.objects.exclude(purchase_order__status=PurchaseOrderStatus.CANCELLED)
        .order_by("purchase_order__created_at", "purchase_order_id")
        .values_list("sku_id", "purchase_order__supplier_id")
    )
    return dict(rows.iterator(chunk_size=LINE_BATCH))  # later lines overwrite earlier ones


def last_costs() -> dict[int, Decimal]:
    """Each SKU's unit cost on its latest placed order, as the PO service defaults it."""
    rows = (
        PurchaseOrderLine.objects.filter(purchase_order__status__in=PLACED)
        .order_by("purchase_order__ordered_at", "id")
        .values_list("sku_id", "unit_cost")
    )
    return dict(rows.iterator(chunk_size=LINE_BATCH))


def _default_lead_time() -> int:
    return int(Supplier._meta.get_field("lead_time_days").default)


@transaction.atomic
def compute_replenishment(*, actor: Any = None, as_of: datetime | None = None) -> ReplenishmentRun:
    """Compute and store this week's list. `as_of` ends the sales window (default now);
    stock and open orders are read as they are. `actor` None is the Thursday job.
    A query per kind of figure, never per SKU."""
    as_of = as_of or timezone.now()
    policy = get_policy()
    skus = dict(Sku.objects.filter(is_active=True).values_list("pk", "cost_price"))
    sku_ids = sorted(skus)
    sold = units_sold(None, days=policy.window_days, as_of=as_of)
    available = available_by_sku(sku_ids)
    on_order, suppliers, costs = on_order_by_sku(), latest_suppliers(), last_costs()
    lead_times: dict[int | None, int] = dict(Supplier.objects.values_list("pk", "lead_time_days"))
    thresholds = rules.VelocityThresholds(policy.hot_min_units, policy.slow_max_units)
    run = ReplenishmentRun.objects.create(
        as_of=as_of,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        window_days=policy.window_days,
        review_days=policy.review_days,
    )
    lines = []
    for sku_id in sku_ids:
        supplier_id = suppliers.get(sku_id)
        velocity = rules.velocity_class(sold.get(sku_id, 0), thresholds)
        line = ReplenishmentLine(
            run=run,
            sku_id=sku_id,
            supplier_id=supplier_id,
            velocity=velocity,
            units_sold=sold.get(sku_id, 0),
            available=available[sku_id],
            on_order=on_order.get(sku_id, 0),
            lead_time_days=lead_times.get(supplier_id, _default_lead_time()),
            safety_stock=policy.safety_stock(velocity),
            unit_cost=costs.get(sku_id, skus[sku_id]),
        )
        line.suggested_quantity = rules.suggested_quantity(
            units_sold=line.units_sold,
            window_days=policy.window_days,
            lead_time_days=line.lead_time_days,
            review_days=policy.review_days,
            safety_stock=line.safety_stock,
            available=line.available,
            on_order=line.on_order,
        )
        if line.suggested_quantity > 0:
            lines.append(line)
    ReplenishmentLine.objects.bulk_create(lines, batch_size=LINE_BATCH)
    return run


def week_start(now: datetime | None = None) -> datetime:
    """Monday 00:00 of this week in the shop's time zone."""
    local = timezone.localtime(now)
    monday = local - timedelta(days=local.weekday())
    return monday.replace(hour=0, minute=0, second=0, microsecond=0)


def latest_run_this_week(now: datetime | None = None) -> ReplenishmentRun | None:
    runs = ReplenishmentRun.objects.filter(created_at__gte=week_start(now))
    return runs.order_by("-created_at", "-id").first()


def count_open_lines_this_week(now: datetime | None = None) -> int:
    """Home queue: lines of this week's latest list not yet turned into orders (one query)."""
    latest = ReplenishmentRun.objects.filter(created_at__gte=week_start(now)).order_by(
        "-created_at", "-id"
    )
    return ReplenishmentLine.objects.filter(
        run=Subquery(latest.values("pk")[:1]), run__converted_at__isnull=True
    ).count()


@dataclass
class SupplierGroup:
    supplier: Supplier | None  # None: SKUs never bought yet
    lines: list[ReplenishmentLine] = field(default_factory=list)

    @property
    def units(self) -> int:
        return sum(line.suggested_quantity for line in self.lines)

    @property
    def amount(self) -> Decimal:
        return sum(
            (line.suggested_quantity * line.unit_cost for line in self.lines if line.unit_cost),
            Decimal("0.00"),
        )


def grouped_lines(run: ReplenishmentRun) -> list[SupplierGroup]:
    """The run's lines by supplier (by name), "no supplier yet" last."""
    groups: dict[int | None, SupplierGroup] = {}
    lines = run.lines.select_related("sku__product", "supplier").order_by("sku__merchant_code")
    for line in lines:
        group = groups.setdefault(line.supplier_id, SupplierGroup(line.supplier))
        group.lines.append(line)
    return sorted(
        groups.values(),
        key=lambda group: (group.supplier is None, group.supplier.name if group.supplier else ""),
    )


@dataclass(frozen=True)
class ConversionResult:
    orders: list[PurchaseOrder]
    without_supplier: int  # lines left for the buyer to place by hand
    inactive_suppliers: list[str]


def _chunks(lines: Sequence[ReplenishmentLine]) -> list[Sequence[ReplenishmentLine]]:
    return [lines[start : start + MAX_LINES] for start in range(0, len(lines), MAX_LINES)]


@transaction.atomic
def create_draft_orders(*, actor: Any, run_id: int) -> ConversionResult:
    """Turn a list into one draft purchase order per supplier (more if it has more lines
    than a PO takes), at the suggested quantities and each SKU's last cost; once per list.
    Lines without a supplier, or of an inactive one, stay for the buyer. Raises NotFound,
    Conflict when the list was already turned into orders."""
    run = ReplenishmentRun.objects.select_for_update().filter(pk=run_id).first()
    if run is None:
        raise NotFound(_("No such replenishment list."))
    if run.converted_at is not None:
        raise Conflict(_("This replenishment list was already turned into purchase orders."))
    by_supplier: dict[int | None, list[ReplenishmentLine]] = defaultdict(list)
    for line in run.lines.select_related("sku", "supplier").order_by("sku__merchant_code"):
        by_supplier[line.supplier_id].append(line)
    orders, inactive = [], []
    for supplier_id, lines in by_supplier.items():
        if supplier_id is None:
            continue
        if not lines[0].supplier or not lines[0].supplier.is_active:
            inactive.append(lines[0].supplier.name if lines[0].supplier else "")
            continue
        for chunk in _chunks(lines):
            data = services.PurchaseOrderInput(
                supplier_id=supplier_id,
                note=_("From replenishment list #%(id)d") % {"id": run.pk},
                lines=[
                    services.LineInput(
                        line.sku.merchant_code,
                        line.suggested_quantity,
                        None if line.unit_cost is None else f"{line.unit_cost:f}",
                    )
                    for line in chunk
                ],
            )
            orders.append(services.create_purchase_order(actor=actor, data=data))
    now = timezone.now()
    user = actor if getattr(actor, "is_authenticated", False) else None
    ReplenishmentRun.objects.filter(pk=run.pk).update(converted_at=now, converted_by=user)
    audit.record(
        actor=actor,
        instance=run,
        action=AuditAction.UPDATE,
        changes={"converted_at": {"before": None, "after": now.isoformat()}},
        note=", ".join(order.number or "" for order in orders)[:255],
    )
    return ConversionResult(orders, len(by_supplier.get(None, [])), sorted(inactive))
