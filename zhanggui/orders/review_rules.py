"""Review rules as pure calculations (审单, DOMAIN.md §5): whether a rule's condition holds
for an order, what the matching rules say (verdicts), and what they add up to (a plan). No
database: services/rules.py gathers the facts and applies the plans.

Any hold wins over an approval: a rule that approves ("ordinary orders") only approves
orders no rule held. A flag is set only on an order without one (never over a person's or
the channel's); suggested flags are shown and noted, never set."""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Final

from django.utils.translation import gettext as _

from zhanggui.orders.models import Flag, HoldReason
from zhanggui.orders.models_rules import RuleAction, RuleCondition

COURIER_WORDS: Final = (
    "顺丰", "SF", "圆通", "YTO", "EMS", "邮政", "中通", "ZTO", "申通", "STO", "韵达", "京东",
    "极兔", "德邦", "百世",
)  # fmt: skip
BANK_TRANSFER_WORDS: Final = ("银行转账", "转账", "汇款", "打款", "bank transfer")
EXCHANGE_WORDS: Final = ("换货", "调换", "换码", "换尺码", "换颜色", "换个颜色", "exchange")
RETURN_WORDS: Final = ("退货", "退回", "寄回", "return")
DEFAULT_WORDS: Final[dict[str, tuple[str, ...]]] = {
    RuleCondition.REQUESTED_COURIER: COURIER_WORDS,
    RuleCondition.BANK_TRANSFER: BANK_TRANSFER_WORDS,
    RuleCondition.EXCHANGE: EXCHANGE_WORDS,
    RuleCondition.RETURN: RETURN_WORDS,
    RuleCondition.KEYWORDS: (),
}
DEFAULT_AMOUNT_LIMIT: Final = Decimal("2000")
DEFAULT_OPEN_ORDERS: Final = 2
# Holds a rule may give; unmatched lines, out of stock and refunds are set by intake and
# allocation, and lifted by fixing them.
RULE_HOLD_REASONS: Final = frozenset(
    {
        HoldReason.BUYER_MESSAGE,
        HoldReason.SELLER_MEMO,
        HoldReason.ADDRESS_UNRESOLVED,
        HoldReason.AMOUNT_OVER_LIMIT,
        HoldReason.BLACKLISTED_BUYER,
        HoldReason.REQUESTED_COURIER,
        HoldReason.MANUAL,
    }
)
# The hold reason a hold rule gives when it names none.
DEFAULT_HOLD_REASONS: Final[dict[str, str]] = {
    RuleCondition.BUYER_MESSAGE: HoldReason.BUYER_MESSAGE,
    RuleCondition.SELLER_MEMO: HoldReason.SELLER_MEMO,
    RuleCondition.ADDRESS_UNRESOLVED: HoldReason.ADDRESS_UNRESOLVED,
    RuleCondition.AMOUNT_OVER: HoldReason.AMOUNT_OVER_LIMIT,
    RuleCondition.BLACKLISTED_BUYER: HoldReason.BLACKLISTED_BUYER,
    RuleCondition.REQUESTED_COURIER: HoldReason.REQUESTED_COURIER,
}


class Outcome:
    APPROVE = "approve"
    HOLD = "hold"
    OUT_OF_STOCK = "out_of_stock"
    LEAVE = "leave"  # no rule decided: a person reviews it


@dataclass(frozen=True)
class RuleSpec:
    """A rule as evaluated: a saved ReviewRule (spec_of) or an edit not saved yet."""

    name: str  # recorded on the order's decisions
    condition: str
    action: str
    parameter: str = ""
    hold_reason: str = ""
    flag: str = ""
    rule_id: int | None = None


@dataclass(frozen=True)
class OrderFacts:
    """What the rules look at for one order (facts_for builds them in bulk)."""

    order_id: int
    paid_amount: Decimal = Decimal("0.00")
    buyer_message: str = ""
    seller_memo: str = ""
    holds: tuple[str, ...] = ()
    address_complete: bool = True
    is_blacklisted: bool = False
    buyer_orders: int = 1  # orders of this buyer on this channel, this one included
    buyer_open_orders: int = 1  # of those, not shipped or closed yet
    flag: str = Flag.NONE
    is_urgent: bool = False


