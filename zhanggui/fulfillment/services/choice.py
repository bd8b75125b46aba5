"""Which courier takes an order (DOMAIN.md §6), and the estimate shown with it.

The rules, in order:
1. a courier the seller memo or the buyer message asks for ("请发顺丰"), unless the text
   refuses it ("不要顺丰", "别发申通"), the shop does not use it, or it cannot reach the address;
2. the default courier (STO), unless the buyer refuses it or it cannot reach the receiver's
   province, city or district (its places not reached);
3. the fallback courier (EMS) where the default cannot go.
A person may choose another courier, with a reason (audited).

Estimated weight: each line's SKU weight (weight_g) times its quantity, 300 g for a SKU
without a weight, plus 50 g for the courier bag (courier_words.DEFAULT_ITEM_WEIGHT_G and
PACKAGING_WEIGHT_G). Refunded lines do not ship; orders merged into this one do. The
estimated cost is that weight quoted from the courier's price table (or the table it is
priced as)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhanggui.core.errors import InvalidInput
from zhanggui.core.models import AuditAction, AuditEntry
from zhanggui.fulfillment.exceptions import CourierCannotReach, CourierNotFound
from zhanggui.fulfillment.models import Courier, CourierExclusion, ShippingSettings
from zhanggui.fulfillment.services.courier_words import (
    Mention,
    estimate_weight_g,
    refused_couriers,
    requested_courier,
)
from zhanggui.fulfillment.services.couriers import Place, excluding, get_settings
from zhanggui.fulfillment.services.rates import Quoter
from zhanggui.orders.addresses import normalize_divisions
from zhanggui.orders.exceptions import WrongOrderStatus
from zhanggui.orders.models import (
    DecisionAction,
    Order,
    OrderDecision,
    OrderLine,
    OrderStatus,
    RefundStatus,
)
from zhanggui.orders.services import lifecycle

# Orders whose courier may still change: once a label is printed, cancel it first.
ASSIGNABLE: Final = frozenset({OrderStatus.TO_REVIEW, OrderStatus.ON_HOLD, OrderStatus.APPROVED})
RULE_AUTOMATIC: Final = "courier"
RULE_OVERRIDE: Final = "courier_override"
BATCH: Final = 500  # orders locked and written per transaction

# ---------------------------------------------------------------- choosing


@dataclass(frozen=True)
class CourierChoice:
    courier: Courier
    reason: str
    estimated_cost: Decimal | None  # None: the price table has no row for the province
    estimated_weight_g: int


@dataclass
class _Context:
    """What choosing needs besides the order, read once for a whole batch."""

    settings: ShippingSettings
    couriers: dict[str, Courier]
    quoter: Quoter = field(default_factory=Quoter)
    exclusions: dict[int, list[CourierExclusion]] = field(default_factory=dict)

    @classmethod
    def load(cls) -> _Context:
        couriers = {
            courier.code: courier
            for courier in Courier.objects.select_related("priced_as").filter(is_active=True)
        }
        return cls(settings=get_settings(), couriers=couriers)

    def excluding(self, courier: Courier, place: Place) -> CourierExclusion | None:
        if courier.pk not in self.exclusions:
            self.exclusions[courier.pk] = list(CourierExclusion.objects.filter(courier=courier))
        return excluding(self.exclusions[courier.pk], place)

    def active(self, courier: Courier | None) -> Courier | None:
        return None if courier is None else self.couriers.get(courier.code)


def place_of(order: Order) -> Place:
    """The receiver's place by official names (as stored, when they do not resolve)."""
    found = normalize_divisions(
        order.receiver_province, order.receiver_city, order.receiver_district, None
    )
    return Place(
        found.province or order.receiver_province,
        found.city or order.receiver_city,
        found.district or order.receiver_district,
    )


