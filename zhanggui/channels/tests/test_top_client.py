"""The TOP client against the published signing example and the fake router."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from zhanggui.channels.connectors.base import ChannelError
from zhanggui.channels.connectors.top_client import (
    TopClient,
    TopError,
    parse_top_money,
    parse_top_time,
    response_key,
    sign,
    top_time,
)


def _client(fake, **overrides) -> TopClient:
    values = {
        "gateway_url": fake.url,
        "app_key": fake.app_key,
        "app_secret": fake.app_secret,
        "session": fake.session,
        "timeout": 5.0,
    }
    values.update(overrides)
    return TopClient(**values)


def test_signature_matches_the_example_in_tops_documentation():
    params = {
        "method": "taobao.item.seller.get",
        "app_key": "12345678",
        "session": "test",
        "timestamp": "2016-01-01 12:00:00",
        "format": "json",
        "v": "2.0",
        "sign_method": "md5",
        "fields": "num_iid,title,nick,price,num",
        "num_iid": "11223344",
    }
    assert sign(params, "helloworld") == "66987CB115214E59E6EC978214934FB8"


def test_response_key_drops_taobao_and_turns_dots_into_underscores():
    assert response_key("taobao.trades.sold.increment.get") == "trades_sold_increment_get_response"
    assert response_key("taobao.logistics.offline.send") == "logistics_offline_send_response"


def test_times_are_beijing_wall_clock_and_come_back_as_utc():
    moment = datetime(2026, 11, 10, 16, 30, 5, tzinfo=UTC)
    assert top_time(moment) == "2026-11-11 00:30:05"
    assert parse_top_time("2026-11-11 00:30:05") == moment


def test_money_strings_become_decimals():
    assert parse_top_money("200.07") == Decimal("200.07")
    assert parse_top_money("0") == Decimal("0.00")
    with pytest.raises(ValueError, match="not an amount"):
        parse_top_money("二十")


def test_signed_params_leave_out_empty_values_and_carry_the_common_ones(fake_top):
    params = _client(fake_top).signed_params("taobao.x.get", {"a": "1", "b": "", "c": None})
    assert set(params) == {
        "method",
        "app_key",
        "session",
        "timestamp",
        "format",
        "v",
        "sign_method",
        "a",
        "sign",
    }
    assert params["format"] == "json"
    assert params["v"] == "2.0"
    assert params["sign_method"] == "md5"


def test_a_call_returns_the_body_inside_the_envelope(fake_top):
    body = _client(fake_top).call(
        "taobao.trades.sold.get", {"fields": "tid", "page_no": 1, "page_size": 10}
    )
    assert body["total_results"] == 0
    assert body["request_id"].startswith("fake")


def test_a_wrong_secret_is_refused_as_an_invalid_signature_not_worth_retrying(fake_top):
    with pytest.raises(TopError) as caught:
        _client(fake_top, app_secret="wrong").call("taobao.trades.sold.get", {"fields": "tid"})
    assert caught.value.top_code == "25"
    assert caught.value.retryable is False


def test_an_expired_session_is_not_worth_retrying(fake_top):
    with pytest.raises(TopError) as caught:
        _client(fake_top, session="expired").call("taobao.trades.sold.get", {"fields": "tid"})
    assert (caught.value.top_code, caught.value.sub_code) == ("27", "invalid-sessionkey")
    assert caught.value.retryable is False


@pytest.mark.parametrize(
    ("failure", "retryable"),
    [
        (
            {
                "code": 7,
                "msg": "App Call Limited",
                "sub_code": "accesscontrol.limited-by-app-access-count",
            },
            True,
        ),
        (
            {
                "code": 15,
                "msg": "Remote service error",
                "sub_code": "isp.top-remote-connection-timeout",
            },
            True,
        ),
        ({"code": 15, "msg": "Remote service error", "sub_code": "isv.trade-not-exist"}, False),
        (
            {
                "code": 11,
                "msg": "Insufficient isv permissions",
                "sub_code": "isv.permission-api-package-limit",
            },
            False,
        ),
        ({"code": 27, "msg": "Invalid session"}, False),
    ],
)
def test_error_responses_become_typed_errors(fake_top, failure, retryable):
    fake_top.fail(**failure)
    with pytest.raises(TopError) as caught:
        _client(fake_top).call("taobao.trades.sold.get", {"fields": "tid"})
    assert caught.value.top_code == str(failure["code"])
    assert caught.value.sub_code == failure.get("sub_code", "")
    assert caught.value.retryable is retryable


def test_an_http_500_is_retryable(fake_top):
    fake_top.fail(http_status=500)
    with pytest.raises(ChannelError) as caught:
        _client(fake_top).call("taobao.trades.sold.get", {"fields": "tid"})
    assert caught.value.retryable is True
    assert caught.value.code == "500"


def test_a_slow_answer_times_out_and_is_retryable(fake_top):
    fake_top.fail(delay=1.0)
    with pytest.raises(ChannelError) as caught:
        _client(fake_top, timeout=0.2).call("taobao.trades.sold.get", {"fields": "tid"})
    assert caught.value.retryable is True
    assert not isinstance(caught.value, TopError)


def test_a_closed_port_is_retryable(fake_top):
    url = fake_top.url
    fake_top.stop()
    with pytest.raises(ChannelError) as caught:
        TopClient(gateway_url=url, app_key="k", app_secret="s", session="x").call("taobao.a.b")
    assert caught.value.retryable is True


def test_only_http_gateways_are_accepted():
    with pytest.raises(ChannelError, match="not an http"):
        TopClient(gateway_url="file:///etc/passwd", app_key="k", app_secret="s", session="x")
