"""People of the demo: the team, name parts, buyer nicks, phone prefixes."""

from __future__ import annotations

from typing import Final

from zhanggui.staff.roles import Role

DEMO_PASSWORD: Final = "zhanggui-demo"  # noqa: S105 (public on purpose: printed by the demo)

# (username, display name, roles). The editor also does the images, as in many small
# shops: the one person holding two roles.
STAFF: Final[tuple[tuple[str, str, tuple[Role, ...]], ...]] = (
    ("manager", "周晓琳", (Role.MANAGER,)),
    ("cs1", "林小雨", (Role.CS_PRESALE,)),
    ("cs_after1", "吴佳怡", (Role.CS_AFTERSALE,)),
    ("designer1", "许梦瑶", (Role.DESIGNER,)),
    ("editor1", "王思远", (Role.EDITOR, Role.DESIGNER)),
    ("promo1", "赵子豪", (Role.PROMOTION,)),
    ("warehouse1", "刘建国", (Role.WAREHOUSE,)),
    ("warehouse2", "张磊", (Role.WAREHOUSE,)),
    ("buyer1", "黄丽萍", (Role.BUYER,)),
    ("finance1", "孙秀英", (Role.FINANCE,)),
    ("analyst1", "郑浩然", (Role.ANALYST,)),
)


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# The most common surnames, most frequent first; picks favour the front of the list.
SURNAMES: Final = _words(
    """
    王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 高 林 罗
    郑 梁 谢 宋 唐 许 韩 冯 邓 曹 彭 曾 肖 田 董 袁 潘 于 蒋 蔡
    余 杜 叶 程 苏 魏 吕 丁 任 沈 姚 卢 姜 崔 钟 谭 陆 汪 范 金
    石 廖 贾 夏 韦 付 方 白 邹 孟 熊 秦 邱 江 尹 薛 闫 段 雷 侯
    """
)
FEMALE_NAME_CHARS: Final = _words(
    """
    婷 静 敏 丽 娟 燕 艳 芳 娜 霞 玲 慧 颖 雪 琳 欣 悦 瑶 怡 佳
    晓 梦 雨 思 雅 诗 嘉 琪 萱 楠 倩 洁 璐 蕾 薇 丹 莉 婉 宁 月
    """
)
MALE_NAME_CHARS: Final = _words(
    """
    伟 强 磊 军 勇 杰 涛 明 超 斌 鹏 浩 宇 轩 博 文 俊 峰 辉 凯
    建 志 东 晨 阳 帅 亮 鑫 飞 龙
    """
)

# Buyer nicks as people choose them on Taobao: a word, often with a birthday or year.
NICK_WORDS: Final = _words(
    """
    小鱼儿 快乐的小猪 爱吃鱼的猫 晴天娃娃 小太阳 木子李 追风少年 糖果屋
    芒果布丁 蓝色星空 橘子汽水 樱桃小丸子 可乐加冰 一只喵 小熊软糖 柠檬草
    星星点灯 向日葵 清风明月 奶茶三分甜 草莓味的夏天 安静的小孩 大白兔 西瓜皮
    猫咪不吃鱼 夏天的风 一颗柚子 喵小姐 懒羊羊 栗子酱
    """
)
LATIN_NICKS: Final = _words(
    """
    lily amy coco momo vivian kiki xiaoyu tingting jojo cici
    sunny angel echo mia yoyo
    """
)

# Mobile number prefixes (号段) in use by China Mobile, Unicom, Telecom and Broadnet.
MOBILE_PREFIXES: Final = _words(
    """
    130 131 132 133 134 135 136 137 138 139 150 151 152 153 155 156 157 158 159
    166 173 175 176 177 178 180 181 182 183 185 186 187 188 189 191 193 195 198 199
    """
)

# Notes customer service keeps on regular buyers.
CUSTOMER_NOTES: Final = (
    "老客户，喜欢宽松款",
    "偏瘦，建议拍小一码",
    "要求发顺丰，运费已补",
    "工作日白天收货，不要放快递柜",
    "曾反馈色差，发货前拍照确认",
    "会员群成员，上新提醒",
    "喜欢黑白基础款",
)
