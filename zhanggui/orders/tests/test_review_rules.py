"""The review rules as pure functions: each condition, what the verdicts add up to, and the
checks on a rule before it is saved. No database."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zhanggui.orders.models import Flag, HoldReason
from zhanggui.orders.models_rules import RuleAction, RuleCondition
from zhanggui.orders.review_rules import (
    OrderFacts,
    Outcome,
    RuleSpec,
    check_rule,
    evaluate,
    found_word,
    plan_for,
)


def _facts(**fields):
    return OrderFacts(**{"order_id": 1, "paid_amount": Decimal("118.00"), **fields})


def _rule(condition, action=RuleAction.HOLD, **fields):
    return RuleSpec(name=f"rule {condition}", condition=condition, action=action, **fields)


@pytest.mark.parametrize(
    ("condition", "parameter", "matching", "other", "hold_reason"),
    [
        (
            RuleCondition.BUYER_MESSAGE,
            "",
            {"buyer_message": "要M码"},
            {"buyer_message": "  \n"},
            HoldReason.BUYER_MESSAGE,
        ),
        (
            RuleCondition.SELLER_MEMO,
            "",
            {"seller_memo": "补发"},
            {},
            HoldReason.SELLER_MEMO,
        ),
        (
            RuleCondition.ADDRESS_UNRESOLVED,
            "",
            {"holds": (HoldReason.ADDRESS_UNRESOLVED,)},
            {"holds": (HoldReason.UNMATCHED,)},
            HoldReason.ADDRESS_UNRESOLVED,
        ),
        (
            RuleCondition.ADDRESS_UNRESOLVED,
            "",
            {"address_complete": False},
            {"address_complete": True},
            HoldReason.ADDRESS_UNRESOLVED,
        ),
        (
            RuleCondition.AMOUNT_OVER,
            "100",
            {},  # 118.00 paid
            {"paid_amount": Decimal("100.00")},  # not over: equal
            HoldReason.AMOUNT_OVER_LIMIT,
        ),
        (
            RuleCondition.BLACKLISTED_BUYER,
            "",
            {"is_blacklisted": True},
            {},
            HoldReason.BLACKLISTED_BUYER,
        ),
        (
            RuleCondition.REQUESTED_COURIER,
            "",
            {"buyer_message": "麻烦发顺丰，谢谢"},
            {"buyer_message": "尽快发货"},
            HoldReason.REQUESTED_COURIER,
        ),
        (
            RuleCondition.REQUESTED_COURIER,
            "",
            {"seller_memo": "客户要求 sf 到付"},
            {"seller_memo": "bank transfer received"},  # "sf" inside a word is no courier
            HoldReason.REQUESTED_COURIER,
        ),
        (
            RuleCondition.FIRST_ORDER,
            "",
            {"buyer_orders": 1},
            {"buyer_orders": 2},
            HoldReason.MANUAL,
        ),
        (
            RuleCondition.SEVERAL_OPEN_ORDERS,
            "3",
            {"buyer_open_orders": 3},
            {"buyer_open_orders": 2},
            HoldReason.MANUAL,
        ),
        (
            RuleCondition.BANK_TRANSFER,
            "",
            {"seller_memo": "已银行转账 200 元"},
            {"seller_memo": "已付款"},
            HoldReason.MANUAL,
        ),
        (
            RuleCondition.EXCHANGE,
            "",
            {"buyer_message": "上次的裙子想换货"},
            {"buyer_message": "好看"},
            HoldReason.MANUAL,
        ),
        (
            RuleCondition.RETURN,
            "",
            {"buyer_message": "已寄回"},
            {"buyer_message": "已收到"},
            HoldReason.MANUAL,
        ),
        (
            RuleCondition.KEYWORDS,
            "发票，礼盒",
            {"buyer_message": "需要礼盒包装"},
            {"buyer_message": "包装好一点"},
            HoldReason.MANUAL,
        ),
    ],
)
def test_each_condition_matches_only_its_orders(condition, parameter, matching, other, hold_reason):
    rule = _rule(condition, parameter=parameter)
    (verdict,) = evaluate(_facts(**matching), [rule])
    assert verdict.rule == f"rule {condition}"
    assert verdict.action == RuleAction.HOLD
    assert verdict.hold_reason == hold_reason
    assert verdict.reason
    assert evaluate(_facts(**other), [rule]) == []


def test_amount_limit_defaults_to_2000_yuan():
    rule = _rule(RuleCondition.AMOUNT_OVER)
    assert evaluate(_facts(paid_amount=Decimal("2000.00")), [rule]) == []
    (verdict,) = evaluate(_facts(paid_amount=Decimal("2000.01")), [rule])
    assert verdict.reason == "Paid 2,000.01, over 2,000.00"


def test_a_rule_may_name_its_own_hold_reason():
    rule = _rule(RuleCondition.KEYWORDS, parameter="发票", hold_reason=HoldReason.MANUAL)
    (verdict,) = evaluate(_facts(buyer_message="要开发票"), [rule])
    assert (verdict.hold_reason, verdict.reason) == (HoldReason.MANUAL, "Mentions “发票”")


def test_courier_words_match_whole_latin_words_in_any_case():
    assert found_word("请发 EMS", ("EMS",)) == "EMS"
    assert found_word("yto please", ("YTO",)) == "yto"
    assert found_word("systems", ("EMS",)) is None
    assert found_word("京东快递", ("京东",)) == "京东"


def test_ordinary_order_is_approved_when_no_rule_holds():
    rules = [
        _rule(RuleCondition.BUYER_MESSAGE),
        _rule(RuleCondition.ALWAYS, RuleAction.APPROVE),
    ]
    plan = plan_for(_facts(), evaluate(_facts(), rules))
    assert plan.outcome == Outcome.APPROVE
    assert plan.approval is not None
    assert plan.approval.rule == "rule always"
    assert plan.holds == ()


def test_any_hold_wins_over_an_approval_and_every_hold_reason_is_kept():
    facts = _facts(buyer_message="发圆通", is_blacklisted=True)
    rules = [
        _rule(RuleCondition.ALWAYS, RuleAction.APPROVE),
        _rule(RuleCondition.BLACKLISTED_BUYER),
        _rule(RuleCondition.REQUESTED_COURIER),
        _rule(RuleCondition.BUYER_MESSAGE),
    ]
    plan = plan_for(facts, evaluate(facts, rules))
    assert plan.outcome == Outcome.HOLD
    assert plan.approval is None
    assert plan.hold_reasons == [
        HoldReason.BLACKLISTED_BUYER,
        HoldReason.REQUESTED_COURIER,
        HoldReason.BUYER_MESSAGE,
    ]


def test_without_an_approving_rule_a_person_decides():
    plan = plan_for(_facts(), evaluate(_facts(), [_rule(RuleCondition.BUYER_MESSAGE)]))
    assert plan.outcome == Outcome.LEAVE


def test_flags_are_set_only_on_unflagged_orders_and_suggestions_never_set():
    rules = [
        _rule(RuleCondition.BANK_TRANSFER, RuleAction.SET_FLAG, flag=Flag.GREEN),
        _rule(RuleCondition.EXCHANGE, RuleAction.SUGGEST_FLAG, flag=Flag.BLUE),
        _rule(RuleCondition.ALWAYS, RuleAction.APPROVE),
    ]
    facts = _facts(seller_memo="转账已收，换货")
    plan = plan_for(facts, evaluate(facts, rules))
    assert plan.flag is not None
    assert plan.flag.flag == Flag.GREEN
    assert [suggestion.flag for suggestion in plan.suggestions] == [Flag.BLUE]
    flagged = _facts(seller_memo="转账已收", flag=Flag.RED)
    assert plan_for(flagged, evaluate(flagged, rules)).flag is None


def test_urgent_is_marked_once():
    rules = [_rule(RuleCondition.KEYWORDS, RuleAction.MARK_URGENT, parameter="加急")]
    facts = _facts(buyer_message="加急！")
    assert plan_for(facts, evaluate(facts, rules)).urgent is not None
    already = _facts(buyer_message="加急！", is_urgent=True)
    assert plan_for(already, evaluate(already, rules)).urgent is None


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        (_rule(RuleCondition.AMOUNT_OVER, parameter="lots"), "parameter"),
        (_rule(RuleCondition.SEVERAL_OPEN_ORDERS, parameter="1"), "parameter"),
        (_rule(RuleCondition.KEYWORDS, parameter=" , "), "parameter"),
        (_rule(RuleCondition.EXCHANGE, RuleAction.SUGGEST_FLAG), "flag"),
        (_rule(RuleCondition.ALWAYS, RuleAction.HOLD), "action"),
        (_rule("sometimes"), "condition"),
    ],
)
def test_check_rule_names_the_bad_field(spec, field):
    assert field in check_rule(spec)


def test_check_rule_accepts_a_good_rule():
    spec = _rule(RuleCondition.AMOUNT_OVER, parameter="1,500.50")
    assert check_rule(spec) == {}
    (verdict,) = evaluate(_facts(paid_amount=Decimal("1500.51")), [spec])
    assert verdict.hold_reason == HoldReason.AMOUNT_OVER_LIMIT


def test_rules_cannot_give_holds_that_intake_and_allocation_own():
    spec = _rule(RuleCondition.BUYER_MESSAGE, hold_reason=HoldReason.OUT_OF_STOCK)
    assert "hold_reason" in check_rule(spec)
