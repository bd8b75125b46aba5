"""Channel connectors, one per channel, registered here by channel code."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from zhanggui.channels.connectors.base import ChannelError, Connector
from zhanggui.channels.models import Channel, ShopConnection


def _top(connection: ShopConnection) -> Connector:
    from zhanggui.channels.connectors.taobao import TaobaoConnector
    from zhanggui.channels.connectors.top_client import TopClient

    client = TopClient(
        gateway_url=connection.gateway_url,
        app_key=connection.app_key,
        app_secret=connection.app_secret,
        session=connection.session_key,
    )
    return TaobaoConnector(client, channel=connection.shop.channel, shop_code=connection.shop.code)


# Tmall shops speak the same Taobao Open Platform API as Taobao shops.
CONNECTORS: Final[dict[str, Callable[[ShopConnection], Connector]]] = {
    Channel.TAOBAO: _top,
    Channel.TMALL: _top,
}


def has_connector(channel: str) -> bool:
    return channel in CONNECTORS


def connector_for(connection: ShopConnection) -> Connector:
    """The connector for a shop's connection; ChannelError when its channel has none."""
    factory = CONNECTORS.get(connection.shop.channel)
    if factory is None:
        raise ChannelError(
            f"no connector for the channel {connection.shop.channel!r}", retryable=False
        )
    return factory(connection)
