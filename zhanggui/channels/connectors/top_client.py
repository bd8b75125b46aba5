"""A client for the Taobao Open Platform (TOP) router: signed, form-encoded POSTs, JSON
answers (CHANNELS.md §2.1). Taobao and Tmall shops both use it.

Only the standard library: one POST per call, no session state."""

from __future__ import annotations

import hashlib
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from django.utils import timezone

from zhanggui.channels.connectors.base import ChannelError
from zhanggui.channels.rules import SHANGHAI

TIME_FORMAT: Final = "%Y-%m-%d %H:%M:%S"
DEFAULT_TIMEOUT: Final = 20.0
# System-level codes that say "later": 7 call limit reached, 10 service unavailable.
RETRYABLE_CODES: Final = frozenset({"7", "10"})


class TopError(ChannelError):
    """TOP answered with an error_response. Sub-codes starting `isp.` are the platform's
    own failures (retryable); `isv.` ones are ours (a wrong value, a state the trade is not
    in)."""

    def __init__(self, *, code: str, msg: str, sub_code: str = "", sub_msg: str = "") -> None:
        self.top_code = code
        self.msg = msg
        self.sub_code = sub_code
        self.sub_msg = sub_msg
        retryable = code in RETRYABLE_CODES or sub_code.startswith("isp.")
        text = f"TOP {code} {msg}"
        if sub_code or sub_msg:
            text += f" ({sub_code}: {sub_msg})" if sub_msg else f" ({sub_code})"
        super().__init__(text, retryable=retryable, code=code)


def top_time(moment: datetime) -> str:
    """An aware time as TOP writes it: Beijing wall-clock time, whole seconds."""
    return moment.astimezone(SHANGHAI).strftime(TIME_FORMAT)


def parse_top_time(text: str) -> datetime:
    """A TOP time (Beijing, `yyyy-MM-dd HH:mm:ss`) as an aware UTC datetime."""
    beijing = datetime.strptime(text.strip(), TIME_FORMAT).replace(tzinfo=SHANGHAI)
    return beijing.astimezone(UTC)


def parse_top_money(text: Any) -> Decimal:
    """A TOP amount: a string in yuan with two decimals ("200.07"); raises ValueError."""
    try:
        value = Decimal(str(text).strip())
    except InvalidOperation as error:
        raise ValueError(f"not an amount: {text!r}") from error
    if not value.is_finite():
        raise ValueError(f"not an amount: {text!r}")
    return value.quantize(Decimal("0.01"))


def sign(params: Mapping[str, str], secret: str) -> str:
    """TOP's md5 signature: upper(md5(secret + k1v1k2v2… sorted by key + secret))."""
    text = secret + "".join(f"{key}{params[key]}" for key in sorted(params)) + secret
    # md5 is what TOP's sign_method=md5 is defined as; it authenticates, it hides nothing.
    return hashlib.md5(text.encode("utf-8")).hexdigest().upper()  # noqa: S324


def response_key(method: str) -> str:
    """taobao.trades.sold.get -> trades_sold_get_response."""
    name = method.removeprefix("taobao.")
    return name.replace(".", "_") + "_response"


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return top_time(value)
    return str(value)


class TopClient:
    def __init__(
        self,
        *,
        gateway_url: str,
        app_key: str,
        app_secret: str,
        session: str,
        timeout: float | None = None,
    ) -> None:
        scheme = urllib.parse.urlsplit(gateway_url).scheme
        if scheme not in ("http", "https"):
            raise ChannelError(f"not an http(s) gateway: {gateway_url!r}", retryable=False)
        self.gateway_url = gateway_url
        self.app_key = app_key
        self.app_secret = app_secret
        self.session = session
        self.timeout = DEFAULT_TIMEOUT if timeout is None else timeout

    def signed_params(self, method: str, params: Mapping[str, Any]) -> dict[str, str]:
        """The common parameters, the call's own (empty ones left out, as TOP's SDKs do)
        and the signature over all of them."""
        values = {
            "method": method,
            "app_key": self.app_key,
            "session": self.session,
            "timestamp": top_time(timezone.now()),
            "format": "json",
            "v": "2.0",
            "sign_method": "md5",
        }
        for name, value in params.items():
            if value is None or value == "":
                continue
            values[name] = _text(value)
        values["sign"] = sign(values, self.app_secret)
        return values

    def call(self, method: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Call `method` and return the body inside `<method>_response`.

        Raises TopError for an error_response, ChannelError (retryable) for a timeout, a
        refused connection, an HTTP 5xx or an answer that is not JSON."""
        body = urllib.parse.urlencode(self.signed_params(method, params or {})).encode()
        request = urllib.request.Request(  # noqa: S310 (scheme checked in __init__)
            self.gateway_url,
            data=body,
            headers={"Content-Type": "application/x-www-form-urlencoded;charset=utf-8"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                raw = response.read()
        except urllib.error.HTTPError as error:
            retryable = error.code >= 500 or error.code == 429
            raise ChannelError(
                f"HTTP {error.code} from the gateway", retryable=retryable, code=str(error.code)
            ) from error
        except TimeoutError as error:
            raise ChannelError("the gateway did not answer in time", retryable=True) from error
        except (urllib.error.URLError, ConnectionError) as error:
            raise ChannelError(f"cannot reach the gateway: {error}", retryable=True) from error
        try:
            answer = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ChannelError("the gateway answered with no JSON", retryable=True) from error
        if not isinstance(answer, dict):
            raise ChannelError("the gateway answered with no JSON object", retryable=True)
        if "error_response" in answer:
            failure = answer["error_response"] or {}
            raise TopError(
                code=str(failure.get("code", "")),
                msg=str(failure.get("msg", "")),
                sub_code=str(failure.get("sub_code", "")),
                sub_msg=str(failure.get("sub_msg", "")),
            )
        key = response_key(method)
        inner = answer.get(key)
        if not isinstance(inner, dict):
            raise ChannelError(f"the gateway answered without {key}", retryable=False)
        return inner
