"""Catalog reads for the operator pages: lists, search, work-queue filters.

Everything a list shows per row is computed in the list's own query (subqueries per row,
so only the page's rows pay for them) and listings are prefetched for the page only: the
product list costs the same few queries for 10 or 10,000 products."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from zhanggui.catalog.models import Listing, Product, ProductImage, Sku
from zhanggui.core.models import AuditEntry

# Main image + at least 5 detail images (DOMAIN.md §2).
IMAGES_WANTED: Final = 6
PAGE_SIZE: Final = 50

# "missing=<key>" filters of the product list; the home page's work queues link to them.
PRODUCT_GAPS: Final = ("sku", "listing", "description", "main_image", "images", "main_width")
# "missing=<key>" filters of the SKU list.
SKU_GAPS: Final = ("weight", "cost")

PRODUCT_SORTS: Final[dict[str, tuple[str, ...]]] = {
    "newest": ("-created_at", "-id"),
    "oldest": ("created_at", "id"),
    "item_no": ("item_no",),
    "-item_no": ("-item_no",),
    "title": ("title", "id"),
    "price": ("min_price", "id"),
    "-price": ("-max_price", "-id"),
    "skus": ("-sku_count", "-id"),
}


@dataclass(frozen=True)
class ProductFilters:
    q: str = ""
    category_id: int | None = None
    product_line: str = ""
    is_hero: bool | None = None
    listing_status: str = ""
    shop_id: int | None = None
    missing: str = ""
    sort: str = "newest"


def _skus_of_row() -> QuerySet[Sku, Any]:
    return Sku.objects.filter(product=OuterRef("pk")).order_by().values("product")


def with_sku_summary(products: QuerySet[Product]) -> QuerySet[Product]:
    """SKU count and price range per product, as correlated subqueries."""
    skus = _skus_of_row()
    return products.annotate(
        sku_count=Coalesce(
            Subquery(skus.annotate(n=Count("id")).values("n"), output_field=IntegerField()),
            Value(0),
        ),
        min_price=Subquery(skus.annotate(low=Min("price")).values("low")),
        max_price=Subquery(skus.annotate(high=Max("price")).values("high")),
    )


def _main_image() -> QuerySet[ProductImage]:
    return ProductImage.objects.filter(product=OuterRef("pk"), sequence=1)


def products_with_gap(products: QuerySet[Product], gap: str) -> QuerySet[Product]:
    """Products lacking something a role must add (one of PRODUCT_GAPS); others unchanged."""
    if gap == "sku":
        return products.filter(~Exists(Sku.objects.filter(product=OuterRef("pk"))))
    if gap == "listing":
        # Not uploaded to any shop yet; a delisted product still has its listing row.
        return products.filter(~Exists(Listing.objects.filter(product=OuterRef("pk"))))
    if gap == "description":
        return products.filter(description="")
    if gap == "main_image":
        return products.filter(~Exists(_main_image()))
    if gap == "images":
        counted = (
            ProductImage.objects.filter(product=OuterRef("pk"))
            .order_by()
            .values("product")
            .annotate(n=Count("id"))
            .values("n")
        )
        images = Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))
        return products.alias(image_count=images).filter(image_count__lt=IMAGES_WANTED)
    if gap == "main_width":
        width = settings.ZHANGGUI["MAIN_IMAGE_WIDTH_PX"]
        return products.filter(Exists(_main_image().exclude(width=width)))
    return products


def search_products(products: QuerySet[Product], q: str) -> QuerySet[Product]:
    """Title (Chinese too) or item number contains q, or any SKU's merchant code or barcode."""
    q = q.strip()
    if not q:
        return products
    by_sku = Sku.objects.filter(product=OuterRef("pk")).filter(
        Q(merchant_code__icontains=q) | Q(barcode__icontains=q)
    )
    return products.filter(Q(title__icontains=q) | Q(item_no__icontains=q) | Exists(by_sku))


