"""Writes about where stock lives and the shop's stock rules: warehouses, bins, which bins a
SKU sits in, and the stock policy. Each change is audited in its own transaction.

A SKU may sit in several bins; in each warehouse exactly one of its places is primary, the
one pick lists send the packer to (picking happens inside one warehouse)."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import Any, Final

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from zhanggui.catalog.models import Sku
from zhanggui.core import audit
from zhanggui.core.errors import InvalidInput, NotFound
from zhanggui.inventory.models import Bin, SkuBin, StockLevel, StockPolicy, Warehouse

WAREHOUSE_FIELDS: Final = ("code", "name", "is_default", "is_sellable", "is_active")
CODE_PATTERN: Final = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
BIN_CODE_MAX: Final = 32


@dataclass(frozen=True)
class WarehouseInput:
    name: str
    is_sellable: bool = True
    is_default: bool = False
    is_active: bool = True


@dataclass(frozen=True)
class PolicyInput:
    window_days: int
    hot_min_units: int
    slow_max_units: int
    warning_hot: int
    warning_steady: int
    warning_slow: int
    safety_hot: int
    safety_steady: int
    safety_slow: int
    review_days: int


def find_sku(code: str) -> Sku:
    """The SKU whose merchant code or barcode is `code` (what a scanner reads).
    Raises InvalidInput on field "sku" when there is none."""
    code = code.strip()
    sku = (
        Sku.objects.select_related("product")
        .filter(Q(merchant_code=code) | Q(barcode=code))
        .first()
        if code
        else None
    )
    if sku is None:
        raise InvalidInput({"sku": [_("No SKU has this merchant code or barcode.")]})
    return sku


def find_bin(*, warehouse_id: int, code: str) -> Bin:
    """The bin of this warehouse with this code (any case). Raises InvalidInput on "bin"."""
    bin_ = (
        Bin.objects.select_related("warehouse")
        .filter(warehouse_id=warehouse_id, code=code.strip().upper())
        .first()
    )
    if bin_ is None:
        raise InvalidInput({"bin": [_("This warehouse has no bin with this code.")]})
    return bin_


def _check_warehouse(data: WarehouseInput) -> None:
    name = data.name.strip()
    if not name or len(name) > 60:
        raise InvalidInput({"name": [_("Give the warehouse a name of at most 60 characters.")]})
    if data.is_default and not data.is_active:
        raise InvalidInput({"is_active": [_("The default warehouse must be active.")]})


def _make_default(warehouse_id: int) -> None:
    # The constraint allows one default: clear the old one first. The rows are locked in pk
    # order so two people making different warehouses the default at once queue up.
    list(Warehouse.objects.select_for_update().order_by("pk"))
    Warehouse.objects.filter(is_default=True).exclude(pk=warehouse_id).update(is_default=False)
    Warehouse.objects.filter(pk=warehouse_id).update(is_default=True)


@transaction.atomic
def create_warehouse(*, actor: Any, code: str, data: WarehouseInput) -> Warehouse:
    """A new warehouse. Codes are short lowercase slugs, unique, and never change (imports
    and the API name warehouses by code). Raises InvalidInput on code, name or is_active."""
    code = code.strip().lower()
    if not CODE_PATTERN.match(code):
        raise InvalidInput(
            {"code": [_("Use up to 32 lowercase letters, digits, '-' or '_' for the code.")]}
        )
    if Warehouse.objects.filter(code=code).exists():
        raise InvalidInput({"code": [_("Another warehouse has this code.")]})
    _check_warehouse(data)
    warehouse = Warehouse.objects.create(
        code=code,
        name=data.name.strip(),
        is_sellable=data.is_sellable,
        is_active=data.is_active,
    )
    if data.is_default:
        _make_default(warehouse.pk)
        warehouse.is_default = True
    audit.record_creation(actor=actor, instance=warehouse, fields=WAREHOUSE_FIELDS)
    return warehouse


@transaction.atomic
def update_warehouse(*, actor: Any, warehouse_id: int, data: WarehouseInput) -> Warehouse:
    """Change a warehouse's name and flags. The shop always has one default warehouse, so
    the default is moved by making another warehouse the default, never by unticking it.
    A warehouse still holding stock cannot be closed (is_active off). Turning `sellable` on
    or off changes what is available for sale, so the listings of its SKUs are synced."""
    warehouse = Warehouse.objects.select_for_update().filter(pk=warehouse_id).first()
    if warehouse is None:
        raise NotFound()
    _check_warehouse(data)
    if warehouse.is_default and not data.is_default:
        raise InvalidInput(
            {"is_default": [_("Make another warehouse the default instead of this one.")]}
        )
    holds_stock = StockLevel.objects.filter(warehouse=warehouse, on_hand__gt=0).exists()
    if warehouse.is_active and not data.is_active and holds_stock:
        raise InvalidInput({"is_active": [_("Move the stock out before closing the warehouse.")]})
    before = audit.snapshot(warehouse, WAREHOUSE_FIELDS)
    sellable_changed = warehouse.is_sellable != data.is_sellable
    Warehouse.objects.filter(pk=warehouse.pk).update(
        name=data.name.strip(), is_sellable=data.is_sellable, is_active=data.is_active
    )
    if data.is_default and not warehouse.is_default:
        _make_default(warehouse.pk)
    warehouse.refresh_from_db()
    audit.record(
        actor=actor,
        instance=warehouse,
        action="update",
        changes=audit.diff(before, audit.snapshot(warehouse, WAREHOUSE_FIELDS)),
    )
    if sellable_changed:
        from zhanggui.inventory.listing_sync import sync_listings

        sku_ids = StockLevel.objects.filter(warehouse=warehouse).values_list("sku_id", flat=True)
        sync_listings(actor=actor, sku_ids=list(sku_ids))
    return warehouse


def _bin_code(code: str) -> str:
    # Shelf labels are printed in capitals; scanners and hand typing may differ in case.
    code = code.strip().upper()
    if not code or len(code) > BIN_CODE_MAX or any(char.isspace() for char in code):
        raise InvalidInput(
            {"code": [_("Give the bin a code of at most 32 characters without spaces.")]}
        )
    return code


@transaction.atomic
def create_bin(*, actor: Any, warehouse_id: int, code: str) -> Bin:
    """A new bin in a warehouse; codes are upper-cased and unique per warehouse.
    Raises InvalidInput on code, NotFound for an unknown warehouse."""
    code = _bin_code(code)
    if not Warehouse.objects.filter(pk=warehouse_id).exists():
        raise NotFound()
    if Bin.objects.filter(warehouse_id=warehouse_id, code=code).exists():
        raise InvalidInput({"code": [_("This warehouse already has a bin with this code.")]})
    bin_ = Bin.objects.create(warehouse_id=warehouse_id, code=code)
    audit.record_creation(actor=actor, instance=bin_, fields=["code"])
    return bin_


@transaction.atomic
def rename_bin(*, actor: Any, bin_id: int, code: str) -> Bin:
    """Give a bin a new code (a shelf relabelled); its SKUs stay placed in it."""
    code = _bin_code(code)
    bin_ = Bin.objects.select_for_update().select_related("warehouse").filter(pk=bin_id).first()
    if bin_ is None:
        raise NotFound()
    taken = Bin.objects.filter(warehouse_id=bin_.warehouse_id, code=code).exclude(pk=bin_.pk)
    if taken.exists():
        raise InvalidInput({"code": [_("This warehouse already has a bin with this code.")]})
    before = audit.snapshot(bin_, ["code"])
    bin_.code = code
    bin_.save(update_fields=["code"])
    audit.record(
        actor=actor,
        instance=bin_,
        action="update",
        changes=audit.diff(before, audit.snapshot(bin_, ["code"])),
    )
    return bin_


def _places_in_warehouse(sku_id: int, warehouse_id: int) -> Any:
    return SkuBin.objects.filter(sku_id=sku_id, bin__warehouse_id=warehouse_id)


def _set_primary(place: SkuBin, actor: Any) -> None:
    others = _places_in_warehouse(place.sku_id, place.bin.warehouse_id).exclude(pk=place.pk)
    others.filter(is_primary=True).update(is_primary=False)
    if not place.is_primary:
        SkuBin.objects.filter(pk=place.pk).update(is_primary=True)
        place.is_primary = True
        audit.record(
            actor=actor,
            instance=place,
            action="update",
            changes={"is_primary": {"before": "false", "after": "true"}},
        )


@transaction.atomic
def place_sku(
    *, actor: Any, sku_code: str, warehouse_id: int, bin_code: str, primary: bool = False
) -> SkuBin:
    """Put a SKU (by merchant code or barcode) in a bin (by code) of a warehouse. The first
    place in a warehouse is primary; `primary` makes this one primary instead of the old.
    Placing again where it already sits changes nothing (a second scan is harmless).
    Raises InvalidInput on "sku" or "bin"."""
    sku = find_sku(sku_code)
    bin_ = find_bin(warehouse_id=warehouse_id, code=bin_code)
    # Lock the SKU's row: two scans of one SKU at once must not make two primaries.
    Sku.objects.select_for_update().filter(pk=sku.pk).first()
    place = SkuBin.objects.select_related("bin").filter(sku=sku, bin=bin_).first()
    if place is None:
        first = not _places_in_warehouse(sku.pk, warehouse_id).exists()
        place = SkuBin.objects.create(sku=sku, bin=bin_, is_primary=first)
        place.bin = bin_
        audit.record_creation(actor=actor, instance=place, fields=["sku", "bin", "is_primary"])
    if primary:
        _set_primary(place, actor)
    return place


def _locked_place(place_id: int) -> SkuBin:
    place = SkuBin.objects.select_related("bin__warehouse").filter(pk=place_id).first()
    if place is None:
        raise NotFound()
    Sku.objects.select_for_update().filter(pk=place.sku_id).first()
    return place


@transaction.atomic
def set_primary_place(*, actor: Any, place_id: int) -> SkuBin:
    """Make this bin the SKU's primary place in its warehouse."""
    place = _locked_place(place_id)
    _set_primary(place, actor)
    return place


