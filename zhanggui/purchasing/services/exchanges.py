"""Supplier exchanges (换货单) after the quality check: replacements coming back, and closing.

The ledger of one exchange list always adds up to zero once it is closed: the defective
units left stock as `exchange_out` (at receiving); replacements come back as `exchange_in`
into a sellable warehouse; units the supplier never exchanged come back to the books as
`exchange_in` into the separate, non-sellable `defective` account (单独建账), which keeps
its own balance and never counts as stock for sale."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from zhanggui.core import audit
from zhanggui.core.errors import InvalidInput
from zhanggui.core.models import AuditAction
from zhanggui.inventory.models import MoveKind, Warehouse
from zhanggui.inventory.services import MoveInput, post_moves, warehouse_by_code
from zhanggui.purchasing.exceptions import ConcurrentUpdate, ExchangeNotFound, InvalidTransition
from zhanggui.purchasing.models import ExchangeLine, ExchangeList
from zhanggui.purchasing.services.receiving import EXCHANGE_SOURCE
from zhanggui.purchasing.status import EXCHANGE_TRANSITIONS, ExchangeStatus

DEFECTIVE_WAREHOUSE_CODE = "defective"
DEFECTIVE_WAREHOUSE_NAME = "次品账（未换货）"  # data, like the main warehouse's 主仓


def defective_warehouse() -> Warehouse:
    """The separate non-sellable account of defective goods the suppliers never exchanged."""
    warehouse, _created = Warehouse.objects.get_or_create(
        code=DEFECTIVE_WAREHOUSE_CODE,
        defaults={"name": DEFECTIVE_WAREHOUSE_NAME, "is_sellable": False, "is_default": False},
    )
    return warehouse


def _lock_open(exchange_list_id: int) -> ExchangeList:
    exchange = ExchangeList.objects.select_for_update().filter(pk=exchange_list_id).first()
    if exchange is None:
        raise ExchangeNotFound()
    if exchange.status != ExchangeStatus.OPEN:
        raise InvalidTransition(
            _("Exchange list %(number)s is closed.") % {"number": exchange.number},
            current=exchange.status,
            to=ExchangeStatus.CLOSED.value,
        )
    return exchange


def _move(
    exchange: ExchangeList, line: ExchangeLine, quantity: int, warehouse: Warehouse, note: str
) -> MoveInput:
    return MoveInput(
        sku_id=line.sku_id,
        quantity=quantity,
        kind=MoveKind.EXCHANGE_IN,
        warehouse_id=warehouse.pk,
        unit_cost=line.unit_cost,
        source_type=EXCHANGE_SOURCE,
        source_id=str(exchange.pk),
        ref=exchange.number or "",
        note=note,
    )


def _set_closed(exchange: ExchangeList, *, actor: Any, note: str) -> ExchangeList:
    if ExchangeStatus.CLOSED not in EXCHANGE_TRANSITIONS[ExchangeStatus(exchange.status)]:
        raise InvalidTransition(current=exchange.status, to=ExchangeStatus.CLOSED.value)
    now = timezone.now()
    updated = ExchangeList.objects.filter(pk=exchange.pk, status=ExchangeStatus.OPEN).update(
        status=ExchangeStatus.CLOSED, closed_at=now
    )
    if updated != 1:
        raise ConcurrentUpdate()
    exchange.status, exchange.closed_at = ExchangeStatus.CLOSED, now
    audit.record(
        actor=actor,
        instance=exchange,
        action=AuditAction.UPDATE,
        changes={
            "status": {"before": ExchangeStatus.OPEN.value, "after": ExchangeStatus.CLOSED.value}
        },
        note=note[:255],
    )
    return exchange


@transaction.atomic
def receive_exchange(
    *,
    actor: Any,
    exchange_list_id: int,
    counts: Mapping[int, int],
    warehouse_code: str = "",
) -> ExchangeList:
    """Take replacements in: `counts` maps exchange line id to units back. Each posts an
    exchange_in move into the warehouse (default: main) at the line's unit cost. When
    nothing is left outstanding the list closes by itself.

    Raises InvalidInput naming `lines.<id>` when more come back than are outstanding,
    InvalidTransition on a closed list."""
    exchange = _lock_open(exchange_list_id)
    lines = {line.pk: line for line in exchange.lines.select_related("sku")}
    errors: dict[str, list[str]] = {}
    taken = []
    for line_id, quantity in counts.items():
        line = lines.get(line_id)
        if line is None:
            errors[f"lines.{line_id}"] = [_("This line is not on the exchange list.")]
        elif quantity < 0 or quantity > line.outstanding:
            errors[f"lines.{line_id}"] = [
                _("%(code)s: between 0 and %(max)d can come back.")
                % {"code": line.sku.merchant_code, "max": line.outstanding}
            ]
        elif quantity:
            taken.append((line, quantity))
    if not errors and not taken:
        errors["lines"] = [_("Count at least one unit.")]
    if errors:
        raise InvalidInput(errors)
    warehouse = warehouse_by_code(warehouse_code)
    if not warehouse.is_sellable:
        raise InvalidInput({"warehouse": [_("Exchanged goods go into a sellable warehouse.")]})
    for line, quantity in taken:
        ExchangeLine.objects.filter(pk=line.pk).update(
            returned_quantity=F("returned_quantity") + quantity
        )
        line.returned_quantity += quantity
    post_moves(
        actor=actor,
        moves=[_move(exchange, line, quantity, warehouse, "") for line, quantity in taken],
    )
    changes = {
        line.sku.merchant_code: {
            "before": str(line.returned_quantity - quantity),
            "after": str(line.returned_quantity),
        }
        for line, quantity in taken
    }
    audit.record(actor=actor, instance=exchange, action=AuditAction.UPDATE, changes=changes)
    if all(line.outstanding == 0 for line in lines.values()):
        _set_closed(exchange, actor=actor, note=_("everything was exchanged"))
    return exchange


@transaction.atomic
def close_exchange_list(*, actor: Any, exchange_list_id: int, note: str = "") -> ExchangeList:
    """Stop waiting for the supplier: units never exchanged move (exchange_in) into the
    separate non-sellable `defective` account at their unit cost. Raises
    InvalidTransition on a closed list."""
    exchange = _lock_open(exchange_list_id)
    kept = [(line, line.outstanding) for line in exchange.lines.all() if line.outstanding]
    if kept:
        account = defective_warehouse()
        for line, quantity in kept:
            ExchangeLine.objects.filter(pk=line.pk).update(
                kept_quantity=F("kept_quantity") + quantity
            )
        reason = _("not exchanged by the supplier")
        post_moves(
            actor=actor,
            moves=[_move(exchange, line, quantity, account, reason) for line, quantity in kept],
        )
    return _set_closed(exchange, actor=actor, note=note.strip())