@dataclass(frozen=True)
class Verdict:
    rule: str
    action: str
    reason: str
    hold_reason: str = ""
    flag: str = ""
    rule_id: int | None = None


@dataclass(frozen=True)
class Plan:
    """What the verdicts add up to for one order."""

    outcome: str  # Outcome.HOLD, APPROVE or LEAVE (allocation may still say out of stock)
    holds: tuple[Verdict, ...] = ()
    approval: Verdict | None = None
    flag: Verdict | None = None  # the flag to set: the first, and only on an unflagged order
    urgent: Verdict | None = None
    suggestions: tuple[Verdict, ...] = ()

    @property
    def hold_reasons(self) -> list[str]:
        return list(dict.fromkeys(verdict.hold_reason for verdict in self.holds))


def split_words(parameter: str) -> tuple[str, ...]:
    """Words of a parameter, separated by commas (either width), semicolons, 、 or lines."""
    return tuple(word.strip() for word in re.split(r"[,，;；、\n]", parameter) if word.strip())


def words_of(spec: RuleSpec) -> tuple[str, ...]:
    return split_words(spec.parameter) or DEFAULT_WORDS.get(spec.condition, ())


@functools.lru_cache(maxsize=256)
def _word_pattern(words: tuple[str, ...]) -> re.Pattern[str] | None:
    # Latin words match whole words only: "SF" must not match inside "transfer".
    parts = [
        rf"(?<![A-Za-z0-9]){re.escape(word)}(?![A-Za-z0-9])" if word.isascii() else re.escape(word)
        for word in words
    ]
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


def found_word(text: str, words: Sequence[str]) -> str | None:
    pattern = _word_pattern(tuple(words))
    match = pattern.search(text) if pattern else None
    return match.group(0) if match else None


def parse_amount(parameter: str) -> Decimal | None:
    try:
        value = Decimal(parameter.strip().replace(",", "")) if parameter.strip() else None
    except InvalidOperation:
        return None
    return value if value is None or value.is_finite() else None


def parse_count(parameter: str) -> int | None:
    text = parameter.strip()
    return int(text) if text.isdigit() else None


def check_rule(spec: RuleSpec) -> dict[str, list[str]]:
    """Problems with a rule by field; empty when it can be saved."""
    problems: dict[str, list[str]] = {}
    if spec.condition not in RuleCondition.values:
        problems["condition"] = [_("Unknown condition.")]
    if spec.action not in RuleAction.values:
        problems["action"] = [_("Unknown action.")]
    if spec.condition == RuleCondition.AMOUNT_OVER and spec.parameter.strip():
        amount = parse_amount(spec.parameter)
        if amount is None or amount < 0:
            problems["parameter"] = [_("Give the limit in yuan, e.g. 2000.")]
    if spec.condition == RuleCondition.SEVERAL_OPEN_ORDERS and spec.parameter.strip():
        count = parse_count(spec.parameter)
        if count is None or count < 2:
            problems["parameter"] = [_("Give a number of orders, 2 or more.")]
    if spec.condition == RuleCondition.KEYWORDS and not split_words(spec.parameter):
        problems["parameter"] = [_("Give the words to look for, separated by commas.")]
    if spec.action in (RuleAction.SET_FLAG, RuleAction.SUGGEST_FLAG) and (
        spec.flag not in Flag.values or spec.flag == Flag.NONE
    ):
        problems["flag"] = [_("Choose the flag.")]
    if spec.hold_reason and spec.hold_reason not in RULE_HOLD_REASONS:
        problems["hold_reason"] = [_("Rules cannot give this hold reason.")]
    if spec.condition == RuleCondition.ALWAYS and spec.action == RuleAction.HOLD:
        problems["action"] = [_("A rule for every order cannot hold them all.")]
    return problems


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


