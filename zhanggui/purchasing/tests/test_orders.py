from __future__ import annotations

import itertools
from decimal import Decimal

import pytest

from zhanggui.core import audit
from zhanggui.core.errors import InvalidInput
from zhanggui.purchasing import services
from zhanggui.purchasing.exceptions import (
    ConcurrentUpdate,
    FirstOrderCapExceeded,
    InvalidTransition,
    NotEditable,
)
from zhanggui.purchasing.models import PurchaseOrder, PurchaseOrderEvent, SupplierLedgerEntry
from zhanggui.purchasing.status import TRANSITIONS, PurchaseOrderStatus
from zhanggui.purchasing.tests.factories import (
    counts,
    make_order,
    make_product,
    make_supplier,
    placed_order,
)

pytestmark = pytest.mark.django_db

S = PurchaseOrderStatus
ALL_PAIRS = list(itertools.product(S, S))


@pytest.fixture
def supplier():
    return make_supplier()


@pytest.fixture
def product():
    return make_product("T-100")


def test_create_purchase_order_numbers_it_and_records_event_and_audit(manager, supplier, product):
    order = make_order(
        supplier,
        [("T-100-W-S", 2, "18.5"), ("T-100-W-M", 3, "")],
        actor=manager,
        transport_cost="15",
    )
    assert order.number.startswith("PO")
    assert order.number.endswith(f"-{order.pk:04d}")
    assert order.status == S.DRAFT
    assert order.transport_cost == Decimal("15.00")
    lines = {line.sku.merchant_code: (line.quantity, line.unit_cost) for line in order.lines.all()}
    # A blank unit cost takes the SKU's catalog cost when it was never purchased.
    assert lines == {"T-100-W-S": (2, Decimal("18.50")), "T-100-W-M": (3, Decimal("20.00"))}
    event = order.events.get()
    assert (event.from_status, event.to_status, event.actor) == ("", "draft", manager)
    entry = audit.entries_for(order).get()
    assert entry.changes["T-100-W-S"] == {"before": None, "after": "2 × 18.50"}
    assert entry.changes["transport_cost"] == {"before": None, "after": "15.00"}


def test_create_purchase_order_finds_a_sku_by_barcode(supplier, product):
    sku = product.skus.get(size="S")
    order = make_order(supplier, [(sku.barcode, 1, "20")])
    assert order.lines.get().sku == sku


def test_blank_unit_cost_takes_the_last_purchase_cost(supplier, product):
    placed_order(supplier, [("T-100-W-S", 2, "17.80")])
    order = make_order(supplier, [("T-100-W-S", 2, "")])
    assert order.lines.get().unit_cost == Decimal("17.80")


@pytest.mark.parametrize(
    ("lines", "field"),
    [
        ([("NOPE", 1, "10")], "lines[0].merchant_code"),
        ([("T-100-W-S", 0, "10")], "lines[0].quantity"),
        ([("T-100-W-S", "2.5", "10")], "lines[0].quantity"),
        ([("T-100-W-S", 1, "ten")], "lines[0].unit_cost"),
        ([("T-100-W-S", 1, "10"), ("T-100-W-S", 2, "10")], "lines[1].merchant_code"),
    ],
)
def test_create_purchase_order_rejects_bad_line_and_saves_nothing(supplier, product, lines, field):
    with pytest.raises(InvalidInput) as error:
        make_order(supplier, lines)
    assert list(error.value.fields) == [field]
    assert not PurchaseOrder.objects.exists()


def test_create_purchase_order_refuses_an_inactive_supplier(product):
    supplier = make_supplier("停业档口", is_active=False)
    with pytest.raises(InvalidInput) as error:
        make_order(supplier, [("T-100-W-S", 1, "10")])
    assert list(error.value.fields) == ["supplier"]
    assert not PurchaseOrder.objects.exists()


