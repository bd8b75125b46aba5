"""The order pages through the Django test client: what they show, that each action does
what it says, and that buyer text is always escaped."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from zhanggui.customers.failed_deals import note_failed_deal
from zhanggui.customers.models import FailedDeal
from zhanggui.inventory.models import StockLevel
from zhanggui.orders import selectors_pages
from zhanggui.orders.models import Flag, HoldReason, Order, OrderStatus
from zhanggui.orders.services import lifecycle
from zhanggui.orders.services.inputs import ReceiverInput
from zhanggui.orders.services.merge import merge_orders
from zhanggui.orders.tests.factories import make_order, make_skus
from zhanggui.orders.tests.stock_checks import assert_stock_exact

HOSTILE = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture
def skus(manager: Any) -> list[Any]:
    return make_skus(manager, "W1-S", "W1-M", on_hand=10)


@pytest.fixture
def cs(client_for: Any, settings: Any) -> Any:
    """Customer service, reading the pages in English so the tests name the msgids."""
    client = client_for("cs_presale")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _detail(order: Order) -> str:
    return reverse("orders:detail", kwargs={"pk": order.pk})


def _post(client: Any, route: str, order: Order | None = None, /, **data: Any) -> Any:
    kwargs = {"pk": order.pk} if order is not None else None
    return client.post(reverse(f"orders:{route}", kwargs=kwargs), data)


# ---------------------------------------------------------------- list


def test_list_searches_by_number_buyer_receiver_and_tracking(
    cs: Any, manager: Any, skus: list[Any]
) -> None:
    wanted = make_order(manager, ("W1-S", 1), buyer_nick="找我")
    other = make_order(manager, ("W1-S", 1), buyer_nick="别人")
    lifecycle.approve_order(actor=manager, order_id=other.pk)
    lifecycle.ship_order(actor=manager, order_id=other.pk, courier="STO", tracking_no="773311")
    url = reverse("orders:list")
    for query, found in (
        (wanted.order_no, wanted),
        ("找我", wanted),
        ("773311", other),
        ("13812345678", None),  # both orders share the receiver phone
    ):
        page = cs.get(url, {"q": query}).content.decode()
        if found is None:
            assert wanted.order_no in page
            assert other.order_no in page
            continue
        assert found.order_no in page
        missing = other if found == wanted else wanted
        assert missing.order_no not in page


def test_list_filters_status_flag_and_paid_dates(cs: Any, manager: Any, skus: list[Any]) -> None:
    old = make_order(manager, ("W1-S", 1), paid_at=timezone.now() - timedelta(days=10))
    new = make_order(manager, ("W1-S", 1))
    lifecycle.set_flag(actor=manager, order_id=new.pk, flag=Flag.RED)
    lifecycle.approve_order(actor=manager, order_id=new.pk)
    url = reverse("orders:list")

    def shown(**query: str) -> set[str]:
        page = cs.get(url, query).content.decode()
        return {order.order_no for order in (old, new) if order.order_no in page}

    assert shown(status="approved") == {new.order_no}
    assert shown(flag="red") == {new.order_no}
    since = (timezone.localdate() - timedelta(days=2)).isoformat()
    assert shown(paid_from=since) == {new.order_no}
    assert shown(paid_to=since) == {old.order_no}


def test_list_pages_by_limit_and_shows_the_clock(
    cs: Any, manager: Any, skus: list[Any], monkeypatch: Any, django_assert_max_num_queries: Any
) -> None:
    monkeypatch.setattr(selectors_pages, "PAGE_SIZE", 2)
    orders = [
        make_order(manager, ("W1-S", 1), paid_at=timezone.now() - timedelta(hours=n))
        for n in range(5)
    ]
    url = reverse("orders:list")
    with django_assert_max_num_queries(8):
        first = cs.get(url).content.decode()
    assert orders[0].order_no in first
    assert orders[2].order_no not in first
    assert " left</span>" in first
    last = cs.get(url, {"page": "3"}).content.decode()
    assert orders[4].order_no in last
    assert orders[0].order_no not in last
    assert "page=4" not in last


# ---------------------------------------------------------------- detail


def test_detail_shows_stock_clock_decisions_and_history(
    cs: Any, manager: Any, skus: list[Any]
) -> None:
    order = make_order(manager, ("W1-S", 2), ("W1-M", 1))
    lifecycle.approve_order(actor=manager, order_id=order.pk, reason="看过了")
    note_failed_deal(actor=manager, channel="taobao", buyer_nick="tb_buyer", note="上次嫌贵")
    older = make_order(manager, ("W1-M", 1), paid_at=timezone.now() - timedelta(days=3))
    response = cs.get(_detail(order))
    page = response.content.decode()
    assert response.status_code == 200
    assert "reserved 2" in page
    assert "看过了" in page  # the decision's reason
    assert "上次嫌贵" in page  # the buyer's failed deals
    assert older.order_no in page  # the buyer's other orders
    assert 'id="history"' in page
    assert 'class="clock' in page


def test_hostile_buyer_text_is_escaped_everywhere(cs: Any, manager: Any, skus: list[Any]) -> None:
    receiver = ReceiverInput(
        name=HOSTILE, phone="13812345678", address=f"上海市浦东新区世纪大道1号{HOSTILE}"
    )
    first = make_order(
        manager,
        ("W1-S", 1),
        buyer_nick=HOSTILE,
        receiver=receiver,
        buyer_message=HOSTILE,
        seller_memo=HOSTILE,
        paid_at=timezone.now() - timedelta(hours=1),
    )
    make_order(manager, ("W1-M", 1), buyer_nick=HOSTILE, receiver=receiver)
    note_failed_deal(actor=manager, channel="taobao", buyer_nick=HOSTILE, note=HOSTILE)
    for url in (
        _detail(first),
        reverse("orders:list"),
        reverse("orders:buyer_messages"),
        reverse("orders:merge_list"),
        reverse("orders:failed_deals"),
        reverse("orders:split", kwargs={"pk": first.pk}),
    ):
        page = cs.get(url).content.decode()
        assert HOSTILE not in page, url
        assert ESCAPED in page, url


def test_warehouse_reads_an_order_without_its_actions_or_failed_deals(
    client_for: Any, manager: Any, skus: list[Any]
) -> None:
    order = make_order(manager, ("W1-S", 1))
    note_failed_deal(actor=manager, channel="taobao", buyer_nick="tb_buyer", note="只问不买")
    page = client_for("warehouse").get(_detail(order)).content.decode()
    assert 'id="actions"' not in page
    assert "只问不买" not in page
    assert reverse("orders:order_receiver", kwargs={"pk": order.pk}) not in page


# ---------------------------------------------------------------- actions


def test_status_actions_from_the_page(cs: Any, manager: Any, skus: list[Any]) -> None:
    order = make_order(manager, ("W1-S", 2))

    def status() -> str:
        return Order.objects.get(pk=order.pk).status

    _post(cs, "order_status", order, action="hold", reason="等买家回复")
    assert status() == OrderStatus.ON_HOLD
    assert Order.objects.get(pk=order.pk).holds == [HoldReason.MANUAL]
    _post(cs, "order_status", order, action="release")
    assert status() == OrderStatus.TO_REVIEW
    response = _post(cs, "order_status", order, action="approve")
    assert response.status_code == 302
    assert response.url == _detail(order)
    assert status() == OrderStatus.APPROVED
    assert StockLevel.objects.get(sku=skus[0]).reserved == 2
    _post(cs, "order_status", order, action="unapprove")
    assert status() == OrderStatus.TO_REVIEW
    _post(cs, "order_status", order, action="close", reason="买家取消")
    assert status() == OrderStatus.CLOSED
    assert_stock_exact()
    # A refused action says why and changes nothing.
    page = cs.get(_post(cs, "order_status", order, action="approve").url).content.decode()
    assert "status does not allow" in page
    assert status() == OrderStatus.CLOSED


def test_out_of_stock_approval_warns_and_holds(cs: Any, manager: Any, skus: list[Any]) -> None:
    order = make_order(manager, ("W1-S", 11))
    response = _post(cs, "order_status", order, action="approve")
    order.refresh_from_db()
    assert (order.status, order.flag) == (OrderStatus.ON_HOLD, Flag.YELLOW)
    page = cs.get(response.url).content.decode()
    assert "Not enough stock" in page


def test_receiver_memo_flag_urgent_and_answer(cs: Any, manager: Any, skus: list[Any]) -> None:
    order = make_order(manager, ("W1-S", 1), buyer_message="周五前到")
    response = _post(
        cs,
        "order_receiver",
        order,
        name="王五",
        phone="13700000000",
        address="上海市浦东新区世纪大道100号",
        postcode="200120",
        reason="买家改地址",
    )
    assert response.status_code == 302
    _post(cs, "order_memo", order, seller_memo="已改地址", flag="red")
    _post(cs, "order_urgent", order, urgent="on")
    answered = _post(cs, "order_answer", order, next=reverse("orders:buyer_messages"))
    assert answered.url == reverse("orders:buyer_messages")
    order.refresh_from_db()
    assert (order.receiver_name, order.receiver_city, order.receiver_district) == (
        "王五",
        "上海市",
        "浦东新区",
    )
    assert (order.seller_memo, order.flag, order.is_urgent) == ("已改地址", Flag.RED, True)
    assert order.buyer_message_answered_at is not None
    _post(cs, "order_urgent", order)
    order.refresh_from_db()
    assert order.is_urgent is False


def test_a_bad_receiver_shows_the_form_again_and_changes_nothing(
    cs: Any, manager: Any, skus: list[Any]
) -> None:
    order = make_order(manager, ("W1-S", 1))
    response = _post(cs, "order_receiver", order, name="王五", address="上海市", postcode="12")
    assert response.status_code == 200
    assert "A postcode is six digits." in response.content.decode()
    order.refresh_from_db()
    assert order.receiver_name == "张三"


def test_next_never_leaves_the_site(cs: Any, manager: Any, skus: list[Any]) -> None:
    order = make_order(manager, ("W1-S", 1), buyer_message="hi")
    response = _post(cs, "order_answer", order, next="https://evil.example/")
    assert response.url == _detail(order)


def test_split_page_moves_the_chosen_units(cs: Any, manager: Any, skus: list[Any]) -> None:
    order = make_order(manager, ("W1-S", 3), ("W1-M", 1))
    line = order.lines.get(merchant_code="W1-S")
    page = cs.get(reverse("orders:split", kwargs={"pk": order.pk})).content.decode()
    assert f'name="line_{line.pk}"' in page
    too_many = _post(cs, "split", order, **{f"line_{line.pk}": "9"})
    assert too_many.status_code == 200
    assert Order.objects.count() == 1
    response = _post(cs, "split", order, **{f"line_{line.pk}": "2"}, reason="先发一件")
    part = Order.objects.get(part=1)
    assert response.url == _detail(part)
    assert list(part.lines.values_list("merchant_code", "quantity")) == [("W1-S", 2)]


def test_split_out_of_stock_from_the_page(cs: Any, manager: Any, skus: list[Any]) -> None:
    order = make_order(manager, ("W1-S", 12), ("W1-M", 1))
    _post(cs, "order_status", order, action="approve")
    _post(cs, "split_out_of_stock", order)
    part = Order.objects.get(part=1)
    assert list(part.lines.values_list("merchant_code", "quantity")) == [("W1-S", 2)]
    _post(cs, "order_status", order, action="approve")
    assert Order.objects.get(pk=order.pk).status == OrderStatus.APPROVED
    assert_stock_exact()


def test_merge_from_the_list_and_unmerge(cs: Any, manager: Any, skus: list[Any]) -> None:
    first = make_order(
        manager, ("W1-S", 1), buyer_nick="小美", paid_at=timezone.now() - timedelta(hours=2)
    )
    second = make_order(manager, ("W1-M", 1), buyer_nick="小美")
    page = cs.get(reverse("orders:merge_list")).content.decode()
    assert first.order_no in page
    assert second.order_no in page
    response = _post(
        cs,
        "merge_orders",
        orders=[first.pk, second.pk],
        reason="同一地址",
        next=reverse("orders:merge_list"),
    )
    assert response.url == reverse("orders:merge_list")
    assert Order.objects.get(pk=second.pk).merged_into_id == first.pk
    detail = cs.get(_detail(second)).content.decode()
    assert reverse("orders:unmerge", kwargs={"pk": second.pk}) in detail
    assert reverse("orders:order_status", kwargs={"pk": second.pk}) in detail  # hold only
    assert 'value="approve"' not in detail  # approved with its parcel, never alone
    _post(cs, "unmerge", second)
    assert Order.objects.get(pk=second.pk).merged_into_id is None


def test_merge_refused_says_why(cs: Any, manager: Any, skus: list[Any]) -> None:
    first = make_order(manager, ("W1-S", 1), buyer_nick="小美")
    other = make_order(manager, ("W1-S", 1), buyer_nick="别人")
    response = _post(cs, "merge_orders", orders=[first.pk, other.pk])
    assert response.url == reverse("orders:merge_list")
    assert not Order.objects.filter(merged_into__isnull=False).exists()


def test_detail_offers_merge_candidates(cs: Any, manager: Any, skus: list[Any]) -> None:
    first = make_order(manager, ("W1-S", 1), buyer_nick="小美")
    second = make_order(manager, ("W1-M", 1), buyer_nick="小美")
    page = cs.get(_detail(first)).content.decode()
    assert f'name="orders" value="{second.pk}"' in page
    merge_orders(actor=manager, order_ids=[first.pk, second.pk])
    assert f'name="orders" value="{second.pk}"' not in cs.get(_detail(first)).content.decode()


# ---------------------------------------------------------------- customer service lists


def test_buyer_messages_oldest_first_and_answered_ones_leave(
    cs: Any, manager: Any, skus: list[Any]
) -> None:
    now = timezone.now()
    newer = make_order(manager, ("W1-S", 1), buyer_message="新的留言", paid_at=now)
    older = make_order(
        manager, ("W1-S", 1), buyer_message="旧的留言", paid_at=now - timedelta(hours=3)
    )
    make_order(manager, ("W1-S", 1))  # no message
    url = reverse("orders:buyer_messages")
    page = cs.get(url).content.decode()
    assert page.index("旧的留言") < page.index("新的留言")
    _post(cs, "order_answer", older, next=url)
    page = cs.get(url).content.decode()
    assert "旧的留言" not in page
    assert "新的留言" in page
    assert newer.order_no in page


def test_home_shows_the_buyer_message_queue(cs: Any, manager: Any, skus: list[Any]) -> None:
    make_order(manager, ("W1-S", 1), buyer_message="在吗")
    page = cs.get(reverse("home")).content.decode()
    assert reverse("orders:buyer_messages") in page


def test_failed_deals_page_notes_and_lists(cs: Any, manager: Any) -> None:
    url = reverse("orders:failed_deals")
    form = cs.get(url, {"channel": "jd", "buyer_nick": "阿强"}).content.decode()
    assert 'value="阿强"' in form
    response = _post(cs, "failed_deals", channel="taobao", buyer_nick="阿强", note="要L码没货")
    assert response.status_code == 302
    deal = FailedDeal.objects.get()
    assert (deal.buyer_nick, deal.note) == ("阿强", "要L码没货")
    assert "要L码没货" in cs.get(url, {"q": "阿"}).content.decode()
    assert "要L码没货" not in cs.get(url, {"q": "别人"}).content.decode()
    empty = _post(cs, "failed_deals", channel="taobao", buyer_nick="阿强", note="")
    assert empty.status_code == 200
    assert FailedDeal.objects.count() == 1


def test_menu_shows_the_order_pages_to_customer_service(cs: Any) -> None:
    page = cs.get(reverse("orders:list")).content.decode()
    for name in (
        "orders:list",
        "orders:merge_list",
        "orders:buyer_messages",
        "orders:failed_deals",
    ):
        assert f'href="{reverse(name)}"' in page


def test_detail_offers_the_receiver_paste_box_and_stays_query_bounded(
    cs: Any, manager: Any, skus: list[Any], django_assert_max_num_queries: Any
) -> None:
    order = make_order(manager, ("W1-S", 1), ("W1-M", 2), buyer_message="在吗")
    lifecycle.approve_order(actor=manager, order_id=order.pk)
    with django_assert_max_num_queries(30):
        page = cs.get(_detail(order)).content.decode()
    assert f'data-parse-address="{reverse("orders:parse_address")}"' in page
    assert "orders/receiver_paste.js" in page
    assert 'name="paste"' in page
