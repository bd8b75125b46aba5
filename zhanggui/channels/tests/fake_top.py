"""A fake Taobao Open Platform router on loopback, for the channel sync's tests.

It checks what the real router checks (common parameters, the md5 signature, the
timestamp within ten minutes, the session, required and valid arguments, field names from
the published Trade/Order/Refund tables in top_fields/) and answers in TOP's shapes: the
`<method>_response` envelope, twice-wrapped lists, money as strings, Beijing times, fields
with no value left out, `error_response` with code/msg/sub_code/sub_msg.

Tests keep trades and items in memory, inject failures (an error_response, an HTTP 500, a
slow answer), change trades while a sync reads them (`on_request`), and read what was sent
to it (`calls`, `shipments`, `quantity_updates`)."""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import math
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
FIELDS_DIR = Path(__file__).parent / "top_fields"


def _field_names(kind: str) -> frozenset[str]:
    lines = (FIELDS_DIR / f"{kind}.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


TRADE_FIELDS = _field_names("trade")
ORDER_FIELDS = _field_names("order")
REFUND_FIELDS = _field_names("refund")
# taobao.logistics.companies.get codes (CHANNELS.md §4.3).
COMPANY_CODES = frozenset(
    {"SF", "ZTO", "YTO", "STO", "YUNDA", "HTKY", "EMS", "EYB", "POSTB", "JD", "DBKD", "JTSD"}
    | {"ZJS", "UC", "TTKDEX", "QFKD", "GTO", "FAST", "ANWL", "POST"}
)
TIMESTAMP_SKEW = timedelta(minutes=10)


def top_time(moment: datetime) -> str:
    return moment.astimezone(BEIJING).strftime(TIME_FORMAT)


def parse_time(text: str) -> datetime:
    return datetime.strptime(text, TIME_FORMAT).replace(tzinfo=BEIJING)


def top_sign(params: dict[str, str], secret: str) -> str:
    text = secret + "".join(f"{key}{params[key]}" for key in sorted(params)) + secret
    return hashlib.md5(text.encode("utf-8")).hexdigest().upper()  # noqa: S324 (TOP's md5)


class TopFault(Exception):
    def __init__(self, code: int, msg: str, sub_code: str = "", sub_msg: str = "") -> None:
        super().__init__(msg)
        self.body: dict[str, Any] = {"code": code, "msg": msg}
        if sub_code:
            self.body["sub_code"] = sub_code
        if sub_msg:
            self.body["sub_msg"] = sub_msg


def _missing(name: str) -> TopFault:
    return TopFault(40, "Missing required arguments:" + name, f"isv.missing-parameter:{name}")


def _invalid(name: str, why: str = "") -> TopFault:
    return TopFault(41, "Invalid arguments:" + name, f"isv.invalid-parameter:{name}", why)


@dataclass
class Failure:
    """An injected failure for the next matching call (any method when `method` is None)."""

    method: str | None = None
    code: int | None = None
    msg: str = ""
    sub_code: str = ""
    sub_msg: str = ""
    http_status: int | None = None
    delay: float = 0.0
    times: int = 1


# ---------------------------------------------------------------- building trades


_items = itertools.count(1)


def trade(
    tid: int,
    *,
    modified: datetime,
    lines: Iterable[tuple[str, int, str]] = (("TB-1-S", 1, "59.00"),),
    status: str = "WAIT_SELLER_SEND_GOODS",
    created: datetime | None = None,
    pay_time: datetime | None = None,
    post_fee: str = "0.00",
    discount_fee: str = "0.00",
    **fields: Any,
) -> dict[str, Any]:
    """A trade as trade.fullinfo.get returns it: lines are (outer_sku_id, num, price)."""
    created = created or modified - timedelta(minutes=5)
    orders = []
    goods = Decimal("0.00")
    for number, (code, num, price) in enumerate(lines, start=1):
        amount = Decimal(price) * num
        goods += amount
        orders.append(
            {
                "oid": tid * 100 + number,
                "num_iid": 600000000000 + next(_items),
                "title": f"测试连衣裙 {code}",
                "outer_sku_id": code,
                "sku_properties_name": "颜色分类:黑色;尺码:S",
                "num": num,
                "price": price,
                "total_fee": f"{amount:.2f}",
                "payment": f"{amount:.2f}",
                "divide_order_fee": f"{amount:.2f}",
                "discount_fee": "0.00",
                "adjust_fee": "0.00",
                "status": status,
                "refund_status": "NO_REFUND",
            }
        )
    paid = goods + Decimal(post_fee) - Decimal(discount_fee)
    record: dict[str, Any] = {
        "tid": tid,
        "tid_str": str(tid),
        "status": status,
        "type": "fixed",
        "created": top_time(created),
        "modified": top_time(modified),
        "buyer_nick": "tb_buyer",
        "seller_nick": "测试店",
        "title": "测试店",
        "total_fee": f"{goods:.2f}",
        "payment": f"{paid:.2f}",
        "post_fee": post_fee,
        "discount_fee": discount_fee,
        "point_fee": 0,
        "seller_flag": 0,
        "receiver_name": "张三",
        "receiver_state": "浙江省",
        "receiver_city": "杭州市",
        "receiver_district": "西湖区",
        "receiver_address": "文三路90号东部软件园3号楼",
        "receiver_zip": "310012",
        "receiver_mobile": "13812345678",
        "shipping_type": "express",
        "orders": {"order": orders},
    }
    if status not in ("WAIT_BUYER_PAY", "TRADE_NO_CREATE_PAY", "TRADE_CLOSED_BY_TAOBAO"):
        record["pay_time"] = top_time(pay_time or created + timedelta(minutes=1))
    record.update(fields)
    return record


def _project(record: dict[str, Any], wanted: set[str], order_wanted: set[str] | None) -> dict:
    """The fields asked for, without empty ones (TOP leaves them out)."""
    result = {
        name: value
        for name, value in record.items()
        if name in wanted and name != "orders" and value not in (None, "")
    }
    if order_wanted is not None and "orders" in record:
        orders = [
            {
                name: value
                for name, value in order.items()
                if (not order_wanted or name in order_wanted) and value not in (None, "")
            }
            for order in record["orders"]["order"]
        ]
        result["orders"] = {"order": orders}
    return result


# ---------------------------------------------------------------- the server


class FakeTop:
    def __init__(
        self,
        *,
        app_key: str = "23456789",
        app_secret: str = "fake-app-secret-0123456789",  # noqa: S107 (a test double)
        session: str = "6100fake-session-key",
    ) -> None:
        self.app_key = app_key
        self.app_secret = app_secret
        self.session = session
        self.trades: dict[str, dict[str, Any]] = {}
        self.refunds: dict[str, dict[str, Any]] = {}
        self.items: dict[str, dict[str, int]] = {}
        self.calls: list[tuple[str, dict[str, str]]] = []  # every call that was answered
        self.shipments: list[dict[str, str]] = []
        self.quantity_updates: list[dict[str, str]] = []
        self.failures: list[Failure] = []
        self.omit_in_list: set[str] = set()  # fields the list APIs leave out (fullinfo has them)
        self.on_request: Callable[[str, dict[str, str]], None] | None = None
        self.lock = threading.RLock()
        self._server: ThreadingHTTPServer | None = None
        self._requests = itertools.count(1)

    # ------------------------------------------------------------ life

    def start(self) -> FakeTop:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("utf-8")
                query = urllib.parse.urlsplit(self.path).query
                params = dict(urllib.parse.parse_qsl(query, keep_blank_values=True))
                params.update(urllib.parse.parse_qsl(body, keep_blank_values=True))
                status, payload = fake.handle(params)
                data = payload.encode("utf-8")
                self.send_response(status)
                kind = "application/json" if status == 200 else "text/html"
                self.send_header("Content-Type", f"{kind};charset=UTF-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                # The client may have given up waiting (a timeout test).
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeTop:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/router/rest"

    # ------------------------------------------------------------ the store

    def add_trade(self, record: dict[str, Any]) -> dict[str, Any]:
        unknown = set(record) - TRADE_FIELDS
        for order in record.get("orders", {}).get("order", []):
            unknown |= set(order) - ORDER_FIELDS
        assert not unknown, f"not TOP fields: {sorted(unknown)}"
        with self.lock:
            self.trades[str(record["tid"])] = record
        return record

    def change_trade(self, tid: int | str, *, modified: datetime, **fields: Any) -> None:
        with self.lock:
            record = self.trades[str(tid)]
            record.update(fields, modified=top_time(modified))

    def add_refund(self, record: dict[str, Any]) -> None:
        unknown = set(record) - REFUND_FIELDS
        assert not unknown, f"not TOP refund fields: {sorted(unknown)}"
        with self.lock:
            self.refunds[str(record["refund_id"])] = record

    def add_item(self, num_iid: str, quantities: dict[str, int]) -> None:
        with self.lock:
            self.items[str(num_iid)] = dict(quantities)

    def fail(self, **kwargs: Any) -> Failure:
        failure = Failure(**kwargs)
        with self.lock:
            self.failures.append(failure)
        return failure

    def calls_of(self, method: str) -> list[dict[str, str]]:
        with self.lock:
            return [params for name, params in self.calls if name == method]

    # ------------------------------------------------------------ one request

    def handle(self, params: dict[str, str]) -> tuple[int, str]:
        method = params.get("method", "")
        failure = self._take_failure(method)
        if failure is not None:
            if failure.delay:
                time.sleep(failure.delay)
            if failure.http_status:
                return failure.http_status, "<html><body>Internal Server Error</body></html>"
            if failure.code is not None:
                fault = TopFault(failure.code, failure.msg, failure.sub_code, failure.sub_msg)
                return 200, self._error(fault)
        try:
            self._check_common(params)
            handler = self.METHODS.get(method)
            if handler is None:
                raise TopFault(22, "Invalid method")
            if self.on_request is not None:
                self.on_request(method, params)
            with self.lock:
                body = handler(self, params)
                self.calls.append((method, dict(params)))
        except TopFault as fault:
            return 200, self._error(fault)
        body["request_id"] = f"fake{next(self._requests)}"
        key = method.removeprefix("taobao.").replace(".", "_") + "_response"
        return 200, json.dumps({key: body}, ensure_ascii=False)

    def _error(self, fault: TopFault) -> str:
        body = {**fault.body, "request_id": f"fake{next(self._requests)}"}
        return json.dumps({"error_response": body}, ensure_ascii=False)

    def _take_failure(self, method: str) -> Failure | None:
        with self.lock:
            for failure in self.failures:
                if failure.method in (None, method):
                    failure.times -= 1
                    if failure.times <= 0:
                        self.failures.remove(failure)
                    return failure
        return None

    def _check_common(self, params: dict[str, str]) -> None:
        """In the router's order: method, app key, timestamp, version, format, signature,
        session."""
        if not params.get("method"):
            raise TopFault(21, "Missing method")
        if not params.get("app_key"):
            raise TopFault(28, "Missing app key")
        if params["app_key"] != self.app_key:
            raise TopFault(29, "Invalid app Key")
        if not params.get("timestamp"):
            raise TopFault(30, "Missing timestamp")
        try:
            sent_at = parse_time(params["timestamp"])
        except ValueError as error:
            raise TopFault(31, "Invalid timestamp") from error
        if abs(datetime.now(BEIJING) - sent_at) > TIMESTAMP_SKEW:
            raise TopFault(31, "Invalid timestamp", "isv.invalid-timestamp")
        if not params.get("v"):
            raise TopFault(32, "Missing version")
        if params["v"] != "2.0":
            raise TopFault(34, "Unsupported version")
        if params.get("format", "xml") != "json":
            raise TopFault(23, "Invalid format")
        if not params.get("sign"):
            raise TopFault(24, "Missing signature")
        if params.get("sign_method", "md5") != "md5":
            raise TopFault(25, "Invalid signature")
        signed = {key: value for key, value in params.items() if key != "sign"}
        if top_sign(signed, self.app_secret) != params["sign"]:
            raise TopFault(25, "Invalid signature")
        if not params.get("session"):
            raise TopFault(26, "Missing session")
        if params["session"] != self.session:
            raise TopFault(27, "Invalid session", "invalid-sessionkey", "SessionKey非法")

    # ------------------------------------------------------------ arguments

    @staticmethod
    def _required(params: dict[str, str], *names: str) -> None:
        for name in names:
            if not params.get(name):
                raise _missing(name)

    @staticmethod
    def _time_arg(params: dict[str, str], name: str) -> datetime | None:
        if not params.get(name):
            return None
        try:
            return parse_time(params[name])
        except ValueError as error:
            raise _invalid(name) from error

    @staticmethod
    def _paging(params: dict[str, str]) -> tuple[int, int, bool]:
        try:
            page_no = int(params.get("page_no") or 1)
            page_size = int(params.get("page_size") or 40)
        except ValueError as error:
            raise _invalid("page_no") from error
        if page_no < 1:
            raise _invalid("page_no")
        if not 1 <= page_size <= 100:
            raise _invalid("page_size", "page_size must be between 1 and 100")
        return page_no, page_size, params.get("use_has_next") == "true"

    @staticmethod
    def _trade_fields(params: dict[str, str]) -> tuple[set[str], set[str] | None]:
        wanted: set[str] = set()
        order_wanted: set[str] | None = None
        for name in (part.strip() for part in params["fields"].split(",")):
            if name == "orders":
                order_wanted = set()  # every order field
            elif name.startswith("orders."):
                sub = name.removeprefix("orders.")
                if sub not in ORDER_FIELDS:
                    raise _invalid("fields", f"{name} is not a field of Order")
                if order_wanted is None:
                    order_wanted = {sub}
                elif order_wanted:
                    order_wanted.add(sub)
            elif name in TRADE_FIELDS:
                wanted.add(name)
            else:
                raise _invalid("fields", f"{name} is not a field of Trade")
        return wanted, order_wanted

    def _page_of(
        self, records: list[dict[str, Any]], params: dict[str, str], outer: str, inner: str
    ) -> dict[str, Any]:
        page_no, page_size, use_has_next = self._paging(params)
        chosen = records[(page_no - 1) * page_size : page_no * page_size]
        body: dict[str, Any] = {}
        if use_has_next:
            body["has_next"] = page_no < math.ceil(len(records) / page_size)
        else:
            body["total_results"] = len(records)
        if chosen:
            body[outer] = {inner: chosen}
        return body

    # ------------------------------------------------------------ methods

    def _increment_get(self, params: dict[str, str]) -> dict[str, Any]:
        self._required(params, "fields", "start_modified", "end_modified")
        start = self._time_arg(params, "start_modified")
        end = self._time_arg(params, "end_modified")
        assert start is not None
        assert end is not None
        if end < start or end - start > timedelta(days=1):
            raise _invalid("end_modified", "start_modified and end_modified at most one day apart")
        wanted, order_wanted = self._trade_fields(params)
        wanted -= self.omit_in_list
        if "orders" in self.omit_in_list:
            order_wanted = None
        chosen = [
            record
            for record in self.trades.values()
            if start <= parse_time(record["modified"]) <= end
        ]
        # Newest change first, as TOP lists them.
        chosen.sort(key=lambda record: (record["modified"], record["tid"]), reverse=True)
        listed = [_project(record, wanted, order_wanted) for record in chosen]
        return self._page_of(listed, params, "trades", "trade")

    def _sold_get(self, params: dict[str, str]) -> dict[str, Any]:
        self._required(params, "fields")
        start = self._time_arg(params, "start_created")
        end = self._time_arg(params, "end_created")
        wanted, order_wanted = self._trade_fields(params)
        chosen = [
            record
            for record in self.trades.values()
            if (start is None or parse_time(record["created"]) >= start)
            and (end is None or parse_time(record["created"]) <= end)
        ]
        chosen.sort(key=lambda record: (record["created"], record["tid"]), reverse=True)
        listed = [_project(record, wanted, order_wanted) for record in chosen]
        return self._page_of(listed, params, "trades", "trade")

    def _fullinfo_get(self, params: dict[str, str]) -> dict[str, Any]:
        self._required(params, "fields", "tid")
        record = self.trades.get(params["tid"])
        if record is None:
            raise TopFault(15, "Remote service error", "isv.trade-not-exist", "交易不存在")
        wanted, order_wanted = self._trade_fields(params)
        return {"trade": _project(record, wanted, order_wanted)}

    def _refunds_get(self, params: dict[str, str]) -> dict[str, Any]:
        self._required(params, "fields")
        start = self._time_arg(params, "start_modified")
        end = self._time_arg(params, "end_modified")
        wanted = {part.strip() for part in params["fields"].split(",")}
        if not wanted <= REFUND_FIELDS:
            raise _invalid("fields")
        chosen = [
            record
            for record in self.refunds.values()
            if (start is None or parse_time(record["modified"]) >= start)
            and (end is None or parse_time(record["modified"]) <= end)
        ]
        chosen.sort(key=lambda record: (record["modified"], record["refund_id"]), reverse=True)
        listed = [_project(record, wanted, None) for record in chosen]
        return self._page_of(listed, params, "refunds", "refund")

    def _offline_send(self, params: dict[str, str]) -> dict[str, Any]:
        self._required(params, "tid", "out_sid", "company_code")
        record = self.trades.get(params["tid"])
        if record is None:
            raise TopFault(
                15, "Remote service error", "isv.logistics-offline-service-error:B01", "交易不存在"
            )
        if params["company_code"] not in COMPANY_CODES:
            raise TopFault(
                15,
                "Remote service error",
                "isv.logistics-offline-service-error:B60",
                "物流公司不存在",
            )
        if record["status"] not in ("WAIT_SELLER_SEND_GOODS", "SELLER_CONSIGNED_PART"):
            raise TopFault(
                15,
                "Remote service error",
                "isv.logistics-offline-service-error:B04",
                "交易状态不允许发货",
            )
        orders = record["orders"]["order"]
        if params.get("is_split") == "1":
            oids = {part.strip() for part in params.get("sub_tid", "").split(",") if part.strip()}
            known = {str(order["oid"]) for order in orders}
            if not oids or not oids <= known:
                raise _invalid("sub_tid")
            sending = [order for order in orders if str(order["oid"]) in oids]
        else:
            sending = orders
        now = datetime.now(BEIJING)
        for order in sending:
            order.update(
                status="WAIT_BUYER_CONFIRM_GOODS",
                invoice_no=params["out_sid"],
                logistics_company=params["company_code"],
                consign_time=top_time(now),
            )
        if all(order["status"] == "WAIT_BUYER_CONFIRM_GOODS" for order in orders):
            record["status"] = "WAIT_BUYER_CONFIRM_GOODS"
        else:
            record["status"] = "SELLER_CONSIGNED_PART"
        record.update(modified=top_time(now), consign_time=top_time(now))
        self.shipments.append(dict(params))
        return {"shipping": {"is_success": True}}

    def _item(self, params: dict[str, str]) -> dict[str, int]:
        item = self.items.get(params["num_iid"])
        if item is None:
            raise TopFault(15, "Remote service error", "isv.item-not-exist", "商品不存在")
        return item

    def _item_quantity_update(self, params: dict[str, str]) -> dict[str, Any]:
        self._required(params, "num_iid", "quantity")
        item = self._item(params)
        code = params.get("outer_id", "")
        if code and code not in item:
            raise _invalid("outer_id")
        quantity = int(params["quantity"])
        if params.get("type", "1") == "1":
            item[code] = quantity
        else:
            item[code] = max(item.get(code, 0) + quantity, 0)
        self.quantity_updates.append(dict(params))
        return {
            "item": {"num_iid": int(params["num_iid"]), "modified": top_time(datetime.now(BEIJING))}
        }

    def _skus_quantity_update(self, params: dict[str, str]) -> dict[str, Any]:
        self._required(params, "num_iid")
        item = self._item(params)
        text = params.get("outerid_quantities") or params.get("skuid_quantities")
        if not text:
            raise _missing("outerid_quantities")
        pairs = [part.split(":") for part in text.split(";") if part]
        if len(pairs) > 20 or any(len(pair) != 2 for pair in pairs):
            raise _invalid("outerid_quantities")
        for code, quantity in pairs:
            if code not in item:
                raise _invalid("outerid_quantities", f"{code} is not a SKU of the item")
            item[code] = int(quantity)
        self.quantity_updates.append(dict(params))
        return {
            "item": {"num_iid": int(params["num_iid"]), "modified": top_time(datetime.now(BEIJING))}
        }

    METHODS: dict[str, Callable[[FakeTop, dict[str, str]], dict[str, Any]]] = {
        "taobao.trades.sold.increment.get": _increment_get,
        "taobao.trades.sold.get": _sold_get,
        "taobao.trade.fullinfo.get": _fullinfo_get,
        "taobao.refunds.receive.get": _refunds_get,
        "taobao.logistics.offline.send": _offline_send,
        "taobao.item.quantity.update": _item_quantity_update,
        "taobao.skus.quantity.update": _skus_quantity_update,
    }