@transaction.atomic
def remove_place(*, actor: Any, place_id: int) -> None:
    """Take a SKU out of a bin's list (the shelf no longer holds it). If it was the primary
    place, the SKU's next place in that warehouse (by bin code) becomes primary."""
    place = _locked_place(place_id)
    warehouse_id = place.bin.warehouse_id
    audit.record(
        actor=actor,
        instance=place,
        action="delete",
        changes={
            "sku": {"before": str(place.sku_id), "after": None},
            "bin": {"before": str(place.bin), "after": None},
        },
    )
    place.delete()
    if place.is_primary:
        successor = _places_in_warehouse(place.sku_id, warehouse_id).order_by("bin__code").first()
        if successor is not None:
            _set_primary(successor, actor)


POLICY_FIELDS: Final = tuple(field.name for field in fields(PolicyInput))


def _check_policy(data: PolicyInput) -> None:
    errors: dict[str, list[Any]] = {}
    for name in POLICY_FIELDS:
        value = getattr(data, name)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            errors[name] = [_("Enter a whole number, 0 or more.")]
    if errors:
        raise InvalidInput(errors)
    if data.window_days < 1 or data.window_days > 365:
        errors["window_days"] = [_("The sales window is 1 to 365 days.")]
    if data.review_days < 1:
        errors["review_days"] = [_("The review interval is at least 1 day.")]
    if data.hot_min_units <= data.slow_max_units:
        errors["hot_min_units"] = [
            _("Hot must start above the slow limit, or no SKU could be steady.")
        ]
    if errors:
        raise InvalidInput(errors)


@transaction.atomic
def update_policy(*, actor: Any, data: PolicyInput) -> StockPolicy:
    """Change the shop's stock policy (velocity thresholds, warning levels, safety stock).
    Audited field by field. Raises InvalidInput naming the fields that break a rule."""
    _check_policy(data)
    StockPolicy.objects.get_or_create(pk=1)
    policy = StockPolicy.objects.select_for_update().get(pk=1)
    before = audit.snapshot(policy, POLICY_FIELDS)
    for name in POLICY_FIELDS:
        setattr(policy, name, getattr(data, name))
    policy.save()
    audit.record(
        actor=actor,
        instance=policy,
        action="update",
        changes=audit.diff(before, audit.snapshot(policy, POLICY_FIELDS)),
    )
    return policy
