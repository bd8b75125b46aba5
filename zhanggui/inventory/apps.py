from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def ensure_main_warehouse(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """API.md: a database always has the warehouse `main`. The data migration makes it once;
    this puts it back after a flush (tests, the benchmark harness), which empties tables
    without re-running migrations."""
    from zhanggui.inventory.models import DEFAULT_WAREHOUSE_CODE, Warehouse

    if not Warehouse.objects.using(using).exists():
        Warehouse.objects.using(using).create(
            code=DEFAULT_WAREHOUSE_CODE, name="主仓", is_default=True, is_sellable=True
        )


class InventoryConfig(AppConfig):
    name = "zhanggui.inventory"
    label = "inventory"
    verbose_name = _("Stock")

    def ready(self) -> None:
        post_migrate.connect(ensure_main_warehouse, sender=self, dispatch_uid="zhanggui-main-wh")
