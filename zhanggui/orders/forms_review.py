"""Forms of the review queue and the rules page. They check shape only; the services decide."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from zhanggui.channels.models import Channel, Shop
from zhanggui.orders.models import Flag, HoldReason
from zhanggui.orders.models_rules import ReviewRule, RuleAction, RuleCondition
from zhanggui.orders.review_queue import QueueFilters
from zhanggui.orders.review_rules import RULE_HOLD_REASONS
from zhanggui.orders.services.rule_changes import RuleInput

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# Holds a person puts on by hand; the rest come from intake and allocation.
MANUAL_HOLDS = (
    HoldReason.MANUAL,
    HoldReason.BUYER_MESSAGE,
    HoldReason.SELLER_MEMO,
    HoldReason.REQUESTED_COURIER,
    HoldReason.AMOUNT_OVER_LIMIT,
    HoldReason.BLACKLISTED_BUYER,
)


def _any(choices: Any) -> list[tuple[str, Any]]:
    return [("", _("Any")), *choices]


class QueueFilterForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=_any(Channel.choices))
    shop = forms.ModelChoiceField(
        label=_("Shop"), queryset=Shop.objects.all(), required=False, empty_label=_("Any")
    )
    flag = forms.ChoiceField(label=_("Flag"), required=False, choices=_any(Flag.choices))
    hold = forms.ChoiceField(label=_("Held for"), required=False, choices=_any(HoldReason.choices))
    buyer = forms.CharField(label=_("Buyer nick"), max_length=64, required=False)
    order_no = forms.CharField(label=_("Order number"), max_length=40, required=False)
    paid_from = forms.DateField(label=_("Paid from"), required=False, widget=DATE_INPUT)
    paid_to = forms.DateField(label=_("Paid to"), required=False, widget=DATE_INPUT)
    status = forms.CharField(required=False, widget=forms.HiddenInput)

    def filters(self) -> QueueFilters:
        data = self.cleaned_data if self.is_valid() else {}
        shop = data.get("shop")
        return QueueFilters(
            channel=data.get("channel", ""),
            shop_id=shop.pk if shop else None,
            flag=data.get("flag", ""),
            hold=data.get("hold", ""),
            buyer=data.get("buyer", "").strip(),
            order_no=data.get("order_no", "").strip(),
            paid_from=data.get("paid_from"),
            paid_to=data.get("paid_to"),
            status=data.get("status", "").strip(),
        )


BATCH_ACTIONS = (
    ("approve", _("Approve")),
    ("hold", _("Hold")),
    ("release", _("Release hold")),
    ("flag", _("Set flag")),
    ("urgent", _("Mark urgent")),
    ("run_rules", _("Run the rules")),
)


class BatchActionForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), choices=BATCH_ACTIONS)
    order = forms.TypedMultipleChoiceField(coerce=int, required=False)
    hold_reason = forms.ChoiceField(
        label=_("Hold reason"),
        required=False,
        choices=[(code, HoldReason(code).label) for code in MANUAL_HOLDS],
    )
    flag = forms.ChoiceField(label=_("Flag"), required=False, choices=Flag.choices)
    memo = forms.CharField(label=_("Memo"), max_length=500, required=False)
    note = forms.CharField(label=_("Why"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Any id is accepted in shape; the service refuses what it cannot act on.
        values = self.data.getlist("order") if hasattr(self.data, "getlist") else []
        cast(forms.ChoiceField, self.fields["order"]).choices = [(v, v) for v in values]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") != "run_rules" and not data.get("order"):
            self.add_error("order", _("Tick the orders first."))
        return data


class RuleForm(forms.ModelForm):
    class Meta:
        model = ReviewRule
        fields = [
            "name",
            "condition",
            "parameter",
            "action",
            "hold_reason",
            "flag",
            "note",
            "is_active",
            "position",
        ]
        help_texts = {
            "name": _("Shown on every order the rule decides. Blank: the built-in name."),
            "parameter": _(
                "Amount over: the limit in yuan. Several open orders: how many. Courier, "
                "bank transfer, exchange, return: words separated by commas (blank: the "
                "built-in list). Words: the words to look for."
            ),
            "hold_reason": _("For a hold: blank gives the condition's own reason."),
            "position": _("Rules run from the lowest position up."),
        }
        widgets = {"parameter": forms.TextInput(), "note": forms.TextInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # No blank choice for the two a rule must have; flags without "no flag".
        cast(forms.ChoiceField, self.fields["condition"]).choices = RuleCondition.choices
        cast(forms.ChoiceField, self.fields["action"]).choices = RuleAction.choices
        flags = [choice for choice in Flag.choices if choice[0] != Flag.NONE]
        cast(forms.ChoiceField, self.fields["flag"]).choices = [("", "—"), *flags]
        holds = [choice for choice in HoldReason.choices if choice[0] in RULE_HOLD_REASONS]
        cast(forms.ChoiceField, self.fields["hold_reason"]).choices = [("", "—"), *holds]
        self.fields["position"].required = False

    def rule_input(self) -> RuleInput:
        data = self.cleaned_data
        return RuleInput(
            name=data.get("name", ""),
            condition=data["condition"],
            action=data["action"],
            parameter=data.get("parameter", ""),
            hold_reason=data.get("hold_reason", ""),
            flag=data.get("flag", ""),
            note=data.get("note", ""),
            is_active=bool(data.get("is_active")),
            position=data.get("position"),
        )
