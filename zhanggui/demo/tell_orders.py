"""The life of each demo order, told as a timeline (pure, no ORM): when the channel sees it
and its payment, what auto-review and customer service do, when the warehouse prints, packs
and ships it, and what happens after (finished, returned, exchanged, refunded, closed).

Everything is said in time order, so each channel record holds what was known then."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial

from zhanggui.demo import data_orders as story
from zhanggui.demo.story_orders import (
    AFTER_SALES,
    APPROVE,
    CLOSE,
    CS,
    DAY,
    FINANCE,
    FLAG,
    HOLD,
    MERGE,
    REFUND,
    REVIEW,
    SPLIT,
    Shipping,
    Timeline,
    confirm_moment,
    cs_after,
    is_held_by_rules,
    plan_shipping,
    review_after,
    ship,
    sync_after,
    tracking_number,
)
from zhanggui.orders.models import Flag, HoldReason, RefundStatus
from zhanggui.orders.services.inputs import ChannelState

FLOW = "flow"  # the ordinary course
MERGE_KIND = "merge"  # the first order of a pair merged by customer service
MERGED_KIND = "merged"  # the second, merged into the first
SHORT_KINDS = frozenset({"hold_out_of_stock", "refunded_out_of_stock", "split"})
# Orders told on purpose to be returned (purple) or exchanged (blue) after shipping.
AFTER_SHIPPING_ROLLS = {"returned": 0.0, "exchanged": story.RETURN_SHARE}


@dataclass(frozen=True)
class LinePlan:
    merchant_code: str
    title: str
    properties: str  # 颜色分类:黑色;尺码:M
    quantity: int
    price: Decimal
    discount: Decimal = Decimal("0.00")
    oid: str = ""

    @property
    def amount(self) -> Decimal:
        return self.price * self.quantity - self.discount

    @property
    def label(self) -> str:
        """The line as staff write it in a memo: short title (colour size)."""
        colour_size = self.properties.replace("颜色分类:", "").replace(";尺码:", " ")
        return f"{self.title[:12]}（{colour_size}）"

    @property
    def size(self) -> str:
        return self.properties.rsplit(":", 1)[-1]


@dataclass
class Draft:
    """An order while it is planned: who, when, what, and what will happen to it."""

    key: int
    kind: str
    buyer: int
    channel: str
    province: str
    ordered_at: int
    paid_at: int | None = None
    lines: list[LinePlan] = field(default_factory=list)
    order_no: str = ""
    message: str = ""
    message_memo: str = ""
    requested_courier: str = ""
    invoice_title: str = ""
    nth: int = 1  # this buyer's how-manyth order
    festival: bool = False  # ordered on a festival day: shipped from the backlog
    paid_total: Decimal = Decimal("0.00")
    partner: int | None = None  # merge pairs: the other order's key


def tell(rng: random.Random, draft: Draft) -> Timeline:
    timeline = Timeline(draft.channel, tuple(line.amount for line in draft.lines))
    seen = _arrive(rng, draft, timeline)
    if seen is None or draft.kind in ("hold_unmatched", "hold_address"):
        return timeline  # unpaid, or held at intake for a mapping or a corrected address
    if draft.kind == "hold_refund":
        lines = range(len(draft.lines))
        timeline.refund_lines(sync_after(seen), lines, RefundStatus.REQUESTED)
        return timeline
    ready = _review(rng, draft, timeline, seen)
    if ready is not None:
        _ship_and_after(rng, draft, timeline, ready)
    return timeline


def tell_pair(rng: random.Random, first: Draft, second: Draft) -> tuple[Timeline, Timeline]:
    """Two orders of one buyer, merged before auto-review and shipped as one parcel: the
    channel hears of the shipment for both, and each trade finishes on its own."""
    second_line = Timeline(second.channel, tuple(line.amount for line in second.lines))
    second_seen = _arrive(rng, second, second_line)
    first_line = Timeline(first.channel, tuple(line.amount for line in first.lines))
    first_seen = _arrive(rng, first, first_line)
    if first_seen is None or second_seen is None:
        raise ValueError("orders to merge are paid")
    review = review_after(first_seen)
    first_line.shop(review - 1, MERGE, actor=CS, merged=(second.key,))
    first_line.shop(review, REVIEW)
    shipping = _ship_and_after(rng, first, first_line, review)
    if shipping is not None:
        second_line.shipped(shipping.shipped_at, shipping.courier, shipping.tracking_no)
        finished = confirm_moment(rng, shipping.shipped_at)
        second_line.says(finished, ChannelState.FINISHED)
    return first_line, second_line


def _arrive(rng: random.Random, draft: Draft, timeline: Timeline) -> int | None:
    """The sync brings the order, and its payment; returns when Zhanggui knows it is paid
    (None: never paid in the story)."""
    seen = sync_after(draft.ordered_at)
    if draft.channel == "jd" and draft.paid_at is not None:
        seen = sync_after(draft.paid_at)  # JD's order API lists paid orders only
    if draft.paid_at is None:
        timeline.receive(seen, ChannelState.UNPAID)
        if draft.kind == "closed_out_of_stock":
            # Unpaid and out of stock: close it and tell the buyer (DOMAIN.md §5).
            closed = cs_after(rng, seen)
            timeline.shop(closed, CLOSE, actor=CS, text=story.OUT_OF_STOCK_UNPAID_REASON)
            timeline.closes_unpaid(sync_after(closed))
        elif draft.kind == FLOW:
            hours = rng.randint(*story.UNPAID_CLOSE_HOURS)
            timeline.closes_unpaid(sync_after(draft.ordered_at + hours * 60))
        return None
    if draft.paid_at <= seen:
        timeline.receive(seen, ChannelState.PAID)
        return seen
    timeline.receive(seen, ChannelState.UNPAID)
    paid_seen = sync_after(draft.paid_at)
    timeline.says(paid_seen, ChannelState.PAID)
    return paid_seen


def _review(rng: random.Random, draft: Draft, timeline: Timeline, seen: int) -> int | None:
    """Auto-review, then customer service for what it held. Returns when the order is
    approved and ready to print, or None when its story goes another way."""
    review = review_after(seen)
    if draft.kind in SHORT_KINDS:
        timeline.shop(review, REVIEW, out_of_stock=True)
        return _short(rng, draft, timeline, cs_after(rng, review))
    held = is_held_by_rules(message=draft.message, memo="", paid=draft.paid_total)
    timeline.shop(review, REVIEW, held=held)
    if not held:
        return review
    handled = cs_after(rng, review)
    if draft.kind == "hold_message":
        timeline.shop(handled, FLAG, actor=CS, flag=Flag.RED, text=draft.message_memo)
        return None
    if draft.kind == "hold_wait":
        manual = (HoldReason.MANUAL.value,)
        timeline.shop(handled, HOLD, actor=CS, reasons=manual, text=draft.message_memo)
        timeline.shop(handled + 1, FLAG, actor=CS, flag=Flag.YELLOW, text=draft.message_memo)
        return None
    if draft.message_memo:
        timeline.shop(handled, FLAG, actor=CS, flag=Flag.RED, text=draft.message_memo)
        handled += 1
    timeline.shop(handled, APPROVE, actor=CS)
    return handled


def _short(rng: random.Random, draft: Draft, timeline: Timeline, handled: int) -> int | None:
    """Auto-review found the stock short: the order waits in the out-of-stock tab (yellow).
    Customer service splits off what is missing and ships the rest, or asks the buyer to
    request a refund (DOMAIN.md §5)."""
    if draft.kind == "split":
        timeline.shop(handled, SPLIT, actor=CS, lines=(1,))
        timeline.shop(handled + 1, APPROVE, actor=CS)
        # The missing piece does not come back in time: the buyer is refunded for it.
        refunded = handled + rng.randint(1, 2) * DAY
        refund = (1, RefundStatus.REFUNDED.value, timeline.line_amounts[1])
        timeline.shop(refunded, REFUND, part=1, actor=AFTER_SALES, refund=refund)
        return handled + 1
    timeline.shop(handled, FLAG, actor=CS, flag=Flag.YELLOW, text=story.OUT_OF_STOCK_MEMO)
    if draft.kind == "refunded_out_of_stock":
        lines = range(len(draft.lines))
        asked = sync_after(handled + rng.randint(60, 600))
        timeline.refund_lines(asked, lines, RefundStatus.REQUESTED)
        agreed = sync_after(asked + rng.randint(*story.REFUND_AGREED_MINUTES))
        timeline.refund_lines(agreed, lines, RefundStatus.REFUNDED)
    return None


def _late_days(rng: random.Random, draft: Draft) -> int:
    if draft.kind != FLOW:
        return 0
    if draft.festival:
        return rng.choice(story.FESTIVAL_BACKLOG_DAYS)
    if rng.random() < story.LATE_SHARE:
        return rng.choice((1, 1, 2))
    return 0


def _ship_and_after(
    rng: random.Random, draft: Draft, timeline: Timeline, ready: int
) -> Shipping | None:
    """From approval to the end of the story; returns the shipment (None: refunded first)."""
    _flag_after_review(rng, draft, timeline, ready)
    count = len(draft.lines)
    shipping = plan_shipping(
        rng,
        ready_at=ready,
        province=draft.province,
        late_days=_late_days(rng, draft),
        courier=draft.requested_courier,
        packing={"printed": "tomorrow", "packed": "tonight"}.get(draft.kind, ""),
    )
    roll = rng.random() if draft.kind == FLOW else 1.0
    if roll < story.REFUND_BEFORE_SHIPPING_SHARE:
        # The buyer changed their mind before the parcel was printed: the trade closes.
        asked = sync_after(rng.randint(ready, max(ready, shipping.printed_at - 60)))
        timeline.refund_lines(asked, range(count), RefundStatus.REQUESTED)
        agreed = sync_after(asked + rng.randint(*story.REFUND_AGREED_MINUTES))
        timeline.refund_lines(agreed, range(count), RefundStatus.REFUNDED)
        return None
    if count > 1 and roll < story.REFUND_BEFORE_SHIPPING_SHARE + story.LINE_REFUND_SHARE:
        # One line refunded before shipping: its stock goes back, the rest ships.
        index = rng.randrange(count)
        asked = sync_after(rng.randint(ready, max(ready, shipping.printed_at - 60)))
        timeline.refund_lines(asked, [index], RefundStatus.REQUESTED)
        agreed = sync_after(asked + rng.randint(5, 30))
        timeline.refund_lines(agreed, [index], RefundStatus.REFUNDED)
        if agreed >= shipping.printed_at:
            shipping = plan_shipping(
                rng,
                ready_at=agreed,
                province=draft.province,
                courier=draft.requested_courier,
            )
    ship(timeline, shipping)
    _after_shipping(rng, draft, timeline, shipping.shipped_at)
    return shipping


def _flag_after_review(rng: random.Random, draft: Draft, timeline: Timeline, ready: int) -> None:
    """Green for a bank transfer received; red with the count for a repeat buyer."""
    if draft.invoice_title:
        memo = story.BANK_TRANSFER_MEMO.format(
            amount=sum(timeline.line_amounts, Decimal("0.00")),
            bank=rng.choice(story.BANKS),
            tail=f"{rng.randint(0, 9999):04d}",
            title=draft.invoice_title,
        )
        timeline.shop(cs_after(rng, ready), FLAG, actor=FINANCE, flag=Flag.GREEN, text=memo)
    elif (
        draft.nth >= story.REPEAT_BUYER_FROM
        and not draft.message_memo
        and rng.random() < story.REPEAT_BUYER_FLAG_SHARE
    ):
        memo = story.REPEAT_BUYER_MEMO.format(n=draft.nth)
        timeline.shop(cs_after(rng, ready), FLAG, actor=CS, flag=Flag.RED, text=memo)


def _after_shipping(rng: random.Random, draft: Draft, timeline: Timeline, shipped_at: int) -> None:
    """The trade finishes; now and then the buyer returns a line (purple) or exchanges a
    size (blue), with the return and reshipment waybills in the memo."""
    finished = confirm_moment(rng, shipped_at, auto=draft.kind == "shipped")
    roll = AFTER_SHIPPING_ROLLS.get(draft.kind, 1.0) if draft.kind != FLOW else rng.random()
    happenings: list[tuple[int, Callable[[], None]]] = []
    if roll < story.RETURN_SHARE:
        index = rng.randrange(len(draft.lines))
        asked = sync_after(shipped_at + rng.randint(3, 6) * DAY + rng.randint(0, 600))
        agreed = sync_after(asked + rng.randint(1, 3) * DAY)
        flagged = cs_after(rng, agreed)
        memo = story.RETURN_MEMO.format(
            title=draft.lines[index].label,
            back=tracking_number(rng, rng.choice(("YTO", "STO", "SF"))),
        )
        happenings += [
            (asked, partial(timeline.refund_lines, asked, [index], RefundStatus.REQUESTED)),
            (agreed, partial(timeline.refund_lines, agreed, [index], RefundStatus.REFUNDED)),
            (flagged, partial(_flag, timeline, flagged, AFTER_SALES, Flag.PURPLE, memo)),
        ]
        if len(draft.lines) > 1 or finished < asked:
            # A trade with lines left finishes once the return is settled.
            if finished >= asked:
                finished = max(finished, agreed + 5)
            happenings.append((finished, partial(_finish, timeline, finished)))
    else:
        if roll < story.RETURN_SHARE + story.EXCHANGE_SHARE:
            exchanged = cs_after(rng, shipped_at + rng.randint(4, 8) * DAY)
            courier = rng.choice(("STO", "YTO"))
            memo = story.EXCHANGE_MEMO.format(
                size_from=draft.lines[0].size,
                size_to=bigger(draft.lines[0].size),
                back=tracking_number(rng, "YTO"),
                courier=courier,
                tracking=tracking_number(rng, courier),
            )
            happenings.append(
                (exchanged, partial(_flag, timeline, exchanged, AFTER_SALES, Flag.BLUE, memo))
            )
        happenings.append((finished, partial(_finish, timeline, finished)))
    for _moment, happen in sorted(happenings, key=lambda item: item[0]):
        happen()


def _flag(timeline: Timeline, at: int, actor: str, flag: str, memo: str) -> None:
    timeline.shop(at, FLAG, actor=actor, flag=flag, text=memo)


def _finish(timeline: Timeline, at: int) -> None:
    timeline.says(at, ChannelState.FINISHED)


LETTER_SIZES = ("XS", "S", "M", "L", "XL", "XXL", "3XL")


def bigger(size: str) -> str:
    """The next size up, as a buyer exchanging a tight garment asks for it."""
    if size in LETTER_SIZES[:-1]:
        return LETTER_SIZES[LETTER_SIZES.index(size) + 1]
    if size.isdigit():
        return str(int(size) + (10 if int(size) >= 80 else 1))  # heights step by 10 cm
    return "大一码"
