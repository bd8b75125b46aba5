"""Receiver-text parsing and division normalization (zhanggui.orders.addresses): pure
functions, no database."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from zhanggui.orders.addresses import API_FIELDS, normalize_divisions, parse_address
from zhanggui.orders.addresses.divisions import build_index

CORPUS = Path(__file__).parent / "data" / "receiver_texts.tsv"
TARGET = 0.99


@dataclass(frozen=True)
class Row:
    text: str
    name: str | None
    phone: str | None
    divisions: tuple[str | None, str | None, str | None]
    address: str
    postcode: str | None
    note: str


def _corpus() -> list[Row]:
    lines = [line for line in CORPUS.read_text("utf-8").splitlines() if not line.startswith("#")]
    rows = []
    for line in lines[1:]:  # the header row
        text, name, phone, province, city, district, address, postcode, note = line.split("\t")
        rows.append(
            Row(
                text=text.replace("\\n", "\n").replace("\\t", "\t"),
                name=name or None,
                phone=phone or None,
                divisions=(province or None, city or None, district or None),
                address=address,
                postcode=postcode or None,
                note=note,
            )
        )
    return rows


def _accuracy(failures: list[str], total: int) -> float:
    return 1 - len(failures) / total


def test_corpus_is_large_and_varied() -> None:
    rows = _corpus()
    assert len(rows) >= 300
    assert sum(row.note.startswith("hand:") for row in rows) >= 200
    assert sum(row.note.startswith("generated:") for row in rows) >= 100


def test_corpus_divisions_name_and_phone_meet_the_target() -> None:
    rows = _corpus()
    division_failures, name_failures, phone_failures, address_failures = [], [], [], []
    for row in rows:
        parsed = parse_address(row.text)
        got = (parsed.province, parsed.city, parsed.district)
        if got != row.divisions:
            division_failures.append(f"{row.text!r}: {got} != {row.divisions}")
        if row.name and parsed.name != row.name:
            name_failures.append(f"{row.text!r}: name {parsed.name!r} != {row.name!r}")
        if row.phone and parsed.phone != row.phone:
            phone_failures.append(f"{row.text!r}: phone {parsed.phone!r} != {row.phone!r}")
        if (parsed.address or "").replace(" ", "") != row.address.replace(" ", ""):
            address_failures.append(f"{row.text!r}: {parsed.address!r} != {row.address!r}")
    with_name = sum(1 for row in rows if row.name)
    with_phone = sum(1 for row in rows if row.phone)
    report = "\n".join(division_failures + name_failures + phone_failures + address_failures)

    assert _accuracy(division_failures, len(rows)) >= TARGET, report
    assert _accuracy(name_failures, with_name) >= TARGET, report
    assert _accuracy(phone_failures, with_phone) >= TARGET, report
    # Not the target, but the detail address is what the courier reads.
    assert _accuracy(address_failures, len(rows)) >= TARGET, report


def test_parse_taobao_copy_form() -> None:
    parsed = parse_address("张三，13812345678，浙江省 杭州市 西湖区 文三路 90号 ，310012")

    assert parsed.as_dict() == {
        "name": "张三",
        "phone": "13812345678",
        "province": "浙江省",
        "city": "杭州市",
        "district": "西湖区",
        "address": "文三路 90号",
        "postcode": "310012",
    }
    assert parsed.resolved is True


def test_as_dict_has_exactly_the_api_keys() -> None:
    assert tuple(parse_address("").as_dict()) == API_FIELDS
    assert API_FIELDS == ("name", "phone", "province", "city", "district", "address", "postcode")


def test_parse_nothing_gives_nulls_and_unresolved() -> None:
    parsed = parse_address("   ")

    assert set(parsed.as_dict().values()) == {None}
    assert parsed.resolved is False


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("广西南宁青秀区民族大道1号", ("广西壮族自治区", "南宁市", "青秀区")),
        ("内蒙包头昆都仑区钢铁大街", ("内蒙古自治区", "包头市", "昆都仑区")),
        ("新疆乌鲁木齐天山区", ("新疆维吾尔自治区", "乌鲁木齐市", "天山区")),
        ("宁夏银川兴庆区", ("宁夏回族自治区", "银川市", "兴庆区")),
        ("西藏拉萨城关区", ("西藏自治区", "拉萨市", "城关区")),
        ("北京朝阳望京SOHO", ("北京市", "北京市", "朝阳区")),
        ("上海浦东张江镇", ("上海市", "上海市", "浦东新区")),
        ("北京市海淀区中关村", ("北京市", "北京市", "海淀区")),
        ("浙江义乌稠城街道", ("浙江省", "金华市", "义乌市")),
        ("江苏省昆山市玉山镇", ("江苏省", "苏州市", "昆山市")),
        ("云南省西双版纳傣族自治州景洪市", ("云南省", "西双版纳傣族自治州", "景洪市")),
        ("内蒙古锡林郭勒盟锡林浩特市", ("内蒙古自治区", "锡林郭勒盟", "锡林浩特市")),
        ("新疆阿克苏地区库车市", ("新疆维吾尔自治区", "阿克苏地区", "库车市")),
        ("吉林省吉林市船营区", ("吉林省", "吉林市", "船营区")),
        ("山东济南市中区经十路", ("山东省", "济南市", "市中区")),
    ],
)
def test_short_forms_resolve_to_official_names(text: str, expected: tuple[str, str, str]) -> None:
    parsed = parse_address(text)

    assert (parsed.province, parsed.city, parsed.district) == expected
    assert parsed.resolved is True


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("湖北省襄樊市樊城区", ("湖北省", "襄阳市", "樊城区")),
        ("云南思茅市思茅区", ("云南省", "普洱市", "思茅区")),
        ("安徽省巢湖市半汤路", ("安徽省", "合肥市", "巢湖市")),
        ("北京市崇文区广渠门内大街", ("北京市", "北京市", "东城区")),
        ("北京宣武区牛街", ("北京市", "北京市", "西城区")),
        ("上海市闸北区共和新路", ("上海市", "上海市", "静安区")),
        ("上海卢湾区淮海中路", ("上海市", "上海市", "黄浦区")),
        ("上海南汇惠南镇", ("上海市", "上海市", "浦东新区")),
        ("山东省莱芜市凤城大街", ("山东省", "济南市", "莱芜区")),
        ("山东莱芜市钢城区府前大街", ("山东省", "济南市", "钢城区")),
        ("浙江省杭州市富阳市富春街道", ("浙江省", "杭州市", "富阳区")),
        ("贵州省铜仁地区碧江区", ("贵州省", "铜仁市", "碧江区")),
    ],
)
def test_old_names_resolve_to_current_divisions(text: str, expected: tuple[str, str, str]) -> None:
    parsed = parse_address(text)

    assert (parsed.province, parsed.city, parsed.district) == expected


@pytest.mark.parametrize(
    ("text", "province", "city", "address"),
    [
        ("广东省东莞市长安镇振安路8号", "广东省", "东莞市", "长安镇振安路8号"),
        ("广东中山市石岐街道", "广东省", "中山市", "石岐街道"),
        ("海南省儋州市那大镇", "海南省", "儋州市", "那大镇"),
        ("甘肃省嘉峪关市新华路", "甘肃省", "嘉峪关市", "新华路"),
        ("河南省济源市沁园路", "河南省", "济源市", "沁园路"),
        ("湖北省 省直辖县级行政区划 仙桃市 干河街道", "湖北省", "仙桃市", "干河街道"),
        ("湖北省神农架林区松柏镇", "湖北省", "神农架林区", "松柏镇"),
        ("新疆第八师石河子市北子午路", "新疆维吾尔自治区", "石河子市", "北子午路"),
    ],
)
def test_cities_without_districts_resolve_with_district_none(
    text: str, province: str, city: str, address: str
) -> None:
    parsed = parse_address(text)

    assert (parsed.province, parsed.city, parsed.district) == (province, city, None)
    assert parsed.address == address
    assert parsed.resolved is True


@pytest.mark.parametrize(
    ("text", "province"),
    [
        ("香港九龙旺角弥敦道688号", "香港特别行政区"),
        ("澳门特别行政区氹仔", "澳门特别行政区"),
        ("台湾台北市信义区松高路", "台湾省"),
    ],
)
def test_hong_kong_macao_taiwan_keep_the_province_only(text: str, province: str) -> None:
    parsed = parse_address(text)

    assert (parsed.province, parsed.city, parsed.district) == (province, None, None)
    assert parsed.resolved is True


@pytest.mark.parametrize(
    ("text", "district", "address"),
    [
        ("北京市朝阳区朝阳门外大街6号", "朝阳区", "朝阳门外大街6号"),
        ("北京市海淀区海淀黄庄", "海淀区", "海淀黄庄"),
        ("江苏省南京市鼓楼区中山路18号", "鼓楼区", "中山路18号"),
        ("浙江省杭州市西湖区西湖区政府", "西湖区", "西湖区政府"),
    ],
)
def test_division_words_inside_streets_stay_in_the_address(
    text: str, district: str, address: str
) -> None:
    parsed = parse_address(text)

    assert parsed.district == district
    assert parsed.address == address


def test_streets_named_after_places_do_not_make_a_district() -> None:
    parsed = parse_address("北京市朝阳门外大街1号")

    assert (parsed.province, parsed.city, parsed.district) == ("北京市", "北京市", None)
    assert parsed.address == "朝阳门外大街1号"
    assert parsed.resolved is False


def test_ambiguous_district_without_city_is_left_unresolved() -> None:
    parsed = parse_address("鼓楼区中山路1号")  # 南京, 徐州, 福州 and 开封 each have one

    assert (parsed.province, parsed.city, parsed.district) == (None, None, None)
    assert parsed.address == "鼓楼区中山路1号"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("13812345678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("86-13812345678", "13812345678"),
        ("(+86)13812345678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138****5678", "138****5678"),
        ("13800138000-1234", "13800138000-1234"),
        ("13800138000转1234", "13800138000-1234"),
        ("010-12345678", "010-12345678"),
        ("0571-88888888-123", "0571-88888888-123"),
        ("１３８１２３４５６７８", "13812345678"),  # full-width digits
    ],
)
def test_phone_forms(written: str, expected: str) -> None:
    parsed = parse_address(f"王芳 {written} 浙江省杭州市西湖区文三路90号")

    assert parsed.phone == expected
    assert parsed.name == "王芳"
    assert parsed.address == "文三路90号"


def test_mobile_wins_over_landline_and_neither_stays_in_the_address() -> None:
    parsed = parse_address("王芳 0571-88888888 13812345678 浙江省杭州市西湖区文三路90号")

    assert parsed.phone == "13812345678"
    assert parsed.address == "文三路90号"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("收货人：欧阳娜娜\n手机号码：13512551234\n所在地区：江西省南昌市红谷滩区", "欧阳娜娜"),
        ("迪丽热巴·迪力木拉提 13512345678 新疆乌鲁木齐市天山区", "迪丽热巴·迪力木拉提"),
        ("上海市长宁区虹桥路1号 John Smith 13512651234", "John Smith"),
        ("浙江省杭州市滨江区网商路699号 马先生 13512631234", "马先生"),
        ("西藏阿里地区噶尔县狮泉河镇 次仁 13908971234", "次仁"),
        ("浙江省杭州市西湖区文三路90号张三13812345678", "张三"),
        ("黄蓉收 13512731234 浙江省舟山市普陀区桃花岛", "黄蓉"),
        ("13900000109 武强 河北省衡水市武强县武强镇", "武强"),
    ],
)
def test_name_forms(text: str, name: str) -> None:
    assert parse_address(text).name == name


def test_placeholder_postcode_is_none() -> None:
    assert parse_address("张三，13812345678，浙江省 杭州市 西湖区 文三路，000000").postcode is None


def test_repeated_divisions_are_dropped_from_the_address() -> None:
    parsed = parse_address("广东省 深圳市 南山区 广东省深圳市南山区科技园南区 16号")

    assert parsed.address == "科技园南区 16号"


def test_alias_tables_point_at_divisions_of_the_dataset() -> None:
    # build_index raises KeyError when an old name points at a division the dataset lacks.
    index = build_index()

    assert len(index.provinces) == 34
    assert index.find("湖北省", "襄阳市").name == "襄阳市"


# --- normalize_divisions --------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            ("浙江省", "杭州市", "西湖区", "文三路90号"),
            ("浙江省", "杭州市", "西湖区", "文三路90号", True),
        ),
        (
            ("浙江", "杭州", "西湖", "文三路90号"),
            ("浙江省", "杭州市", "西湖区", "文三路90号", True),
        ),
        (
            ("浙江省", "杭州市", "其它区", "西湖区文三路90号"),
            ("浙江省", "杭州市", "西湖区", "文三路90号", True),
        ),
        (
            ("浙江省", "杭州市", "其它区", "浙江省杭州市西湖区文三路90号"),
            ("浙江省", "杭州市", "西湖区", "文三路90号", True),
        ),
        (
            ("浙江省", "杭州市", "其它区", "文三路90号"),
            ("浙江省", "杭州市", None, "文三路90号", False),
        ),
        (
            ("北京", "市辖区", "朝阳区", "建国路88号"),
            ("北京市", "北京市", "朝阳区", "建国路88号", True),
        ),
        (
            ("北京", "北京市", "朝阳区", "北京市朝阳区建国路88号"),
            ("北京市", "北京市", "朝阳区", "建国路88号", True),
        ),
        (
            ("河南省", "省直辖县级行政区划", "济源市", "沁园路1号"),
            ("河南省", "济源市", None, "沁园路1号", True),
        ),
        (
            ("广东省", "东莞市", "长安镇", "振安路8号"),
            ("广东省", "东莞市", None, "长安镇振安路8号", True),
        ),
        (
            ("江苏省", "苏州市", "苏州工业园区", "星湖街1号"),
            ("江苏省", "苏州市", None, "苏州工业园区星湖街1号", False),
        ),
        (
            ("上海", "上海市", "闸北区", "共和新路1号"),
            ("上海市", "上海市", "静安区", "共和新路1号", True),
        ),
        (("湖北省", "襄樊市", "樊城区", "人民路"), ("湖北省", "襄阳市", "樊城区", "人民路", True)),
        (
            ("山东省", "莱芜市", "莱城区", "凤城大街"),
            ("山东省", "济南市", "莱芜区", "凤城大街", True),
        ),
        (
            ("香港特别行政区", "", "", "九龙弥敦道1号"),
            ("香港特别行政区", None, None, "九龙弥敦道1号", True),
        ),
        (
            ("", "", "", "浙江省杭州市西湖区文三路"),
            ("浙江省", "杭州市", "西湖区", "文三路", True),
        ),
        ((None, None, None, None), (None, None, None, None, False)),
    ],
)
def test_normalize_divisions(
    fields: tuple[str | None, str | None, str | None, str | None],
    expected: tuple[str | None, str | None, str | None, str | None, bool],
) -> None:
    result = normalize_divisions(*fields)

    assert (
        result.province,
        result.city,
        result.district,
        result.address,
        result.resolved,
    ) == expected
