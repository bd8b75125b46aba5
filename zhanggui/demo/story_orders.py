"""One demo order's life as steps: what the channel says and what the shop does, each at its
minute (pure, no ORM).

Times are whole minutes from the local midnight that starts the day the demo runs, so they
are negative: -1440 is midnight a day ago. The story ends at 0; anything later did not
happen yet and is dropped.

A step is either the channel speaking (RECEIVE, SYNC: the whole order as the channel holds it
then, a ChannelRecord) or a person or the rules acting in Zhanggui (REVIEW, APPROVE, HOLD,
FLAG, MERGE, SPLIT, PRINT, PACK, SHIP, CLOSE, REFUND). What the shop does that the channel
learns (a flag and memo, a shipment) is in every later record, as the channel would send it."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from zhanggui.demo import data_orders as story
from zhanggui.orders.models import Flag, OrderSource, RefundStatus
from zhanggui.orders.services.inputs import ChannelState

DAY = 24 * 60
END = 0

RECEIVE = "receive"  # the sync or an import brings the order
SYNC = "sync"  # the channel says something new about it
REVIEW = "review"  # auto-review, batched by its run
APPROVE = "approve"  # a person approves (stock is allocated)
HOLD = "hold"
RELEASE = "release"
FLAG = "flag"
MERGE = "merge"
SPLIT = "split"
PRINT = "print"
PACK = "pack"
SHIP = "ship"
CLOSE = "close"
REFUND = "refund"  # a person records a refund on a split-off part the channel cannot see
# Steps that move the order in Zhanggui (not flags): an import carries none of these.
STATE_STEPS = frozenset({REVIEW, APPROVE, HOLD, RELEASE, MERGE, SPLIT, PRINT, PACK, SHIP, CLOSE})

CS, AFTER_SALES, FINANCE, MANAGER = "cs1", "cs_after1", "finance1", "manager"


def warehouse_staff(moment: int) -> str:
    """The two warehouse staff take turns by day, as in the stock story."""
    return "warehouse1" if (moment // DAY) % 2 else "warehouse2"


def next_tick(moment: int, every: int, offset: int = 0) -> int:
    """The first minute after `moment` that is `offset` past a multiple of `every`."""
    return ((moment - offset) // every + 1) * every + offset


def sync_after(moment: int) -> int:
    """When the channel sync (every SYNC_EVERY minutes, at :01…) first sees a change."""
    return next_tick(moment, story.SYNC_EVERY, 1)


def review_after(moment: int) -> int:
    return next_tick(moment, story.REVIEW_EVERY)


def cs_after(rng: random.Random, moment: int) -> int:
    """When customer service gets to something that arrived at `moment`."""
    start, _end = story.CS_HOURS
    day, minute = divmod(moment, DAY)
    if minute < start:
        moment = day * DAY + start
    return moment + rng.randint(*story.CS_DELAY)


@dataclass(frozen=True)
class ChannelRecord:
    """The order as the channel holds it at one moment."""

    state: str  # a ChannelState value
    status_text: str  # the channel's own code
    refunds: tuple[tuple[str, Decimal], ...]  # per line: refund status, amount
    seller_memo: str = ""
    flag: str = Flag.NONE
    courier: str = ""
    tracking_no: str = ""


@dataclass(frozen=True)
class Step:
    at: int
    kind: str
    part: int = 0  # 0: the order as the channel sent it; 1: the part split off it
    actor: str = ""  # a demo username; "" is the system (sync, rules)
    record: ChannelRecord | None = None
    source: str = ""
    reasons: tuple[str, ...] = ()
    text: str = ""
    flag: str = ""
    courier: str = ""
    tracking_no: str = ""
    lines: tuple[int, ...] = ()  # SPLIT: indexes of the lines moved to the new part
    merged: tuple[int, ...] = ()  # MERGE: keys of the orders merged into this one
    held: bool = False  # REVIEW: expected to be held for a person
    out_of_stock: bool = False  # REVIEW, APPROVE: expected to find the stock short
    refund: tuple[int, str, Decimal] | None = None  # REFUND: line index, status, amount


@dataclass
class Timeline:
    """Steps and channel records of one order while its story is told, in time order."""

    channel: str
    line_amounts: tuple[Decimal, ...]
    steps: list[Step] = field(default_factory=list)
    records: list[tuple[int, ChannelRecord]] = field(default_factory=list)
    current: ChannelRecord | None = None

    def _status_text(self, state: str) -> str:
        codes = story.JD_STATUS if self.channel == "jd" else story.TAOBAO_STATUS
        return codes[state]

    def receive(self, at: int, state: str) -> None:
        no_refunds = tuple((RefundStatus.NONE.value, Decimal("0.00")) for _ in self.line_amounts)
        self.current = ChannelRecord(state, self._status_text(state), no_refunds)
        self.records.append((at, self.current))
        self.steps.append(Step(at, RECEIVE, record=self.current, source=OrderSource.SYNC))

    @property
    def record(self) -> ChannelRecord:
        if self.current is None:
            raise RuntimeError("the channel has not sent the order yet")
        return self.current

    def _change(self, at: int, **changes: object) -> ChannelRecord:
        self.current = replace(self.record, **changes)  # type: ignore[arg-type]
        self.records.append((at, self.current))
        return self.current

    def says(self, at: int, state: str | None = None, **changes: object) -> None:
        """The channel says something new; the sync brings it at its next run."""
        if state is not None:
            changes.setdefault("status_text", self._status_text(state))
            changes["state"] = state
        record = self._change(at, **changes)
        self.steps.append(Step(at, SYNC, record=record))

    def closes_unpaid(self, at: int) -> None:
        """The channel closes a trade never paid (TRADE_CLOSED_BY_TAOBAO)."""
        codes = story.JD_STATUS if self.channel == "jd" else story.TAOBAO_STATUS
        self.says(at, state=ChannelState.CLOSED, status_text=codes["closed_unpaid"])

    def refund_lines(self, at: int, indexes: Sequence[int], status: str) -> None:
        """The buyer asks for (or the shop grants) a refund of these lines. A trade with
        every line refunded closes, unless it had already finished."""
        record = self._change(at, **self._refunded(indexes, status))
        self.steps.append(Step(at, SYNC, record=record))

    def _refunded(self, indexes: Sequence[int], status: str) -> dict[str, object]:
        refunds = list(self.record.refunds)
        for index in indexes:
            refunds[index] = (status, self.line_amounts[index])
        changes: dict[str, object] = {"refunds": tuple(refunds)}
        everything = all(refund[0] == RefundStatus.REFUNDED for refund in refunds)
        if everything and self.record.state != ChannelState.FINISHED:
            changes.update(
                state=ChannelState.CLOSED, status_text=self._status_text(ChannelState.CLOSED)
            )
        return changes

    def shop(self, at: int, kind: str, **fields: Any) -> None:
        """Zhanggui acts; the channel learns of flags, memos, shipments and refunds."""
        step = Step(at, kind, **fields)
        self.steps.append(step)
        if kind == FLAG:
            memo = {"seller_memo": step.text} if step.text else {}
            self._change(at, flag=step.flag, **memo)
        elif kind == SHIP:
            self.shipped(at, step.courier, step.tracking_no)
        elif kind in (REVIEW, APPROVE) and step.out_of_stock:
            self._change(at, flag=Flag.YELLOW)  # the out-of-stock tab flags it yellow
        elif kind == REFUND and step.refund is not None:
            index, status, _amount = step.refund
            self._change(at, **self._refunded([index], status))

    def shipped(self, at: int, courier: str, tracking_no: str) -> None:
        """The channel is told the parcel left (for an order merged into another: with the
        other's parcel)."""
        self._change(
            at,
            state=ChannelState.SHIPPED,
            status_text=self._status_text(ChannelState.SHIPPED),
            courier=courier,
            tracking_no=tracking_no,
        )

    def snapshot(self, at: int) -> ChannelRecord:
        """The record as the channel held it at `at`."""
        last = self.records[0][1]
        for moment, record in sorted(self.records, key=lambda item: item[0]):
            if moment > at:
                break
            last = record
        return last


def compile_steps(timeline: Timeline, *, import_at: int, end: int = END) -> tuple[Step, ...]:
    """The steps that happen in Zhanggui, in time order, until `end`.

    An order the channel had before the shop's import comes in with the import, as the
    export then showed it. What the shop had done outside Zhanggui before is gone with the
    old tools; if the order still had to be worked on, that work is done again after the
    import, in the same order."""
    steps = sorted(timeline.steps, key=lambda step: step.at)
    if steps[0].at < import_at:
        before = [step for step in steps if step.at < import_at]
        after = [step for step in steps if step.at >= import_at]
        imported = Step(
            import_at,
            RECEIVE,
            record=timeline.snapshot(import_at),
            source=OrderSource.IMPORT,
            actor=MANAGER,
        )
        redo: list[Step] = []
        if any(step.kind in STATE_STEPS for step in after):
            # Straight after the import's review run, one minute apart.
            redo = [
                replace(step, at=review_after(import_at) + index)
                for index, step in enumerate(s for s in before if s.kind in STATE_STEPS)
            ]
        start = (redo[-1].at if redo else import_at) + 1
        steps = [imported, *redo, *(replace(s, at=max(s.at, start)) for s in after)]
    return tuple(step for step in steps if step.at < end)


def pick_courier(rng: random.Random, province: str) -> str:
    table = story.REMOTE_COURIERS if province in story.REMOTE_PROVINCES else story.COURIER_WEIGHTS
    return rng.choices([code for code, _w in table], weights=[w for _c, w in table])[0]


def tracking_number(rng: random.Random, courier: str) -> str:
    shape = rng.choice(story.TRACKING_FORMATS[courier])
    return f"{shape.prefix}{rng.randint(10 ** (shape.digits - 1), 10**shape.digits - 1)}"


def print_moment(ready_at: int) -> int:
    """The first printing wave after the order is ready."""
    day = ready_at // DAY
    while True:
        for wave in story.PRINT_WAVES:
            if day * DAY + wave > ready_at:
                return day * DAY + wave
        day += 1


def pack_moment(rng: random.Random, printed_at: int) -> int:
    """Packing follows printing within the shift: a day wave is packed before the next
    pickup; the evening shift leaves what it did not finish for the morning."""
    day, minute = divmod(printed_at, DAY)
    packed = printed_at + rng.randint(*story.PACK_DELAY)
    if minute >= story.PRINT_WAVES[-1]:
        if packed >= day * DAY + story.EVENING_SHIFT_END:
            return (day + 1) * DAY + story.MORNING_PACKING + rng.randint(0, 40)
        return packed
    pickup = next(day * DAY + p for p in story.PICKUPS if day * DAY + p > printed_at + 10)
    return min(packed, pickup - 5)


def pickup_after(moment: int) -> int:
    """The first courier pickup at least five minutes after `moment`."""
    day = moment // DAY
    while True:
        for pickup in story.PICKUPS:
            if day * DAY + pickup >= moment + 5:
                return day * DAY + pickup
        day += 1


@dataclass(frozen=True)
class Shipping:
    """How the parcel leaves: when it is printed, packed and shipped, and how."""

    printed_at: int
    packed_at: int
    shipped_at: int
    courier: str
    tracking_no: str


def plan_shipping(
    rng: random.Random,
    *,
    ready_at: int,
    province: str,
    late_days: int = 0,
    courier: str = "",
    packing: str = "",
) -> Shipping:
    """`packing` "tonight" or "tomorrow" forces when an evening print is packed."""
    printed_at = print_moment(ready_at + late_days * DAY)
    packed_at = pack_moment(rng, printed_at)
    if packing == "tomorrow":
        packed_at = (printed_at // DAY + 1) * DAY + story.MORNING_PACKING + rng.randint(0, 40)
    elif packing == "tonight":
        packed_at = printed_at + rng.randint(15, story.EVENING_SHIFT_END - printed_at % DAY - 5)
    shipped_at = pickup_after(packed_at) + rng.randint(0, story.SCAN_MINUTES)
    courier = courier or pick_courier(rng, province)
    return Shipping(printed_at, packed_at, shipped_at, courier, tracking_number(rng, courier))


def ship(timeline: Timeline, shipping: Shipping, *, part: int = 0) -> None:
    """Print, pack and ship (the warehouse staff of each day)."""
    for kind, moment in ((PRINT, shipping.printed_at), (PACK, shipping.packed_at)):
        timeline.shop(moment, kind, part=part, actor=warehouse_staff(moment))
    timeline.shop(
        shipping.shipped_at,
        SHIP,
        part=part,
        actor=warehouse_staff(shipping.shipped_at),
        courier=shipping.courier,
        tracking_no=shipping.tracking_no,
    )


def confirm_moment(rng: random.Random, shipped_at: int, *, auto: bool = False) -> int:
    """When the trade finishes: the buyer confirms, or the channel does after ten days."""
    if not auto and rng.random() < story.SELF_CONFIRM_SHARE:
        return shipped_at + rng.randint(*story.CONFIRM_DAYS) * DAY + rng.randint(-300, 300)
    return shipped_at + story.AUTO_CONFIRM_DAYS * DAY


def is_held_by_rules(*, message: str, memo: str, paid: Decimal) -> bool:
    """Whether the review rules a shop starts with hold the order for a person: a buyer
    message or seller memo to read, an amount over the limit (orders/migrations
    0003_seed_review_rules)."""
    return bool(message.strip() or memo.strip()) or paid > story.AMOUNT_LIMIT


def last_at(steps: Sequence[Step]) -> int:
    return max(step.at for step in steps)
