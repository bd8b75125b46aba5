"""The demo's orders as data: when buyers shop, how fast they pay, how the shop reviews,
prints, packs and ships, which couriers it uses, and what buyers and staff write.

Times are minutes after local midnight; days count back from the day the demo runs (-1 is
yesterday). Texts are what buyers and staff would type: shop data, not interface text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from zhanggui.demo import data_stock as stock_story

# The story covers the last 90 days and ends at midnight: the demo opens on a new morning,
# with last night's orders waiting.
STORY_DAYS: Final = 90
# The shop started using Zhanggui on the day of its opening stock count and imported the
# seller-centre export of the weeks before, just after the count.
IMPORT_DAY: Final = stock_story.OPENING_DAY
AT_IMPORT: Final = 9 * 60 + 15

# Buyers by hour of the day (Shanghai): a lunch bump, and the evening peak from 20:00 to
# 23:00 when people shop on their phones after work.
HOUR_WEIGHTS: Final[tuple[float, ...]] = (
    3.0, 1.5, 0.7, 0.4, 0.3, 0.3, 0.6, 1.2, 2.0, 3.0, 4.0, 4.0,
    5.0, 5.0, 4.0, 4.0, 4.0, 4.0, 4.5, 6.0, 9.0, 10.0, 9.0, 6.0,
)  # fmt: skip
# Monday first: weekends sell more.
WEEKDAY_WEIGHTS: Final[tuple[float, ...]] = (0.95, 0.9, 0.9, 0.95, 1.0, 1.25, 1.3)


@dataclass(frozen=True)
class Festival:
    """A shopping festival: its day sells `factor` times an ordinary day, the days around
    it `around` times, and its first hour `midnight` times its usual share (the rush when
    the discounts open at 00:00)."""

    month: int
    day: int
    name: str
    factor: float
    around: float = 1.3
    midnight: float = 1.0


# Every 90-day window holds at least one of them.
FESTIVALS: Final[tuple[Festival, ...]] = (
    Festival(3, 8, "女王节", 3.0, midnight=3.0),
    Festival(5, 20, "520", 1.8),
    Festival(6, 18, "618", 5.0, around=1.8, midnight=8.0),
    Festival(9, 9, "99划算节", 2.5, midnight=3.0),
    Festival(11, 11, "双十一", 8.0, around=2.0, midnight=15.0),
    Festival(12, 12, "双十二", 3.5, around=1.5, midnight=5.0),
)
# Festival parcels go out over a few days: the warehouse works through the backlog.
FESTIVAL_BACKLOG_DAYS: Final = (0, 0, 1, 1, 2)  # days, one drawn per parcel

# The channels are polled every ten minutes (at :01, :11…); the sync takes what changed
# since its last run.
SYNC_EVERY: Final = 10
# Auto-review runs every half hour, day and night, on what the sync brought.
REVIEW_EVERY: Final = 30
# Customer service works 09:00 to midnight; what is held overnight waits for the morning.
CS_HOURS: Final = (9 * 60, 24 * 60)
CS_DELAY: Final = (5, 45)  # minutes to pick up a held order in working hours
# Waybills are printed in waves and packed in the same shift; each packed parcel is
# weighed, scanned and shipped (the tracking number goes to the channel) at the next
# courier pickup. The last day wave still makes the evening pickup, so orders paid before
# the 16:00 cut-off leave the same day. The evening wave prints for the next morning's
# pickup; its shift stops at EVENING_SHIFT_END and the rest is packed in the morning.
PRINT_WAVES: Final = (9 * 60 + 30, 13 * 60 + 30, 16 * 60 + 40, 19 * 60 + 30)
PICKUPS: Final = (11 * 60 + 30, 17 * 60)
PACK_DELAY: Final = (15, 100)
EVENING_SHIFT_END: Final = 21 * 60
MORNING_PACKING: Final = 9 * 60
SCAN_MINUTES: Final = 20  # the parcels are scanned out one by one at pickup
LATE_SHARE: Final = 0.03  # parcels held up a day or two (a busy day, a missed pickup)

# Minutes from order to payment: most pay at once, some come back later.
PAY_SOON: Final = (0, 3)
PAY_LATER: Final = (30, 300)
PAY_LATER_SHARE: Final = 0.1
UNPAID_SHARE: Final = 0.05  # never paid: the channel closes them
UNPAID_CLOSE_HOURS: Final = (24, 72)
# Buyers confirm receipt themselves a few days after shipping, or the channel does it
# for them ten days after shipping.
CONFIRM_DAYS: Final = (3, 9)
AUTO_CONFIRM_DAYS: Final = 10
SELF_CONFIRM_SHARE: Final = 0.4

# Lines per order and units per line.
LINE_COUNTS: Final = ((1, 70), (2, 22), (3, 6), (4, 2))
QUANTITIES: Final = ((1, 88), (2, 10), (3, 2))
REPEAT_SIGMA: Final = 1.2  # spread of how often a buyer comes back (lognormal)

# Shop coupons: (threshold in yuan, yuan off). The festival ones apply on festival days.
COUPONS: Final = ((199, 20), (299, 30), (99, 5))
FESTIVAL_COUPONS: Final = ((300, 50), (200, 30))
COUPON_SHARE: Final = 0.35
# Parcels to the far west pay a post fee; elsewhere the shop ships free (包邮).
REMOTE_PROVINCES: Final = frozenset({"新疆维吾尔自治区", "西藏自治区", "青海省"})
REMOTE_POST_FEE: Final = (10, 15)
TMALL_POINTS_SHARE: Final = 0.15  # Tmall buyers paying part with points (100 points = 1 yuan)

# Couriers by their Taobao/Cainiao code (CHANNELS.md §4.3): STO is the default, YTO and SF
# on request, EMS where the others do not reach, Yunda for some of the rest.
COURIER_WEIGHTS: Final = (("STO", 58), ("YTO", 16), ("YUNDA", 12), ("SF", 8), ("EMS", 6))
REMOTE_COURIERS: Final = (("EMS", 60), ("STO", 25), ("SF", 15))


@dataclass(frozen=True)
class TrackingFormat:
    prefix: str
    digits: int  # random digits after the prefix


# Tracking numbers as the couriers print them, several styles each.
TRACKING_FORMATS: Final[dict[str, tuple[TrackingFormat, ...]]] = {
    "STO": (TrackingFormat("77", 11), TrackingFormat("77", 11), TrackingFormat("268", 9),
            TrackingFormat("368", 9), TrackingFormat("668", 9)),
    "YTO": (TrackingFormat("YT", 13),),
    "SF": (TrackingFormat("SF1", 12), TrackingFormat("SF", 12)),
    "EMS": (TrackingFormat("11", 11), TrackingFormat("98", 11)),
    "YUNDA": (TrackingFormat("43", 11), TrackingFormat("46", 11), TrackingFormat("31", 11)),
}  # fmt: skip

# The channels' own status codes (CHANNELS.md §2.3, §3.1), by ChannelState.
TAOBAO_STATUS: Final = {
    "unpaid": "WAIT_BUYER_PAY",
    "paid": "WAIT_SELLER_SEND_GOODS",
    "shipped": "WAIT_BUYER_CONFIRM_GOODS",
    "finished": "TRADE_FINISHED",
    "closed": "TRADE_CLOSED",
    "closed_unpaid": "TRADE_CLOSED_BY_TAOBAO",
}
JD_STATUS: Final = {
    "paid": "WAIT_SELLER_STOCK_OUT",
    "shipped": "WAIT_GOODS_RECEIVE_CONFIRM",
    "finished": "FINISHED_L",
    "closed": "TRADE_CANCELED",
    "closed_unpaid": "TRADE_CANCELED",
}

# Messages buyers leave when ordering. Plain ones need a look and an answer, nothing more.
PLAIN_MESSAGES: Final = (
    "快点发货哦，谢谢老板",
    "送人的，麻烦不要放价格单",
    "包装好一点，谢谢",
    "麻烦仔细检查一下，不要有线头",
    "放驿站就行，不用打电话",
    "工作日白天家里没人，放快递柜",
    "能送个小礼物吗？",
    "老顾客了，上次买的很好穿",
)
# A question or request about size or colour: customer service answers it, flags the order
# red and writes down what was agreed (DOMAIN.md §5), or what it still waits for.
SIZE_REQUESTS: Final = (
    ("身高160体重105斤，M码合适吗？", "买家160/105，建议M码，已确认发M",
     "已回复买家，等确认是否换L码"),
    ("颜色要和图片一样的，不要色差太大", "买家在意色差，发货前对照图片检查",
     "已发实拍图给买家，等买家确认颜色"),
    ("腰围2尺2，拍的26码对吗", "已核对腰围，26码合适，买家确认",
     "已问买家臀围，等回复再定码"),
    ("平时穿L，这款偏大还是偏小？", "买家平时L码，此款偏大，已建议并确认M码",
     "已建议M码，等买家确认"),
    ("要新一点的批次，别发上次那种颜色偏深的", "买家要求新批次颜色，已交代仓库挑色",
     "已问仓库新批次到货时间，等回复"),
    ("袖子长度能不能帮我量一下", "已量袖长58cm告知买家，确认不改码",
     "已量袖长58cm告知买家，等买家决定"),
)  # fmt: skip
# Buyers asking for a courier of their choice (YTO priced as STO, SF as EMS).
COURIER_REQUESTS: Final = (
    ("请发顺丰，运费差价已经补了", "SF", "买家补了顺丰差价，发顺丰"),
    ("能发圆通吗？我们这里申通不送上门", "YTO", "买家要求圆通"),
)
REPEAT_BUYER_MEMO: Final = "老顾客，第{n}单"
REPEAT_BUYER_FROM: Final = 3  # a buyer's third order on: customer service notes the count
REPEAT_BUYER_FLAG_SHARE: Final = 0.15

# Bank transfers for company purchases (green): the invoice title and the memo.
COMPANY_TITLES: Final = (
    "杭州素锦贸易有限公司",
    "上海悦衫文化传播有限公司",
    "广州市启明教育咨询有限公司",
    "成都锦程科技有限公司",
    "南京青禾餐饮管理有限公司",
)
BANK_TRANSFER_MEMO: Final = "对公转账{amount}元已到账（{bank}尾号{tail}），开票：{title}"
BANKS: Final = ("工行", "建行", "招行", "农行")
BANK_TRANSFER_SHARE: Final = 0.01
# The seeded review rule "amount over the limit" holds orders paying more than this.
AMOUNT_LIMIT: Final = 2000

# Yellow: cannot ship yet.
OUT_OF_STOCK_MEMO: Final = "缺货，已联系买家申请退款"
OUT_OF_STOCK_UNPAID_REASON: Final = "缺货，未付款订单关闭，已告知买家"
WAIT_REQUESTS: Final = (
    ("月底搬家，麻烦{date}以后再发", "买家要求{date}以后发货"),
    ("出差中，{date}后再发货谢谢", "买家出差，{date}后发"),
)
# Blue: exchange; purple: return. The reshipment courier and waybill go in the memo.
EXCHANGE_MEMO: Final = "换货：{size_from}换{size_to}，买家退回{back}，补发{courier} {tracking}"
RETURN_MEMO: Final = "退货退款：{title}，买家退回{back}，已签收"
EXCHANGE_SHARE: Final = 0.02
RETURN_SHARE: Final = 0.04
PLAIN_MESSAGE_SHARE: Final = 0.07
SIZE_REQUEST_SHARE: Final = 0.05
COURIER_REQUEST_SHARE: Final = 0.01
# Refunds before shipping: a whole order the buyer no longer wants, or one line of several.
REFUND_BEFORE_SHIPPING_SHARE: Final = 0.03
LINE_REFUND_SHARE: Final = 0.08  # of orders with two or more lines
HOLD_REFUND_REASON: Final = "买家申请退款，待处理"
REFUND_AGREED_MINUTES: Final = (20, 240)

# Merchant codes as a channel may still carry them after the shop renamed its codes: an
# old colour code or a typo. The order waits on hold until someone maps the code once.
UNMATCHED_CODE_STYLES: Final = ("{item}-{color}{size}", "{item}{color}-{size}", "{code}-1")
# Receivers no division list can place: the parcel cannot be labelled until fixed.
UNRESOLVED_RECEIVERS: Final = (
    ("", "", "", "老地方，到了打电话"),
    ("", "", "", "学校南门快递点 见留言"),
)
