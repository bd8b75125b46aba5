from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhanggui.core.errors import Conflict, DomainError, NotFound


class DuplicateSupplier(Conflict):
    code = "duplicate_supplier"
    default_message = _("A supplier with this name already exists.")


class SupplierNotFound(NotFound):
    code = "supplier_not_found"
    default_message = _("No such supplier.")


class PurchaseOrderNotFound(NotFound):
    code = "purchase_order_not_found"
    default_message = _("No such purchase order.")


class InvalidTransition(Conflict):
    """The status table does not allow this change (`current`, `to` in data)."""

    code = "invalid_transition"
    default_message = _("This status change is not allowed.")


class ConcurrentUpdate(Conflict):
    code = "concurrent_update"
    default_message = _("Someone else changed this record at the same time; reload and retry.")


class NotEditable(Conflict):
    code = "not_editable"
    default_message = _("Only a draft purchase order can be edited.")


class FirstOrderCapExceeded(DomainError):
    """New styles ordered above the first-order cap; the buyer must confirm. `lines` lists
    {"merchant_code", "quantity", "cap"}."""

    code = "first_order_cap"
    default_message = _("A first order of a new style is above the usual quantity per SKU.")


class ExchangeNotFound(NotFound):
    code = "exchange_not_found"
    default_message = _("No such exchange list.")


class ReviewNotFound(NotFound):
    code = "review_not_found"
    default_message = _("No such batch review.")
