"""Couriers as seeded and edited, places not reached, shipping settings, allocation files."""

from __future__ import annotations

import importlib
import io
import re

import pytest
from openpyxl import Workbook

from zhanggui.core.audit import entries_for
from zhanggui.core.errors import InvalidInput
from zhanggui.fulfillment.exceptions import CourierNotFound
from zhanggui.fulfillment.models import Courier, CourierExclusion, ShippingSettings
from zhanggui.fulfillment.services import couriers as service
from zhanggui.fulfillment.services.couriers import Place


@pytest.fixture
def sto(db):
    return Courier.objects.get(code="STO")


# ---------------------------------------------------------------- seeding


@pytest.mark.parametrize(
    ("code", "taobao", "kdniao", "kuaidi100"),
    [
        ("STO", "STO", "STO", "shentong"),
        ("YTO", "YTO", "YTO", "yuantong"),
        ("ZTO", "ZTO", "ZTO", "zhongtong"),
        ("YUNDA", "YUNDA", "YD", "yunda"),
        ("SF", "SF", "SF", "shunfeng"),
        ("EMS", "EMS", "EMS", "ems"),
        ("JD", "JD", "JD", "jd"),
        ("JTSD", "JTSD", "JTSD", "jtexpress"),
        ("POSTB", "POSTB", "YZPY", "youzhengguonei"),
    ],
)
def test_seeded_couriers_carry_each_platforms_code(db, code, taobao, kdniao, kuaidi100):
    courier = Courier.objects.get(code=code)
    assert courier.code_for("taobao") == taobao
    assert courier.code_for("tmall") == taobao
    assert courier.code_for("kdniao") == kdniao
    assert courier.code_for("kuaidi100") == kuaidi100


def test_seeded_couriers_follow_the_shops_rules(db):
    active = list(Courier.objects.filter(is_active=True).values_list("code", flat=True))
    assert active == ["STO", "YTO", "ZTO", "YUNDA", "SF", "EMS", "JD"]
    assert set(Courier.objects.filter(is_active=False).values_list("code", flat=True)) == {
        "JTSD",
        "POSTB",
    }
    priced = dict(
        Courier.objects.filter(priced_as__isnull=False).values_list("code", "priced_as__code")
    )
    assert priced == {"YTO": "STO", "SF": "EMS"}
    settings = ShippingSettings.objects.get(pk=1)
    assert (settings.default_courier.code, settings.fallback_courier.code) == ("STO", "EMS")
    assert Courier.objects.get(code="YUNDA").label_sizes == "100x130,100x180,100x203"
    assert Courier.objects.get(code="JD").label_sizes == "76x130,100x110"


@pytest.mark.parametrize(
    ("code", "good", "bad"),
    [
        ("SF", ["SF1234567890123", "SF123456789012"], ["1234567890123", "SF12345"]),
        ("YTO", ["YT1234567890123", "YT1234567890123456"], ["1234567890123"]),
        ("STO", ["773012345678901", "3336289148145", "268012345678"], ["77301234567890123"]),
        ("ZTO", ["75123456789012", "781234567890"], ["7512345678"]),
        ("YUNDA", ["4312345678901", "462012345678901"], ["431234567890"]),
        ("EMS", ["EA123456789CN", "1012345678901"], ["EA12345678CN", "101234567890"]),
        ("JD", ["JDVA12345678901", "JD0012345678901"], ["VA12345678901"]),
        ("JTSD", ["JT5012345678901"], ["5012345678901"]),
    ],
)
def test_seeded_tracking_patterns_accept_real_numbers(db, code, good, bad):
    courier = Courier.objects.get(code=code)
    assert all(service.tracking_number_fits(courier, number) for number in good)
    assert not any(service.tracking_number_fits(courier, number) for number in bad)


# ---------------------------------------------------------------- editing couriers


