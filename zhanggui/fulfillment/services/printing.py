"""Batch printing of e-waybill labels (DOMAIN.md §6, issue 5 item 3).

`print_labels` takes orders in the order given and prints one label per parcel, page i for
the i-th order printed. Each order is all or nothing: it gets its courier (the shop's rules,
when it has none), a tracking number from that courier's pool, a parcel, and the status
printed, or nothing at all and a line in `refused` saying why (held, not approved, merged
into another order, pool exhausted, a place the courier does not reach, a label size the
courier does not print...). A store team printing 200 labels gets the good ones and a list
of the others; the API asks for all or nothing (`all_or_nothing=True`): a client asked for
exactly those pages.

Reprinting (one label, a whole batch, or `reprint=True` for orders already printed) makes a
new batch with the same parcels and numbers, never new numbers; each reprint is audited on
the order (who, when, which batch) and counts in the parcel's `print_count`. Cancelling a
label cancels its parcel, gives the number back to the pool or voids it (as the courier
allows), and takes the order back to approved.

Thousands of labels in one batch: orders are locked, checked and written CHUNK at a time in
bulk (one transaction for the batch), and the PDF is drawn page by page from chunked reads."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhanggui.core import audit
from zhanggui.core.errors import Conflict, DomainError, InvalidInput, NotFound
from zhanggui.core.models import AuditAction, AuditEntry
from zhanggui.fulfillment.labels import SIZES, LabelData, render_labels
from zhanggui.fulfillment.models import (
    Courier,
    CourierExclusion,
    LabelBatch,
    LabelBatchEntry,
    Parcel,
    ParcelStatus,
)
from zhanggui.fulfillment.services import choice, pools
from zhanggui.fulfillment.services.courier_words import estimate_weight_g
from zhanggui.fulfillment.services.couriers import Place, excluding, get_settings
from zhanggui.fulfillment.services.label_data import (
    batch_pages,
    check_pages,
    label_of,
    sender_of,
    shanghai_time,
)
from zhanggui.fulfillment.services.rates import Quoter
from zhanggui.orders.models import HoldReason, Order, OrderLine, OrderStatus, RefundStatus
from zhanggui.orders.services import lifecycle

CHUNK: Final = 500  # orders locked, checked and written per round
# Parcels whose label may be printed again or cancelled: not yet handed to the courier.
LIVE_LABEL: Final = frozenset({ParcelStatus.PRINTED, ParcelStatus.PACKED})
PRINTED_ORDER: Final = frozenset({OrderStatus.PRINTED, OrderStatus.PACKED})
# progress(step, done, total): step is "orders" (checked and written) or "labels" (drawn).
Progress = Callable[[str, int, int], None]


class LabelsRefused(Conflict):
    """All or nothing was asked for and some orders cannot be printed: nothing was."""

    code = "labels_refused"
    default_message = gettext_lazy("Some orders cannot be printed; nothing was printed.")


class WrongParcelStatus(Conflict):
    code = "wrong_parcel_status"
    default_message = gettext_lazy("Only a label whose parcel has not left can be changed.")


@dataclass(frozen=True)
class Refusal:
    """An order left out of a batch, untouched: its id, number, a stable code and why."""

    order_id: int
    order_no: str
    code: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "order_id": self.order_id,
            "order_no": self.order_no,
            "code": self.code,
            "reason": self.reason,
        }


@dataclass
class PrintResult:
    pdf: bytes  # empty when nothing was printed
    batch: LabelBatch | None  # None when nothing was printed
    order_ids: list[int] = field(default_factory=list)  # printed, in page order
    refused: list[Refusal] = field(default_factory=list)
    reprinted: int = 0  # labels printed before (same numbers)

    @property
    def printed(self) -> int:
        return len(self.order_ids)


@dataclass
class _Context:
    """What checking and writing a batch needs, read once."""

    actor: Any
    size: str
    reprint: bool  # orders already printed are printed again (same number)
    new_labels: bool  # orders not printed yet get a label (False: reprints only)
    couriers: dict[str, Courier]
    quoter: Quoter = field(default_factory=Quoter)
    exclusions: dict[int, list[CourierExclusion]] = field(default_factory=dict)
    not_assigned: dict[int, str] = field(default_factory=dict)  # order id: why no courier
    places: dict[int, Place] = field(default_factory=dict)  # by order id, read once

    @classmethod
    def load(cls, actor: Any, size: str, *, reprint: bool, new_labels: bool) -> _Context:
        couriers = {c.code: c for c in Courier.objects.select_related("priced_as")}
        return cls(actor, size, reprint, new_labels, couriers)

    def reaches(self, courier: Courier, order: Order) -> bool:
        if courier.pk not in self.exclusions:
            self.exclusions[courier.pk] = list(CourierExclusion.objects.filter(courier=courier))
        return excluding(self.exclusions[courier.pk], self.place(order)) is None

    def place(self, order: Order) -> Place:
        if order.pk not in self.places:
            self.places[order.pk] = choice.place_of(order)
        return self.places[order.pk]


@dataclass
class _Round:
    """One chunk's writes, made in bulk once every order of the chunk is decided."""

    new: list[tuple[Order, Parcel]] = field(default_factory=list)
    again: list[tuple[Order, Parcel]] = field(default_factory=list)
    pages: list[tuple[Order, Parcel]] = field(default_factory=list)


