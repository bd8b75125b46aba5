from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from zhanggui.core import audit
from zhanggui.core.errors import InvalidInput
from zhanggui.purchasing import selectors, services
from zhanggui.purchasing.models import SupplierLedgerEntry
from zhanggui.purchasing.tests.factories import (
    counts,
    make_order,
    make_product,
    make_supplier,
    placed_order,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def supplier():
    make_product("T-100")
    return make_supplier()


def _pay(supplier, amount, *, order=None, days_ago=0, actor=None):
    return services.record_payment(
        actor=actor,
        supplier_id=supplier.pk,
        amount=amount,
        paid_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        method="alipay",
        purchase_order_id=order.pk if order else None,
        reference="2026112322001",
    )


def test_ledger_of_a_supplier_with_payments(manager, supplier):
    first = placed_order(supplier, [("T-100-W-S", 10, "18")], transport_cost="20")
    services.receive_purchase_order(
        actor=None, purchase_order_id=first.pk, counts=counts(first, T_100_W_S=10)
    )
    second = placed_order(supplier, [("T-100-W-M", 5, "19")])
    services.receive_purchase_order(
        actor=None, purchase_order_id=second.pk, counts=counts(second, T_100_W_M=2)
    )
    entry = _pay(supplier, "150", order=first, actor=manager)
    _pay(supplier, "¥30.5")

    assert entry.amount == Decimal("-150.00")
    assert audit.entries_for(entry).get().changes["amount"] == {"before": None, "after": "-150.00"}
    documents = {row.number: row for row in selectors.supplier_documents(supplier)}
    assert (documents[first.number].goods, documents[first.number].transport) == (
        Decimal("180.00"),
        Decimal("20.00"),
    )
    assert (documents[first.number].paid, documents[first.number].owed) == (
        Decimal("150.00"),
        Decimal("50.00"),
    )
    assert (documents[second.number].goods, documents[second.number].owed) == (
        Decimal("38.00"),
        Decimal("38.00"),
    )
    assert selectors.unallocated_payments(supplier) == Decimal("30.50")
    # 180 + 20 + 38 − 150 − 30.50
    assert selectors.supplier_balances([supplier.pk]) == {supplier.pk: Decimal("57.50")}


def test_statement_has_opening_balance_rows_and_closing(supplier):
    order = placed_order(supplier, [("T-100-W-S", 10, "18")])
    services.receive_purchase_order(
        actor=None, purchase_order_id=order.pk, counts=counts(order, T_100_W_S=10)
    )
    SupplierLedgerEntry.objects.filter(kind="goods").update(
        occurred_on=timezone.localdate() - datetime.timedelta(days=40)
    )
    _pay(supplier, "100", days_ago=10)
    _pay(supplier, "50")
    today = timezone.localdate()
    statement = selectors.supplier_statement(
        supplier, start=today - datetime.timedelta(days=30), end=today
    )
    assert statement.opening == Decimal("180.00")
    assert [(row.credit, row.balance) for row in statement.rows] == [
        (Decimal("100.00"), Decimal("80.00")),
        (Decimal("50.00"), Decimal("30.00")),
    ]
    assert statement.closing == Decimal("30.00")
    assert (statement.total_debit, statement.total_credit) == (Decimal("0.00"), Decimal("150.00"))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": "0"}, "amount"),
        ({"amount": "-5"}, "amount"),
        ({"method": "barter"}, "method"),
        ({"paid_on": None}, "paid_on"),
        ({"paid_on": "tomorrow"}, "paid_on"),
    ],
)
def test_record_payment_rejects_bad_field_and_saves_nothing(supplier, changes, field):
    values = {
        "amount": "100",
        "paid_on": timezone.localdate(),
        "method": "bank",
        **changes,
    }
    if values["paid_on"] == "tomorrow":
        values["paid_on"] = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(InvalidInput) as error:
        services.record_payment(actor=None, supplier_id=supplier.pk, **values)
    assert list(error.value.fields) == [field]
    assert not SupplierLedgerEntry.objects.exists()


def test_record_payment_refuses_another_suppliers_or_a_draft_order(supplier):
    other = make_supplier("杭州四季青衣乐")
    theirs = placed_order(other, [("T-100-W-S", 1, "18")])
    draft = make_order(supplier, [("T-100-W-S", 1, "18")])
    for order in (theirs, draft):
        with pytest.raises(InvalidInput) as error:
            _pay(supplier, "10", order=order)
        assert list(error.value.fields) == ["purchase_order"]
    assert not SupplierLedgerEntry.objects.exists()
