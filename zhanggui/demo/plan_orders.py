"""The demo's orders as plain data: who buys what and when over the last 90 days, and every
step of each order's life until the story ends at midnight, from a seed, today's date, the
catalog, the customers and the stock each SKU has free (pure, no ORM).

Most orders take the ordinary course (tell_orders): paid, reviewed, printed, packed, shipped,
finished; some closed unpaid or refunded, some returned or exchanged. A few are told on
purpose so the shop opens on a morning with every kind of work waiting: unpaid orders,
orders to review, held ones for each reason, parcels printed and packed, merges and a split.

Stock is promised by construction: an order that may be approved in Zhanggui takes SKUs
with enough still free after the orders before it, every reservation counted as taken for
good (released ones are never counted back), and the orders short of stock on purpose take
SKUs with nothing free, which no other order reserves."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from zhanggui.core.money import round_money
from zhanggui.customers.services import CustomerInput
from zhanggui.demo import data_orders as story
from zhanggui.demo.data_products import SHOPS
from zhanggui.demo.plan_catalog import ProductPlan
from zhanggui.demo.plan_stock import HERO_FACTOR, LINE_FACTOR
from zhanggui.demo.story_orders import DAY, END, Step, compile_steps, sync_after
from zhanggui.demo.tell_orders import (
    FLOW,
    MERGE_KIND,
    MERGED_KIND,
    Draft,
    LinePlan,
    tell,
    tell_pair,
)
from zhanggui.orders.services.inputs import ReceiverInput

IMPORT_AT = story.IMPORT_DAY * DAY + story.AT_IMPORT
LAST_SYNC = sync_after(END - story.SYNC_EVERY)  # the story's last sync run, before midnight
# Orders placed from a few days before the import on may be worked on in Zhanggui.
MAY_ALLOCATE_FROM = IMPORT_AT - 3 * DAY
TAOBAO_CHANNELS = ("taobao", "tmall")  # JD only sends paid orders
INTAKE_HELD = frozenset({"hold_unmatched", "hold_address"})

# The kinds told on purpose, most wanted first (a tiny demo keeps the first ones):
# (kind, at least, share of all orders). A merge is a pair of orders.
SPECIALS: tuple[tuple[str, int, float], ...] = (
    ("awaiting_payment", 1, 0.002),
    ("to_review", 1, 0.002),
    ("approved", 1, 0.0015),
    ("printed", 1, 0.001),
    ("packed", 1, 0.001),
    ("shipped", 1, 0.0),
    ("hold_out_of_stock", 1, 0.002),
    ("hold_unmatched", 1, 0.0015),
    ("hold_address", 1, 0.001),
    ("hold_message", 1, 0.0015),
    ("hold_refund", 1, 0.001),
    ("hold_wait", 1, 0.001),
    (MERGE_KIND, 1, 0.004),
    ("split", 1, 0.002),
    ("closed_out_of_stock", 1, 0.001),
    ("refunded_out_of_stock", 1, 0.002),
    ("bank_transfer", 1, 0.0),  # and one in a hundred ordinary orders
    ("returned", 1, 0.0),  # and four in a hundred
    ("exchanged", 1, 0.0),  # and two in a hundred
)
# When each kind is ordered: (days back: newest, oldest; minutes: earliest, latest).
SPECIAL_TIMES: dict[str, tuple[tuple[int, int], tuple[int, int]]] = {
    "awaiting_payment": ((-1, -1), (18 * 60, 23 * 60 + 45)),
    "approved": ((-1, -1), (19 * 60 + 40, 23 * 60 + 10)),
    "printed": ((-1, -1), (16 * 60 + 20, 19 * 60)),
    "packed": ((-1, -1), (16 * 60 + 20, 19 * 60)),
    "shipped": ((-3, -3), (10 * 60, 15 * 60)),
    "hold_out_of_stock": ((-1, -2), (10 * 60, 22 * 60)),
    "hold_unmatched": ((-1, -3), (10 * 60, 22 * 60)),
    "hold_address": ((-1, -2), (9 * 60, 22 * 60)),
    "hold_message": ((-1, -1), (14 * 60, 22 * 60)),
    "hold_refund": ((-1, -1), (21 * 60, 23 * 60 + 20)),
    "hold_wait": ((-1, -3), (10 * 60, 22 * 60)),
    "split": ((-3, -30), (10 * 60, 20 * 60)),
    "closed_out_of_stock": ((-1, -30), (10 * 60, 21 * 60)),
    "refunded_out_of_stock": ((-3, -30), (10 * 60, 21 * 60)),
    "bank_transfer": ((-2, -30), (9 * 60, 17 * 60)),
    "returned": ((-12, -30), (10 * 60, 22 * 60)),
    "exchanged": ((-12, -30), (10 * 60, 22 * 60)),
}


@dataclass(frozen=True)
class OrderPlan:
    key: int
    kind: str  # "flow" for the ordinary course, else one of SPECIALS, or "merged"
    channel: str
    shop_code: str
    order_no: str
    buyer_nick: str
    receiver: ReceiverInput
    lines: tuple[LinePlan, ...]
    post_fee: Decimal
    discount_amount: Decimal
    points_used: int
    paid_amount: Decimal | None  # None: goods + post fee − discount
    ordered_at: int  # minutes from the local midnight that starts today
    paid_at: int | None
    buyer_message: str
    invoice_title: str
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class OrdersPlan:
    orders: list[OrderPlan]
    # Units to receive before the orders, for a demo asked for more orders than its stock
    # covers (a tiny shop with many orders); empty at the usual sizes.
    restock: dict[str, int]


@dataclass(frozen=True)
class Buyer:
    channel: str
    shop_code: str
    nick: str
    receiver: ReceiverInput


def festival_days(today: date) -> dict[int, story.Festival]:
    """The festivals inside the story's days, by day (-1 is yesterday)."""
    found = {}
    for day in range(-story.STORY_DAYS, 0):
        when = today + timedelta(days=day)
        for festival in story.FESTIVALS:
            if (when.month, when.day) == (festival.month, festival.day):
                found[day] = festival
    return found


