"""What the demo shop sells: garments, colours, size runs, title words, and its shops."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from zhanggui.channels.models import Channel


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


@dataclass(frozen=True)
class Garment:
    code: str  # item-number prefix: TX in TX24S018
    category: str
    nouns: tuple[str, ...]  # the category word of the title, one picked per style
    audience: str  # written into the title after the noun: 女, 男, 儿童
    seasons: str  # season letters of the item number it is made for (S, A, W)
    sizes: str  # a key of SIZE_RUNS
    price: tuple[int, int]  # yuan, the usual retail range
    weight: tuple[int, int]  # grams of the smallest size, packed
    share: int  # relative number of styles in the range
    materials: tuple[str, ...]
    words: tuple[str, ...]  # selling words a buyer searches for
    colors: tuple[str, ...]  # names from COLORS


GARMENTS: Final[tuple[Garment, ...]] = (
    Garment(
        "TX", "T恤", ("短袖T恤", "T恤", "圆领T恤"), "女", "S", "letter", (39, 99), (160, 220), 14,
        _words("纯棉 精梳棉 莫代尔 冰丝"),
        _words("宽松 百搭 韩版 印花 上衣 打底衫 显瘦 ins潮 学生 简约"),
        _words("黑色 白色 米白 雾霾蓝 粉色 燕麦色 牛油果绿 浅灰"),
    ),
    Garment(
        "CS", "衬衫", ("衬衫", "长袖衬衫", "翻领衬衫"), "女", "SA", "letter", (79, 169), (200, 280), 10,
        _words("纯棉 雪纺 亚麻 天丝"),
        _words("职业 通勤 法式 气质 垂感 设计感 小众 上衣 百搭 显瘦"),
        _words("白色 浅蓝 杏色 黑色 雾霾蓝 卡其"),
    ),
    Garment(
        "LY", "连衣裙", ("连衣裙", "碎花连衣裙", "长裙"), "女", "S", "letter", (129, 299), (250, 420), 14,
        _words("雪纺 棉麻 醋酸 针织"),
        _words("收腰 显瘦 气质 法式 仙女裙 温柔风 中长款 桔梗裙 小个子 度假"),
        _words("黑色 白色 蓝色碎花 黄色碎花 杏色 酒红 雾霾蓝"),
    ),
    Garment(
        "NZ", "牛仔裤", ("牛仔裤", "直筒牛仔裤", "阔腿牛仔裤"), "女", "SA", "waist", (99, 199), (550, 700), 10,
        _words("弹力 纯棉 水洗"),
        _words("高腰 显瘦 直筒 宽松 九分 拖地 烟管裤 小个子 百搭 修身"),
        _words("浅蓝 深蓝 复古蓝 黑色 烟灰"),
    ),
    Garment(
        "WY", "卫衣", ("卫衣", "连帽卫衣", "圆领卫衣"), "女", "A", "letter", (89, 199), (420, 600), 10,
        _words("纯棉 加绒 华夫格"),
        _words("宽松 连帽 情侣装 oversize 学生 上衣 百搭 韩版 慵懒风 外套"),
        _words("黑色 白色 灰色 藏青 燕麦色 粉色 军绿"),
    ),
    Garment(
        "ZZ", "针织衫", ("针织开衫", "毛衣", "针织衫"), "女", "A", "knit", (99, 239), (280, 420), 9,
        _words("羊毛 软糯 马海毛 羊绒"),
        _words("慵懒风 开衫 打底 外搭 温柔风 宽松 短款 百搭 长袖 秋冬"),
        _words("米白 燕麦色 焦糖色 奶咖 雾霾蓝 黑色 酒红"),
    ),
    Garment(
        "WT", "外套", ("风衣", "西装外套", "夹克外套"), "女", "A", "letter", (199, 459), (600, 950), 9,
        _words("纯棉 垂感 复合"),
        _words("中长款 英伦风 气质 宽松 休闲 韩版 高级感 百搭 通勤 显瘦"),
        _words("卡其 黑色 米白 藏青 焦糖色 灰色"),
    ),
    Garment(
        "YR", "羽绒服", ("羽绒服", "短款羽绒服", "面包服"), "女", "W", "letter", (399, 899), (700, 1100), 8,
        _words("90白鸭绒 白鹅绒"),
        _words("加厚 保暖 连帽 宽松 冬装 外套 轻薄 大毛领 防风 学生"),
        _words("黑色 米白 卡其 雾霾蓝 燕麦色 酒红 藏青"),
    ),
    Garment(
        "BQ", "半身裙", ("半身裙", "百褶裙", "A字裙"), "女", "SA", "letter", (69, 169), (200, 320), 7,
        _words("雪纺 针织 西装面料"),
        _words("高腰 显瘦 中长款 气质 垂感 通勤 a字 小个子 百搭 法式"),
        _words("黑色 杏色 卡其 灰色 藏青"),
    ),
    Garment(
        "XK", "休闲裤", ("休闲裤", "阔腿裤", "西装裤"), "女", "SA", "letter", (89, 179), (350, 480), 7,
        _words("垂感 冰丝 棉麻"),
        _words("高腰 宽松 直筒 显瘦 九分 拖地 通勤 百搭 小个子 垂坠"),
        _words("黑色 卡其 米白 灰色 藏青"),
    ),
    Garment(
        "YK", "运动裤", ("运动裤", "卫裤", "束脚裤"), "男", "A", "letter", (69, 149), (350, 500), 5,
        _words("纯棉 加绒 速干"),
        _words("宽松 休闲 束脚 跑步 直筒 春秋 长裤 潮流 百搭 大码"),
        _words("黑色 灰色 藏青 花灰"),
    ),
    Garment(
        "MT", "男装T恤", ("短袖T恤", "圆领T恤", "POLO衫"), "男", "S", "letter", (49, 119), (190, 250), 5,
        _words("纯棉 冰丝 莫代尔"),
        _words("宽松 圆领 打底衫 潮牌 半袖 体恤 简约 大码 百搭 上衣"),
        _words("黑色 白色 藏青 灰色 军绿"),
    ),
    Garment(
        "ET", "童装", ("儿童T恤", "儿童卫衣", "童装套装"), "男童女童", "SA", "height", (49, 129), (120, 260), 6,
        _words("纯棉 A类 精梳棉"),
        _words("宝宝 中大童 卡通 洋气 亲子装 上衣 小学生 舒适 透气 韩版"),
        _words("粉色 白色 天蓝 姜黄 薄荷绿 藏青"),
    ),
)  # fmt: skip

# Colour name → the code in merchant codes (TX24S018-BK-M).
COLORS: Final[dict[str, str]] = {
    "黑色": "BK",
    "白色": "WH",
    "米白": "OW",
    "灰色": "GY",
    "浅灰": "LG",
    "花灰": "HG",
    "藏青": "NV",
    "卡其": "KH",
    "雾霾蓝": "HB",
    "浅蓝": "LB",
    "深蓝": "DB",
    "复古蓝": "VB",
    "天蓝": "SB",
    "烟灰": "SG",
    "酒红": "WR",
    "燕麦色": "OT",
    "粉色": "PK",
    "杏色": "AP",
    "军绿": "AG",
    "焦糖色": "CM",
    "奶咖": "MC",
    "牛油果绿": "AV",
    "薄荷绿": "MN",
    "姜黄": "GD",
    "蓝色碎花": "BF",
    "黄色碎花": "YF",
}

# Each style is made in one of these runs of sizes; a shop rarely stocks a whole scale.
# Jeans go by waist (inches), kidswear by height (cm), knitwear often in one size (均码).
SIZE_RUNS: Final[dict[str, tuple[tuple[str, ...], ...]]] = {
    "letter": (
        ("S", "M", "L", "XL", "XXL"),
        ("S", "M", "L", "XL"),
        ("M", "L", "XL", "XXL"),
        ("S", "M", "L"),
        ("M", "L", "XL"),
    ),
    "knit": (("均码",), ("S", "M", "L"), ("M", "L", "XL"), ("S", "M", "L", "XL")),
    "waist": (
        ("26", "27", "28", "29", "30", "31", "32"),
        ("26", "27", "28", "29", "30"),
        ("27", "28", "29", "30", "31"),
        ("25", "26", "27", "28"),
    ),
    "height": (
        ("110", "120", "130", "140", "150"),
        ("110", "120", "130", "140"),
        ("120", "130", "140", "150"),
    ),
}
# Kidswear from 140 cm up costs a little more (more fabric), as stalls in Zhili price it.
KIDS_LARGE_FROM_CM: Final = 140
KIDS_LARGE_SURCHARGE_YUAN: Final = 10
# Merchant codes are ASCII: sizes written in Chinese get a code.
SIZE_CODES: Final[dict[str, str]] = {"均码": "F"}
# Packed weight grows by this many percent of the smallest size per size step.
WEIGHT_STEP_PERCENT: Final[dict[str, int]] = {"letter": 5, "knit": 5, "waist": 3, "height": 12}

SEASON_WORDS: Final[dict[str, tuple[str, ...]]] = {
    "S": ("夏季", "春夏", "夏装", "春季"),
    "A": ("秋季", "秋冬", "秋装", "早秋"),
    "W": ("冬季", "冬装", "秋冬"),
}
YEARS: Final = (2024, 2025)
# Words that lead a title before the season: the year, or a promise of genuineness.
TITLE_OPENERS: Final = ("{year}{season}新款", "{season}新款", "{year}新款", "正品{season}")

# (code, channel, name): one storefront per channel.
SHOPS: Final[tuple[tuple[str, str, str], ...]] = (
    ("taobao-main", Channel.TAOBAO, "素锦衣舍"),
    ("tmall-main", Channel.TMALL, "素锦旗舰店"),
    ("jd-main", Channel.JD, "素锦服饰京东旗舰店"),
)
# Share of styles each shop lists (Taobao carries the whole range).
SHOP_COVERAGE: Final[dict[str, float]] = {"taobao-main": 1.0, "tmall-main": 0.85, "jd-main": 0.6}
