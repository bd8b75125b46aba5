from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PurchasingConfig(AppConfig):
    name = "zhanggui.purchasing"
    label = "purchasing"
    verbose_name = _("Purchasing")

    def ready(self) -> None:
        # Home-page queues are a registry filled at start-up, like the admin's.
        from zhanggui.purchasing.queues import register_queues

        register_queues()
