from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    TAOBAO = "taobao", _("Taobao")
    TMALL = "tmall", _("Tmall")
    JD = "jd", _("JD")
    OWN_SITE = "own_site", _("Own site")
    MANUAL = "manual", _("Manual")


class Shop(models.Model):
    """One storefront on one channel (a Taobao shop, a Tmall shop, a JD shop...)."""

    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("shop")
        verbose_name_plural = _("shops")
        ordering = ["channel", "name"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "name"], name="shop_unique_name_per_channel")
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} · {self.name}"