def day_weights(today: date, festivals: Mapping[int, story.Festival]) -> list[float]:
    """How much each story day sells: weekends more, festivals and the days around them
    much more, and a slow growth over the quarter."""
    weights = []
    for day in range(-story.STORY_DAYS, 0):
        weekday = (today + timedelta(days=day)).weekday()
        weight = story.WEEKDAY_WEIGHTS[weekday] * (1.2 + 0.2 * day / story.STORY_DAYS)
        if day in festivals:
            weight *= festivals[day].factor
        elif day - 1 in festivals or day + 1 in festivals:
            weight *= (festivals.get(day - 1) or festivals[day + 1]).around
        weights.append(weight)
    return weights


def share_discount(goods: Sequence[Decimal], discount: Decimal) -> list[Decimal]:
    """An order discount shared over its lines by value, the rounding left on the largest
    line, so the lines add up to exactly the goods less the discount."""
    total = sum(goods, Decimal("0.00"))
    if not discount or not total:
        return [Decimal("0.00")] * len(goods)
    shares = [round_money(discount * amount / total) for amount in goods]
    largest = max(range(len(goods)), key=lambda index: goods[index])
    shares[largest] += discount - sum(shares, Decimal("0.00"))
    return shares


def _weighted(rng: random.Random, table: Sequence[tuple[int, int]]) -> int:
    return rng.choices([value for value, _w in table], weights=[w for _v, w in table])[0]


