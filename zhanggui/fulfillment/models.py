"""Shipping (发货, DOMAIN.md §6): couriers and their prices, e-waybill numbers, parcels from
label to delivery, handovers, claims and the monthly courier bill."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhanggui.core.models import TimeStampedModel, money_field
from zhanggui.orders.models import Order


class Courier(models.Model):
    """A courier company. `code` is the Taobao/Cainiao code (STO, YTO, ZTO, YUNDA, SF, EMS,
    JD...); the other platforms' codes differ and live in `channel_codes` (CHANNELS.md §4.3)."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=40)
    channel_codes = models.JSONField(_("channel codes"), default=dict, blank=True)
    # Label sizes this courier prints, e.g. "76x130,100x180" (CHANNELS.md §4.1).
    label_sizes = models.CharField(_("label sizes"), max_length=60, default="76x130,100x180")
    # Whether the number of a cancelled label may be used again (most couriers: no).
    reuses_cancelled_numbers = models.BooleanField(_("reuses cancelled numbers"), default=False)
    # "YTO priced as STO": quote this courier with another's price table.
    priced_as = models.ForeignKey(
        "self",
        verbose_name=_("priced as"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    tracking_pattern = models.CharField(_("tracking number pattern"), max_length=100, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("courier")
        verbose_name_plural = _("couriers")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name

    def code_for(self, channel: str) -> str:
        return str(self.channel_codes.get(channel) or self.code)


class CourierRate(models.Model):
    """What a courier charges to one province: the first weight (首重) and each further
    kilogram (续重)."""

    courier = models.ForeignKey(Courier, on_delete=models.CASCADE, related_name="rates")
    province = models.CharField(_("province"), max_length=20)
    first_weight_g = models.PositiveIntegerField(_("first weight (g)"), default=1000)
    first_price = money_field(_("first weight price"))
    extra_price_per_kg = money_field(_("extra weight price per kg"))

    class Meta:
        verbose_name = _("courier rate")
        verbose_name_plural = _("courier rates")
        ordering = ["courier", "province"]
        constraints = [
            models.UniqueConstraint(fields=["courier", "province"], name="rate_unique_province")
        ]

    def __str__(self) -> str:
        return f"{self.courier_id} {self.province}"


class CourierExclusion(models.Model):
    """A place the courier cannot reach: a whole province, a city, or one district."""

    courier = models.ForeignKey(Courier, on_delete=models.CASCADE, related_name="exclusions")
    province = models.CharField(_("province"), max_length=20)
    city = models.CharField(_("city"), max_length=30, blank=True)
    district = models.CharField(_("district"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("place not reached")
        verbose_name_plural = _("places not reached")
        constraints = [
            models.UniqueConstraint(
                fields=["courier", "province", "city", "district"], name="exclusion_unique"
            )
        ]

    def __str__(self) -> str:
        return " ".join(p for p in (self.province, self.city, self.district) if p)


class ShippingSettings(models.Model):
    """The shop's shipping set-up (one row, pk=1): couriers by default and for places the
    default cannot reach, and the sender printed on every label."""

    default_courier = models.ForeignKey(
        Courier,
        verbose_name=_("default courier"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    fallback_courier = models.ForeignKey(
        Courier,
        verbose_name=_("courier where the default cannot reach"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sender_name = models.CharField(_("sender name"), max_length=50, blank=True)
    sender_phone = models.CharField(_("sender phone"), max_length=40, blank=True)
    sender_province = models.CharField(_("province"), max_length=20, blank=True)
    sender_city = models.CharField(_("city"), max_length=30, blank=True)
    sender_district = models.CharField(_("district"), max_length=30, blank=True)
    sender_address = models.CharField(_("address"), max_length=255, blank=True)
    sender_postcode = models.CharField(_("postcode"), max_length=6, blank=True)
    default_label_size = models.CharField(_("label size"), max_length=10, default="76x130")

    class Meta:
        verbose_name = _("shipping settings")
        verbose_name_plural = _("shipping settings")

    def __str__(self) -> str:
        return str(_("shipping settings"))


class WaybillStatus(models.TextChoices):
    AVAILABLE = "available", _("Available")
    USED = "used", _("Used")
    VOID = "void", _("Void")


class WaybillNumber(models.Model):
    """One tracking number from a courier's allocation (the pool). A number is used once;
    a cancelled label's number goes back only if the courier allows it, else it is void."""

    courier = models.ForeignKey(Courier, on_delete=models.PROTECT, related_name="numbers")
    number = models.CharField(_("tracking number"), max_length=40)
    status = models.CharField(
        max_length=10, choices=WaybillStatus.choices, default=WaybillStatus.AVAILABLE
    )
    order = models.ForeignKey(
        Order, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("waybill number")
        verbose_name_plural = _("waybill numbers")
        constraints = [
            models.UniqueConstraint(fields=["courier", "number"], name="waybill_number_unique")
        ]
        indexes = [models.Index(fields=["courier", "status", "id"])]

    def __str__(self) -> str:
        return self.number


class ParcelStatus(models.TextChoices):
    PRINTED = "printed", pgettext_lazy("parcel", "Label printed")
    PACKED = "packed", pgettext_lazy("parcel", "Packed")
    SHIPPED = "shipped", pgettext_lazy("parcel", "Shipped")
    IN_TRANSIT = "in_transit", _("In transit")
    DELIVERED = "delivered", _("Delivered")
    PROBLEM = "problem", _("Problem")
    LOST = "lost", _("Lost")
    DAMAGED = "damaged", _("Damaged")
    UNDELIVERABLE = "undeliverable", _("Undeliverable")
    CANCELLED = "cancelled", pgettext_lazy("parcel", "Cancelled")


class Parcel(TimeStampedModel):
    """What leaves the warehouse for one order (with the orders merged into it): one label,
    one tracking number. A cancelled label leaves its parcel cancelled; a new one is made."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="parcels")
    courier = models.ForeignKey(Courier, on_delete=models.PROTECT, related_name="parcels")
    tracking_no = models.CharField(_("tracking number"), max_length=40)
    status = models.CharField(
        _("status"), max_length=16, choices=ParcelStatus.choices, default=ParcelStatus.PRINTED
    )
    estimated_weight_g = models.PositiveIntegerField(_("estimated weight (g)"), default=0)
    estimated_cost = money_field(_("estimated cost"), null=True)
    weight_g = models.PositiveIntegerField(_("weight (g)"), null=True, blank=True)
    print_count = models.PositiveSmallIntegerField(_("times printed"), default=0)
    last_printed_at = models.DateTimeField(null=True, blank=True)
    packed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("packer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    packed_at = models.DateTimeField(_("packed at"), null=True, blank=True)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    handover = models.ForeignKey(
        "Handover", null=True, blank=True, on_delete=models.SET_NULL, related_name="parcels"
    )
    # Marked for deduction on the monthly bill (undeliverable, lost, damaged).
    deduct_from_bill = models.BooleanField(_("deduct from the bill"), default=False)

    class Meta:
        verbose_name = _("parcel")
        verbose_name_plural = _("parcels")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["courier", "tracking_no"], name="parcel_unique_tracking"
            ),
            models.UniqueConstraint(
                fields=["order"], condition=~Q(status="cancelled"), name="parcel_one_live_per_order"
            ),
        ]
        indexes = [
            models.Index(fields=["tracking_no"]),
            models.Index(fields=["status", "shipped_at"]),
        ]
        permissions = [
            ("print_labels", _("Can print labels and pick lists")),
            ("pack_parcel", _("Can verify and pack parcels")),
            ("manage_couriers", _("Can edit couriers, prices and number pools")),
            ("reconcile_bills", _("Can reconcile courier bills")),
            ("manage_claims", _("Can import tracking and open and settle claims")),
        ]

    def __str__(self) -> str:
        return f"{self.courier_id} {self.tracking_no}"


class Handover(TimeStampedModel):
    """A courier pickup (交接单): the parcels handed over, counted and signed for."""

    courier = models.ForeignKey(Courier, on_delete=models.PROTECT, related_name="handovers")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    # Waybill stubs (底单) of this pickup, kept by date and courier, archived after 15 days.
    stubs_archived_at = models.DateTimeField(_("stubs archived at"), null=True, blank=True)

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.courier_id} {self.created_at:%Y-%m-%d %H:%M}"


class LabelBatch(TimeStampedModel):
    """One print run of labels; each entry says which parcel's label sits on which page."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    size = models.CharField(_("label size"), max_length=10)
    is_reprint = models.BooleanField(_("reprint"), default=False)

    class Meta:
        verbose_name = _("label batch")
        verbose_name_plural = _("label batches")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.size}"


class LabelBatchEntry(models.Model):
    batch = models.ForeignKey(LabelBatch, on_delete=models.CASCADE, related_name="entries")
    parcel = models.ForeignKey(Parcel, on_delete=models.PROTECT, related_name="+")
    page = models.PositiveIntegerField()

    class Meta:
        ordering = ["batch", "page"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "parcel"], name="batch_parcel_once"),
            models.UniqueConstraint(fields=["batch", "page"], name="batch_page_once"),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.page}"


from zhanggui.fulfillment import models_after  # noqa: E402,F401 (registers its models)
