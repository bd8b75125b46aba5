from __future__ import annotations

import pytest

from zhanggui.core import audit
from zhanggui.core.errors import InvalidInput
from zhanggui.core.models import AuditEntry
from zhanggui.customers.exceptions import DuplicateCustomer
from zhanggui.customers.models import Customer
from zhanggui.customers.services import CustomerInput, create_customer

pytestmark = pytest.mark.django_db

BUYER = CustomerInput(
    channel="taobao",
    buyer_nick="小鱼儿1992",
    name="王婷婷",
    phone="13812345678",
    province="广西壮族自治区",
    city="南宁市",
    district="青秀区",
    address="民族大道136号阳光花园3栋2单元1502室",
    postcode="530022",
)


def test_create_customer_saves_the_receiver_and_audits(manager):
    customer = create_customer(actor=manager, data=BUYER)
    assert (customer.province, customer.city, customer.district) == (
        "广西壮族自治区",
        "南宁市",
        "青秀区",
    )
    assert customer.first_order_at is None
    assert customer.last_order_at is None
    entry = audit.entries_for(customer).get(action="create")
    assert entry.actor == manager
    assert entry.changes["phone"] == {"before": None, "after": "13812345678"}


def test_create_customer_same_nick_on_another_channel_is_another_customer():
    create_customer(actor=None, data=BUYER)
    create_customer(actor=None, data=CustomerInput(channel="jd", buyer_nick="小鱼儿1992"))
    assert Customer.objects.count() == 2


def test_create_customer_rejects_a_known_nick_on_the_same_channel():
    create_customer(actor=None, data=BUYER)
    with pytest.raises(DuplicateCustomer):
        create_customer(actor=None, data=CustomerInput(channel="taobao", buyer_nick=" 小鱼儿1992"))
    assert Customer.objects.count() == 1


def test_create_customer_accepts_a_masked_phone():
    data = CustomerInput(channel="tmall", buyer_nick="tb2468135790", phone="138****5678")
    assert create_customer(actor=None, data=data).phone == "138****5678"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (CustomerInput(channel="amazon", buyer_nick="lily0823"), "channel"),
        (CustomerInput(channel="taobao", buyer_nick=" "), "buyer_nick"),
        (CustomerInput(channel="taobao", buyer_nick="lily0823", postcode="53002"), "postcode"),
        (CustomerInput(channel="taobao", buyer_nick="lily0823", phone="138-abc"), "phone"),
    ],
)
def test_create_customer_rejects_bad_field_and_saves_nothing(data, field):
    with pytest.raises(InvalidInput) as error:
        create_customer(actor=None, data=data)
    assert list(error.value.fields) == [field]
    assert not Customer.objects.exists()
    assert not AuditEntry.objects.exists()
