from __future__ import annotations

from typing import Any

import pytest

from zhanggui.core.audit import entries_for
from zhanggui.core.errors import InvalidInput
from zhanggui.customers.failed_deals import failed_deals_of, note_failed_deal
from zhanggui.customers.models import Customer, FailedDeal


def test_a_failed_deal_links_to_the_known_customer_and_is_audited(manager: Any) -> None:
    customer = Customer.objects.create(channel="taobao", buyer_nick="小美")
    deal = note_failed_deal(
        actor=manager, channel="taobao", buyer_nick=" 小美 ", note="要M码红色，没货没买"
    )
    assert (deal.customer, deal.created_by, deal.buyer_nick) == (customer, manager, "小美")
    entry = entries_for(deal).get()
    assert entry.changes["note"] == {"before": None, "after": "要M码红色，没货没买"}


def test_failed_deals_of_a_buyer_newest_first(manager: Any) -> None:
    first = note_failed_deal(actor=manager, channel="taobao", buyer_nick="阿强", note="嫌贵")
    second = note_failed_deal(actor=manager, channel="taobao", buyer_nick="阿强", note="再看看")
    note_failed_deal(actor=manager, channel="jd", buyer_nick="阿强", note="别的渠道")
    assert list(failed_deals_of("taobao", "阿强")) == [second, first]
    assert first.customer is None


@pytest.mark.parametrize(
    ("channel", "nick", "note", "field"),
    [
        ("nowhere", "阿强", "嫌贵", "channel"),
        ("taobao", "  ", "嫌贵", "buyer_nick"),
        ("taobao", "阿强", "", "note"),
        ("taobao", "阿强", "长" * 2001, "note"),
    ],
)
def test_bad_notes_are_refused(
    manager: Any, channel: str, nick: str, note: str, field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        note_failed_deal(actor=manager, channel=channel, buyer_nick=nick, note=note)
    assert field in refused.value.fields
    assert not FailedDeal.objects.exists()
