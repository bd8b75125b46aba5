"""Writes the demo shops and the planned catalog.

Products, SKUs and listings go in with bulk_create: through create_product one SKU costs
about seven queries, and the demo must stay fast. Every value is first checked by the
same catalog validation the services use, so demo data is always data the shop could
have entered by hand."""

from __future__ import annotations

from collections.abc import Sequence

from zhanggui.catalog.models import Category, Listing, Product, Sku
from zhanggui.catalog.services import (
    CleanSku,
    assign_generated_barcodes,
    check_product_input,
    clean_sku_input,
)
from zhanggui.channels.models import Shop
from zhanggui.core.errors import InvalidInput
from zhanggui.demo.data_products import SHOPS
from zhanggui.demo.plan_catalog import ProductPlan


def build_shops() -> dict[str, Shop]:
    """The demo's three shops by code; a shop already set up under a demo code is kept."""
    shops = {}
    for code, channel, name in SHOPS:
        shop, _created = Shop.objects.get_or_create(
            code=code, defaults={"channel": channel, "name": name}
        )
        shops[code] = shop
    return shops


def _checked(plan: ProductPlan) -> list[CleanSku]:
    """The plan's SKUs as the services would store them; InvalidInput on any bad value
    (a bug in the demo tables, which must never load quietly)."""
    errors = {
        f"{plan.product.item_no}.{name}": messages
        for name, messages in check_product_input(plan.product).items()
    }
    skus = [clean_sku_input(sku) for sku in plan.skus]
    for sku in skus:
        errors.update({f"{sku.merchant_code}.{name}": msgs for name, msgs in sku.errors.items()})
    if errors:
        raise InvalidInput(errors)
    return skus


def build_products(plans: Sequence[ProductPlan]) -> dict[str, Product]:
    """Products and SKUs of the plans, with generated EAN-13 barcodes; by item number."""
    checked = [_checked(plan) for plan in plans]
    categories = {
        name: Category.objects.get_or_create(name=name)[0]
        for name in dict.fromkeys(plan.product.category for plan in plans)
    }
    products = Product.objects.bulk_create(
        Product(
            item_no=plan.product.item_no,
            title=plan.product.title,
            category=categories[plan.product.category],
            product_line=plan.product.product_line,
            is_hero=plan.product.is_hero,
            description=plan.product.description,
        )
        for plan in plans
    )
    skus = Sku.objects.bulk_create(
        Sku(
            product=product,
            merchant_code=sku.merchant_code,
            color=sku.color,
            size=sku.size,
            price=sku.price,
            vip_price=sku.vip_price,
            cost_price=sku.cost_price,
            weight_g=sku.weight_g,
        )
        for product, product_skus in zip(products, checked, strict=True)
        for sku in product_skus
    )
    assign_generated_barcodes(skus)
    return {product.item_no: product for product in products}


def build_listings(
    plans: Sequence[ProductPlan], products: dict[str, Product], shops: dict[str, Shop]
) -> int:
    listings = Listing.objects.bulk_create(
        Listing(
            product=products[plan.product.item_no],
            shop=shops[listing.shop_code],
            status=listing.status,
            channel_item_id=listing.channel_item_id,
        )
        for plan in plans
        for listing in plan.listings
    )
    return len(listings)