def _order_lines(order_ids: Sequence[int]) -> dict[int, list[tuple[int, int | None]]]:
    """(quantity, SKU weight) of the lines that ship, by order id."""
    lines: dict[int, list[tuple[int, int | None]]] = defaultdict(list)
    rows = (
        OrderLine.objects.filter(order_id__in=order_ids)
        .exclude(refund_status=RefundStatus.REFUNDED)
        .values_list("order_id", "quantity", "sku__weight_g")
    )
    for order_id, quantity, weight in rows:
        lines[order_id].append((quantity, weight))
    return lines


def parcel_weight_g(order: Order) -> int:
    """The estimated weight of the order's parcel, with the orders merged into it."""
    ids = [order.pk, *Order.objects.filter(merged_into=order).values_list("pk", flat=True)]
    lines = _order_lines(ids)
    return estimate_weight_g(line for order_id in ids for line in lines.get(order_id, []))


def _requested(order: Order) -> tuple[Mention | None, str]:
    """The courier asked for, and where: the seller's memo first (the seller has spoken
    with the buyer), then the buyer's message."""
    for text, source in (
        (order.seller_memo, _("seller memo")),
        (order.buyer_message, _("buyer message")),
    ):
        mention = requested_courier(text)
        if mention is not None:
            return mention, source
    return None, ""


def _refused(order: Order) -> set[str]:
    return refused_couriers(order.seller_memo) | refused_couriers(order.buyer_message)


def _candidates(order: Order, context: _Context, notes: list[str]) -> list[tuple[Courier, str]]:
    """The couriers to try, in order, each with why: the one asked for, the default, the
    fallback (each once)."""
    mention, source = _requested(order)
    candidates: list[tuple[Courier, str]] = []
    if mention is not None:
        asked = context.couriers.get(mention.code)
        if asked is None:
            notes.append(
                _("The %(source)s asks for “%(word)s”, which the shop does not use.")
                % {"source": source, "word": mention.word}
            )
        else:
            why = _("The %(source)s asks for %(courier)s (“%(word)s”).") % {
                "source": source,
                "courier": asked.name,
                "word": mention.word,
            }
            candidates.append((asked, why))
    default = context.active(context.settings.default_courier)
    fallback = context.active(context.settings.fallback_courier)
    if default is not None:
        why = _("%(courier)s is the default courier.")
        candidates.append((default, why % {"courier": default.name}))
    if fallback is not None:
        why = _("%(courier)s is the courier where the default cannot go.")
        candidates.append((fallback, why % {"courier": fallback.name}))
    unique: dict[str, tuple[Courier, str]] = {}
    for courier, why in candidates:
        unique.setdefault(courier.code, (courier, why))
    return list(unique.values())


def _choose(order: Order, weight_g: int, context: _Context) -> CourierChoice:
    place = place_of(order)
    notes: list[str] = []
    candidates = _candidates(order, context, notes)
    if not candidates:
        raise CourierNotFound(_("No default courier is set: choose one in the shipping settings."))
    # The seller's memo may ask for a courier the buyer's message refused: the memo wins.
    mention, _source = _requested(order)
    refused = _refused(order) - {mention.code if mention else ""}
    refused_but_reaching: list[tuple[Courier, str]] = []
    for courier, why in candidates:
        if context.excluding(courier, place) is not None:
            notes.append(
                _("%(courier)s does not reach %(place)s.")
                % {"courier": courier.name, "place": place}
            )
        elif courier.code in refused:
            notes.append(_("The buyer does not want %(courier)s.") % {"courier": courier.name})
            refused_but_reaching.append((courier, why))
        else:
            return _choice(courier, " ".join([*notes, why]), place, weight_g, context)
    if refused_but_reaching:
        # Every courier that goes there is one the buyer refused: the first of them until
        # a person decides (the review rules hold orders that name a courier).
        courier, why = refused_but_reaching[0]
        return _choice(courier, " ".join([*notes, why]), place, weight_g, context)
    message = _("No courier of the shop reaches %(place)s.") % {"place": place}
    raise CourierCannotReach(message, place=str(place))