def test_update_purchase_order_replaces_lines_and_audits_the_differences(
    manager, supplier, product
):
    order = make_order(supplier, [("T-100-W-S", 2, "18"), ("T-100-W-M", 2, "18")])
    services.update_purchase_order(
        actor=manager,
        purchase_order_id=order.pk,
        data=services.PurchaseOrderInput(
            supplier_id=supplier.pk,
            transport_cost="8",
            lines=[
                services.LineInput("T-100-W-S", 3, "18"),
                services.LineInput("T-100-W-L", 1, "19"),
            ],
        ),
    )
    lines = {line.sku.merchant_code: line.quantity for line in order.lines.all()}
    assert lines == {"T-100-W-S": 3, "T-100-W-L": 1}
    entry = audit.entries_for(order).get(action="update")
    assert entry.changes == {
        "transport_cost": {"before": "0.00", "after": "8.00"},
        "T-100-W-S": {"before": "2 × 18.00", "after": "3 × 18.00"},
        "T-100-W-M": {"before": "2 × 18.00", "after": None},
        "T-100-W-L": {"before": None, "after": "1 × 19.00"},
    }


def test_update_purchase_order_refused_once_ordered(supplier, product):
    order = placed_order(supplier, [("T-100-W-S", 2, "18")])
    with pytest.raises(NotEditable):
        services.update_purchase_order(
            actor=None,
            purchase_order_id=order.pk,
            data=services.PurchaseOrderInput(
                supplier_id=supplier.pk, lines=[services.LineInput("T-100-W-S", 9, "18")]
            ),
        )
    assert order.lines.get().quantity == 2


@pytest.mark.parametrize(("current", "to"), ALL_PAIRS, ids=lambda s: s.value)
def test_transition_allows_exactly_the_table(manager, supplier, product, current, to):
    order = make_order(supplier, [("T-100-W-S", 1, "18")])
    PurchaseOrder.objects.filter(pk=order.pk).update(status=current)
    order.refresh_from_db()
    events_before = PurchaseOrderEvent.objects.count()
    if to in TRANSITIONS[current]:
        services.transition(order, to, actor=manager, note="test")
        order.refresh_from_db()
        assert order.status == to
        event = order.events.last()
        assert (event.from_status, event.to_status, event.note) == (current, to, "test")
        assert audit.entries_for(order).first().changes == {
            "status": {"before": current.value, "after": to.value}
        }
    else:
        with pytest.raises(InvalidTransition):
            services.transition(order, to, actor=manager)
        order.refresh_from_db()
        assert order.status == current
        assert PurchaseOrderEvent.objects.count() == events_before


def test_transition_refuses_when_the_status_changed_meanwhile(supplier, product):
    order = make_order(supplier, [("T-100-W-S", 1, "18")])
    stale = PurchaseOrder.objects.get(pk=order.pk)
    services.cancel_purchase_order(actor=None, purchase_order_id=order.pk)
    with pytest.raises(ConcurrentUpdate):
        services.transition(stale, S.ORDERED, actor=None)
    assert PurchaseOrder.objects.get(pk=order.pk).status == S.CANCELLED


def test_place_new_style_above_cap_warns_and_changes_nothing(supplier, product):
    order = make_order(supplier, [("T-100-W-S", 3, "18"), ("T-100-W-M", 5, "18")])
    with pytest.raises(FirstOrderCapExceeded) as error:
        services.place_purchase_order(actor=None, purchase_order_id=order.pk)
    assert error.value.data["lines"] == [{"merchant_code": "T-100-W-M", "quantity": 5, "cap": 3}]
    order.refresh_from_db()
    assert order.status == S.DRAFT
    assert order.lines.get(sku__size="M").quantity == 5  # never a silent cap


def test_place_new_style_above_cap_when_confirmed_notes_it(manager, supplier, product):
    order = make_order(supplier, [("T-100-W-M", 5, "18")])
    services.place_purchase_order(
        actor=manager, purchase_order_id=order.pk, confirm_over_first_order_cap=True
    )
    order.refresh_from_db()
    assert order.status == S.ORDERED
    assert order.ordered_at is not None
    assert "T-100-W-M × 5" in order.events.last().note


