"""Courier codes per channel. Each channel has its own code system (CHANNELS.md §4.3: Yunda
is YUNDA on Taobao, YD at KDNiao); orders carry the courier as people write it, so every
common spelling maps to the channel's code here."""

from __future__ import annotations

from typing import Final

# Taobao/Tmall `company_code` (taobao.logistics.offline.send) and the names and other
# systems' codes people enter for it. The authoritative list is what
# taobao.logistics.companies.get returns; this is its common part.
TOP_COMPANY_CODES: Final[dict[str, tuple[str, ...]]] = {
    "SF": ("顺丰", "顺丰速运", "顺丰快递", "shunfeng"),
    "ZTO": ("中通", "中通快递", "zhongtong"),
    "YTO": ("圆通", "圆通速递", "圆通快递", "yuantong"),
    "STO": ("申通", "申通快递", "shentong"),
    "YUNDA": ("韵达", "韵达快递", "韵达速递", "YD", "yunda"),
    "HTKY": ("百世", "百世快递", "百世汇通", "汇通", "huitongkuaidi"),
    "EMS": ("EMS", "邮政EMS", "中国邮政EMS", "ems"),
    "EYB": ("EMS经济快件", "经济快件"),
    "POSTB": ("邮政快递包裹", "邮政包裹", "邮政小包", "YZPY", "youzhengguonei"),
    "JD": ("京东", "京东快递", "京东物流", "jd"),
    "DBKD": ("德邦", "德邦快递", "DBL", "debangkuaidi", "debangwuliu"),
    "JTSD": ("极兔", "极兔速递", "极兔快递", "jtexpress"),
    "ZJS": ("宅急送", "zhaijisong"),
    "UC": ("优速", "优速快递", "youshuwuliu"),
    "TTKDEX": ("天天", "天天快递", "HHTT"),
    "QFKD": ("全峰", "全峰快递"),
    "GTO": ("国通", "国通快递"),
    "FAST": ("快捷", "快捷快递"),
    "ANWL": ("安能", "安能物流", "annengwuliu"),
    "POST": ("中国邮政", "平邮", "邮政平邮"),
}


def _key(text: str) -> str:
    return "".join(text.split()).upper()


_TOP_LOOKUP: Final[dict[str, str]] = {
    _key(name): code for code, names in TOP_COMPANY_CODES.items() for name in (code, *names)
}


def top_company_code(courier: str) -> str | None:
    """The Taobao/Tmall company_code for a courier as written on an order, or None."""
    return _TOP_LOOKUP.get(_key(courier))
