"""The parts of receiver text that are not places: phone numbers, the postcode, the name.

Text reaching these functions is NFKC-normalized (full-width digits, colons and commas are
ASCII), so the patterns only spell out ASCII."""

from __future__ import annotations

import re
from typing import Final

# Mobile numbers as buyers and channels write them: 13812345678, +86 138 1234 5678,
# 86-138-1234-5678, (+86)13812345678, masked 138****5678, and Taobao/JD privacy numbers
# with an extension (13800138000-1234, 13800138000转1234): the extension is what reaches
# the buyer, so it is kept.
_MOBILE: Final = re.compile(
    r"""
    (?<![\d*])
    (?:\(?\+?86\)?[\s-]?)?
    (?P<head>1[3-9]\d)[\s-]?(?P<middle>\d{4}|\*{4})[\s-]?(?P<tail>\d{4})
    (?:\s?(?:-|_|转|分机|ext\.?)\s?(?P<ext>\d{1,6}))?
    (?![\d*])
    """,
    re.VERBOSE | re.IGNORECASE,
)
# Landlines: area code 010/02x (3 digits) or 0xxx (4), 7-8 digit number, optional extension.
_LANDLINE: Final = re.compile(
    r"""
    (?<![\d*])
    \(?(?P<area>0(?:[12]\d|[3-9]\d\d))\)?[\s-]?(?P<number>\d{7,8})
    (?:\s?(?:-|转|分机|ext\.?)\s?(?P<ext>\d{1,6}))?
    (?!\d)
    """,
    re.VERBOSE | re.IGNORECASE,
)
_POSTCODE: Final = re.compile(r"\d{6}")
# Taobao's copy-address form ends with ",000000" when the buyer gave no postcode.
PLACEHOLDER_POSTCODE: Final = "000000"


def _format_mobile(match: re.Match[str]) -> str:
    number = match["head"] + match["middle"] + match["tail"]
    return f"{number}-{match['ext']}" if match["ext"] else number


def _format_landline(match: re.Match[str]) -> str:
    number = f"{match['area']}-{match['number']}"
    return f"{number}-{match['ext']}" if match["ext"] else number


def extract_phones(text: str, separator: str = "\n") -> tuple[str | None, str]:
    """The first mobile number (else the first landline) in `text`, and the text with every
    phone number replaced by `separator` (a second number must not end up in the address)."""
    mobiles = [_format_mobile(match) for match in _MOBILE.finditer(text)]
    text = _MOBILE.sub(separator, text)
    landlines = [_format_landline(match) for match in _LANDLINE.finditer(text)]
    text = _LANDLINE.sub(separator, text)
    phones = mobiles or landlines
    return (phones[0] if phones else None), text


def is_postcode(segment: str) -> bool:
    return _POSTCODE.fullmatch(segment) is not None


# The ~400 most common surnames (百家姓 as used today) and the compound
# ones. A name token must start with one of these where nothing else says it is a name.
_SURNAMES: Final = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺"
    "顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧"
    "耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙"
    "鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫"
    "米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
    "官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅"
    "屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜"
    "羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶"
    "斯元束檀衣信展阴昝智幸奉植衡富尧闭由"
)
_COMPOUND_SURNAMES: Final = frozenset(
    [
        "欧阳",
        "司马",
        "上官",
        "诸葛",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "长孙",
        "宇文",
        "司徒",
        "夏侯",
        "令狐",
        "端木",
        "南宫",
        "西门",
        "独孤",
        "申屠",
        "澹台",
        "呼延",
        "钟离",
        "轩辕",
        "百里",
        "东郭",
        "太史",
        "闻人",
        "濮阳",
        "第五",
        "万俟",
        "拓跋",
    ]
)
# Last characters of place words. A token ending in a hard one (路, 号, 楼, 室...) is part of
# the address even if it starts like a surname (文三路); a soft one (园, 城, 桥, 湖...) also
# ends given names now and then (王晓园), so it only lowers the score.
_HARD_PLACE_ENDINGS: Final = frozenset("省市区县镇乡村路街巷弄号楼栋幢室层座厦寓舍校司店站组屯")
_SOFT_PLACE_ENDINGS: Final = frozenset(
    "园苑院场里府道城湾桥庄居门口心馆社厂所局队部处坊寺庙塔墅阁庭宅邸墩岗岭坡湖港滩井"
)
_NAME_CJK: Final = re.compile(r"[\u4e00-\u9fff]{2,4}")
# Minority names transliterated with a middle dot: 买买提·艾力, 迪丽热巴·迪力木拉提.
_NAME_DOTTED: Final = re.compile(r"[\u4e00-\u9fff]{1,10}(?:[·•.][\u4e00-\u9fff]{1,10}){1,3}")
_NAME_LATIN: Final = re.compile(r"[A-Za-z][A-Za-z.'-]*(?: [A-Za-z][A-Za-z.'-]*){0,3}")
# Polite forms buyers use instead of a full name: 张先生, 王女士, 李小姐.
_NAME_TITLED: Final = re.compile(r"[\u4e00-\u9fff]{1,2}(?:先生|女士|小姐|老师|师傅)")


def starts_with_surname(token: str) -> bool:
    return token[:1] in _SURNAMES or token[:2] in _COMPOUND_SURNAMES


def strip_receiver_mark(token: str) -> str:
    """ "张三收" / "张三(收)" -> "张三": buyers mark who should receive the parcel."""
    for mark in ("(收)", "收"):
        if token.endswith(mark) and _NAME_CJK.fullmatch(token[: -len(mark)]):
            return token[: -len(mark)]
    return token


def name_score(token: str) -> int:
    """How much `token` reads as a person's name: 0 not at all, 1 it has a name's shape,
    2 it starts with a surname and does not end like a place, 3 it could be nothing else
    (a dotted minority name, 张先生).

    Tokens that sit among address words (split only by spaces) need 2; a token the buyer set
    apart with a comma, a newline or a label is a name at 1 unless a better one is there."""
    if _NAME_DOTTED.fullmatch(token) or _NAME_TITLED.fullmatch(token):
        return 3
    if _NAME_LATIN.fullmatch(token):
        # Single letters among address words are blocks and units (A, B座): not names.
        return 2 if len(token) >= 2 else 0
    if not _NAME_CJK.fullmatch(token):
        return 0
    if token[-1] in _HARD_PLACE_ENDINGS:
        return 0
    surname, place = starts_with_surname(token), token[-1] in _SOFT_PLACE_ENDINGS
    if surname and not place:
        return 2
    return 1 if surname or not place else 0
