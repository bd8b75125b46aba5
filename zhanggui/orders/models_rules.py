"""Review rules (审单规则): what customer service would decide for an order, written down as
data a manager edits on a page, and evaluated in `position` order by services/rules.py."""

from __future__ import annotations

from typing import Final

from django.db import models
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from zhanggui.core.models import TimeStampedModel
from zhanggui.orders.models import Flag, HoldReason


class RuleCondition(models.TextChoices):
    ALWAYS = "always", _("Every order")
    BUYER_MESSAGE = "buyer_message", _("Buyer message present")
    SELLER_MEMO = "seller_memo", _("Seller memo present")
    ADDRESS_UNRESOLVED = "address_unresolved", _("Address not resolved")
    AMOUNT_OVER = "amount_over", _("Paid amount over a limit")
    BLACKLISTED_BUYER = "blacklisted_buyer", _("Blacklisted buyer")
    REQUESTED_COURIER = "requested_courier", _("Buyer names a courier")
    FIRST_ORDER = "first_order", _("First order of the buyer")
    SEVERAL_OPEN_ORDERS = "several_open_orders", _("Buyer has several open orders")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer mentioned")
    EXCHANGE = "exchange", _("Exchange mentioned")
    RETURN = "return", _("Return mentioned")
    KEYWORDS = "keywords", _("Message or memo contains words")


class RuleAction(models.TextChoices):
    HOLD = "hold", _("Hold")
    APPROVE = "approve", _("Approve")
    SET_FLAG = "set_flag", _("Set a flag")
    SUGGEST_FLAG = "suggest_flag", _("Suggest a flag")
    MARK_URGENT = "mark_urgent", _("Mark urgent")


# Names of the rules the shop starts with (seeded by a migration with their code), shown
# in the reader's language until a manager gives the rule a name of their own.
DEFAULT_RULE_NAMES: Final[dict[str, Promise]] = {
    "blacklisted_buyer": _("Blacklisted buyer: hold"),
    "address_unresolved": _("Address not resolved: hold"),
    "amount_over_limit": _("Large amount: hold"),
    "requested_courier": _("Buyer asks for a courier: hold"),
    "buyer_message": _("Buyer message: hold"),
    "seller_memo": _("Seller memo: hold"),
    "bank_transfer": _("Bank transfer: green flag"),
    "exchange": _("Exchange: suggest blue flag"),
    "return": _("Return: suggest purple flag"),
    "several_open_orders": _("Several open orders of one buyer: suggest red flag"),
    "first_order": _("First order of a buyer: suggest red flag"),
    "auto_approve": _("Ordinary orders: approve"),
}


class ReviewRule(TimeStampedModel):
    """One rule: when `condition` holds for an order, do `action`. Every active rule is
    evaluated in `position` order; any hold wins over an approval (services/rules.py)."""

    name = models.CharField(_("name"), max_length=100, blank=True)
    # The seeded rule this is (DEFAULT_RULE_NAMES), blank for rules a manager added.
    code = models.SlugField(_("code"), max_length=40, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    condition = models.CharField(_("condition"), max_length=24, choices=RuleCondition.choices)
    # The condition's parameter: a limit in yuan, a number of orders, or words separated by
    # commas; blank means the condition's default.
    parameter = models.CharField(_("parameter"), max_length=500, blank=True)
    action = models.CharField(_("action"), max_length=16, choices=RuleAction.choices)
    hold_reason = models.CharField(
        _("hold reason"), max_length=20, choices=HoldReason.choices, blank=True
    )
    flag = models.CharField(_("flag"), max_length=8, choices=Flag.choices, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("review rule")
        verbose_name_plural = _("review rules")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=~Q(code=""), name="review_rule_unique_code"
            )
        ]
        permissions = [("manage_review_rules", _("Can manage the order review rules"))]

    def __str__(self) -> str:
        return str(self.label)

    @property
    def label(self) -> str | Promise:
        if self.name:
            return self.name
        return DEFAULT_RULE_NAMES.get(self.code, self.code or f"#{self.pk}")