def filter_products(filters: ProductFilters) -> QuerySet[Product]:
    """The products matching the list's filters, unsorted and unannotated (exports use it)."""
    products = search_products(Product.objects.all(), filters.q)
    if filters.category_id:
        products = products.filter(category_id=filters.category_id)
    if filters.product_line:
        products = products.filter(product_line=filters.product_line)
    if filters.is_hero is not None:
        products = products.filter(is_hero=filters.is_hero)
    if filters.listing_status or filters.shop_id:
        listings = Listing.objects.filter(product=OuterRef("pk"))
        if filters.listing_status:
            listings = listings.filter(status=filters.listing_status)
        if filters.shop_id:
            listings = listings.filter(shop_id=filters.shop_id)
        products = products.filter(Exists(listings))
    return products_with_gap(products, filters.missing)


def list_products(filters: ProductFilters) -> QuerySet[Product]:
    """One page's worth of columns: category, SKU count, price range, listings per shop."""
    products = with_sku_summary(filter_products(filters).select_related("category"))
    order = PRODUCT_SORTS.get(filters.sort, PRODUCT_SORTS["newest"])
    listings = Prefetch("listings", queryset=Listing.objects.select_related("shop"))
    return products.order_by(*order).prefetch_related(listings)


def skus_with_gap(skus: QuerySet[Sku], gap: str) -> QuerySet[Sku]:
    if gap == "weight":
        return skus.filter(weight_g__isnull=True)
    if gap == "cost":
        return skus.filter(cost_price__isnull=True)
    return skus


def list_skus(*, q: str = "", missing: str = "") -> QuerySet[Sku]:
    """Active SKUs, searched by merchant code, barcode, item number or title."""
    skus = Sku.objects.filter(is_active=True).select_related("product")
    q = q.strip()
    if q:
        skus = skus.filter(
            Q(merchant_code__icontains=q)
            | Q(barcode__icontains=q)
            | Q(product__item_no__icontains=q)
            | Q(product__title__icontains=q)
        )
    return skus_with_gap(skus, missing).order_by("product__item_no", "color", "size", "id")


def count_products_with_gap(gap: str) -> int:
    return products_with_gap(Product.objects.order_by(), gap).count()


def count_skus_with_gap(gap: str) -> int:
    return skus_with_gap(Sku.objects.filter(is_active=True).order_by(), gap).count()


def count_hero_products() -> int:
    return Product.objects.filter(is_hero=True).count()


def get_product_page(item_no: str) -> Product | None:
    """One product with what its page shows: SKUs, images, listings with their shop."""
    return (
        Product.objects.select_related("category")
        .prefetch_related(
            Prefetch("skus", queryset=Sku.objects.order_by("color", "size", "id")),
            Prefetch("images", queryset=ProductImage.objects.order_by("sequence")),
            Prefetch("listings", queryset=Listing.objects.select_related("shop")),
        )
        .filter(item_no=item_no)
        .first()
    )


def taken_codes(field: str, codes: Iterable[str]) -> set[str]:
    """Which of these merchant codes or barcodes another SKU already uses."""
    wanted = {code for code in codes if code}
    if field not in ("merchant_code", "barcode") or not wanted:
        return set()
    return set(Sku.objects.filter(**{f"{field}__in": wanted}).values_list(field, flat=True))


def product_audit_entries(product: Product) -> QuerySet[AuditEntry]:
    """The trail of a product, its SKUs and its listings, newest first (one query).

    Image changes are recorded on the product itself, so they are included."""
    types = ContentType.objects.get_for_models(Product, Sku, Listing)
    skus = [str(sku.pk) for sku in product.skus.all()]
    listings = [str(listing.pk) for listing in product.listings.all()]
    return AuditEntry.objects.filter(
        Q(content_type=types[Product], object_id=str(product.pk))
        | Q(content_type=types[Sku], object_id__in=skus)
        | Q(content_type=types[Listing], object_id__in=listings)
    )