def test_a_courier_is_created_with_clean_values_and_audited(manager):
    courier = service.create_courier(
        actor=manager,
        code="dbkd",
        data=service.CourierInput(
            name="德邦快递",
            channel_codes={"taobao": "DBKD", "kdniao": "DBL", "jd": ""},
            label_sizes="76×130, 100x180",
            tracking_pattern=r"^DPK\d{12}$",
            priced_as="STO",
        ),
    )
    assert courier.code == "DBKD"
    assert courier.channel_codes == {"taobao": "DBKD", "kdniao": "DBL"}
    assert courier.label_sizes == "76x130,100x180"
    assert courier.priced_as.code == "STO"
    assert entries_for(courier).get(action="create").changes["name"]["after"] == "德邦快递"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"label_sizes": "big"}, "label_sizes"),
        ({"tracking_pattern": "^(SF"}, "tracking_pattern"),
        ({"priced_as": "YTO"}, "priced_as"),  # YTO is itself priced as STO
        ({"priced_as": "NOPE"}, "priced_as"),
        ({"priced_as": "ZTO"}, "priced_as"),  # itself
        ({"name": " "}, "name"),
        ({"channel_codes": {"taobao": "A B"}}, "channel_codes"),
    ],
)
def test_a_bad_courier_value_is_refused_by_field(manager, changes, field):
    zto = Courier.objects.get(code="ZTO")
    values = {"name": "中通快递", **changes}
    with pytest.raises(InvalidInput) as refused:
        service.update_courier(
            actor=manager, courier_id=zto.pk, data=service.CourierInput(**values)
        )
    assert field in refused.value.fields
    zto.refresh_from_db()
    assert zto.name == "中通快递"
    assert zto.priced_as is None


def test_a_courier_code_must_be_new_and_plain(manager, sto):
    for code in ("STO", "申通", ""):
        with pytest.raises(InvalidInput):
            service.create_courier(actor=manager, code=code, data=service.CourierInput(name="x"))


def test_the_default_courier_cannot_be_switched_off(manager, sto):
    with pytest.raises(InvalidInput) as refused:
        service.update_courier(
            actor=manager,
            courier_id=sto.pk,
            data=service.CourierInput(name="申通", is_active=False),
        )
    assert "is_active" in refused.value.fields


def test_an_update_records_only_what_changed(manager, sto):
    data = service.CourierInput(
        name=sto.name,
        channel_codes=sto.channel_codes,
        label_sizes=sto.label_sizes,
        tracking_pattern=sto.tracking_pattern,
        position=sto.position,
        reuses_cancelled_numbers=True,
    )
    service.update_courier(actor=manager, courier_id=sto.pk, data=data)
    entry = entries_for(sto).get(action="update")
    assert entry.changes == {"reuses_cancelled_numbers": {"before": "false", "after": "true"}}


# ---------------------------------------------------------------- places not reached


def test_places_are_saved_by_their_official_names(manager, sto):
    exclusion = service.add_exclusion(
        actor=manager, courier_id=sto.pk, province="西藏", city="阿里", district="噶尔"
    )
    assert (exclusion.province, exclusion.city, exclusion.district) == (
        "西藏自治区",
        "阿里地区",
        "噶尔县",
    )
    assert entries_for(sto).get(action="update").changes["exclusions"]["after"] == (
        "西藏自治区 阿里地区 噶尔县"
    )


@pytest.mark.parametrize(
    ("province", "city", "district", "field"),
    [
        ("火星", "", "", "province"),
        ("浙江", "纽约", "", "city"),
        ("浙江", "杭州", "浦东", "district"),
        ("浙江", "", "西湖区", "city"),
    ],
)
def test_an_unknown_place_is_refused_naming_the_level(
    manager, sto, province, city, district, field
):
    with pytest.raises(InvalidInput) as refused:
        service.add_exclusion(
            actor=manager, courier_id=sto.pk, province=province, city=city, district=district
        )
    assert field in refused.value.fields
    assert not CourierExclusion.objects.filter(courier=sto).exists()


def test_a_place_inside_an_excluded_province_is_refused(manager, sto):
    service.add_exclusion(actor=manager, courier_id=sto.pk, province="新疆")
    with pytest.raises(InvalidInput) as refused:
        service.add_exclusion(actor=manager, courier_id=sto.pk, province="新疆", city="喀什地区")
    assert "新疆维吾尔自治区" in refused.value.fields["province"][0]


