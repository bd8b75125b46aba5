"""The demo's stock and purchasing story as data: shelves, who supplies each garment, waybill
numbers, the purchase orders of the last six weeks and what the staff wrote on them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

# Shelves of the main warehouse: rows A, B, C…, six shelves a row, four levels a shelf
# (A-03-02 is row A, shelf 3, level 2). About ten SKUs share a level; hot SKUs get a
# second place in the overflow row Z, where whole cartons wait above the pick shelves.
SHELVES_PER_ROW: Final = 6
LEVELS_PER_SHELF: Final = 4
SKUS_PER_BIN: Final = 10
SPARE_BINS: Final = 4
OVERFLOW_ROW: Final = "Z"
SKUS_PER_OVERFLOW_BIN: Final = 5

# Suppliers by garment (item-number prefix), as indexes of data_suppliers.SUPPLIERS in order
# of preference; a smaller demo with fewer suppliers falls back to the next one it has.
SUPPLIERS_BY_GARMENT: Final[dict[str, tuple[int, ...]]] = {
    "TX": (1, 0),
    "CS": (2, 11, 0),
    "LY": (3, 11, 0),
    "NZ": (9, 0),
    "WY": (1, 0),
    "ZZ": (14, 4, 0),
    "WT": (5, 2, 0),
    "YR": (12, 13, 0),
    "BQ": (3, 0),
    "XK": (10, 2, 0),
    "YK": (10, 1),
    "MT": (10, 1),
    "ET": (7, 8, 0),
}

# Waybill numbers as the couriers print them: (prefix, digits, weight).
WAYBILLS: Final[tuple[tuple[str, int, int], ...]] = (
    ("YT", 13, 45),  # 圆通
    ("73", 13, 25),  # 中通
    ("SF", 13, 15),  # 顺丰
    ("JDV", 12, 15),  # 京东
)

# Days are counted back from the day the demo runs (-1 is yesterday); times are minutes
# after local midnight. The shop started using Zhanggui on day OPENING_DAY with a count
# of what it held; sales have been shipped every day since.
BINS_DAY: Final = -41
OPENING_DAY: Final = -40
FIRST_SALES_DAY: Final = -39
AT_OPENING: Final = 9 * 60
AT_RETURNS: Final = 10 * 60 + 30  # returned parcels are inspected in the morning
AT_SHIPPING: Final = 17 * 60  # the couriers collect at five


@dataclass(frozen=True)
class OrderScript:
    """One purchase order of the story: its final status and its days."""

    status: str
    created: int
    placed: int | None = None
    expected: int | None = None  # day the goods are due
    received: int | None = None
    defective: int = 0  # units failing the quality check at receiving
    exchange_done: int | None = None  # day the exchange list is settled
    exchanged_back: bool = True  # False: closed with the units kept (单独建账)
    ended: int | None = None  # day it was closed or cancelled
    paid: tuple[tuple[int, int], ...] = ()  # (day, percent of what is owed)
    note: str = ""
    end_note: str = ""


# Oldest first. Notes are what the buyer would type; they are shop data, not interface text.
ORDER_SCRIPTS: Final[tuple[OrderScript, ...]] = (
    OrderScript("closed", created=-38, placed=-38, expected=-31, received=-32, defective=1,
                exchange_done=-25, exchanged_back=False, ended=-24, paid=((-30, 100),),
                note="老款返单", end_note="已对账归档"),
    OrderScript("closed", created=-33, placed=-33, expected=-27, received=-27,
                ended=-20, paid=((-26, 100),), note="热卖款补货", end_note="已对账归档"),
    OrderScript("received", created=-24, placed=-23, expected=-17, received=-18, defective=2,
                exchange_done=-11, paid=((-16, 50),), note="热卖款补货，加急"),
    OrderScript("received", created=-16, placed=-16, expected=-10, received=-10,
                paid=((-9, 30),), note="周四补货单"),
    OrderScript("cancelled", created=-21, placed=-20, ended=-19,
                note="换季前补一批", end_note="档口断货，取消"),
    OrderScript("partly_received", created=-12, placed=-12, expected=-6, received=-5,
                defective=1, note="补货，缺码的先发"),
    OrderScript("ordered", created=-15, placed=-14, expected=-4, note="补货，催过一次"),
    OrderScript("ordered", created=-3, placed=-3, expected=4, note="周四补货单"),
    OrderScript("draft", created=-1, expected=8, note="下周补货，待确认价格"),
    OrderScript("cancelled", created=-8, ended=-7, note="重复下单", end_note="与上一张重复"),
)  # fmt: skip
AT_ORDER_CREATED: Final = 9 * 60 + 30
AT_ORDER_PLACED: Final = 10 * 60
AT_RECEIVED: Final = 14 * 60
AT_EXCHANGE: Final = 15 * 60
AT_PAID: Final = 16 * 60
AT_ORDER_ENDED: Final = 16 * 60 + 30
# Freight per purchase order in yuan (物流费), paid to the supplier with the goods.
TRANSPORT_YUAN: Final = (15, 80)

# The monthly count: created after shipping, counted in the evening, posted by the manager.
AT_STOCKTAKE_CREATED: Final = 18 * 60
AT_STOCKTAKE_STARTED: Final = 18 * 60 + 30
AT_STOCKTAKE_COUNTED: Final = 20 * 60 + 30
AT_STOCKTAKE_POSTED: Final = 21 * 60 + 30
STOCKTAKE_NOTE: Final = "月末盘点"
