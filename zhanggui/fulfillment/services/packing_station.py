"""The packing station (验货台): what the packer scans or types, one code at a time, read as
a command (UNDO, RESET, CANCEL, -CODE), an item of the open box, or the next waybill; and the
weight typed or sent by a scale. Every refusal comes back as an outcome the page shows in
red, never as an exception, with the state the scan leaves (the rules are in packing.py)."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from django.utils.translation import gettext as _

from zhanggui.catalog.models import Sku
from zhanggui.core.errors import DomainError, InvalidInput
from zhanggui.fulfillment.models import Parcel
from zhanggui.fulfillment.services.packing import (
    BLOCKED,
    COMPLETE,
    ERROR,
    OK,
    PACKED,
    WARNING,
    NoParcelOpen,
    PackingState,
    ParcelAlreadyPacked,
    ParcelAlreadyShipped,
    ParcelBlocked,
    ScanOutcome,
    UnknownBarcode,
    UnusualWeight,
    blocked_message,
    find_sku,
    finish_packing,
    live_parcels,
    match_item,
    members_of,
    normalize_code,
    open_parcel,
    parcel_checks,
    person_name,
    progress,
    scan_item,
    start_verification,
)

# Typed or scanned commands (upper-cased). "-CODE" takes one CODE out of the box.
UNDO: Final = "undo"
RESET: Final = "reset"
CANCEL: Final = "cancel"
COMMANDS: Final = {
    "UNDO": UNDO,
    "撤销": UNDO,
    "RESET": RESET,
    "重置": RESET,
    "重扫": RESET,
    "CANCEL": CANCEL,
    "取消": CANCEL,
}
REMOVE_PREFIXES: Final = ("-", "−")


def _find_code(sku_id: int) -> str:
    return str(Sku.objects.filter(pk=sku_id).values_list("merchant_code", flat=True).first() or "")


def _after_change(state: PackingState, message: str) -> ScanOutcome:
    if state.parcel_id is None:
        raise NoParcelOpen()
    _parcel, checks = open_parcel(state.parcel_id)
    result = progress(checks, state)
    if result.is_blocked:
        return ScanOutcome(state, BLOCKED, blocked_message(result), checks, result)
    level = COMPLETE if result.is_complete else OK
    if result.is_complete:
        message = " ".join(filter(None, (message, _("All items checked: weigh the parcel."))))
    return ScanOutcome(state, level, message, checks, result)


def undo_last(*, state: PackingState) -> ScanOutcome:
    """Take the last scanned item out again."""
    if not state.scans:
        return _after_change(state, _("Nothing to undo."))
    code = _find_code(state.scans[-1])
    state = replace(state, scans=state.scans[:-1])
    return _after_change(state, _("Undone: one %(code)s taken out.") % {"code": code})


def remove_item(*, state: PackingState, barcode: str) -> ScanOutcome:
    """Take one item with this code out of the box (the last one scanned of it)."""
    if state.parcel_id is None:
        raise NoParcelOpen()
    code = normalize_code(barcode)
    _parcel, checks = open_parcel(state.parcel_id)
    item = match_item(checks, code)
    sku = None if item else find_sku(code)
    sku_id = item.sku_id if item else (sku.pk if sku else None)
    if sku_id is None or sku_id not in state.scans:
        raise UnknownBarcode(
            _("“%(code)s” was not scanned into this box.") % {"code": code[:60]},
            barcode=code[:60],
        )
    index = len(state.scans) - 1 - state.scans[::-1].index(sku_id)
    state = replace(state, scans=state.scans[:index] + state.scans[index + 1 :])
    return _after_change(state, _("One %(code)s taken out.") % {"code": _find_code(sku_id)})


def reset_box(*, state: PackingState) -> ScanOutcome:
    """Start the parcel's items again (the box was emptied)."""
    return _after_change(replace(state, scans=()), _("Box emptied: scan every item again."))


def _refused(state: PackingState, error: DomainError) -> ScanOutcome:
    return ScanOutcome(state, ERROR, str(error.message), code=error.code, data=dict(error.data))


def _refused_parcel(error: DomainError) -> ScanOutcome:
    """A parcel that must not be packed: nothing is open, but the page shows what it was
    (receiver and items), so the packer finds the box and puts it aside."""
    checks = None
    parcel_id = error.data.get("parcel_id")
    parcel = None
    if isinstance(parcel_id, int):
        parcel = Parcel.objects.select_related("courier", "order").filter(pk=parcel_id).first()
    if parcel is not None:
        try:
            checks = parcel_checks(parcel, members_of(parcel.order))
        except DomainError:
            checks = None
    level = BLOCKED if isinstance(error, ParcelBlocked) else ERROR
    return ScanOutcome(
        PackingState(), level, str(error.message), checks, code=error.code, data=dict(error.data)
    )


PARCEL_REFUSALS = (ParcelBlocked, ParcelAlreadyPacked, ParcelAlreadyShipped, NoParcelOpen)


def _open_waybill(actor: Any, state: PackingState, code: str) -> ScanOutcome:
    try:
        outcome = start_verification(actor=actor, scanned_waybill=code)
    except PARCEL_REFUSALS as error:
        return _refused_parcel(error)
    except DomainError as error:
        return _refused(state, error)
    if state.parcel_id is not None and state.scans:
        left = _("Parcel %(tracking)s was left unfinished.") % {"tracking": state.tracking_no}
        return replace(outcome, message=f"{outcome.message} {left}")
    return outcome


