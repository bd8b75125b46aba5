"""Suppliers in the wholesale markets a clothing shop really buys from: Guangzhou 十三行 and
沙河 (fast fashion), Hangzhou 四季青 (women's wear), Humen 虎门, Xintang 新塘 (jeans),
Zhili 织里 (kidswear), Changshu and Pinghu (down jackets), Puyuan 濮院 (knitwear)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class SupplierRow:
    name: str
    contact_name: str
    province: str
    city: str
    address: str
    lead_time_days: int
    notes: str
    # Area code of a landline, or "" when the contact's mobile is the number to call.
    area_code: str = ""


SUPPLIERS: Final[tuple[SupplierRow, ...]] = (
    SupplierRow(
        "广州十三行芊语服饰",
        "陈丽华",
        "广东省",
        "广州市",
        "越秀区十三行路新中国大厦5楼5128档",
        5,
        "韩版女装，拿货满20件可混批",
        "020",
    ),
    SupplierRow(
        "广州沙河万佳女装批发",
        "李建强",
        "广东省",
        "广州市",
        "天河区濂泉路万佳服装批发市场2楼A218",
        3,
        "T恤卫衣走量款，价格低，质量一般需抽检",
    ),
    SupplierRow(
        "广州白马简衣坊",
        "黄晓玲",
        "广东省",
        "广州市",
        "越秀区站南路16号白马服装市场3楼3086",
        5,
        "通勤衬衫、西装外套",
        "020",
    ),
    SupplierRow(
        "杭州四季青秋水服饰",
        "沈丽君",
        "浙江省",
        "杭州市",
        "上城区杭海路78号四季青服装市场2楼2215",
        4,
        "连衣裙、半身裙，每周三上新",
        "0571",
    ),
    SupplierRow(
        "杭州意法素纱女装",
        "王慧敏",
        "浙江省",
        "杭州市",
        "上城区杭海路86号意法服饰城4楼4032",
        6,
        "针织开衫、毛衣，可做定制色",
    ),
    SupplierRow(
        "东莞虎门富民锦绣制衣",
        "张志强",
        "广东省",
        "东莞市",
        "虎门镇银龙路富民时装城B区1楼B106",
        7,
        "外套、风衣，工厂店可贴牌",
        "0769",
    ),
    SupplierRow(
        "虎门黄河时装城雅姿服饰",
        "刘雅琴",
        "广东省",
        "东莞市",
        "虎门镇虎门大道黄河时装城3楼3018",
        7,
        "女装套装，首单最多3手",
    ),
    SupplierRow(
        "湖州织里小星星童装厂",
        "钱国平",
        "浙江省",
        "湖州市",
        "吴兴区织里镇大港路童装城188号",
        10,
        "童装T恤、卫衣，按身高110-150配码",
        "0572",
    ),
    SupplierRow(
        "织里贝乐童装",
        "沈美芳",
        "浙江省",
        "湖州市",
        "吴兴区织里镇珍贝路童装市场2区56号",
        8,
        "童装套装，节前需提前两周下单",
    ),
    SupplierRow(
        "广州新塘恒丰牛仔服饰",
        "梁国栋",
        "广东省",
        "广州市",
        "增城区新塘镇港口大道国际牛仔城A座3楼",
        12,
        "牛仔裤工厂，按腰围26-32配码，返单10天",
        "020",
    ),
    SupplierRow(
        "石狮服装城金鹰男装",
        "蔡志明",
        "福建省",
        "泉州市",
        "石狮市石狮服装城长福街212号",
        9,
        "男装T恤、休闲裤、运动裤",
        "0595",
    ),
    SupplierRow(
        "深圳南油雅韵女装",
        "罗晓燕",
        "广东省",
        "深圳市",
        "南山区南油大道南油服装批发市场A栋6楼",
        5,
        "中高端女装，质量稳定",
    ),
    SupplierRow(
        "常熟招商城暖冬羽绒",
        "顾建华",
        "江苏省",
        "苏州市",
        "常熟市招商城羽绒服市场B区2楼208",
        15,
        "羽绒服，90白鸭绒，旺季需预付三成",
        "0512",
    ),
    SupplierRow(
        "平湖华丰羽绒服厂",
        "朱卫东",
        "浙江省",
        "嘉兴市",
        "平湖市当湖街道新华北路服装城西区88号",
        20,
        "短款羽绒服、面包服，最少起订50件",
        "0573",
    ),
    SupplierRow(
        "濮院锦程针织",
        "徐红梅",
        "浙江省",
        "嘉兴市",
        "桐乡市濮院镇羊毛衫市场F区1楼F108",
        7,
        "羊毛针织衫，色卡齐全",
    ),
)