def check_size(size: str) -> str:
    size = (size or "").strip().lower().replace("×", "x")
    if size not in SIZES:
        raise InvalidInput(
            {
                "size": [
                    _("Unknown label size %(size)s; one of %(sizes)s.")
                    % {"size": size, "sizes": ", ".join(SIZES)}
                ]
            }
        )
    return size


def sizes_of(courier: Courier) -> list[str]:
    return [size.strip() for size in courier.label_sizes.split(",") if size.strip()]


# ---------------------------------------------------------------- printing


def print_labels(
    actor: Any,
    order_ids: Sequence[int],
    size: str,
    *,
    reprint: bool = False,
    all_or_nothing: bool = False,
    progress: Progress | None = None,
) -> PrintResult:
    """Print the labels of `order_ids`, one page per parcel in the order given, as one PDF.

    Approved orders without holds get a parcel and a number (their courier chosen first
    when they have none); with `reprint`, orders already printed are printed again with
    their parcel's number. Every other order is refused, untouched, and listed. With
    `all_or_nothing`, any refusal raises LabelsRefused (with `refused`) and nothing is
    saved. Raises InvalidInput for an unknown size. The DB work and the drawing are one
    transaction: the orders are printed if and only if the PDF is made."""
    size = check_size(size)
    with transaction.atomic():
        result = create_batch(actor, order_ids, size, reprint=reprint, progress=progress)
        if all_or_nothing and result.refused:
            raise LabelsRefused(refused=[refusal.as_dict() for refusal in result.refused])
        if result.batch is not None:
            result.pdf = render_batch(result.batch, expected=result.order_ids, progress=progress)
    return result


@transaction.atomic
def create_batch(
    actor: Any,
    order_ids: Sequence[int],
    size: str,
    *,
    reprint: bool = False,
    new_labels: bool = True,
    progress: Progress | None = None,
) -> PrintResult:
    """The database half of print_labels: parcels, numbers, statuses and the batch with its
    pages; no PDF (render_batch draws it). The batch is not kept when nothing printed.
    `new_labels=False` prints only labels printed before (reprints never take numbers)."""
    size = check_size(size)
    wanted, refused = _unique(order_ids)
    context = _Context.load(actor, size, reprint=reprint, new_labels=new_labels)
    _lock(wanted)
    if new_labels:
        assignment = choice.assign_couriers(actor, _without_courier(wanted))
        context.not_assigned = {order.pk: reason for order, reason in assignment.failed}
        if assignment.assigned:  # new couriers were saved: read them as they now are
            context.couriers = _Context.load(actor, size, reprint=reprint, new_labels=True).couriers
    user = actor if getattr(actor, "is_authenticated", False) else None
    batch = LabelBatch.objects.create(created_by=user, size=size)
    result = PrintResult(pdf=b"", batch=batch, refused=refused)
    for start in range(0, len(wanted), CHUNK):
        _print_chunk(context, batch, wanted[start : start + CHUNK], result)
        if progress is not None:
            progress("orders", min(start + CHUNK, len(wanted)), len(wanted))
    if result.order_ids:
        check_pages(batch, expected=result.order_ids)  # page i carries order i, or nothing
    position = {order_id: index for index, order_id in reversed(list(enumerate(order_ids)))}
    result.refused.sort(key=lambda refusal: position.get(refusal.order_id, 0))
    if not result.order_ids:
        batch.delete()
        result.batch = None
    elif result.reprinted:
        batch.is_reprint = True
        batch.save(update_fields=["is_reprint", "updated_at"])
    return result


