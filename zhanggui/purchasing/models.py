from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhanggui.core.models import TimeStampedModel


class Supplier(TimeStampedModel):
    """A wholesaler or factory the shop buys from (供应商), e.g. a stall at 十三行 or 四季青."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    contact_name = models.CharField(_("contact"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    province = models.CharField(_("province"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    # Days from order to goods in the warehouse; replenishment looks this far ahead.
    lead_time_days = models.PositiveSmallIntegerField(_("lead time (days)"), default=7)
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