class _Planner:
    """Draws buyers, moments, lines and amounts, keeping count of the stock it promised."""

    def __init__(
        self,
        *,
        seed: int,
        today: date,
        catalog: Sequence[ProductPlan],
        customers: Sequence[CustomerInput],
        available: Mapping[str, int],
    ) -> None:
        self.rng = random.Random(f"orders-{seed}")  # noqa: S311 (demo data, not secrets)
        self.today = today
        self.festivals = festival_days(today)
        self.day_weights = day_weights(today, self.festivals)
        shops = {channel: code for code, channel, _name in SHOPS}
        self.buyers = [
            Buyer(
                customer.channel,
                shops[customer.channel],
                customer.buyer_nick,
                ReceiverInput(
                    name=customer.name,
                    phone=customer.phone,
                    province=customer.province,
                    city=customer.city,
                    district=customer.district,
                    address=customer.address,
                    postcode=customer.postcode,
                ),
            )
            for customer in customers
        ]
        # A few buyers come back again and again; most buy once or twice.
        self.buyer_weights = [self.rng.lognormvariate(0, story.REPEAT_SIGMA) for _ in customers]
        self.products: dict[str, list[ProductPlan]] = {}
        self.product_weights: dict[str, list[float]] = {}
        for code, _channel, _name in SHOPS:
            on_sale = [
                plan
                for plan in catalog
                if any(
                    listing.shop_code == code and listing.status == "on_sale"
                    for listing in plan.listings
                )
            ]
            self.products[code] = on_sale or list(catalog)
            self.product_weights[code] = [
                LINE_FACTOR.get(plan.product.product_line, 1.0)
                * (HERO_FACTOR if plan.product.is_hero else 1.0)
                for plan in self.products[code]
            ]
        self.skus = {
            sku.merchant_code: (plan.product.title, sku) for plan in catalog for sku in plan.skus
        }
        self.free = {code: available.get(code, 0) for code in self.skus}
        self.short: set[str] = set()  # SKUs out of stock on purpose
        self.restock: Counter[str] = Counter()
        self.numbers: set[str] = set()

    # ------------------------------------------------------------ who and when

    def any_moment(self) -> int:
        """A moment of the story, drawn by how much each day and hour sells; never after
        the last sync of the story, which would not have seen the order yet."""
        while True:
            day = self.rng.choices(range(-story.STORY_DAYS, 0), weights=self.day_weights)[0]
            hours = list(story.HOUR_WEIGHTS)
            if day in self.festivals:
                hours[0] *= self.festivals[day].midnight
            hour = self.rng.choices(range(24), weights=hours)[0]
            moment = day * DAY + hour * 60 + self.rng.randint(0, 59)
            if moment < LAST_SYNC:
                return moment

    def moment_for(self, kind: str) -> int:
        (newest, oldest), (earliest, latest) = SPECIAL_TIMES[kind]
        oldest = max(oldest, story.IMPORT_DAY + 1)
        return self.rng.randint(oldest, newest) * DAY + self.rng.randint(earliest, latest)

    def buyer(self, channels: Sequence[str] = ()) -> int:
        while True:
            index = self.rng.choices(range(len(self.buyers)), weights=self.buyer_weights)[0]
            if not channels or self.buyers[index].channel in channels:
                return index

    def order_number(self, channel: str) -> str:
        """Taobao and Tmall trade numbers have 19 digits, JD's 12."""
        while True:
            if channel == "jd":
                number = f"3{self.rng.randint(0, 10**11 - 1):011d}"
            else:
                number = f"{self.rng.randint(2, 4)}{self.rng.randint(0, 10**18 - 1):018d}"
            if number not in self.numbers:
                self.numbers.add(number)
                return number

    def draft(self, key: int, kind: str, buyer: int, ordered_at: int) -> Draft:
        rng = self.rng
        person = self.buyers[buyer]
        draft = Draft(
            key=key,
            kind=kind,
            buyer=buyer,
            channel=person.channel,
            province=person.receiver.province,
            ordered_at=ordered_at,
            order_no=self.order_number(person.channel),
            festival=ordered_at // DAY in self.festivals,
        )
        if kind in INTAKE_HELD:
            # Paid when the sync first sees them (intake keeps the holds of paid orders).
            draft.paid_at = ordered_at
        elif kind not in ("awaiting_payment", "closed_out_of_stock"):
            draft.paid_at = ordered_at + rng.randint(*story.PAY_SOON)
        return draft

    # ------------------------------------------------------------ what

    def pick_sku(self, shop_code: str, quantity: int, *, stocked: bool, taken: set[str]) -> str:
        """A SKU of a product on sale in the shop; with `stocked`, one with `quantity` units
        still free, which are then counted as taken."""
        plans, weights = self.products[shop_code], self.product_weights[shop_code]
        for attempt in range(80):
            plan = self.rng.choices(plans, weights=weights)[0]
            codes = [
                sku.merchant_code
                for sku in plan.skus
                if sku.merchant_code not in taken | self.short
                and (not stocked or self.free[sku.merchant_code] >= quantity or attempt >= 60)
            ]
            if codes:
                code = self.rng.choice(codes)
                break
        else:
            raise ValueError(f"no SKU to sell in {shop_code}")
        if stocked:
            # More orders than the shop has stock for: restocked before the orders come.
            missing = quantity - max(self.free[code], 0)
            if missing > 0:
                self.restock[code] += missing
                self.free[code] += missing
            self.free[code] -= quantity
        return code

    def short_sku(self, taken: set[str]) -> tuple[str, int]:
        """A SKU with nothing free (and a quantity it cannot cover), kept short."""
        empty = sorted(
            code
            for code, left in self.free.items()
            if left <= 0 and code not in taken and code not in self.restock
        )
        if empty:
            code, quantity = self.rng.choice(empty), 1
        else:
            code = min(sorted(set(self.free) - taken), key=lambda c: self.free[c])
            quantity = self.free[code] + 1
        self.short.add(code)
        return code, quantity

    def line(self, code: str, quantity: int) -> LinePlan:
        title, sku = self.skus[code]
        properties = f"颜色分类:{sku.color};尺码:{sku.size}"
        return LinePlan(code, title, properties, quantity, sku.price)

    def lines(self, draft: Draft, *, stocked: bool, count: int = 0) -> list[LinePlan]:
        count = count or _weighted(self.rng, story.LINE_COUNTS)
        shop_code = self.buyers[draft.buyer].shop_code
        taken: set[str] = set()
        lines = []
        for _line in range(count):
            quantity = _weighted(self.rng, story.QUANTITIES)
            code = self.pick_sku(shop_code, quantity, stocked=stocked, taken=taken)
            taken.add(code)
            lines.append(self.line(code, quantity))
        return lines

    def unmatched(self, line: LinePlan) -> LinePlan:
        """The line as a channel still carrying an old or mistyped merchant code sends it."""
        item, color, size = line.merchant_code.rsplit("-", 2)
        style = self.rng.choice(story.UNMATCHED_CODE_STYLES)
        code = style.format(item=item, color=color, size=size, code=line.merchant_code)
        return replace(line, merchant_code=code)

    # ------------------------------------------------------------ the drafts

    def special(self, key: int, kind: str) -> list[Draft]:
        if kind == MERGE_KIND:
            return self.merge_pair(key)
        rng = self.rng
        only_taobao = kind in ("awaiting_payment", "closed_out_of_stock")
        buyer = self.buyer(TAOBAO_CHANNELS if only_taobao else ())
        if kind == "to_review":
            # Seen by the last sync before midnight, after the last auto-review.
            paid = rng.randint(END - story.REVIEW_EVERY + 1, LAST_SYNC - 1)
            draft = self.draft(key, kind, buyer, paid - rng.randint(0, 2))
            draft.paid_at = paid
        else:
            draft = self.draft(key, kind, buyer, self.moment_for(kind))
        if kind in ("hold_out_of_stock", "closed_out_of_stock", "refunded_out_of_stock"):
            draft.lines = [self.line(*self.short_sku(set()))]
        elif kind == "split":
            draft.lines = self.lines(draft, stocked=True, count=1)
            draft.lines.append(self.line(*self.short_sku({draft.lines[0].merchant_code})))
        else:
            stocked = kind not in ("hold_unmatched", "hold_address")
            draft.lines = self.lines(draft, stocked=stocked)
        if kind == "hold_unmatched":
            draft.lines[0] = self.unmatched(draft.lines[0])
        elif kind == "hold_message":
            draft.message, _agreed, draft.message_memo = rng.choice(story.SIZE_REQUESTS)
        elif kind == "bank_transfer":
            draft.invoice_title = rng.choice(story.COMPANY_TITLES)
        elif kind == "hold_wait":
            wanted = self.today + timedelta(days=rng.randint(2, 5))
            message, memo = rng.choice(story.WAIT_REQUESTS)
            when = f"{wanted.month}月{wanted.day}日"
            draft.message, draft.message_memo = message.format(date=when), memo.format(date=when)
        return [draft]

    def merge_pair(self, key: int) -> list[Draft]:
        """Two orders of one buyer, the second placed minutes after the first ("forgot
        something"), both seen before the next auto-review: customer service merges them."""
        rng = self.rng
        day = rng.randint(story.IMPORT_DAY + 1, -1)
        slot = day * DAY + rng.randrange(10 * 60, 22 * 60, story.REVIEW_EVERY)
        first_seen = sync_after(slot - story.REVIEW_EVERY)
        second_seen = first_seen + story.SYNC_EVERY * rng.randint(1, 2)
        buyer = self.buyer()
        first = self.draft(key, MERGE_KIND, buyer, first_seen - rng.randint(4, 8))
        second = self.draft(key + 1, MERGED_KIND, buyer, second_seen - rng.randint(4, 8))
        first.paid_at = first_seen - rng.randint(1, 3)
        second.paid_at = second_seen - rng.randint(1, 3)
        first.partner, second.partner = second.key, first.key
        for draft in (first, second):
            draft.lines = self.lines(draft, stocked=True, count=1)
        return [first, second]

    def flow(self, key: int) -> Draft:
        rng = self.rng
        moment = self.any_moment()
        draft = self.draft(key, FLOW, self.buyer(), moment)
        stocked = moment >= MAY_ALLOCATE_FROM
        if draft.channel != "jd" and rng.random() < story.UNPAID_SHARE:
            draft.paid_at = None
            stocked = False
        elif rng.random() < story.PAY_LATER_SHARE:
            draft.paid_at = moment + rng.randint(*story.PAY_LATER)
        draft.lines = self.lines(draft, stocked=stocked)
        roll = rng.random()
        plain, size = story.PLAIN_MESSAGE_SHARE, story.SIZE_REQUEST_SHARE
        if roll < plain:
            draft.message = rng.choice(story.PLAIN_MESSAGES)
        elif roll < plain + size:
            draft.message, draft.message_memo, _waiting = rng.choice(story.SIZE_REQUESTS)
        elif roll < plain + size + story.COURIER_REQUEST_SHARE:
            request = rng.choice(story.COURIER_REQUESTS)
            draft.message, draft.requested_courier, draft.message_memo = request
        if draft.paid_at is not None and rng.random() < story.BANK_TRANSFER_SHARE:
            draft.invoice_title = rng.choice(story.COMPANY_TITLES)
        return draft

    # ------------------------------------------------------------ amounts

    def price(self, draft: Draft) -> tuple[Decimal, Decimal, int, Decimal | None]:
        """Share the coupon over the lines and number them (oid); returns the discount,
        the post fee, the points used and (with points) the paid amount."""
        rng = self.rng
        goods = [line.price * line.quantity for line in draft.lines]
        total = sum(goods, Decimal("0.00"))
        discount = Decimal("0.00")
        if draft.festival or rng.random() < story.COUPON_SHARE:
            coupons = story.FESTIVAL_COUPONS if draft.festival else story.COUPONS
            for threshold, off in coupons:
                if total >= threshold:
                    discount = Decimal(off).quantize(Decimal("0.01"))
                    break
        post_fee = Decimal("0.00")
        if draft.province in story.REMOTE_PROVINCES:
            post_fee = Decimal(rng.randint(*story.REMOTE_POST_FEE)).quantize(Decimal("0.01"))
        if draft.channel == "jd":
            oids = [""] * len(goods)  # JD numbers lines by SKU, not by sub-order
        elif len(goods) == 1:
            oids = [draft.order_no]  # a one-line trade's sub-order has the trade's number
        else:
            oids = [self.order_number(draft.channel) for _line in goods]
        draft.lines = [
            replace(line, discount=share, oid=oid)
            for line, share, oid in zip(
                draft.lines, share_discount(goods, discount), oids, strict=True
            )
        ]
        points, paid = 0, None
        draft.paid_total = total + post_fee - discount
        if draft.channel == "tmall" and rng.random() < story.TMALL_POINTS_SHARE:
            points = rng.randint(1, 10) * 100
            paid = max(draft.paid_total - Decimal(points) / 100, Decimal("0.00"))
            draft.paid_total = paid = paid.quantize(Decimal("0.01"))
        return discount, post_fee, points, paid


