"""Writes the planned suppliers and customers through their services (validated, audited)."""

from __future__ import annotations

from collections.abc import Sequence

from zhanggui.customers.services import CustomerInput, create_customer
from zhanggui.purchasing.services import SupplierInput, create_supplier


def build_suppliers(plans: Sequence[SupplierInput]) -> int:
    for data in plans:
        create_supplier(actor=None, data=data)
    return len(plans)


def build_customers(plans: Sequence[CustomerInput]) -> int:
    for data in plans:
        create_customer(actor=None, data=data)
    return len(plans)
