"""Orders (订单): channel trades with their lines, from arrival to shipping (DOMAIN.md §5-6).

An order is one channel trade (tid) in one shop. Splitting makes more parts of the same
trade (`part` 1, 2, ...), each keeping the channel's order number; merging keeps every
order and points the merged ones at the order whose parcel carries them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhanggui.catalog.models import Sku
from zhanggui.channels.models import Channel, Shop
from zhanggui.core.models import TimeStampedModel, money_field
from zhanggui.customers.models import Customer


class OrderStatus(models.TextChoices):
    AWAITING_PAYMENT = "awaiting_payment", _("Awaiting payment")
    TO_REVIEW = "to_review", _("To review")
    ON_HOLD = "on_hold", _("On hold")
    APPROVED = "approved", pgettext_lazy("order", "Approved")
    PRINTED = "printed", _("Printed")
    PACKED = "packed", _("Packed")
    SHIPPED = "shipped", _("Shipped")
    COMPLETED = "completed", pgettext_lazy("order", "Completed")
    CLOSED = "closed", pgettext_lazy("order", "Closed")


# Statuses in which stock is reserved for the order's lines.
ALLOCATED_STATUSES = frozenset({OrderStatus.APPROVED, OrderStatus.PRINTED, OrderStatus.PACKED})
# Statuses the shop still has work to do on before the parcel leaves.
OPEN_STATUSES = frozenset({OrderStatus.TO_REVIEW, OrderStatus.ON_HOLD} | ALLOCATED_STATUSES)
FINAL_STATUSES = frozenset({OrderStatus.COMPLETED, OrderStatus.CLOSED})


class Flag(models.TextChoices):
    """Seller memo flags with the shop's fixed meanings (DOMAIN.md §5)."""

    NONE = "none", _("No flag")
    RED = "red", _("Red: buyer's requests")
    YELLOW = "yellow", _("Yellow: cannot ship yet")
    GREEN = "green", _("Green: bank transfer received")
    BLUE = "blue", _("Blue: exchange")
    PURPLE = "purple", _("Purple: return")


class HoldReason(models.TextChoices):
    BUYER_MESSAGE = "buyer_message", _("Buyer message")
    SELLER_MEMO = "seller_memo", _("Seller memo")
    ADDRESS_UNRESOLVED = "address_unresolved", _("Address not resolved")
    AMOUNT_OVER_LIMIT = "amount_over_limit", _("Amount over the limit")
    BLACKLISTED_BUYER = "blacklisted_buyer", _("Blacklisted buyer")
    REQUESTED_COURIER = "requested_courier", _("Buyer asked for a courier")
    UNMATCHED = "unmatched", _("Unmatched merchant code")
    OUT_OF_STOCK = "out_of_stock", _("Out of stock")
    REFUND = "refund", _("Refund requested")
    MANUAL = "manual", _("Held by hand")


def holds_text(codes: list[str]) -> str:
    unique = list(dict.fromkeys(str(code) for code in codes))
    return f",{','.join(unique)}," if unique else ""


def hold_q(reason: str) -> Q:
    """Orders held for `reason`."""
    return Q(hold_reasons__contains=f",{reason},")


class RefundStatus(models.TextChoices):
    NONE = "none", _("No refund")
    REQUESTED = "requested", _("Refund requested")
    REFUSED = "refused", _("Refund refused")
    CANCELLED = "cancelled", _("Refund cancelled")
    REFUNDED = "refunded", _("Refunded")


class OrderSource(models.TextChoices):
    IMPORT = "import", _("Imported file")
    SYNC = "sync", _("Channel sync")
    API = "api", _("API")
    MANUAL = "manual", _("Entered by hand")
    SPLIT = "split", _("Split")