def special_kinds(count: int) -> list[str]:
    """The kinds told on purpose for `count` orders, as many as fit in `count`."""
    kinds: list[str] = []
    size = 0
    for kind, least, share in SPECIALS:
        needed = 2 if kind == MERGE_KIND else 1
        for _n in range(max(least, round(count * share))):
            if size + needed > count:
                return kinds
            kinds.append(kind)
            size += needed
    return kinds


def plan_orders(
    *,
    seed: int,
    count: int,
    today: date,
    catalog: Sequence[ProductPlan],
    customers: Sequence[CustomerInput],
    available: Mapping[str, int],
) -> OrdersPlan:
    """`count` orders over the 90 days before `today`, each with its steps until midnight.
    `available` is each merchant code's free stock once the stock history is written."""
    if count <= 0 or not customers or not catalog:
        return OrdersPlan([], {})
    planner = _Planner(
        seed=seed, today=today, catalog=catalog, customers=customers, available=available
    )
    drafts: list[Draft] = []
    for kind in special_kinds(count):
        drafts.extend(planner.special(len(drafts), kind))
    while len(drafts) < count:
        drafts.append(planner.flow(len(drafts)))
    seen: Counter[int] = Counter()
    for draft in sorted(drafts, key=lambda d: (d.ordered_at, d.key)):
        seen[draft.buyer] += 1
        draft.nth = seen[draft.buyer]
    amounts = {draft.key: planner.price(draft) for draft in drafts}
    timelines = {}
    for draft in drafts:
        if draft.kind == MERGE_KIND and draft.partner is not None:
            pair = tell_pair(planner.rng, draft, drafts[draft.partner])
            timelines[draft.key], timelines[draft.partner] = pair
        elif draft.kind != MERGED_KIND:
            timelines[draft.key] = tell(planner.rng, draft)
    plans = []
    for draft in drafts:
        buyer = planner.buyers[draft.buyer]
        discount, post_fee, points, paid = amounts[draft.key]
        plans.append(
            OrderPlan(
                key=draft.key,
                kind=draft.kind,
                channel=draft.channel,
                shop_code=buyer.shop_code,
                order_no=draft.order_no,
                buyer_nick=buyer.nick,
                receiver=_receiver(planner.rng, draft, buyer),
                lines=tuple(draft.lines),
                post_fee=post_fee,
                discount_amount=discount,
                points_used=points,
                paid_amount=paid,
                ordered_at=draft.ordered_at,
                paid_at=draft.paid_at,
                buyer_message=draft.message,
                invoice_title=draft.invoice_title,
                steps=compile_steps(timelines[draft.key], import_at=IMPORT_AT),
            )
        )
    return OrdersPlan(plans, dict(sorted(planner.restock.items())))


def _receiver(rng: random.Random, draft: Draft, buyer: Buyer) -> ReceiverInput:
    if draft.kind != "hold_address":
        return buyer.receiver
    _province, _city, _district, text = rng.choice(story.UNRESOLVED_RECEIVERS)
    return ReceiverInput(name=buyer.receiver.name, phone=buyer.receiver.phone, address=text)