def handle_scan(*, actor: Any, state: PackingState, code: str) -> ScanOutcome:
    """Whatever the packer scanned or typed: a command (UNDO, RESET, CANCEL, -CODE), an item
    of the open parcel, or a waybill (which opens its parcel). Never raises a DomainError:
    refusals come back as red outcomes, with the state they leave."""
    code = normalize_code(code)
    if not code:
        return ScanOutcome(state, ERROR, _("Nothing was scanned."), code="empty")
    command = COMMANDS.get(code.upper())
    if state.parcel_id is None:
        if command or code.startswith(REMOVE_PREFIXES):
            return _refused(state, NoParcelOpen())
        return _open_waybill(actor, state, code)
    if code == state.tracking_no:
        try:
            return _after_change(state, _("This parcel is already open."))
        except PARCEL_REFUSALS as error:
            return _refused_parcel(error)
    try:
        if command == CANCEL:
            return ScanOutcome(
                PackingState(),
                OK,
                _("Parcel %(tracking)s put aside, not packed. Scan the next waybill.")
                % {"tracking": state.tracking_no},
            )
        if command == UNDO:
            return undo_last(state=state)
        if command == RESET:
            return reset_box(state=state)
        if code.startswith(REMOVE_PREFIXES) and len(code) > 1:
            return remove_item(state=state, barcode=code[1:])
        return scan_item(state=state, barcode=code)
    except UnknownBarcode as error:
        # Not an item: the next parcel's waybill opens that parcel.
        if live_parcels(code) or Parcel.objects.filter(tracking_no=code).exists():
            return _open_waybill(actor, state, code)
        return _with_current(state, error)
    except PARCEL_REFUSALS as error:
        if live_parcels(code):
            return _open_waybill(actor, state, code)
        return _refused_parcel(error)


def _with_current(state: PackingState, error: DomainError) -> ScanOutcome:
    """A refused scan leaves the open parcel as it was; the page still shows it."""
    try:
        current = _after_change(state, "")
    except PARCEL_REFUSALS as refusal:
        return _refused_parcel(refusal)
    return replace(
        current, level=ERROR, message=str(error.message), code=error.code, data=dict(error.data)
    )


def describe(state: PackingState) -> ScanOutcome | None:
    """The open parcel as it is now (after a page reload), or None when nothing is open."""
    if state.parcel_id is None:
        return None
    try:
        return _after_change(
            state, _("Parcel %(tracking)s is open.") % {"tracking": state.tracking_no}
        )
    except PARCEL_REFUSALS as error:
        return _refused_parcel(error)


def parse_weight(text: str) -> int:
    """Grams from what was typed or what a scale sent as keys: a whole number is grams
    ("850"), a number with a decimal point is kilograms ("1.25", "1.250kg"); units g, 克,
    kg, 公斤, 千克 are understood. Scales that prefix their reading ("ST,GS,+ 1.250kg")
    are read by the last number."""
    raw = normalize_code(text).lower()
    # The last number, not the tail of "1,250" (a thousands comma: ask again rather than
    # read 250 g).
    match = re.search(r"(?<![\d.,])(-?)(\d+(?:\.\d+)?)\s*(kg|g|公斤|千克|克)?\s*$", raw)
    if not match or match.group(1):
        raise InvalidInput({"weight": [_("Enter the weight, e.g. 850 (grams) or 1.25 (kg).")]})
    try:
        number = Decimal(match.group(2))
    except InvalidOperation as error:  # pragma: no cover - the pattern allows only numbers
        raise InvalidInput({"weight": [_("Not a weight.")]}) from error
    unit = match.group(3) or ("kg" if "." in match.group(2) else "g")
    grams = number * 1000 if unit in ("kg", "公斤", "千克") else number
    return int(grams.to_integral_value())


def handle_finish(
    *, actor: Any, state: PackingState, parcel_id: int, weight: str, confirm: bool
) -> ScanOutcome:
    """The weight typed (or sent by the scale) for the open parcel: packs it with the box's
    counts. Never raises a DomainError: refusals come back as outcomes, the box still open
    unless the parcel itself was refused."""
    if state.parcel_id is None or state.parcel_id != parcel_id:
        return _refused(
            state,
            NoParcelOpen(_("This parcel is not open here any more: scan its waybill again.")),
        )
    try:
        weight_g = parse_weight(weight)
        result = finish_packing(
            actor=actor,
            parcel_id=parcel_id,
            counts=state.counts(),
            weight_g=weight_g,
            confirm_weight=confirm,
        )
    except UnusualWeight as error:
        current = describe(state) or ScanOutcome(state, WARNING, "")
        return replace(
            current, level=WARNING, message=str(error.message), code=error.code, data=error.data
        )
    except PARCEL_REFUSALS as error:
        return _refused_parcel(error)
    except DomainError as error:
        return _with_current(state, error)
    parcel = result.parcel
    message = _("Packed %(tracking)s by %(packer)s, %(weight)s kg.") % {
        "tracking": parcel.tracking_no,
        "packer": person_name(actor),
        "weight": f"{Decimal(parcel.weight_g or 0) / 1000:.3f}".rstrip("0").rstrip("."),
    }
    if result.warning:
        message = f"{message} {result.warning}"
    return ScanOutcome(
        PackingState(),
        PACKED,
        message,
        data={
            "tracking_no": parcel.tracking_no,
            "packer": person_name(actor),
            "weight_g": parcel.weight_g,
        },
    )
