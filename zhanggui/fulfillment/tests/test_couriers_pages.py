"""The courier pages wired to their services: what they show, what a POST changes, and the
errors they show in place (permissions per role are in tests/matrix_shipping_couriers.py)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from zhanggui.core.audit import entries_for
from zhanggui.fulfillment.models import (
    Courier,
    CourierExclusion,
    CourierRate,
    ShippingSettings,
    WaybillNumber,
    WaybillStatus,
)
from zhanggui.fulfillment.services import pools
from zhanggui.orders.models import Order
from zhanggui.orders.tests.factories import make_order, make_skus


@pytest.fixture
def warehouse(client_for):
    return client_for("warehouse")


def test_the_list_shows_codes_pools_and_the_default(warehouse, manager):
    sto = Courier.objects.get(code="STO")
    pools.import_numbers(actor=manager, courier=sto, numbers=["7700000001", "7700000002"])
    page = warehouse.get(reverse("fulfillment:courier_list")).content.decode()
    assert "韵达速递" in page
    assert "YD" in page
    assert "yunda" in page
    assert "100x203" in page
    assert "申通快递" in page


def test_a_reader_sees_no_edit_links(client_for):
    page = client_for("finance").get(reverse("fulfillment:courier_list")).content.decode()
    assert reverse("fulfillment:courier_edit", kwargs={"code": "STO"}) not in page
    assert reverse("fulfillment:courier_create") not in page


def test_a_courier_is_added_and_edited_through_the_form(warehouse):
    response = warehouse.post(
        reverse("fulfillment:courier_create"),
        {
            "code": "dbkd",
            "name": "德邦快递",
            "code_taobao": "DBKD",
            "code_kdniao": "DBL",
            "label_sizes": "76x130",
            "priced_as": "STO",
            "is_active": "on",
            "position": "90",
        },
    )
    assert response.status_code == 302
    courier = Courier.objects.get(code="DBKD")
    assert courier.channel_codes == {"taobao": "DBKD", "kdniao": "DBL"}
    assert courier.priced_as.code == "STO"
    url = reverse("fulfillment:courier_edit", kwargs={"code": "DBKD"})
    response = warehouse.post(url, {"name": "德邦", "label_sizes": "huge", "position": "90"})
    assert response.status_code == 200
    assert "76x130" in response.content.decode()  # the error names the format
    courier.refresh_from_db()
    assert courier.name == "德邦快递"


def test_the_rate_page_sets_a_province_and_quotes(warehouse):
    url = reverse("fulfillment:courier_rates", kwargs={"code": "STO"})
    response = warehouse.post(
        url,
        {"province": "浙江", "first_weight_kg": "1", "first_price": "8", "extra_price_per_kg": "2"},
    )
    assert response.status_code == 302
    rate = CourierRate.objects.get(courier__code="STO", province="浙江省")
    assert rate.extra_price_per_kg == Decimal("2.00")
    page = warehouse.get(url, {"province": "浙江", "weight_g": "1200"}).content.decode()
    assert "¥10.00" in page
    yto = warehouse.get(reverse("fulfillment:courier_rates", kwargs={"code": "YTO"}))
    assert "申通快递" in yto.content.decode()  # priced as STO


def test_the_rate_page_imports_a_file_and_names_bad_rows(warehouse):
    url = reverse("fulfillment:courier_rates_import", kwargs={"code": "EMS"})
    good = "省份,首重(kg),首重价格,续重价格(元/kg)\n浙江,1,15,6\n西藏,1,25,15\n".encode()
    page = warehouse.post(url, {"file": SimpleUploadedFile("ems.csv", good)}).content.decode()
    assert CourierRate.objects.filter(courier__code="EMS").count() == 2
    assert "ems.csv" in page
    bad = "省份,首重价格,续重价格\n火星,15,6\n浙江,abc,6\n".encode()
    page = warehouse.post(url, {"file": SimpleUploadedFile("bad.csv", bad)}).content.decode()
    assert "火星" in page
    assert "abc" in page
    assert CourierRate.objects.get(courier__code="EMS", province="浙江省").first_price == 15


def test_the_rate_table_downloads_as_xlsx_and_csv(client_for):
    sto = Courier.objects.get(code="STO")
    CourierRate.objects.create(courier=sto, province="浙江省", first_price=8, extra_price_per_kg=2)
    client = client_for("finance")
    url = reverse("fulfillment:courier_rates_export", kwargs={"code": "STO"})
    response = client.get(url)
    assert response["Content-Disposition"] == 'attachment; filename="rates-STO.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 32
    csv = client.get(url, {"format": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    assert "浙江省,1,8.00,2.00" in csv.content.decode("utf-8-sig")


def test_places_not_reached_are_added_and_removed(warehouse):
    url = reverse("fulfillment:courier_exclusions", kwargs={"code": "STO"})
    response = warehouse.post(url, {"province": "新疆", "city": "喀什"})
    assert response.status_code == 302
    exclusion = CourierExclusion.objects.get(courier__code="STO")
    assert (exclusion.province, exclusion.city) == ("新疆维吾尔自治区", "喀什地区")
    page = warehouse.post(url, {"province": "火星"}).content.decode()
    assert "火星" in page
    remove = reverse("fulfillment:courier_exclusion_remove", kwargs={"pk": exclusion.pk})
    assert warehouse.post(remove).status_code == 302
    assert not CourierExclusion.objects.exists()


def test_the_pool_page_imports_pasted_ranges_and_files(warehouse):
    url = reverse("fulfillment:courier_pool", kwargs={"code": "ZTO"})
    response = warehouse.post(url, {"numbers": "75000000000001-75000000000005\n75000000000009"})
    assert response.status_code == 302
    assert WaybillNumber.objects.filter(courier__code="ZTO").count() == 6
    upload = SimpleUploadedFile("zto.csv", "运单号\n75000000000010\n75000000000001\n".encode())
    assert warehouse.post(url, {"file": upload}).status_code == 302
    assert WaybillNumber.objects.filter(courier__code="ZTO").count() == 7
    page = warehouse.get(url).content.decode()
    assert ">7<" in page  # available


def test_the_pool_page_names_a_bad_allocation_and_adds_nothing(warehouse):
    url = reverse("fulfillment:courier_pool", kwargs={"code": "ZTO"})
    page = warehouse.post(url, {"numbers": "75000000000001\n=1+2"}).content.decode()
    assert "=1+2" in page
    assert not WaybillNumber.objects.exists()
    assert "error" in warehouse.post(url, {"numbers": ""}).content.decode()


def test_the_pool_page_lists_the_last_numbers_used_with_their_orders(warehouse, manager):
    sto = Courier.objects.get(code="STO")
    pools.import_numbers(actor=manager, courier=sto, numbers=["7700000001", "7700000002"])
    make_skus(manager, "PL-S", on_hand=5)
    order = make_order(manager, ("PL-S", 1))
    pools.take_number(courier=sto, order=order)
    page = warehouse.get(reverse("fulfillment:courier_pool", kwargs={"code": "STO"}))
    text = page.content.decode()
    assert "7700000001" in text
    assert str(order) in text
    assert WaybillNumber.objects.filter(status=WaybillStatus.AVAILABLE).count() == 1


def test_settings_are_saved_from_the_page(warehouse):
    response = warehouse.post(
        reverse("fulfillment:shipping_settings"),
        {
            "default_courier": "ZTO",
            "fallback_courier": "EMS",
            "default_label_size": "100x180",
            "sender_name": "掌柜女装",
            "sender_postcode": "310000",
        },
    )
    assert response.status_code == 302
    settings = ShippingSettings.objects.get(pk=1)
    assert (settings.default_courier.code, settings.sender_name) == ("ZTO", "掌柜女装")


def _order(**fields: object) -> Order:
    make_skus(None, "OC-S", on_hand=5)
    return make_order(None, ("OC-S", 1), **fields)


def test_the_order_courier_page_shows_the_choice_and_its_reason(client_for):
    order = _order(buyer_message="<b>请发顺丰</b>")
    page = client_for("cs_presale").get(
        reverse("fulfillment:order_courier", kwargs={"pk": order.pk})
    )
    text = page.content.decode()
    assert "顺丰速运" in text
    assert "&lt;b&gt;请发顺丰&lt;/b&gt;" in text  # buyer text escaped
    assert "<b>请发顺丰</b>" not in text


def test_an_override_from_the_page_needs_a_reason_and_is_audited(client_for):
    order = _order()
    client = client_for("warehouse")
    url = reverse("fulfillment:order_courier", kwargs={"pk": order.pk})
    response = client.post(url, {"courier": "EMS", "reason": ""})
    assert response.status_code == 200
    order.refresh_from_db()
    assert order.courier == ""
    response = client.post(url, {"courier": "EMS", "reason": "买家要求邮政"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.courier == "EMS"
    assert entries_for(order).get(changes__has_key="courier").note == "买家要求邮政"


def test_the_rules_choice_is_saved_from_the_page(client_for):
    order = _order()
    url = reverse("fulfillment:order_courier", kwargs={"pk": order.pk})
    assert client_for("cs_aftersale").post(url, {"auto": "1"}).status_code == 302
    order.refresh_from_db()
    assert order.courier == "STO"


def test_menu_shows_couriers_to_readers_and_settings_to_the_warehouse(make_user):
    from zhanggui.staff.navigation import menu_for

    finance = {entry["url_name"] for entry in menu_for(make_user("finance"))}
    warehouse = {entry["url_name"] for entry in menu_for(make_user("warehouse"))}
    assert "fulfillment:courier_list" in finance
    assert "fulfillment:shipping_settings" not in finance
    assert {"fulfillment:courier_list", "fulfillment:shipping_settings"} <= warehouse