def test_place_reorder_of_a_known_style_has_no_cap(supplier, product):
    placed_order(supplier, [("T-100-W-S", 2, "18")])
    order = make_order(supplier, [("T-100-W-M", 40, "18")])
    services.place_purchase_order(actor=None, purchase_order_id=order.pk)
    assert PurchaseOrder.objects.get(pk=order.pk).status == S.ORDERED


def test_first_order_cap_is_a_setting(settings, supplier, product):
    settings.ZHANGGUI = {**settings.ZHANGGUI, "FIRST_ORDER_MAX_PER_SKU": 6}
    order = make_order(supplier, [("T-100-W-M", 6, "18")])
    services.place_purchase_order(actor=None, purchase_order_id=order.pk)
    assert PurchaseOrder.objects.get(pk=order.pk).status == S.ORDERED


def test_cancelled_drafts_do_not_make_a_style_known(supplier, product):
    first = make_order(supplier, [("T-100-W-S", 2, "18")])
    services.cancel_purchase_order(actor=None, purchase_order_id=first.pk)
    order = make_order(supplier, [("T-100-W-S", 4, "18")])
    assert [w.merchant_code for w in services.first_order_warnings(order)] == ["T-100-W-S"]


@pytest.mark.parametrize(
    ("lines", "message"), [([], "Add at least one line"), ([("T-100-W-S", 1, "0")], "T-100-W-S")]
)
def test_place_refuses_empty_orders_and_free_lines(settings, supplier, product, lines, message):
    settings.LANGUAGE_CODE = "en"
    order = make_order(supplier, lines)
    with pytest.raises(InvalidInput) as error:
        services.place_purchase_order(actor=None, purchase_order_id=order.pk)
    assert message in error.value.fields["lines"][0]
    assert PurchaseOrder.objects.get(pk=order.pk).status == S.DRAFT


def test_cancel_refused_after_goods_came_in(supplier, product):
    order = placed_order(supplier, [("T-100-W-S", 2, "18")])
    services.receive_purchase_order(
        actor=None, purchase_order_id=order.pk, counts=counts(order, T_100_W_S=1)
    )
    with pytest.raises(InvalidTransition):
        services.cancel_purchase_order(actor=None, purchase_order_id=order.pk)
    assert PurchaseOrder.objects.get(pk=order.pk).status == S.PARTLY_RECEIVED


def test_close_partly_received_needs_a_reason(supplier, product):
    order = placed_order(supplier, [("T-100-W-S", 2, "18")])
    services.receive_purchase_order(
        actor=None, purchase_order_id=order.pk, counts=counts(order, T_100_W_S=1)
    )
    with pytest.raises(InvalidInput) as error:
        services.close_purchase_order(actor=None, purchase_order_id=order.pk, note=" ")
    assert list(error.value.fields) == ["note"]
    services.close_purchase_order(actor=None, purchase_order_id=order.pk, note="档口断货")
    order.refresh_from_db()
    assert order.status == S.CLOSED
    assert order.events.last().note == "档口断货"


def test_transport_cost_correction_after_receipt_appends_the_difference(manager, supplier, product):
    order = placed_order(supplier, [("T-100-W-S", 2, "18")], transport_cost="12")
    assert not SupplierLedgerEntry.objects.filter(kind="transport").exists()  # nothing in yet
    services.receive_purchase_order(
        actor=None, purchase_order_id=order.pk, counts=counts(order, T_100_W_S=2)
    )
    services.set_transport_cost(actor=manager, purchase_order_id=order.pk, transport_cost="20")
    amounts = list(
        SupplierLedgerEntry.objects.filter(kind="transport").values_list("amount", flat=True)
    )
    assert amounts == [Decimal("12.00"), Decimal("8.00")]
    assert audit.entries_for(order).first().changes == {
        "transport_cost": {"before": "12.00", "after": "20.00"}
    }
