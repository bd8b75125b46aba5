"""Changes to the review rules (the manager's rules page): add, edit, switch on or off, move
up or down. Every change is audited; a rule is never deleted, only switched off, so the
decisions that name it keep their meaning."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from zhanggui.core import audit
from zhanggui.core.errors import InvalidInput, NotFound
from zhanggui.orders.models_rules import ReviewRule
from zhanggui.orders.review_rules import RuleSpec, check_rule

AUDITED: Final = (
    "name", "is_active", "position", "condition", "parameter", "action", "hold_reason", "flag",
    "note",
)  # fmt: skip
STEP: Final = 10

# The shop's starting rules, as the seeding migration (0003) writes them:
# (code, condition, parameter, action, hold_reason, flag, active)
DEFAULT_RULES: Final = (
    ("blacklisted_buyer", "blacklisted_buyer", "", "hold", "blacklisted_buyer", "", True),
    ("address_unresolved", "address_unresolved", "", "hold", "address_unresolved", "", True),
    ("amount_over_limit", "amount_over", "2000", "hold", "amount_over_limit", "", True),
    ("requested_courier", "requested_courier", "", "hold", "requested_courier", "", True),
    ("buyer_message", "buyer_message", "", "hold", "buyer_message", "", True),
    ("seller_memo", "seller_memo", "", "hold", "seller_memo", "", True),
    ("bank_transfer", "bank_transfer", "", "set_flag", "", "green", True),
    ("exchange", "exchange", "", "suggest_flag", "", "blue", True),
    ("return", "return", "", "suggest_flag", "", "purple", True),
    ("several_open_orders", "several_open_orders", "2", "suggest_flag", "", "red", True),
    ("first_order", "first_order", "", "suggest_flag", "", "red", False),
    ("auto_approve", "always", "", "approve", "", "", True),
)


class RuleNotFound(NotFound):
    code = "rule_not_found"


@dataclass(frozen=True)
class RuleInput:
    condition: str
    action: str
    name: str = ""
    parameter: str = ""
    hold_reason: str = ""
    flag: str = ""
    note: str = ""
    is_active: bool = True
    position: int | None = None  # None: after the last rule (a new one), unchanged (an edit)

    def spec(self, rule_id: int | None = None, label: str = "") -> RuleSpec:
        return RuleSpec(
            name=(self.name or label)[:100],
            condition=self.condition,
            action=self.action,
            parameter=self.parameter.strip(),
            hold_reason=self.hold_reason if self.action == "hold" else "",
            flag=self.flag if self.action in ("set_flag", "suggest_flag") else "",
            rule_id=rule_id,
        )


def _lock(rule_id: int) -> ReviewRule:
    rule = ReviewRule.objects.select_for_update().filter(pk=rule_id).first()
    if rule is None:
        raise RuleNotFound(_("No such review rule."))
    return rule


def _next_position() -> int:
    last = ReviewRule.objects.aggregate(last=Max("position"))["last"]
    return (last or 0) + STEP


@transaction.atomic
def save_rule(*, actor: Any, data: RuleInput, rule_id: int | None = None) -> ReviewRule:
    """Add a rule (rule_id None) or change one. Raises InvalidInput naming the field."""
    problems = check_rule(data.spec())
    if len(data.name) > 100:
        problems["name"] = [_("At most %(n)d characters.") % {"n": 100}]
    if problems:
        raise InvalidInput({name: list(messages) for name, messages in problems.items()})
    spec = data.spec()
    values = {
        "name": data.name.strip(),
        "condition": spec.condition,
        "action": spec.action,
        "parameter": spec.parameter,
        "hold_reason": spec.hold_reason,
        "flag": spec.flag,
        "note": data.note.strip()[:255],
        "is_active": data.is_active,
    }
    if rule_id is None:
        rule = ReviewRule.objects.create(
            **values, position=data.position if data.position is not None else _next_position()
        )
        audit.record_creation(actor=actor, instance=rule, fields=AUDITED)
        return rule
    rule = _lock(rule_id)
    before = audit.snapshot(rule, AUDITED)
    for name, value in values.items():
        setattr(rule, name, value)
    if data.position is not None:
        rule.position = data.position
    rule.save()
    audit.record(
        actor=actor,
        instance=rule,
        action=audit.AuditAction.UPDATE,
        changes=audit.diff(before, audit.snapshot(rule, AUDITED)),
    )
    return rule


@transaction.atomic
def set_rule_active(*, actor: Any, rule_id: int, is_active: bool) -> ReviewRule:
    rule = _lock(rule_id)
    before = audit.snapshot(rule, ("is_active",))
    rule.is_active = is_active
    rule.save(update_fields=["is_active", "updated_at"])
    audit.record(
        actor=actor,
        instance=rule,
        action=audit.AuditAction.UPDATE,
        changes=audit.diff(before, audit.snapshot(rule, ("is_active",))),
    )
    return rule


@transaction.atomic
def move_rule(*, actor: Any, rule_id: int, up: bool) -> list[ReviewRule]:
    """Swap a rule with the one before (up) or after it, and number every rule again in
    steps of 10 (so a rule can be put between two by its position). Returns the rules in
    their new order; each rule whose position changed is audited."""
    rules = list(ReviewRule.objects.select_for_update().order_by("position", "pk"))
    index = next((i for i, rule in enumerate(rules) if rule.pk == rule_id), None)
    if index is None:
        raise RuleNotFound(_("No such review rule."))
    other = index - 1 if up else index + 1
    if 0 <= other < len(rules):
        rules[index], rules[other] = rules[other], rules[index]
    for number, rule in enumerate(rules, start=1):
        if rule.position == number * STEP:
            continue
        before = audit.snapshot(rule, ("position",))
        rule.position = number * STEP
        rule.save(update_fields=["position", "updated_at"])
        audit.record(
            actor=actor,
            instance=rule,
            action=audit.AuditAction.UPDATE,
            changes=audit.diff(before, audit.snapshot(rule, ("position",))),
        )
    return rules


@transaction.atomic
def install_default_rules(*, actor: Any = None) -> list[ReviewRule]:
    """Add the shop's starting rules that are missing (by code); returns those added."""
    have = set(ReviewRule.objects.exclude(code="").values_list("code", flat=True))
    added = []
    for number, (code, condition, parameter, action, reason, flag, active) in enumerate(
        DEFAULT_RULES, start=1
    ):
        if code in have:
            continue
        rule = ReviewRule.objects.create(
            code=code,
            position=number * STEP,
            condition=condition,
            parameter=parameter,
            action=action,
            hold_reason=reason,
            flag=flag,
            is_active=active,
        )
        audit.record_creation(actor=actor, instance=rule, fields=AUDITED)
        added.append(rule)
    return added