def _lock(order_ids: list[int]) -> None:
    """Lock every order of the batch first, in id order: the batch then works through them
    in the order given without ever waiting on a lock in another order (two batches that
    share orders would deadlock otherwise)."""
    ordered = sorted(order_ids)
    for start in range(0, len(ordered), CHUNK):
        list(
            Order.objects.select_for_update()
            .filter(pk__in=ordered[start : start + CHUNK])
            .order_by("pk")
            .values_list("pk", flat=True)
        )


def _without_courier(order_ids: list[int]) -> list[int]:
    """Orders ready to print but for their courier: the rules choose it first. Orders that
    will be refused anyway (held, not approved, merged) are left as they are."""
    found: list[int] = []
    for start in range(0, len(order_ids), CHUNK):
        found.extend(
            Order.objects.filter(
                pk__in=order_ids[start : start + CHUNK],
                status=OrderStatus.APPROVED,
                hold_reasons="",
                merged_into__isnull=True,
                courier="",
            ).values_list("pk", flat=True)
        )
    return found


def _unique(order_ids: Sequence[int]) -> tuple[list[int], list[Refusal]]:
    """Each order once: a batch never prints an order's label twice."""
    seen: set[int] = set()
    wanted: list[int] = []
    refused: list[Refusal] = []
    for order_id in order_ids:
        if order_id in seen:
            reason = _("Asked for twice: printed once.")
            refused.append(Refusal(order_id, "", "duplicate", reason))
            continue
        seen.add(order_id)
        wanted.append(order_id)
    return wanted, refused


def _print_chunk(
    context: _Context, batch: LabelBatch, chunk: list[int], result: PrintResult
) -> None:
    # Locked already (_lock); read again under the lock, handled in the order given.
    orders = {order.pk: order for order in Order.objects.filter(pk__in=chunk)}
    live = {
        parcel.order_id: parcel
        for parcel in Parcel.objects.select_for_update(of=("self",))
        .select_related("courier")
        .filter(order_id__in=chunk)
        .exclude(status=ParcelStatus.CANCELLED)
        .order_by("pk")
    }
    work = _Round()
    for order_id in chunk:
        order = orders.get(order_id)
        parcel = live.get(order_id)
        refusal = _refusal(context, order_id, order, parcel)
        if refusal is not None:
            result.refused.append(refusal)
            continue
        assert order is not None  # noqa: S101 (a missing order is refused above)
        if parcel is not None:
            work.again.append((order, parcel))
            work.pages.append((order, parcel))
            continue
        try:
            parcel = _new_parcel(context, order)
        except DomainError as error:  # the pool is empty, the order's number is taken...
            result.refused.append(Refusal(order.pk, str(order), error.code, str(error.message)))
            continue
        work.new.append((order, parcel))
        work.pages.append((order, parcel))
    _write(context, batch, work, result)