class Order(TimeStampedModel):
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    shop = models.ForeignKey(Shop, verbose_name=_("shop"), on_delete=models.PROTECT)
    order_no = models.CharField(_("order number"), max_length=40)
    # 0 for the order as the channel sent it; 1, 2, ... for the parts split off it.
    part = models.PositiveSmallIntegerField(_("part"), default=0)
    source = models.CharField(max_length=12, choices=OrderSource.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.TO_REVIEW
    )
    # The channel's own status text or code (e.g. WAIT_SELLER_SEND_GOODS), as last seen.
    channel_status = models.CharField(_("channel status"), max_length=40, blank=True)
    buyer_nick = models.CharField(_("buyer nick"), max_length=64, blank=True)
    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    receiver_name = models.CharField(_("receiver name"), max_length=50, blank=True)
    receiver_phone = models.CharField(_("receiver phone"), max_length=40, blank=True)
    receiver_province = models.CharField(_("province"), max_length=20, blank=True)
    receiver_city = models.CharField(_("city"), max_length=30, blank=True)
    receiver_district = models.CharField(_("district"), max_length=30, blank=True)
    receiver_address = models.CharField(_("address"), max_length=255, blank=True)
    receiver_postcode = models.CharField(_("postcode"), max_length=6, blank=True)
    goods_amount = money_field(_("goods amount"))
    paid_amount = money_field(_("paid amount"))
    post_fee = money_field(_("post fee"))
    discount_amount = money_field(_("discount"))
    points_used = models.PositiveIntegerField(_("points used"), default=0)
    ordered_at = models.DateTimeField(_("ordered at"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True, db_index=True)
    # The channel's last-modified time: a sync or a newer export older than this is stale.
    channel_modified_at = models.DateTimeField(null=True, blank=True)
    buyer_message = models.TextField(_("buyer message"), blank=True)
    buyer_message_answered_at = models.DateTimeField(null=True, blank=True)
    seller_memo = models.TextField(_("seller memo"), blank=True)
    flag = models.CharField(_("flag"), max_length=8, choices=Flag.choices, default=Flag.NONE)
    invoice_title = models.CharField(_("invoice title"), max_length=100, blank=True)
    # Comma-framed reason codes (",buyer_message,out_of_stock,"), so one tab is one indexed
    # LIKE on either database; read and written through `holds` / `hold_q()`.
    hold_reasons = models.CharField(_("hold reasons"), max_length=255, blank=True)
    is_urgent = models.BooleanField(_("urgent"), default=False)
    courier = models.CharField(_("courier"), max_length=16, blank=True)
    tracking_no = models.CharField(_("tracking number"), max_length=40, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    split_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="split_parts"
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_orders"
    )
    # A digest of what the channel sent, so an unchanged re-import or re-sync is a no-op.
    content_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-paid_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "shop", "order_no", "part"], name="order_unique_per_shop"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "paid_at"]),
            models.Index(fields=["order_no"]),
            models.Index(fields=["channel", "buyer_nick"]),
            models.Index(fields=["tracking_no"]),
        ]
        permissions = [
            ("review_order", _("Can review, approve, hold, merge and split orders")),
            ("import_orders", _("Can import channel order exports")),
            ("ship_order", _("Can ship orders")),
        ]

    def __str__(self) -> str:
        suffix = f"-{self.part}" if self.part else ""
        return f"{self.order_no}{suffix}"

    @property
    def holds(self) -> list[str]:
        return [code for code in self.hold_reasons.split(",") if code]

    def set_holds(self, codes: list[str]) -> None:
        self.hold_reasons = holds_text(codes)

    @property
    def receiver_full_address(self) -> str:
        parts = [self.receiver_province, self.receiver_city, self.receiver_district]
        # A municipality is both province and city: say it once.
        if parts[0] and parts[0] == parts[1]:
            parts = [parts[0], parts[2]]
        return " ".join(p for p in parts + [self.receiver_address] if p)


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    # The channel's sub-order id (oid); split parts keep it, so each part still points at
    # the channel line it ships.
    oid = models.CharField(_("sub-order number"), max_length=40, blank=True)
    sku = models.ForeignKey(
        Sku,
        verbose_name=_("SKU"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="order_lines",
    )
    merchant_code = models.CharField(_("merchant code"), max_length=64, blank=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    properties = models.CharField(_("properties"), max_length=200, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"))
    price = money_field(_("price"))
    discount = money_field(_("discount"))
    paid_amount = money_field(_("paid amount"))
    refund_status = models.CharField(
        _("refund status"), max_length=12, choices=RefundStatus.choices, default=RefundStatus.NONE
    )
    refund_amount = money_field(_("refund amount"))

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["order_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="line_qty_positive")
        ]
        indexes = [models.Index(fields=["sku"]), models.Index(fields=["merchant_code"])]

    def __str__(self) -> str:
        return f"{self.merchant_code} × {self.quantity}"

    @property
    def reservation_source(self) -> tuple[str, str]:
        """The document name stock is reserved under in the ledger."""
        return ("order_line", str(self.pk))


class MerchantCodeMapping(models.Model):
    """A channel's merchant code a person mapped to one of our SKUs, remembered for next time."""

    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    merchant_code = models.CharField(_("merchant code"), max_length=64)
    sku = models.ForeignKey(Sku, verbose_name=_("SKU"), on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("merchant code mapping")
        verbose_name_plural = _("merchant code mappings")
        constraints = [
            models.UniqueConstraint(fields=["channel", "merchant_code"], name="mapping_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.channel}:{self.merchant_code} → {self.sku_id}"


class DecisionAction(models.TextChoices):
    APPROVE = "approve", _("Approved")
    HOLD = "hold", _("Held")
    RELEASE = "release", _("Released from hold")
    FLAG = "flag", _("Flagged")
    MERGE = "merge", _("Merged")
    SPLIT = "split", _("Split")
    OUT_OF_STOCK = "out_of_stock", _("Out of stock")
    CANCEL = "cancel", _("Closed")
    NOTE = "note", _("Note")


class OrderDecision(models.Model):
    """Why an order went where it went: the rule (or person) that held, approved, merged or
    split it, and the reason in words. Append-only."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="decisions")
    action = models.CharField(_("action"), max_length=16, choices=DecisionAction.choices)
    rule = models.CharField(_("rule"), max_length=100, blank=True)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("order decision")
        verbose_name_plural = _("order decisions")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.order_id} {self.action} {self.rule}"


from zhanggui.orders.models_rules import ReviewRule  # noqa: E402,F401