def test_exclusions_cover_their_province_city_or_district(manager, sto):
    service.add_exclusion(actor=manager, courier_id=sto.pk, province="西藏")
    service.add_exclusion(actor=manager, courier_id=sto.pk, province="新疆", city="喀什")
    service.add_exclusion(
        actor=manager, courier_id=sto.pk, province="青海", city="玉树", district="治多"
    )
    assert service.cannot_reach(sto, Place("西藏自治区", "拉萨市", "城关区"))
    assert service.cannot_reach(sto, Place("新疆维吾尔自治区", "喀什地区", "疏勒县"))
    assert not service.cannot_reach(sto, Place("新疆维吾尔自治区", "乌鲁木齐市", "天山区"))
    assert service.cannot_reach(sto, Place("青海省", "玉树藏族自治州", "治多县"))
    assert not service.cannot_reach(sto, Place("青海省", "玉树藏族自治州", "玉树市"))


def test_removing_a_place_is_audited(manager, sto):
    exclusion = service.add_exclusion(actor=manager, courier_id=sto.pk, province="西藏")
    service.remove_exclusion(actor=manager, exclusion_id=exclusion.pk)
    assert not CourierExclusion.objects.filter(courier=sto).exists()
    removed = entries_for(sto).filter(changes__exclusions__after=None).get()
    assert removed.changes["exclusions"]["before"] == "西藏自治区"


# ---------------------------------------------------------------- settings


def test_settings_are_saved_and_audited(manager):
    settings = service.update_settings(
        actor=manager,
        data=service.SettingsInput(
            default_courier="ZTO",
            fallback_courier="EMS",
            sender_name="掌柜女装",
            sender_phone="0571-88888888",
            sender_postcode="310000",
            default_label_size="100×180",
        ),
    )
    assert settings.default_courier.code == "ZTO"
    assert settings.default_label_size == "100x180"
    changes = entries_for(settings).get().changes
    assert changes["default_courier"] == {"before": "申通快递", "after": "中通快递"}


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"default_courier": ""}, "default_courier"),
        ({"default_courier": "JTSD"}, "default_courier"),  # not active
        ({"default_courier": "EMS", "fallback_courier": "EMS"}, "fallback_courier"),
        ({"default_courier": "STO", "sender_postcode": "3100"}, "sender_postcode"),
        ({"default_courier": "STO", "default_label_size": "76x130,100x180"}, "default_label_size"),
    ],
)
def test_bad_settings_are_refused(manager, values, field):
    with pytest.raises(InvalidInput) as refused:
        service.update_settings(actor=manager, data=service.SettingsInput(**values))
    assert field in refused.value.fields
    assert ShippingSettings.objects.get(pk=1).default_courier.code == "STO"


def test_unknown_courier_code_is_not_found(db):
    with pytest.raises(CourierNotFound):
        service.get_courier("NOPE")
    assert service.get_courier(" sto ").code == "STO"


# ---------------------------------------------------------------- allocation files


def test_allocation_text_reads_text_csv_and_xlsx():
    text = "运单号\r\n7700000001-7700000003\r\n7700000009\r\n".encode("gbk")
    assert service.allocation_text(filename="a.txt", content=text) == (
        "7700000001-7700000003\n7700000009"
    )
    csv = b"number,note\n7700000001,x\n"
    assert service.allocation_text(filename="a.csv", content=csv) == "7700000001\nx"
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["运单号"])
    sheet.append([7700000001])
    sheet.append(["YT7700000001-YT7700000002"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert service.allocation_text(filename="a.xlsx", content=buffer.getvalue()) == (
        "7700000001\nYT7700000001-YT7700000002"
    )


def test_place_reads_a_municipality_once():
    assert str(Place("上海市", "上海市", "浦东新区")) == "上海市 浦东新区"
    assert re.fullmatch(r"\S+", str(Place("西藏自治区")))


def test_the_service_table_of_couriers_is_the_migrations():
    migration = importlib.import_module("zhanggui.fulfillment.migrations.0002_seed_couriers")
    assert tuple(migration.COURIERS) == service.DEFAULT_COURIERS
    assert migration.PRICED_AS == service.DEFAULT_PRICED_AS


def test_default_couriers_are_put_back_in_an_emptied_database(db):
    ShippingSettings.objects.all().delete()
    Courier.objects.all().delete()
    service.install_default_couriers()
    service.install_default_couriers()  # twice changes nothing
    assert Courier.objects.count() == 9
    assert Courier.objects.get(code="SF").priced_as.code == "EMS"
    assert Courier.objects.get(code="YUNDA").code_for("kdniao") == "YD"
    settings = ShippingSettings.objects.get(pk=1)
    assert (settings.default_courier.code, settings.fallback_courier.code) == ("STO", "EMS")