def _choice(
    courier: Courier, reason: str, place: Place, weight_g: int, context: _Context
) -> CourierChoice:
    cost = context.quoter.quote(courier, place.province, weight_g)
    return CourierChoice(courier, reason, cost, weight_g)


def choose_courier(order: Order) -> CourierChoice:
    """The courier the shop's rules choose for the order (nothing is saved).

    Raises CourierCannotReach when no courier of the shop reaches the address, and
    CourierNotFound when no default courier is set."""
    return _choose(order, parcel_weight_g(order), _Context.load())


def _last_reason(order: Order) -> str:
    decision = (
        OrderDecision.objects.filter(order=order, rule__in=(RULE_AUTOMATIC, RULE_OVERRIDE))
        .order_by("-created_at", "-pk")
        .first()
    )
    return decision.reason if decision else ""


def current_choice(order: Order) -> tuple[CourierChoice | None, bool]:
    """The order's courier with its estimate, and whether it is saved on the order (True)
    or only what the rules would choose (False). None when no courier can be chosen."""
    context = _Context.load()
    weight = parcel_weight_g(order)
    if order.courier:
        courier = Courier.objects.select_related("priced_as").filter(code=order.courier).first()
        if courier is not None:
            reason = _last_reason(order) or _("Chosen before.")
            return _choice(courier, reason, place_of(order), weight, context), True
    try:
        return _choose(order, weight, context), False
    except (CourierCannotReach, CourierNotFound):
        return None, False


# ---------------------------------------------------------------- saving the choice


def _store(actor: Any, order: Order, choice: CourierChoice, *, rule: str, note: str) -> None:
    for member in lifecycle.group_of(order):
        # set_status keeps the status and audits the courier change with the reason.
        lifecycle.set_status(actor, member, member.status, note=note, courier=choice.courier.code)
        lifecycle.decide(member, DecisionAction.NOTE, actor=actor, rule=rule, reason=note)


@transaction.atomic
def assign_courier(
    actor: Any, order_id: int, courier_code: str | None = None, reason: str = ""
) -> CourierChoice:
    """Save the order's courier: the rules' choice, or (`courier_code`) a person's, which
    needs a reason. Orders merged into it get the same courier (they share the parcel).

    Raises WrongOrderStatus once a label is printed or for an order merged into another,
    CourierNotFound for an unknown or inactive courier, CourierCannotReach naming the place
    the courier does not reach, InvalidInput without a reason."""
    order = lifecycle.lock_order(order_id)
    if order.status not in ASSIGNABLE:
        raise WrongOrderStatus(
            _("The courier can change only before the label is printed."), status=order.status
        )
    if order.merged_into_id is not None:
        raise WrongOrderStatus(
            _("This order ships in the parcel of %(order)s: choose the courier there.")
            % {"order": order.merged_into}
        )
    if courier_code is None:
        choice = choose_courier(order)
        _store(actor, order, choice, rule=RULE_AUTOMATIC, note=choice.reason)
        return choice
    reason = reason.strip()
    if not reason:
        raise InvalidInput({"reason": [_("Say why this courier is chosen.")]})
    couriers = Courier.objects.select_related("priced_as").filter(is_active=True)
    courier = couriers.filter(code=courier_code.strip().upper()).first()
    if courier is None:
        raise CourierNotFound(
            _("No active courier with the code %(code)s.") % {"code": courier_code},
            code=courier_code,
        )
    context = _Context.load()
    place = place_of(order)
    if context.excluding(courier, place) is not None:
        raise CourierCannotReach(
            _("%(courier)s does not reach %(place)s.") % {"courier": courier.name, "place": place},
            courier=courier.code,
            place=str(place),
        )
    choice = _choice(courier, reason, place, parcel_weight_g(order), context)
    _store(actor, order, choice, rule=RULE_OVERRIDE, note=reason)
    return choice


