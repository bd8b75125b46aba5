"""Setting up a shop's connection to its channel's open platform."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhanggui.channels.connectors import has_connector
from zhanggui.channels.models import Shop, ShopConnection
from zhanggui.channels.services.failures import retry_shop_now
from zhanggui.core import audit
from zhanggui.core.errors import InvalidInput

TOP_GATEWAY: Final = "https://eco.taobao.com/router/rest"
# A new connection takes the orders changed in the last day unless told otherwise.
DEFAULT_LOOKBACK: Final = timedelta(days=1)
SHOWN_FIELDS: Final = ("app_key", "gateway_url", "is_active", "sync_from")


@dataclass(frozen=True)
class ConnectionInput:
    app_key: str
    gateway_url: str
    is_active: bool
    # Empty keeps the secret (or session key) already stored: pages never show them back.
    app_secret: str = ""
    session_key: str = ""
    sync_from: datetime | None = None


def mask(secret: str) -> str:
    """A secret as pages show it: enough to recognise, never enough to use."""
    if not secret:
        return ""
    if len(secret) <= 8:
        return "•" * 8
    return f"{secret[:3]}{'•' * 8}{secret[-3:]}"


def save_connection(*, actor: Any, shop_id: int, data: ConnectionInput) -> ShopConnection:
    """Create or change a shop's connection. Audited without the secrets' values; every
    failure of the shop is retried at the next run, since the credentials may be what was
    wrong."""
    with transaction.atomic():
        shop = Shop.objects.select_for_update().get(pk=shop_id)
        if not has_connector(shop.channel):
            raise InvalidInput({"shop": [_("This channel has no connector yet.")]})
        connection = ShopConnection.objects.filter(shop=shop).first()
        problems: dict[str, list[Any]] = {}
        if connection is None and not data.app_secret:
            problems["app_secret"] = [_("This field is required.")]
        if connection is None and not data.session_key:
            problems["session_key"] = [_("This field is required.")]
        if not data.app_key.strip():
            problems["app_key"] = [_("This field is required.")]
        if problems:
            raise InvalidInput(problems)
        created = connection is None
        if connection is None:
            connection = ShopConnection(
                shop=shop, sync_from=data.sync_from or timezone.now() - DEFAULT_LOOKBACK
            )
        before = audit.snapshot(connection, SHOWN_FIELDS) if not created else {}
        connection.app_key = data.app_key.strip()
        connection.gateway_url = data.gateway_url.strip() or TOP_GATEWAY
        connection.is_active = data.is_active
        if data.sync_from is not None:
            connection.sync_from = data.sync_from
        changed_secrets = {}
        if data.app_secret:
            changed_secrets["app_secret"] = data.app_secret != connection.app_secret
            connection.app_secret = data.app_secret
        if data.session_key:
            changed_secrets["session_key"] = data.session_key != connection.session_key
            connection.session_key = data.session_key
        connection.save()
        changes = audit.diff(before, audit.snapshot(connection, SHOWN_FIELDS))
        for name, changed in changed_secrets.items():
            if changed and not created:
                changes[name] = {"before": "•••", "after": _("changed")}
        if created:
            audit.record_creation(actor=actor, instance=connection, fields=SHOWN_FIELDS)
        else:
            audit.record(
                actor=actor, instance=connection, action=audit.AuditAction.UPDATE, changes=changes
            )
        retry_shop_now(shop_id=shop.pk)
        return connection
