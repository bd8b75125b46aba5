"""Two people post receipts of one PO at once: the PO row lock serialises them, so the
ordered quantity is never exceeded and every receipt sees the others' counts."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection, connections

from zhanggui.core.errors import DomainError
from zhanggui.inventory.models import StockLevel
from zhanggui.inventory.selectors import ledger_differences
from zhanggui.purchasing import services
from zhanggui.purchasing.models import Receipt
from zhanggui.purchasing.tests.factories import make_product, make_supplier, placed_order

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
]
CLIENTS, ORDERED = 6, 4


def test_concurrent_receipts_never_exceed_the_order():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: real row locks between connections")
    make_product("RACE", ("M",))
    order = placed_order(make_supplier(), [("RACE-W-M", ORDERED, "18")])
    line_id = order.lines.get().pk
    start = threading.Barrier(CLIENTS)
    outcomes: list[str] = [""] * CLIENTS

    def receive(index: int) -> None:
        try:
            start.wait(timeout=30)
            services.receive_purchase_order(
                actor=None,
                purchase_order_id=order.pk,
                counts=[services.CountInput(line_id, 1)],
            )
            outcomes[index] = "received"
        except DomainError:  # over the order, or the order already complete
            outcomes[index] = "refused"
        except Exception as error:  # noqa: BLE001 (shown by the assertion)
            outcomes[index] = repr(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=receive, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert Counter(outcomes) == {"received": ORDERED, "refused": CLIENTS - ORDERED}
    assert Receipt.objects.count() == ORDERED
    assert StockLevel.objects.get(sku__merchant_code="RACE-W-M").on_hand == ORDERED
    order.refresh_from_db()
    assert order.status == "received"
    assert ledger_differences() == []
