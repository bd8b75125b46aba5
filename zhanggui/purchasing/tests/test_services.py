from __future__ import annotations

import pytest

from zhanggui.core import audit
from zhanggui.core.errors import InvalidInput
from zhanggui.core.models import AuditEntry
from zhanggui.purchasing.exceptions import DuplicateSupplier
from zhanggui.purchasing.models import Supplier
from zhanggui.purchasing.services import SupplierInput, create_supplier

pytestmark = pytest.mark.django_db

SHISANHANG = SupplierInput(
    name="广州十三行芊语服饰",
    contact_name="陈丽华",
    phone="020-81234567",
    province="广东省",
    city="广州市",
    address=" 越秀区十三行路新中国大厦5楼5128档 ",
    lead_time_days=5,
)


def test_create_supplier_saves_trimmed_values_and_audits(manager):
    supplier = create_supplier(actor=manager, data=SHISANHANG)
    assert supplier.address == "越秀区十三行路新中国大厦5楼5128档"
    assert supplier.lead_time_days == 5
    assert supplier.is_active is True
    entry = audit.entries_for(supplier).get(action="create")
    assert entry.actor == manager
    assert entry.changes["name"] == {"before": None, "after": "广州十三行芊语服饰"}


def test_create_supplier_defaults_lead_time_to_7_days():
    assert create_supplier(actor=None, data=SupplierInput(name="织里贝乐童装")).lead_time_days == 7


def test_create_supplier_rejects_a_taken_name():
    create_supplier(actor=None, data=SHISANHANG)
    with pytest.raises(DuplicateSupplier):
        create_supplier(actor=None, data=SupplierInput(name="广州十三行芊语服饰 "))
    assert Supplier.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (SupplierInput(name="  "), "name"),
        (SupplierInput(name="濮院锦程针织", phone="call me"), "phone"),
        (SupplierInput(name="濮院锦程针织", lead_time_days=366), "lead_time_days"),
        (SupplierInput(name="濮院锦程针织", city="市" * 31), "city"),
    ],
)
def test_create_supplier_rejects_bad_field_and_saves_nothing(data, field):
    with pytest.raises(InvalidInput) as error:
        create_supplier(actor=None, data=data)
    assert list(error.value.fields) == [field]
    assert not Supplier.objects.exists()
    assert not AuditEntry.objects.exists()
