"""`POST /api/v1/waybills/print/`: a PDF, one page per order in the order given; all or
nothing, with a 409 naming every order that cannot be printed."""

from __future__ import annotations

from zhanggui.fulfillment.models import LabelBatch, Parcel, WaybillNumber, WaybillStatus
from zhanggui.fulfillment.tests.test_printing import approved_order, fill_pool, page_texts
from zhanggui.orders.models import Order, OrderStatus
from zhanggui.orders.tests.factories import make_order

URL = "/api/v1/waybills/print/"


def test_answers_a_pdf_with_a_page_per_order_in_the_order_given(api_client_for):
    numbers = fill_pool("STO", 5)
    orders = [approved_order() for _ in range(3)]
    asked = [orders[1].pk, orders[2].pk, orders[0].pk]

    response = api_client_for("warehouse").post(
        URL, {"order_ids": asked, "size": "76x130"}, format="json"
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Label-Batch"] == str(LabelBatch.objects.get().pk)
    texts = page_texts(response.content)
    assert len(texts) == 3
    for text, order_id, number in zip(texts, asked, numbers[:3], strict=True):
        assert Order.objects.get(pk=order_id).order_no in text
        assert number in text
    assert Parcel.objects.get(order_id=asked[0]).tracking_no == numbers[0]


def test_the_size_defaults_to_the_shops(api_client_for):
    fill_pool("STO", 1)
    order = approved_order()

    response = api_client_for("manager").post(URL, {"order_ids": [order.pk]}, format="json")

    assert response.status_code == 200
    assert LabelBatch.objects.get().size == "76x130"


def test_a_refused_order_refuses_the_whole_request_naming_it(api_client_for):
    fill_pool("STO", 5)
    good = approved_order()
    held = make_order(None, ("API-NOPE", 1))

    response = api_client_for("warehouse").post(
        URL, {"order_ids": [good.pk, held.pk, 987654], "size": "76x130"}, format="json"
    )

    assert response.status_code == 409
    body = response.json()
    assert body["error"] == "labels_refused"
    assert [(r["order_id"], r["code"]) for r in body["refused"]] == [
        (held.pk, "wrong_status"),
        (987654, "not_found"),
    ]
    assert Order.objects.get(pk=good.pk).status == OrderStatus.APPROVED
    assert not Parcel.objects.exists()
    assert not LabelBatch.objects.exists()
    assert not WaybillNumber.objects.filter(status=WaybillStatus.USED).exists()


def test_an_empty_pool_is_a_409(api_client_for):
    order = approved_order()

    response = api_client_for("warehouse").post(URL, {"order_ids": [order.pk]}, format="json")

    assert response.status_code == 409
    assert response.json()["refused"][0]["code"] == "pool_exhausted"


def test_bad_input_is_a_400_naming_the_field(api_client_for):
    api = api_client_for("warehouse")

    for body, field in (
        ({"order_ids": [], "size": "76x130"}, "order_ids"),
        ({"order_ids": ["x"]}, "order_ids[0]"),
        ({"order_ids": [1], "size": "50x50"}, "size"),
    ):
        response = api.post(URL, body, format="json")
        assert response.status_code == 400
        assert field in response.json()["fields"]


def test_accepting_only_pdf_still_gets_json_errors(api_client_for):
    response = api_client_for("warehouse").post(
        URL, {"order_ids": []}, format="json", HTTP_ACCEPT="application/pdf"
    )

    assert response.status_code == 400
    assert response.json()["error"] == "invalid"


def test_customer_service_may_not_print(api_client_for):
    response = api_client_for("cs_presale").post(URL, {"order_ids": [1]}, format="json")
    assert response.status_code == 403