def _refusal(
    context: _Context, order_id: int, order: Order | None, parcel: Parcel | None
) -> Refusal | None:
    """Why the order cannot be printed now, or None."""

    def refuse(code: str, reason: str) -> Refusal:
        return Refusal(order_id, str(order) if order else "", code, reason)

    if order is None:
        return refuse("not_found", _("No such order."))
    if order.merged_into_id is not None:
        return refuse(
            "merged",
            _("Ships in the parcel of order %(order)s: print that one.")
            % {"order": order.merged_into},
        )
    if parcel is not None:
        if parcel.status not in LIVE_LABEL:
            return refuse("wrong_status", _("Its parcel has left; the label cannot be printed."))
        if order.status not in PRINTED_ORDER:
            return refuse(
                "wrong_status",
                _("Not ready to print: %(status)s.") % {"status": order.get_status_display()},
            )
        if not context.reprint:
            return refuse(
                "already_printed",
                _("Already printed (%(number)s): reprint it from its batch.")
                % {"number": parcel.tracking_no},
            )
        return _size_refusal(context, refuse, parcel.courier)
    if not context.new_labels:
        return refuse(
            "not_printed",
            _("Its label was cancelled: print it anew from the print page."),
        )
    if order.status != OrderStatus.APPROVED:
        return refuse(
            "wrong_status",
            _("Not ready to print: %(status)s.") % {"status": order.get_status_display()},
        )
    if order.holds:
        holds = ", ".join(
            str(HoldReason(code).label) if code in HoldReason.values else code
            for code in order.holds
        )
        return refuse("held", _("On hold: %(holds)s.") % {"holds": holds})
    if order_id in context.not_assigned:
        return refuse("courier_cannot_reach", context.not_assigned[order_id])
    courier = context.couriers.get(order.courier)
    if courier is None or not courier.is_active:
        return refuse(
            "courier_not_found",
            _("Its courier %(code)s is not an active courier.") % {"code": order.courier or "—"},
        )
    if not context.reaches(courier, order):
        return refuse(
            "courier_cannot_reach",
            _("%(courier)s does not reach %(place)s.")
            % {"courier": courier.name, "place": context.place(order)},
        )
    return _size_refusal(context, refuse, courier)


def _size_refusal(
    context: _Context, refuse: Callable[[str, str], Refusal], courier: Courier
) -> Refusal | None:
    if context.size in sizes_of(courier):
        return None
    return refuse(
        "label_size",
        _("%(courier)s does not print %(size)s labels (only %(sizes)s).")
        % {"courier": courier.name, "size": context.size, "sizes": courier.label_sizes},
    )


def _new_parcel(context: _Context, order: Order) -> Parcel:
    """A parcel with a number: the one already on the order (typed in from a pre-printed
    waybill, checked unused), else the next of the courier's pool. Nothing is saved but
    the number when this returns; a failure leaves the pool as it was (savepoint)."""
    courier = context.couriers[order.courier]
    if order.tracking_no:
        number = pools.use_given_number(courier=courier, number=order.tracking_no, order=order)
    else:
        number = pools.take_number(courier=courier, order=order)
    return Parcel(order=order, courier=courier, tracking_no=number, status=ParcelStatus.PRINTED)


def _write(context: _Context, batch: LabelBatch, work: _Round, result: PrintResult) -> None:
    """The chunk's writes in bulk: parcels, orders printed, reprint counts, pages, audit."""
    now = timezone.now()
    _estimate(context, work.new)
    for _order, parcel in work.new:
        parcel.print_count, parcel.last_printed_at = 1, now
    Parcel.objects.bulk_create([parcel for _order, parcel in work.new], batch_size=CHUNK)
    if work.again:
        Parcel.objects.filter(pk__in=[parcel.pk for _order, parcel in work.again]).update(
            print_count=F("print_count") + 1, last_printed_at=now, updated_at=now
        )
    entries = _Audit(context.actor, now)
    members = _members([order.pk for order, _parcel in work.new])
    printed: list[tuple[str, str, int]] = []  # courier, tracking number, order id
    for order, parcel in work.new:
        for one in [order, *members.get(order.pk, [])]:
            entries.printed(one, parcel, batch)
            printed.append((parcel.courier.code, parcel.tracking_no, one.pk))
    for order, parcel in work.again:
        entries.reprinted(order, parcel, batch)
    _mark_printed(printed, now)
    first = len(result.order_ids) + 1
    LabelBatchEntry.objects.bulk_create(
        [
            LabelBatchEntry(batch=batch, parcel=parcel, page=first + index)
            for index, (_order, parcel) in enumerate(work.pages)
        ],
        batch_size=CHUNK,
    )
    AuditEntry.objects.bulk_create(entries.rows, batch_size=CHUNK)
    result.order_ids.extend(order.pk for order, _parcel in work.pages)
    result.reprinted += len(work.again)


