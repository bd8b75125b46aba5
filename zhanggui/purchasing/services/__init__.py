"""Purchasing writes, one module per use case; import them from here."""

from zhanggui.purchasing.services.exchanges import (
    close_exchange_list,
    defective_warehouse,
    receive_exchange,
)
from zhanggui.purchasing.services.ledger import record_payment
from zhanggui.purchasing.services.orders import (
    LineInput,
    PurchaseOrderInput,
    create_purchase_order,
    update_purchase_order,
)
from zhanggui.purchasing.services.receiving import CountInput, receive_purchase_order
from zhanggui.purchasing.services.reviews import complete_batch_review, flag_batch_difference
from zhanggui.purchasing.services.status_changes import (
    cancel_purchase_order,
    close_purchase_order,
    first_order_warnings,
    place_purchase_order,
    set_transport_cost,
    transition,
)
from zhanggui.purchasing.services.suppliers import (
    ContactInput,
    SupplierInput,
    create_supplier,
    update_supplier,
)

__all__ = [
    "ContactInput",
    "CountInput",
    "LineInput",
    "PurchaseOrderInput",
    "SupplierInput",
    "cancel_purchase_order",
    "close_exchange_list",
    "close_purchase_order",
    "complete_batch_review",
    "create_purchase_order",
    "create_supplier",
    "defective_warehouse",
    "first_order_warnings",
    "flag_batch_difference",
    "place_purchase_order",
    "receive_exchange",
    "receive_purchase_order",
    "record_payment",
    "set_transport_cost",
    "transition",
    "update_purchase_order",
    "update_supplier",
]