@dataclass
class BatchAssignment:
    assigned: dict[str, int] = field(default_factory=dict)  # orders per courier code
    skipped: int = 0  # not approved, merged into another, or with a courier already
    failed: list[tuple[Order, str]] = field(default_factory=list)  # order, why


def assign_couriers(actor: Any, order_ids: Sequence[int]) -> BatchAssignment:
    """Choose and save the courier of each approved order that has none (batch printing
    calls this first). What the rules need is read once (settings, couriers, places not
    reached, price tables); each chunk of orders is locked, chosen and written in bulk, so a
    person's choice saved meanwhile is never overwritten. Orders merged into one get its
    courier. An order no courier reaches is listed in `failed` and left without one."""
    result = BatchAssignment()
    wanted = list(dict.fromkeys(order_ids))
    context = _Context.load()
    for start in range(0, len(wanted), BATCH):
        _assign_chunk(actor, wanted[start : start + BATCH], context, result)
    return result


@transaction.atomic
def _assign_chunk(
    actor: Any, chunk: Sequence[int], context: _Context, result: BatchAssignment
) -> None:
    orders = list(
        Order.objects.select_for_update()
        .filter(pk__in=chunk, status=OrderStatus.APPROVED, courier="", merged_into__isnull=True)
        .order_by("pk")
    )
    result.skipped += len(chunk) - len(orders)
    members: dict[int, list[Order]] = defaultdict(list)
    merged = Order.objects.select_for_update().filter(merged_into__in=orders).order_by("pk")
    for member in merged.only("pk", "order_no", "part", "courier", "merged_into_id"):
        assert member.merged_into_id is not None  # noqa: S101 (filtered on it)
        members[member.merged_into_id].append(member)
    lines = _order_lines([o.pk for o in orders] + [m.pk for ms in members.values() for m in ms])
    user = actor if getattr(actor, "is_authenticated", False) else None
    name = user.get_username() if user else str(actor or "system")
    records = _Records(user=user, actor_name=name[:150])
    by_code: dict[str, list[int]] = defaultdict(list)
    for order in orders:
        group = [order, *members.get(order.pk, [])]
        weight = estimate_weight_g(line for one in group for line in lines.get(one.pk, []))
        try:
            picked = _choose(order, weight, context)
        except (CourierCannotReach, CourierNotFound) as error:
            result.failed.append((order, str(error.message)))
            continue
        code = picked.courier.code
        result.assigned[code] = result.assigned.get(code, 0) + 1
        for one in group:
            by_code[code].append(one.pk)
            records.add(one, code, picked.reason)
    now = timezone.now()
    for code, ids in by_code.items():
        Order.objects.filter(pk__in=ids).update(courier=code, updated_at=now)
    OrderDecision.objects.bulk_create(records.decisions, batch_size=500)
    AuditEntry.objects.bulk_create(records.entries, batch_size=500)


@dataclass
class _Records:
    """The audit entries and decisions of a batch, as audit.record and lifecycle.decide
    write them, inserted in bulk."""

    user: Any
    actor_name: str
    entries: list[AuditEntry] = field(default_factory=list)
    decisions: list[OrderDecision] = field(default_factory=list)

    def add(self, order: Order, code: str, reason: str) -> None:
        self.decisions.append(
            OrderDecision(
                order=order,
                action=DecisionAction.NOTE,
                actor=self.user,
                rule=RULE_AUTOMATIC,
                reason=reason[:255],
            )
        )
        if order.courier == code:
            return
        self.entries.append(
            AuditEntry(
                actor=self.user,
                actor_name=self.actor_name,
                action=AuditAction.UPDATE,
                content_type=ContentType.objects.get_for_model(Order),
                object_id=str(order.pk),
                object_repr=str(order)[:200],
                changes={"courier": {"before": order.courier, "after": code}},
                note=reason[:255],
            )
        )
