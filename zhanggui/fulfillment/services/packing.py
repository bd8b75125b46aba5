"""Scan-to-verify packing (验货, DOMAIN.md §6): the packer scans the waybill, then every item;
the three checks (三查: receiver, items and quantities, courier) are made against the order as
it is now, not as it was when the label was printed; a wrong item or one too many blocks the
parcel until the box is fixed; the weighed parcel is packed with the packer's name.

The packer's progress (which items went into the box) is a `PackingState` the caller keeps
(the page keeps it in the session). Nothing here trusts it: `finish_packing` re-reads the
parcel, the order and its lines under a lock and compares every count again."""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Final

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from zhanggui.catalog.models import Sku
from zhanggui.core import audit
from zhanggui.core.errors import Conflict, InvalidInput, NotFound
from zhanggui.fulfillment.models import Parcel, ParcelStatus
from zhanggui.orders.models import (
    DecisionAction,
    HoldReason,
    Order,
    OrderDecision,
    OrderLine,
    OrderStatus,
    RefundStatus,
)
from zhanggui.orders.services import lifecycle
from zhanggui.orders.sla import SHANGHAI

MAX_WEIGHT_G: Final = 50_000  # no courier takes a parcel of 50 kg as one piece
# A weight this far from the estimate is asked again before it is saved: a packer who typed
# "12" meaning 1.2 kg, or a scale that read a hand on the box.
UNUSUAL_RATIO: Final = 2
UNUSUAL_MIN_DIFFERENCE_G: Final = 300
# The statuses a parcel has once it has left the warehouse.
LEFT_STATUSES: Final = frozenset(
    {
        ParcelStatus.SHIPPED,
        ParcelStatus.IN_TRANSIT,
        ParcelStatus.DELIVERED,
        ParcelStatus.PROBLEM,
        ParcelStatus.LOST,
        ParcelStatus.DAMAGED,
        ParcelStatus.UNDELIVERABLE,
    }
)
# Orders whose items may go into a box: printed, or approved for a label printed by hand.
PACKABLE_ORDER_STATUSES: Final = frozenset({OrderStatus.APPROVED, OrderStatus.PRINTED})


# ---------------------------------------------------------------- errors


class UnknownBarcode(NotFound):
    code = "unknown_barcode"
    default_message = gettext_lazy("Unknown barcode.")


class LabelCancelled(Conflict):
    code = "label_cancelled"
    default_message = gettext_lazy("This label was cancelled.")


class ParcelAlreadyPacked(Conflict):
    code = "parcel_packed"
    default_message = gettext_lazy("This parcel is already packed.")


class ParcelAlreadyShipped(Conflict):
    code = "parcel_shipped"
    default_message = gettext_lazy("This parcel has already left the warehouse.")


class ParcelBlocked(Conflict):
    """The order changed since its label was printed (held, closed, refunded, courier
    changed): the parcel must not be packed. `parcel_id` says which."""

    code = "parcel_blocked"
    default_message = gettext_lazy("This parcel must not be packed.")


class ItemsMismatch(Conflict):
    code = "items_mismatch"
    default_message = gettext_lazy("The items in the box do not match the order.")


class UnusualWeight(Conflict):
    """The weight is far from the estimate; saved only when the packer confirms it."""

    code = "weight_unusual"
    default_message = gettext_lazy("The weight is far from the estimate.")


class NoParcelOpen(Conflict):
    code = "no_parcel_open"
    default_message = gettext_lazy("Scan a waybill first.")


# ---------------------------------------------------------------- what the page shows


@dataclass(frozen=True)
class ExpectedItem:
    """One SKU of the parcel, with its lines of every order in the parcel summed."""

    sku_id: int
    merchant_code: str
    barcode: str
    title: str
    properties: str
    quantity: int
    line_codes: tuple[str, ...] = ()  # the channel's merchant codes of its lines


@dataclass(frozen=True)
class RefundedItem:
    merchant_code: str
    title: str
    properties: str
    quantity: int


@dataclass(frozen=True)
class ParcelChecks:
    """The three checks (三查) of one parcel: receiver, items and quantities, courier."""

    parcel_id: int
    tracking_no: str
    courier_code: str
    courier_name: str
    order_id: int
    order_nos: tuple[str, ...]
    receiver_name: str
    receiver_phone: str
    receiver_address: str
    receiver_postcode: str
    seller_memo: str
    buyer_message: str
    estimated_weight_g: int
    items: tuple[ExpectedItem, ...]
    refunded: tuple[RefundedItem, ...] = ()

    def item_of(self, sku_id: int) -> ExpectedItem | None:
        return next((item for item in self.items if item.sku_id == sku_id), None)