def _mark_printed(rows: list[tuple[str, str, int]], now: datetime) -> None:
    """Orders printed, each with its courier and number: one prepared UPDATE run for every
    row (the rows are locked). bulk_update's CASE over four fields costs more than the
    rest of printing together."""
    if not rows:
        return
    quote = connection.ops.quote_name
    columns = {name: quote(_order_field(name).column or name) for name in _PRINTED_FIELDS}
    sql = (
        f"UPDATE {quote(Order._meta.db_table)} SET "  # noqa: S608 (names from the model)
        + ", ".join(f"{columns[name]} = %s" for name in _PRINTED_FIELDS[:-1])
        + f" WHERE {columns['id']} = %s"
    )
    # As the ORM would write the time (SQLite keeps it as naive UTC text).
    updated_at = _order_field("updated_at").get_db_prep_value(now, connection)
    status = OrderStatus.PRINTED.value
    with connection.cursor() as cursor:
        cursor.executemany(
            sql, [(status, code, number, updated_at, pk) for code, number, pk in rows]
        )


def _order_field(name: str) -> models.Field[Any, Any]:
    found = Order._meta.get_field(name)
    if not isinstance(found, models.Field):
        raise TypeError(name)
    return found


_PRINTED_FIELDS: Final = ("status", "courier", "tracking_no", "updated_at", "id")


def _members(carrier_ids: Sequence[int]) -> dict[int, list[Order]]:
    """The orders merged into each carrier, locked: they become printed with it."""
    members: dict[int, list[Order]] = defaultdict(list)
    merged = Order.objects.select_for_update().filter(merged_into_id__in=carrier_ids)
    for member in merged.order_by("pk"):
        assert member.merged_into_id is not None  # noqa: S101 (filtered on it)
        members[member.merged_into_id].append(member)
    return members


def _estimate(context: _Context, new: list[tuple[Order, Parcel]]) -> None:
    """Estimated weight (SKU weights, as the courier choice estimates) and cost (the price
    table) of each new parcel, with the lines of the orders merged into it."""
    if not new:
        return
    carrier_of = {order.pk: order.pk for order, _parcel in new}
    carrier_of.update(
        Order.objects.filter(merged_into_id__in=list(carrier_of)).values_list(
            "pk", "merged_into_id"
        )
    )
    lines: dict[int, list[tuple[int, int | None]]] = defaultdict(list)
    rows = (
        OrderLine.objects.filter(order_id__in=list(carrier_of))
        .exclude(refund_status=RefundStatus.REFUNDED)
        .values_list("order_id", "quantity", "sku__weight_g")
    )
    for order_id, quantity, weight in rows:
        lines[carrier_of[order_id]].append((quantity, weight))
    for order, parcel in new:
        parcel.estimated_weight_g = estimate_weight_g(lines.get(order.pk, []))
        parcel.estimated_cost = context.quoter.quote(
            parcel.courier, context.place(order).province, parcel.estimated_weight_g
        )


@dataclass
class _Audit:
    """Audit entries as audit.record writes them, inserted in bulk."""

    actor: Any
    now: Any
    rows: list[AuditEntry] = field(default_factory=list)

    def __post_init__(self) -> None:
        user = self.actor if getattr(self.actor, "is_authenticated", False) else None
        self.user = user
        self.name = (user.get_username() if user else str(self.actor or "system"))[:150]
        self.content_type = ContentType.objects.get_for_model(Order)

    def _add(self, order: Order, changes: dict[str, dict[str, str | None]], note: str) -> None:
        self.rows.append(
            AuditEntry(
                actor=self.user,
                actor_name=self.name,
                action=AuditAction.UPDATE,
                content_type=self.content_type,
                object_id=str(order.pk),
                object_repr=str(order)[:200],
                changes=changes,
                note=note[:255],
            )
        )

    def printed(self, order: Order, parcel: Parcel, batch: LabelBatch) -> None:
        changes: dict[str, dict[str, str | None]] = {
            "status": {"before": order.status, "after": str(OrderStatus.PRINTED)},
            "tracking_no": {"before": order.tracking_no or None, "after": parcel.tracking_no},
        }
        self._add(order, changes, _("Label printed in batch #%(batch)d.") % {"batch": batch.pk})

    def reprinted(self, order: Order, parcel: Parcel, batch: LabelBatch) -> None:
        count = parcel.print_count
        changes: dict[str, dict[str, str | None]] = {
            "label printed": {"before": str(count), "after": str(count + 1)}
        }
        note = _("Label %(number)s printed again in batch #%(batch)d.") % {
            "number": parcel.tracking_no,
            "batch": batch.pk,
        }
        self._add(order, changes, note)