def match_reason(spec: RuleSpec, facts: OrderFacts) -> str | None:
    """Why the rule's condition holds for the order, or None when it does not."""
    condition = spec.condition
    text = f"{facts.buyer_message}\n{facts.seller_memo}"
    if condition == RuleCondition.ALWAYS:
        return _("Ordinary order")
    if condition == RuleCondition.BUYER_MESSAGE:
        message = facts.buyer_message.strip()
        return _("Buyer message: %(text)s") % {"text": _short(message)} if message else None
    if condition == RuleCondition.SELLER_MEMO:
        memo = facts.seller_memo.strip()
        return _("Seller memo: %(text)s") % {"text": _short(memo)} if memo else None
    if condition == RuleCondition.ADDRESS_UNRESOLVED:
        unresolved = HoldReason.ADDRESS_UNRESOLVED in facts.holds or not facts.address_complete
        return _("The address did not resolve to a district.") if unresolved else None
    if condition == RuleCondition.AMOUNT_OVER:
        limit = parse_amount(spec.parameter)
        limit = DEFAULT_AMOUNT_LIMIT if limit is None else limit
        if facts.paid_amount > limit:
            return _("Paid %(amount)s, over %(limit)s") % {
                "amount": f"{facts.paid_amount:,.2f}",
                "limit": f"{limit:,.2f}",
            }
        return None
    if condition == RuleCondition.BLACKLISTED_BUYER:
        return _("The buyer is on the blacklist.") if facts.is_blacklisted else None
    if condition == RuleCondition.FIRST_ORDER:
        return _("First order of this buyer") if facts.buyer_orders <= 1 else None
    if condition == RuleCondition.SEVERAL_OPEN_ORDERS:
        least = parse_count(spec.parameter) or DEFAULT_OPEN_ORDERS
        if facts.buyer_open_orders >= least:
            return _("This buyer has %(count)d open orders: merge them?") % {
                "count": facts.buyer_open_orders
            }
        return None
    word = found_word(text, words_of(spec))
    if word is None:
        return None
    if condition == RuleCondition.REQUESTED_COURIER:
        return _("The buyer names a courier: %(word)s") % {"word": word}
    return _("Mentions “%(word)s”") % {"word": word}


def evaluate(order: OrderFacts, rules: Sequence[RuleSpec]) -> list[Verdict]:
    """The verdicts of the rules (in their order) whose condition holds for the order."""
    verdicts = []
    for spec in rules:
        reason = match_reason(spec, order)
        if reason is None:
            continue
        hold_reason = ""
        if spec.action == RuleAction.HOLD:
            hold_reason = spec.hold_reason or DEFAULT_HOLD_REASONS.get(
                spec.condition, HoldReason.MANUAL
            )
        flag = spec.flag if spec.action in (RuleAction.SET_FLAG, RuleAction.SUGGEST_FLAG) else ""
        verdicts.append(Verdict(spec.name, spec.action, reason, hold_reason, flag, spec.rule_id))
    return verdicts


def plan_for(order: OrderFacts, verdicts: Sequence[Verdict]) -> Plan:
    """Add the verdicts up: any hold wins over an approval; with neither, a person decides."""
    by_action: dict[str, list[Verdict]] = defaultdict(list)
    for verdict in verdicts:
        by_action[verdict.action].append(verdict)
    holds = tuple(by_action[RuleAction.HOLD])
    approvals = by_action[RuleAction.APPROVE]
    outcome = Outcome.HOLD if holds else Outcome.APPROVE if approvals else Outcome.LEAVE
    flags = by_action[RuleAction.SET_FLAG]
    urgent = by_action[RuleAction.MARK_URGENT]
    return Plan(
        outcome=outcome,
        holds=holds,
        approval=approvals[0] if approvals and not holds else None,
        flag=flags[0] if flags and order.flag == Flag.NONE else None,
        urgent=urgent[0] if urgent and not order.is_urgent else None,
        suggestions=tuple(by_action[RuleAction.SUGGEST_FLAG]),
    )


def acted_verdicts(plan: Plan) -> list[Verdict]:
    """The verdicts a plan acts on, in the order they are applied."""
    acted = [plan.flag, plan.urgent, *plan.suggestions, *plan.holds, plan.approval]
    return [verdict for verdict in acted if verdict is not None]


def no_rule_text() -> str:
    return _("No rule approved or held it: left for a person.")


def suggestion_text(verdict: Verdict) -> str:
    return _("Suggested flag: %(flag)s (%(reason)s)") % {
        "flag": Flag(verdict.flag).label if verdict.flag in Flag.values else verdict.flag,
        "reason": verdict.reason,
    }
