from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhanggui.channels.models import Shop
from zhanggui.core.models import TimeStampedModel, money_field


class ProductLine(models.TextChoices):
    TRAFFIC = "traffic", _("Traffic item")
    PROMO = "promo", _("Promotion item")
    PROFIT = "profit", _("Profit item")


class ListingStatus(models.TextChoices):
    ON_SALE = "on_sale", _("On sale")
    IN_WAREHOUSE = "in_warehouse", _("In warehouse")
    SOLD_OUT = "sold_out", _("Sold out")


class Category(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Product(TimeStampedModel):
    """A style as the buyer sees it (宝贝), under the shop's unified item number (货号)."""

    item_no = models.CharField(_("item number"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=120)
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="products",
    )
    product_line = models.CharField(
        _("product line"), max_length=16, choices=ProductLine.choices, default=ProductLine.PROFIT
    )
    is_hero = models.BooleanField(_("hero item"), default=False)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["title"]), models.Index(fields=["product_line", "is_hero"])]
        permissions = [
            ("manage_images", _("Can upload and order product images")),
            ("import_catalog", _("Can import products and SKUs")),
            ("export_catalog", _("Can export products and SKUs")),
        ]

    def __str__(self) -> str:
        return f"{self.item_no} {self.title}"


def product_image_path(instance: ProductImage, filename: str) -> str:
    return f"products/{instance.product.item_no}/{filename}"


class ProductImage(models.Model):
    """A product image named item number + sequence (货号+编号); sequence 1 is the main image."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(
        _("image"), upload_to=product_image_path, width_field="width", height_field="height"
    )
    name = models.CharField(_("name"), max_length=80)
    sequence = models.PositiveSmallIntegerField(_("sequence"))
    width = models.PositiveIntegerField(_("width (px)"), default=0)
    height = models.PositiveIntegerField(_("height (px)"), default=0)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("product image")
        verbose_name_plural = _("product images")
        ordering = ["product", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["product", "sequence"], name="image_unique_sequence"),
        ]

    def __str__(self) -> str:
        return self.name


class Sku(TimeStampedModel):
    """One colour × size of a product (分色分码), the unit stock is kept in."""

    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="skus"
    )
    color = models.CharField(_("colour"), max_length=40, blank=True)
    size = models.CharField(_("size"), max_length=20, blank=True)
    merchant_code = models.CharField(_("merchant code"), max_length=64, unique=True)
    barcode = models.CharField(_("barcode"), max_length=32, unique=True, null=True, blank=True)
    price = money_field(_("price"))
    vip_price = money_field(_("VIP price"), null=True)
    cost_price = money_field(_("cost"), null=True)
    weight_g = models.PositiveIntegerField(_("weight (g)"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("SKU")
        verbose_name_plural = _("SKUs")
        ordering = ["product_id", "color", "size", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "color", "size"], name="sku_unique_color_size"
            ),
            models.CheckConstraint(condition=Q(price__gte=0), name="sku_price_not_negative"),
            models.CheckConstraint(
                condition=Q(vip_price__isnull=True) | Q(vip_price__gte=0),
                name="sku_vip_price_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(cost_price__isnull=True) | Q(cost_price__gte=0),
                name="sku_cost_not_negative",
            ),
        ]
        permissions = [
            ("change_price", _("Can change prices")),
            ("view_cost", _("Can see costs")),
            ("change_cost", _("Can change costs")),
        ]

    def __str__(self) -> str:
        return self.merchant_code


class Listing(TimeStampedModel):
    """A product offered in one shop, with its sale status there."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="listings")
    shop = models.ForeignKey(
        Shop, verbose_name=_("shop"), on_delete=models.PROTECT, related_name="listings"
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ListingStatus.choices,
        default=ListingStatus.IN_WAREHOUSE,
    )
    channel_item_id = models.CharField(_("channel item id"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("listing")
        verbose_name_plural = _("listings")
        ordering = ["product", "shop"]
        constraints = [
            models.UniqueConstraint(fields=["product", "shop"], name="listing_unique_product_shop"),
        ]

    def __str__(self) -> str:
        return f"{self.product.item_no} @ {self.shop}"