# ---------------------------------------------------------------- drawing


def render_batch(
    batch: LabelBatch, *, expected: Sequence[int] | None = None, progress: Progress | None = None
) -> bytes:
    """The batch's labels as one PDF, page i for the batch's page i; printed-at time is the
    batch's. `expected` (the order ids asked for) is checked page by page before anything
    is drawn (label_data.check_pages)."""
    sender = sender_of(get_settings())
    printed_at = shanghai_time(batch.created_at)
    total = len(expected) if expected is not None else batch.entries.count()

    def labels() -> Iterator[LabelData]:
        for done, page in enumerate(batch_pages(batch, expected), start=1):
            yield label_of(page, sender, printed_at)
            if progress is not None and (done % 100 == 0 or done == total):
                progress("labels", done, total)

    return render_labels(labels(), batch.size)


# ---------------------------------------------------------------- reprinting, cancelling


def reprint_batch(actor: Any, batch_id: int, size: str | None = None) -> PrintResult:
    """The whole batch again, in its page order, as a new batch with the same numbers.
    Labels cancelled or whose parcel left since are refused and listed."""
    batch = LabelBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        raise NotFound(_("No such label batch."))
    order_ids = list(batch.entries.order_by("page").values_list("parcel__order_id", flat=True))
    return _reprint(actor, order_ids, size or batch.size)


def reprint_label(actor: Any, parcel_id: int, size: str | None = None) -> PrintResult:
    """One label again, with its number, as a batch of one page."""
    parcel = Parcel.objects.filter(pk=parcel_id).first()
    if parcel is None:
        raise NotFound(_("No such parcel."))
    if parcel.status not in LIVE_LABEL:
        raise WrongParcelStatus()
    last = (
        LabelBatchEntry.objects.filter(parcel=parcel)
        .order_by("-batch_id")
        .values_list("batch__size", flat=True)
    ).first()
    return _reprint(actor, [parcel.order_id], size or last or get_settings().default_label_size)


def _reprint(actor: Any, order_ids: list[int], size: str) -> PrintResult:
    size = check_size(size)
    with transaction.atomic():
        # Never new numbers: an order whose label was cancelled meanwhile is refused.
        result = create_batch(actor, order_ids, size, reprint=True, new_labels=False)
        if result.batch is not None:
            result.pdf = render_batch(result.batch, expected=result.order_ids)
    return result


@dataclass(frozen=True)
class LabelCancelled:
    parcel: Parcel
    number_status: str  # "available" (back in the pool) or "void"


@transaction.atomic
def cancel_label(actor: Any, parcel_id: int, reason: str = "") -> LabelCancelled:
    """Cancel a label not yet handed over: the parcel is cancelled, its number goes back to
    the pool or is voided (as the courier allows), and the order (with the orders merged
    into it) is approved again, without a tracking number, its stock still reserved.

    Raises NotFound, WrongParcelStatus once the parcel has left."""
    order_id = Parcel.objects.filter(pk=parcel_id).values_list("order_id", flat=True).first()
    if order_id is None:
        raise NotFound(_("No such parcel."))
    # The order first, then its parcel: the lock order of printing.
    order = lifecycle.lock_order(order_id)
    parcel = (
        Parcel.objects.select_for_update(of=("self",)).select_related("courier").get(pk=parcel_id)
    )
    if parcel.status not in LIVE_LABEL:
        raise WrongParcelStatus()
    note = reason.strip() or _("Label %(number)s cancelled.") % {"number": parcel.tracking_no}
    number_status = pools.cancel_number(courier=parcel.courier, number=parcel.tracking_no)
    before = audit.snapshot(parcel, ("status",))
    parcel.status = ParcelStatus.CANCELLED
    parcel.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor,
        instance=parcel,
        action=audit.AuditAction.UPDATE,
        changes=audit.diff(before, audit.snapshot(parcel, ("status",))),
        note=f"{note} ({number_status})"[:255],
    )
    for member in lifecycle.group_of(order):
        if member.status in PRINTED_ORDER:
            lifecycle.set_status(actor, member, OrderStatus.APPROVED, note=note, tracking_no="")
    return LabelCancelled(parcel, str(number_status))
