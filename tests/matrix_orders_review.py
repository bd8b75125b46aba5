"""Permission-matrix rows of order review (审单): the review queue and its batch actions,
and the review rules pages (see matrix.py).

Everyone who reads orders sees the queue; customer service and the manager act on it; only
the manager changes the rules."""

from __future__ import annotations

from typing import Any

from tests.matrix import Route, roles

READ_ORDERS = roles("manager", "cs_presale", "cs_aftersale", "warehouse", "finance", "analyst")
REVIEW = roles("manager", "cs_presale", "cs_aftersale")
MANAGE_RULES = roles("manager")


def _approve_data() -> dict[str, Any]:
    from zhanggui.orders.tests.factories import make_order, make_skus

    make_skus(None, "MR-1-S", on_hand=10)
    order = make_order(None, ("MR-1-S", 2))
    return {"action": "approve", "order": [str(order.pk)]}


def _rule_pk() -> dict[str, Any]:
    from zhanggui.orders.models_rules import ReviewRule

    rule = ReviewRule.objects.create(
        name="矩阵规则", condition="keywords", parameter="加急", action="mark_urgent", position=5
    )
    return {"pk": rule.pk}


def _rule_data() -> dict[str, Any]:
    return {
        "name": "大额订单",
        "condition": "amount_over",
        "parameter": "5000",
        "action": "hold",
        "hold_reason": "amount_over_limit",
        "flag": "",
        "note": "",
        "is_active": "on",
        "position": "15",
        "save": "1",
    }


ROUTES: list[Route] = [
    Route("orders:review", READ_ORDERS),
    Route("orders:review_action", REVIEW, method="post", data=_approve_data),
    Route("orders:rules", MANAGE_RULES),
    Route("orders:rules_preview", MANAGE_RULES),
    Route("orders:rule_create", MANAGE_RULES),
    Route("orders:rule_create", MANAGE_RULES, method="post", data=_rule_data),
    Route("orders:rule_edit", MANAGE_RULES, kwargs=_rule_pk),
    Route("orders:rule_edit", MANAGE_RULES, method="post", kwargs=_rule_pk, data=_rule_data),
    Route(
        "orders:rule_toggle",
        MANAGE_RULES,
        method="post",
        kwargs=_rule_pk,
        data=lambda: {"active": "0"},
    ),
    Route(
        "orders:rule_move", MANAGE_RULES, method="post", kwargs=_rule_pk, data=lambda: {"up": "1"}
    ),
]
