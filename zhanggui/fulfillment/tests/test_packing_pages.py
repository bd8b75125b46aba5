"""The packing station, the ship page, the parcel list and the warehouse's home queues
through the Django test client."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from zhanggui.fulfillment.models import Parcel, ParcelStatus
from zhanggui.fulfillment.services import packing
from zhanggui.fulfillment.tests.packing_factories import printed_parcel
from zhanggui.inventory.models import MoveKind, StockMove
from zhanggui.inventory.selectors import ledger_differences
from zhanggui.orders.models import OrderStatus
from zhanggui.orders.services import edits, lifecycle
from zhanggui.orders.sla import SHANGHAI
from zhanggui.orders.tests.factories import make_order, make_skus

PACK = reverse("fulfillment:pack")
SCAN = reverse("fulfillment:pack_scan")
FINISH = reverse("fulfillment:pack_finish")
SHIP = reverse("fulfillment:ship")
PARCELS = reverse("fulfillment:parcels")
# 17:00 in Shanghai: past today's 16:00 cut-off.
NOW = datetime(2026, 11, 20, 17, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def parcel(manager):
    make_skus(manager, "PG-S", "PG-M", on_hand=10)
    return printed_parcel(manager, ("PG-S", 2), ("PG-M", 1))


@pytest.fixture
def station(client_for):
    return client_for("warehouse")


def _scan(client, code, request_id=""):
    response = client.post(SCAN, {"code": code, "request_id": request_id})
    assert response.status_code == 200
    return response.json()


def _initial(response):
    body = response.content.decode()
    start = body.index('<script id="pack-initial" type="application/json">')
    text = body[start:].split(">", 1)[1].split("</script>", 1)[0]
    return json.loads(text)


def test_the_page_opens_with_nothing_to_pack(station):
    response = station.get(PACK)
    assert response.status_code == 200
    assert _initial(response) == {
        "level": "",
        "message": "",
        "code": "",
        "packed": None,
        "parcel": None,
    }
    assert 'id="scan-input"' in response.content.decode()


def test_scans_are_answered_with_the_box(station, parcel):
    opened = _scan(station, parcel.tracking_no, "r1")
    assert opened["level"] == "ok"
    assert opened["parcel"]["receiver"]["name"] == "张三"
    assert opened["parcel"]["courier"] == {"code": "PK-STO", "name": "测试申通"}
    assert [(line["merchant_code"], line["expected"]) for line in opened["parcel"]["lines"]] == [
        ("PG-S", 2),
        ("PG-M", 1),
    ]
    wrong = _scan(station, "PG-M", "r2")
    wrong = _scan(station, "PG-M", "r3")
    assert wrong["level"] == "blocked"
    assert wrong["parcel"]["blocked"] is True
    assert "One too many PG-M" in wrong["message"]


def test_the_same_request_twice_counts_once(station, parcel):
    _scan(station, parcel.tracking_no, "a1")
    first = _scan(station, "PG-S", "a2")
    again = _scan(station, "PG-S", "a2")
    assert again["repeated"] is True
    assert again["message"] == first["message"]
    assert again["parcel"]["scanned"] == first["parcel"]["scanned"] == 1


def test_a_reload_shows_the_same_box(station, parcel):
    _scan(station, parcel.tracking_no, "b1")
    _scan(station, "PG-S", "b2")
    initial = _initial(station.get(PACK))
    assert initial["parcel"]["is_open"] is True
    assert initial["parcel"]["scanned"] == 1
    assert initial["message"] == f"Parcel {parcel.tracking_no} is open."


def test_a_reload_after_a_refund_shows_the_block(station, manager, parcel):
    _scan(station, parcel.tracking_no, "c1")
    line = parcel.order.lines.get(merchant_code="PG-M")
    lifecycle.set_line_refund(actor=manager, line=line, refund_status="requested", refund_amount=0)
    initial = _initial(station.get(PACK))
    assert initial["level"] == "blocked"
    assert initial["parcel"]["is_open"] is False
    # Nothing is open any more: the next scan is read as a waybill.
    assert _scan(station, "PG-S", "c2")["code"] == "unknown_barcode"


def test_the_weight_packs_the_parcel_and_resets_the_page(station, parcel):
    for number, code in enumerate((parcel.tracking_no, "PG-S", "PG-S", "PG-M")):
        last = _scan(station, code, f"d{number}")
    assert last["level"] == "complete"
    weight = f"{parcel.estimated_weight_g / 1000:.3f}"  # in kg, as a scale sends it
    done = station.post(FINISH, {"parcel_id": parcel.pk, "weight": weight, "request_id": "d9"})
    payload = done.json()
    assert payload["level"] == "packed"
    assert payload["parcel"] is None
    assert payload["packed"]["weight_g"] == parcel.estimated_weight_g
    parcel.refresh_from_db()
    assert parcel.status == ParcelStatus.PACKED
    assert parcel.packed_by.username.startswith("warehouse")
    repeated = station.post(FINISH, {"parcel_id": parcel.pk, "weight": weight, "request_id": "d9"})
    assert repeated.json()["level"] == "packed"
    assert _initial(station.get(PACK))["parcel"] is None


def test_a_scan_without_a_code_is_a_bad_request(station):
    assert station.post(SCAN, {}).status_code == 400
    assert station.post(FINISH, {"weight": "1"}).status_code == 400


def test_a_scan_costs_a_handful_of_queries(station, parcel, django_assert_max_num_queries):
    _scan(station, parcel.tracking_no, "q1")
    with django_assert_max_num_queries(14):
        _scan(station, "PG-S", "q2")


# ---------------------------------------------------------------- shipping


def _packed(manager, *lines):
    parcel = printed_parcel(manager, *lines)
    counts = {
        item.sku_id: item.quantity
        for item in packing.parcel_checks(parcel, packing.members_of(parcel.order)).items
    }
    packing.finish_packing(
        actor=manager,
        parcel_id=parcel.pk,
        counts=counts,
        weight_g=parcel.estimated_weight_g,
    )
    return parcel


def test_the_ship_page_lists_packed_parcels_per_courier_and_ships_them(client_for, manager):
    make_skus(manager, "SP-S", on_hand=10)
    parcels = [_packed(manager, ("SP-S", 1)) for _ in range(2)]
    client = client_for("warehouse")
    page = client.get(SHIP)
    body = page.content.decode()
    assert "测试申通" in body
    assert all(parcel.tracking_no in body for parcel in parcels)
    response = client.post(SHIP, {"parcel_ids": [parcels[0].pk]}, follow=True)
    assert "1 parcel shipped" in response.content.decode()
    statuses = dict(Parcel.objects.values_list("pk", "status"))
    assert (statuses[parcels[0].pk], statuses[parcels[1].pk]) == ("shipped", "packed")
    assert StockMove.objects.filter(kind=MoveKind.SALE).count() == 1
    again = client.post(SHIP, {"parcel_ids": [parcels[0].pk]}, follow=True)
    assert "Already shipped, nothing posted again" in again.content.decode()
    assert StockMove.objects.filter(kind=MoveKind.SALE).count() == 1
    assert ledger_differences() == []


def test_shipping_nothing_ticked_says_so(client_for):
    response = client_for("warehouse").post(SHIP, {}, follow=True)
    assert "Tick the parcels to ship." in response.content.decode()


# ---------------------------------------------------------------- the clock


@pytest.fixture
def clock(manager):
    """At 17:00: an order paid yesterday (overdue), one paid this morning (due today), one
    paid at 16:30 (due tomorrow), one urgent paid at 16:50; one packed and one shipped, both
    paid at 17:00."""
    with time_machine.travel(NOW, tick=False):
        make_skus(manager, "CK-S", on_hand=20)

        def approved(paid_at, **fields):
            order = make_order(manager, ("CK-S", 1), paid_at=paid_at, **fields)
            lifecycle.approve_order(actor=manager, order_id=order.pk, force=True)
            return order

        orders = {
            "old": approved(NOW - timedelta(hours=30)),
            "morning": approved(NOW.replace(hour=9)),
            "late": approved(NOW.replace(hour=16, minute=30)),
            "urgent": approved(NOW.replace(hour=16, minute=50)),
        }
        edits.set_urgent(actor=manager, order_id=orders["urgent"].pk, urgent=True)
        packed = _packed(manager, ("CK-S", 1))
        orders["packed"] = packed.order
        shipped = _packed(manager, ("CK-S", 1))
        from zhanggui.fulfillment.services.shipping import ship_parcels

        ship_parcels(actor=manager, parcel_ids=[shipped.pk])
        yield orders


def _order_nos(response):
    return {str(row["order"]) for row in response.context["rows"]}


def test_the_clock_queues_count_what_their_lists_show(client_for, clock):
    client = client_for("warehouse")
    with time_machine.travel(NOW, tick=False):
        home = client.get("/")
        queues = {
            str(queue.label): (queue.count, queue.url)
            for section in home.context["sections"]
            for queue in section.queues
        }
        overdue = queues["Overdue in the warehouse: paid over 24 hours ago, not shipped"]
        due = queues["To ship today: paid before the cut-off or urgent, not shipped"]
        packed = queues["Parcels packed, not shipped"]
        assert overdue == (1, f"{PARCELS}?sla=overdue")
        assert due == (3, f"{PARCELS}?sla=due_today")
        assert packed == (1, f"{PARCELS}?status=packed")
        assert _order_nos(client.get(overdue[1])) == {str(clock["old"])}
        assert _order_nos(client.get(due[1])) == {
            str(clock[key]) for key in ("old", "morning", "urgent")
        }
        assert _order_nos(client.get(packed[1])) == {str(clock["packed"])}


def test_the_parcel_list_filters_by_status_courier_and_day(client_for, clock):
    client = client_for("cs_presale")
    with time_machine.travel(NOW, tick=False):
        everything = client.get(PARCELS)
        assert everything.context["total"] == 2
        shipped = client.get(
            PARCELS, {"status": "shipped", "date": "2026-11-20", "date_of": "shipped"}
        )
        assert shipped.context["total"] == 1
        assert client.get(PARCELS, {"date": "2026-11-19"}).context["total"] == 0
        assert client.get(PARCELS, {"courier": "NOPE"}).context["total"] == 0
        printed = client.get(PARCELS, {"sla": "due_today", "status": OrderStatus.APPROVED})
        assert _order_nos(printed) == {str(clock[k]) for k in ("old", "morning", "urgent")}
        body = printed.content.decode()
        assert "h overdue" in body
        assert "label not printed" in body