@dataclass(frozen=True)
class PackingState:
    """The box being packed: the parcel and the SKUs scanned into it, in scan order (wrong
    items too: they are in the box until taken out)."""

    parcel_id: int | None = None
    tracking_no: str = ""
    scans: tuple[int, ...] = ()

    def counts(self) -> Counter[int]:
        return Counter(self.scans)

    def as_dict(self) -> dict[str, Any]:
        return {
            "parcel_id": self.parcel_id,
            "tracking_no": self.tracking_no,
            "scans": [*self.scans],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> PackingState:
        if not data or not isinstance(data.get("parcel_id"), int):
            return cls()
        scans = tuple(value for value in data.get("scans") or () if isinstance(value, int))
        return cls(int(data["parcel_id"]), str(data.get("tracking_no") or ""), scans)


@dataclass(frozen=True)
class LineProgress:
    item: ExpectedItem
    scanned: int

    @property
    def state(self) -> str:
        if self.scanned > self.item.quantity:
            return "over"
        if self.scanned == self.item.quantity:
            return "done"
        return "partial" if self.scanned else "todo"


@dataclass(frozen=True)
class Progress:
    lines: tuple[LineProgress, ...]
    extras: tuple[tuple[str, int], ...]  # wrong items in the box: merchant code, count

    @property
    def is_blocked(self) -> bool:
        return bool(self.extras) or any(line.state == "over" for line in self.lines)

    @property
    def is_complete(self) -> bool:
        return not self.extras and all(line.state == "done" for line in self.lines)

    @property
    def scanned(self) -> int:
        return sum(line.scanned for line in self.lines) + sum(n for _code, n in self.extras)

    @property
    def expected(self) -> int:
        return sum(line.item.quantity for line in self.lines)


# Feedback levels the page shows: green, green and done, red with a sound, amber.
OK: Final = "ok"
COMPLETE: Final = "complete"
BLOCKED: Final = "blocked"
ERROR: Final = "error"
WARNING: Final = "warning"
PACKED: Final = "packed"


@dataclass(frozen=True)
class ScanOutcome:
    state: PackingState
    level: str
    message: str
    checks: ParcelChecks | None = None  # the open parcel (or the refused one, to find it)
    progress: Progress | None = None
    code: str = ""  # the error code, when refused
    data: dict[str, Any] = field(default_factory=dict)


# ---------------------------------------------------------------- reading a parcel


def normalize_code(text: str) -> str:
    """What a scanner or a person typed: full-width characters (a Chinese input method left
    on) become ASCII, surrounding spaces go."""
    return unicodedata.normalize("NFKC", text or "").strip()


def _barcode_variants(code: str) -> list[str]:
    # A UPC-A code reads as 12 digits on some scanners and as its 13-digit EAN form
    # (leading 0) on others.
    variants = [code]
    if code.isdigit() and len(code) == 12:
        variants.append(f"0{code}")
    elif code.isdigit() and len(code) == 13 and code.startswith("0"):
        variants.append(code[1:])
    return variants


def _when(moment: Any) -> str:
    return timezone.localtime(moment, SHANGHAI).strftime("%Y-%m-%d %H:%M") if moment else "—"


def person_name(user: Any) -> str:
    if user is None:
        return _("someone")
    return str(user.get_full_name() or user.get_username())


def live_parcels(tracking_no: str) -> list[Parcel]:
    return list(
        Parcel.objects.select_related("courier", "order", "packed_by")
        .filter(tracking_no=tracking_no)
        .exclude(status=ParcelStatus.CANCELLED)
        .order_by("pk")
    )


def find_parcel(scanned_waybill: str) -> Parcel:
    """The live parcel with this tracking number. Raises UnknownBarcode, or LabelCancelled
    for a label that was cancelled and printed again under another number."""
    code = normalize_code(scanned_waybill)
    parcels = live_parcels(code) if code else []
    if not parcels:
        if code and Parcel.objects.filter(tracking_no=code, status=ParcelStatus.CANCELLED).exists():
            raise LabelCancelled(
                _("Label %(tracking)s was cancelled: this box needs its new label.")
                % {"tracking": code},
                tracking_no=code,
            )
        raise UnknownBarcode(
            _("Unknown barcode “%(code)s”: no printed parcel has this tracking number.")
            % {"code": code[:60]},
            barcode=code[:60],
        )
    # Two couriers may share a number range; the one still to pack is the one meant.
    return next((p for p in parcels if p.status == ParcelStatus.PRINTED), parcels[0])


def members_of(order: Order) -> list[Order]:
    merged = list(Order.objects.filter(merged_into=order).order_by("pk"))
    return [order, *merged]


def _closing_reason(order: Order) -> str:
    decision = (
        OrderDecision.objects.filter(order=order, action=DecisionAction.CANCEL)
        .order_by("-created_at", "-pk")
        .first()
    )
    return decision.reason if decision and decision.reason else _("no reason given")


def hold_labels(codes: Sequence[str]) -> str:
    labels = []
    for code in codes:
        try:
            labels.append(str(HoldReason(code).label))
        except ValueError:
            labels.append(code)
    return "、".join(labels)


def check_packable(parcel: Parcel, group: Sequence[Order]) -> None:
    """Raise unless the parcel may be packed now: its label is printed and not packed, and
    no order in it was held, closed, sent back or given another courier since printing."""
    if parcel.status == ParcelStatus.PACKED:
        raise ParcelAlreadyPacked(
            _("Parcel %(tracking)s was already packed by %(packer)s at %(when)s.")
            % {
                "tracking": parcel.tracking_no,
                "packer": person_name(parcel.packed_by),
                "when": _when(parcel.packed_at),
            },
            parcel_id=parcel.pk,
        )
    if parcel.status in LEFT_STATUSES:
        raise ParcelAlreadyShipped(
            _("Parcel %(tracking)s was shipped at %(when)s (packed by %(packer)s).")
            % {
                "tracking": parcel.tracking_no,
                "when": _when(parcel.shipped_at),
                "packer": person_name(parcel.packed_by),
            },
            parcel_id=parcel.pk,
        )
    if parcel.status != ParcelStatus.PRINTED:
        raise ParcelBlocked(
            _("Parcel %(tracking)s is %(status)s: it cannot be packed.")
            % {"tracking": parcel.tracking_no, "status": parcel.get_status_display()},
            parcel_id=parcel.pk,
        )
    for order in group:
        _check_order(parcel, order)


def _check_order(parcel: Parcel, order: Order) -> None:
    reason = ""
    if order.status == OrderStatus.CLOSED:
        reason = _("order %(order)s was closed after printing (%(why)s)") % {
            "order": order,
            "why": _closing_reason(order),
        }
    elif order.holds:
        reason = _("order %(order)s is on hold: %(holds)s") % {
            "order": order,
            "holds": hold_labels(order.holds),
        }
    elif order.status in (OrderStatus.SHIPPED, OrderStatus.COMPLETED):
        reason = _("order %(order)s is already shipped (%(tracking)s)") % {
            "order": order,
            "tracking": order.tracking_no or "—",
        }
    elif order.status not in PACKABLE_ORDER_STATUSES | {OrderStatus.PACKED}:
        reason = _("order %(order)s went back to “%(status)s” after printing") % {
            "order": order,
            "status": order.get_status_display(),
        }
    elif order.courier and order.courier != parcel.courier.code:
        reason = _("order %(order)s now goes by %(courier)s: print a new label") % {
            "order": order,
            "courier": order.courier,
        }
    elif order.tracking_no and order.tracking_no != parcel.tracking_no:
        reason = _("order %(order)s now has tracking number %(tracking)s") % {
            "order": order,
            "tracking": order.tracking_no,
        }
    if reason:
        raise ParcelBlocked(
            _("Do not pack %(tracking)s: %(reason)s. Put the box aside for customer service.")
            % {"tracking": parcel.tracking_no, "reason": reason},
            parcel_id=parcel.pk,
        )


def parcel_checks(parcel: Parcel, group: Sequence[Order]) -> ParcelChecks:
    """The three checks of a parcel as the orders are now: refunded lines are left out of
    the items (and listed apart, so the packer leaves them out of the box)."""
    order = group[0]
    lines = (
        OrderLine.objects.filter(order__in=[member.pk for member in group])
        .select_related("sku__product")
        .order_by("order_id", "pk")
    )
    items: dict[int, ExpectedItem] = {}
    refunded: list[RefundedItem] = []
    for line in lines:
        sku = line.sku
        properties = "/".join(p for p in (sku.color, sku.size) if p) if sku else ""
        properties = properties or line.properties
        if line.refund_status == RefundStatus.REFUNDED:
            code = sku.merchant_code if sku else line.merchant_code
            refunded.append(RefundedItem(code, line.title, properties, line.quantity))
            continue
        if sku is None:
            raise ParcelBlocked(
                _("Do not pack %(tracking)s: line %(code)s of order %(order)s has no SKU.")
                % {"tracking": parcel.tracking_no, "code": line.merchant_code, "order": order},
                parcel_id=parcel.pk,
            )
        known = items.get(sku.pk)
        codes = (*known.line_codes, line.merchant_code) if known else (line.merchant_code,)
        items[sku.pk] = ExpectedItem(
            sku_id=sku.pk,
            merchant_code=sku.merchant_code,
            barcode=sku.barcode or "",
            title=known.title if known else (line.title or sku.product.title),
            properties=properties,
            quantity=(known.quantity if known else 0) + line.quantity,
            line_codes=tuple(dict.fromkeys(code for code in codes if code)),
        )
    if not items:
        raise ParcelBlocked(
            _("Do not pack %(tracking)s: nothing in it is left to ship.")
            % {"tracking": parcel.tracking_no},
            parcel_id=parcel.pk,
        )
    return ParcelChecks(
        parcel_id=parcel.pk,
        tracking_no=parcel.tracking_no,
        courier_code=parcel.courier.code,
        courier_name=parcel.courier.name,
        order_id=order.pk,
        order_nos=tuple(str(member) for member in group),
        receiver_name=order.receiver_name,
        receiver_phone=order.receiver_phone,
        receiver_address=order.receiver_full_address,
        receiver_postcode=order.receiver_postcode,
        seller_memo=order.seller_memo,
        buyer_message=order.buyer_message,
        estimated_weight_g=parcel.estimated_weight_g,
        items=tuple(items.values()),
        refunded=tuple(refunded),
    )


def progress(checks: ParcelChecks, state: PackingState) -> Progress:
    counts = state.counts()
    lines = tuple(LineProgress(item, counts.get(item.sku_id, 0)) for item in checks.items)
    wrong = {sku_id: n for sku_id, n in counts.items() if checks.item_of(sku_id) is None}
    codes = (
        dict(Sku.objects.filter(pk__in=wrong).values_list("pk", "merchant_code")) if wrong else {}
    )
    extras = tuple((codes.get(sku_id, str(sku_id)), n) for sku_id, n in wrong.items())
    return Progress(lines, extras)


def open_parcel(parcel_id: int) -> tuple[Parcel, ParcelChecks]:
    parcel = (
        Parcel.objects.select_related("courier", "order", "packed_by").filter(pk=parcel_id).first()
    )
    if parcel is None:
        raise NoParcelOpen(_("The open parcel no longer exists: scan a waybill."))
    group = members_of(parcel.order)
    check_packable(parcel, group)
    return parcel, parcel_checks(parcel, group)


def find_sku(code: str) -> Sku | None:
    variants = _barcode_variants(code)
    found = Sku.objects.filter(Q(barcode__in=variants) | Q(merchant_code=code)).first()
    return found or Sku.objects.filter(merchant_code__iexact=code).first()


def match_item(checks: ParcelChecks, code: str) -> ExpectedItem | None:
    """The parcel's item with this barcode, SKU merchant code or the channel's merchant
    code of one of its lines (codes typed by hand: any case)."""
    variants = set(_barcode_variants(code))
    upper = code.upper()
    for item in checks.items:
        if item.barcode and item.barcode in variants:
            return item
    for item in checks.items:
        if upper == item.merchant_code.upper() or upper in (c.upper() for c in item.line_codes):
            return item
    return None


# ---------------------------------------------------------------- the scans


def start_verification(*, actor: Any, scanned_waybill: str) -> ScanOutcome:
    """Open the parcel of a scanned waybill, with nothing in the box yet.

    Raises UnknownBarcode, LabelCancelled, ParcelAlreadyPacked (saying by whom and when),
    ParcelAlreadyShipped, or ParcelBlocked with the reason when an order in it was held,
    closed, refunded or sent back since its label was printed."""
    parcel = find_parcel(scanned_waybill)
    group = members_of(parcel.order)
    check_packable(parcel, group)
    checks = parcel_checks(parcel, group)
    state = PackingState(parcel.pk, parcel.tracking_no)
    count = sum(item.quantity for item in checks.items)
    message = ngettext(
        "Parcel %(tracking)s (%(courier)s): scan its %(n)d item.",
        "Parcel %(tracking)s (%(courier)s): scan its %(n)d items.",
        count,
    ) % {"tracking": parcel.tracking_no, "courier": parcel.courier.name, "n": count}
    return ScanOutcome(state, OK, message, checks, progress(checks, state))


def blocked_message(result: Progress) -> str:
    for code, count in result.extras:
        return _(
            "%(code)s is not in this parcel (%(n)d in the box): take it out, then scan UNDO "
            "or -%(code)s."
        ) % {"code": code, "n": count}
    for line in result.lines:
        if line.state == "over":
            return _(
                "One too many %(code)s: %(expected)d ordered, %(scanned)d scanned. Take one "
                "out, then scan UNDO."
            ) % {
                "code": line.item.merchant_code,
                "expected": line.item.quantity,
                "scanned": line.scanned,
            }
    return ""


def scan_item(*, state: PackingState, barcode: str) -> ScanOutcome:
    """One item scanned into the open parcel. A wrong item or one too many is counted (it
    is in the box) and blocks the parcel until it is taken out; while blocked, other items
    are refused. Raises UnknownBarcode for a code that is no SKU of ours, and the errors of
    `check_packable` when the order changed since the parcel was opened."""
    if state.parcel_id is None:
        raise NoParcelOpen()
    code = normalize_code(barcode)
    _parcel, checks = open_parcel(state.parcel_id)
    before = progress(checks, state)
    item = match_item(checks, code)
    if item is not None:
        sku_id, scanned_code = item.sku_id, item.merchant_code
    else:
        sku = find_sku(code) if code else None
        if sku is None:
            raise UnknownBarcode(
                _("Unknown barcode “%(code)s”: no SKU of ours has it.") % {"code": code[:60]},
                barcode=code[:60],
            )
        sku_id, scanned_code = sku.pk, sku.merchant_code
    if before.is_blocked:
        return ScanOutcome(
            state,
            BLOCKED,
            _("Not counted: fix the box first. %(problem)s") % {"problem": blocked_message(before)},
            checks,
            before,
            code="parcel_blocked",
        )
    state = replace(state, scans=(*state.scans, sku_id))
    after = progress(checks, state)
    if after.is_blocked:
        message = blocked_message(after)
        if any(refunded.merchant_code == scanned_code for refunded in checks.refunded):
            message = _("%(code)s was refunded: it must not go in the box. %(fix)s") % {
                "code": scanned_code,
                "fix": message,
            }
        return ScanOutcome(state, BLOCKED, message, checks, after, code="parcel_blocked")
    if after.is_complete:
        return ScanOutcome(
            state, COMPLETE, _("All items checked: weigh the parcel."), checks, after
        )
    # Not blocked, so the SKU is one of the parcel's.
    line = next(line for line in after.lines if line.item.sku_id == sku_id)
    message = _("%(code)s: %(scanned)d of %(expected)d.") % {
        "code": scanned_code,
        "scanned": line.scanned,
        "expected": line.item.quantity,
    }
    return ScanOutcome(state, OK, message, checks, after)


# ---------------------------------------------------------------- weighing and packing


def check_weight(weight_g: int, estimated_g: int, *, confirmed: bool) -> str:
    """Raise InvalidInput outside (0, 50 kg); UnusualWeight when far from the estimate and
    not confirmed. Returns the warning text for a confirmed unusual weight ("" otherwise)."""
    if weight_g <= 0 or weight_g >= MAX_WEIGHT_G:
        raise InvalidInput(
            {
                "weight": [
                    _("A parcel weighs more than 0 g and less than %(max)d kg; %(g)d g?")
                    % {"max": MAX_WEIGHT_G // 1000, "g": weight_g}
                ]
            }
        )
    if not estimated_g or not is_unusual_weight(weight_g, estimated_g):
        return ""
    warning = _(
        "%(weight)d g is far from the estimated %(estimate)d g: check the box and the scale."
    ) % {"weight": weight_g, "estimate": estimated_g}
    if not confirmed:
        raise UnusualWeight(
            _("%(warning)s Press Enter again to keep %(weight)d g.")
            % {"warning": warning, "weight": weight_g},
            weight_g=weight_g,
            estimated_weight_g=estimated_g,
        )
    return warning


def is_unusual_weight(weight_g: int, estimated_g: int) -> bool:
    """More than twice or less than half the estimate, and at least 300 g away from it."""
    far = abs(weight_g - estimated_g) >= UNUSUAL_MIN_DIFFERENCE_G
    return far and (
        weight_g > estimated_g * UNUSUAL_RATIO or weight_g * UNUSUAL_RATIO < estimated_g
    )


def count_differences(items: Sequence[ExpectedItem], counts: Mapping[int, int]) -> list[str]:
    """Each SKU whose count differs from the order, in words; empty when the box is right."""
    problems = []
    expected = {item.sku_id: item for item in items}
    for item in items:
        scanned = int(counts.get(item.sku_id, 0))
        if scanned != item.quantity:
            problems.append(
                _("%(code)s: %(expected)d ordered, %(scanned)d scanned")
                % {"code": item.merchant_code, "expected": item.quantity, "scanned": scanned}
            )
    wrong = {int(sku_id): int(n) for sku_id, n in counts.items() if n and sku_id not in expected}
    if wrong:
        codes = dict(Sku.objects.filter(pk__in=wrong).values_list("pk", "merchant_code"))
        problems.extend(
            _("%(code)s: not in this parcel, %(scanned)d scanned")
            % {"code": codes.get(sku_id, str(sku_id)), "scanned": n}
            for sku_id, n in wrong.items()
        )
    return problems


@dataclass(frozen=True)
class PackResult:
    parcel: Parcel
    warning: str = ""
    repeated: bool = False  # asked twice: packed once


def finish_packing(
    *,
    actor: Any,
    parcel_id: int,
    counts: Mapping[int, int],
    weight_g: int,
    confirm_weight: bool = False,
) -> PackResult:
    """Mark the parcel packed by `actor` with its weight, and its orders packed (audited).

    Everything is checked again here under locks (the order, then the parcel, as printing
    and shipping lock them): the parcel is still printed, no order in it changed since printing, and
    `counts` (SKU id -> units in the box) equals the order's items exactly. Raises those
    checks' errors, ItemsMismatch listing each difference, InvalidInput for a weight
    outside (0, 50 kg), UnusualWeight (nothing saved) for a weight far from the estimate
    unless `confirm_weight`. The same packer finishing the same parcel twice with the same
    weight (a double Enter) gets the first result back."""
    order_id = Parcel.objects.filter(pk=parcel_id).values_list("order_id", flat=True).first()
    if order_id is None:
        raise NotFound(_("No such parcel."))
    user = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        # The order first, then its parcel: the lock order of printing and shipping.
        order = lifecycle.lock_order(order_id)
        parcel = (
            # Only the parcel's row: PostgreSQL locks no outer-joined (packer) row.
            Parcel.objects.select_for_update(of=("self",))
            .select_related("courier", "packed_by")
            .get(pk=parcel_id)
        )
        if (
            parcel.status == ParcelStatus.PACKED
            and user is not None
            and parcel.packed_by_id == user.pk
            and parcel.weight_g == weight_g
        ):
            return PackResult(parcel, repeated=True)
        group = lifecycle.group_of(order)
        check_packable(parcel, group)
        checks = parcel_checks(parcel, group)
        problems = count_differences(checks.items, counts)
        if problems:
            raise ItemsMismatch(
                _("The box does not match the order: %(problems)s.")
                % {"problems": "; ".join(problems)},
                problems=problems,
            )
        warning = check_weight(weight_g, parcel.estimated_weight_g, confirmed=confirm_weight)
        _mark_packed(actor, user, parcel, group, weight_g, warning)
        return PackResult(parcel, warning)


def _mark_packed(
    actor: Any, user: Any, parcel: Parcel, group: Sequence[Order], weight_g: int, warning: str
) -> None:
    names = ("status", "packed_by", "packed_at", "weight_g")
    before = audit.snapshot(parcel, names)
    parcel.status = ParcelStatus.PACKED
    parcel.packed_by = user
    parcel.packed_at = timezone.now()
    parcel.weight_g = weight_g
    parcel.save(update_fields=[*names, "updated_at"])
    audit.record(
        actor=actor,
        instance=parcel,
        action=audit.AuditAction.UPDATE,
        changes=audit.diff(before, audit.snapshot(parcel, names)),
        note=warning,
    )
    note = _("Packed and weighed: %(tracking)s, %(weight)d g") % {
        "tracking": parcel.tracking_no,
        "weight": weight_g,
    }
    for member in group:
        if member.status in PACKABLE_ORDER_STATUSES:
            lifecycle.set_status(actor, member, OrderStatus.PACKED, note=note)
