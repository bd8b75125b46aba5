from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhanggui.channels.models import Channel
from zhanggui.core.models import TimeStampedModel


class Customer(TimeStampedModel):
    """A buyer on one channel, known by their platform id (买家会员名), with the receiver
    details of their last order. Province and city are in full official form (`广西壮族自治区`);
    a municipality is both province and city (`北京市`, `北京市`)."""

    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    buyer_nick = models.CharField(_("buyer nick"), max_length=64)
    name = models.CharField(_("receiver name"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    province = models.CharField(_("province"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=30, blank=True)
    district = models.CharField(_("district"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=6, blank=True)
    first_order_at = models.DateTimeField(_("first order"), null=True, blank=True)
    last_order_at = models.DateTimeField(_("last order"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # Buyers the shop will not ship to without a person looking (fraud, abuse): orders hold.
    is_blacklisted = models.BooleanField(_("blacklisted"), default=False)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["channel", "buyer_nick"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "buyer_nick"], name="customer_unique_nick_per_channel"
            )
        ]
        indexes = [models.Index(fields=["phone"]), models.Index(fields=["name"])]

    def __str__(self) -> str:
        return f"{self.buyer_nick} ({self.get_channel_display()})"


class FailedDeal(models.Model):
    """A buyer who inquired and did not buy (交易失败备注): what they wanted and why not,
    so the next conversation starts from it."""

    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    buyer_nick = models.CharField(_("buyer nick"), max_length=64)
    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="failed_deals"
    )
    note = models.TextField(_("note"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("failed deal")
        verbose_name_plural = _("failed deals")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["channel", "buyer_nick"])]

    def __str__(self) -> str:
        return f"{self.buyer_nick}: {self.note[:30]}"
