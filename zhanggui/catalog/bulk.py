"""Bulk writes of checked catalog rows: a few INSERT/UPDATE statements per thousand rows
instead of several per row, with one audit entry per created or changed record.

Callers check everything first (imports.py); this module only writes, inside their
transaction."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Final

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from zhanggui.catalog import services
from zhanggui.catalog.models import Category, Product, Sku
from zhanggui.core import audit
from zhanggui.core.models import AuditAction, AuditEntry

BATCH: Final = 1000
LOOKUP_CHUNK: Final = 5000  # stays under every backend's limit of query parameters

Changed = list[tuple[Any, dict[str, Any]]]


@dataclass
class ProductPlan:
    """A product to create (existing is None) or to change by `changes`."""

    item_no: str
    rows: list[int]
    existing: Product | None = None
    values: dict[str, Any] = field(default_factory=dict)  # category as its name
    changes: dict[str, Any] = field(default_factory=dict)  # audit.diff form


@dataclass
class SkuPlan:
    row: int
    item_no: str
    code: str
    values: dict[str, Any]
    existing: Sku | None = None
    changes: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Written:
    products_created: int
    products_updated: int
    skus_created: int
    skus_updated: int


def chunks(values: Iterable[Any]) -> Iterator[list[Any]]:
    values = list(values)
    for start in range(0, len(values), LOOKUP_CHUNK):
        yield values[start : start + LOOKUP_CHUNK]


def write_catalog(
    *, actor: Any, products: Iterable[ProductPlan], skus: Iterable[SkuPlan]
) -> Written:
    """Create and change products, then SKUs; generate missing barcodes; audit it all."""
    now = timezone.now()
    product_plans, sku_plans = list(products), list(skus)
    categories = _categories({plan.values["category"] for plan in product_plans} - {None})
    new_products = _insert(
        Product,
        "item_no",
        [
            Product(**{**plan.values, "category": categories.get(plan.values["category"])})
            for plan in product_plans
            if plan.existing is None
        ],
    )
    changed_products: Changed = []
    for plan in product_plans:
        if plan.existing is not None and plan.changes:
            for name in plan.changes:
                value = plan.values[name]
                setattr(plan.existing, name, categories.get(value) if name == "category" else value)
            plan.existing.updated_at = now
            changed_products.append((plan.existing, plan.changes))
    _bulk_update(Product, changed_products)

    by_item_no = {product.item_no: product for product in new_products}
    by_item_no.update((p.item_no, p.existing) for p in product_plans if p.existing is not None)
    new_skus = _insert(
        Sku,
        "merchant_code",
        [
            Sku(product=by_item_no[line.item_no], **line.values)
            for line in sku_plans
            if line.existing is None
        ],
    )
    services.assign_generated_barcodes([sku for sku in new_skus if not sku.barcode])
    changed_skus: Changed = []
    for line in sku_plans:
        if line.existing is not None and line.changes:
            for name in line.changes:
                setattr(line.existing, name, line.values[name])
            line.existing.updated_at = now
            changed_skus.append((line.existing, line.changes))
    _bulk_update(Sku, changed_skus)
    _audit(actor, new_products, changed_products, new_skus, changed_skus)
    return Written(len(new_products), len(changed_products), len(new_skus), len(changed_skus))


def _categories(names: set[str]) -> dict[str, Category]:
    existing = Category.objects.in_bulk(list(names), field_name="name")
    missing = [Category(name=name) for name in sorted(names - set(existing))]
    Category.objects.bulk_create(missing, ignore_conflicts=True)
    return dict(Category.objects.in_bulk(list(names), field_name="name"))


def _insert(model: type[Any], key: str, objects: list[Any]) -> list[Any]:
    model.objects.bulk_create(objects, batch_size=BATCH)
    if all(obj.pk is not None for obj in objects):
        return objects
    # A backend that cannot return ids from a bulk insert: read them back by the unique key.
    keys = [getattr(obj, key) for obj in objects]
    found = {}
    for chunk in chunks(keys):
        found.update(model.objects.in_bulk(chunk, field_name=key))
    return [found[value] for value in keys]


def _bulk_update(model: type[Any], changed: Changed) -> None:
    if changed:
        names = sorted({name for _obj, changes in changed for name in changes} | {"updated_at"})
        model.objects.bulk_update([obj for obj, _changes in changed], names, batch_size=BATCH)


def _audit(
    actor: Any,
    new_products: list[Product],
    changed_products: Changed,
    new_skus: list[Sku],
    changed_skus: Changed,
) -> None:
    """The entries audit.record would write, inserted in bulk."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    actor_name = (user.get_username() if user else str(actor or "system"))[:150]
    note = _("catalog import")

    def entry(instance: models.Model, action: str, changes: dict[str, Any]) -> AuditEntry:
        return AuditEntry(
            actor=user,
            actor_name=actor_name,
            action=action,
            content_type=ContentType.objects.get_for_model(type(instance)),
            object_id=str(instance.pk),
            object_repr=str(instance)[:200],
            changes=changes,
            note=note,
        )

    def created(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
        values = audit.snapshot(instance, fields)
        return audit.diff(dict.fromkeys(values), values)

    entries = [
        entry(p, AuditAction.CREATE, created(p, services.PRODUCT_AUDITED)) for p in new_products
    ]
    entries += [entry(s, AuditAction.CREATE, created(s, services.SKU_AUDITED)) for s in new_skus]
    entries += [entry(obj, AuditAction.UPDATE, changes) for obj, changes in changed_products]
    entries += [entry(obj, AuditAction.UPDATE, changes) for obj, changes in changed_skus]
    AuditEntry.objects.bulk_create(entries, batch_size=BATCH)
