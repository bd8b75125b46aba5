from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "zhanggui.staff"
    label = "staff"
    verbose_name = _("Staff and roles")

    def ready(self) -> None:
        # Groups are derived from the role table once permissions exist, which is only
        # after every app has migrated (Django creates permissions in post_migrate too).
        from zhanggui.staff.services import sync_role_groups_after_migrate

        post_migrate.connect(sync_role_groups_after_migrate, dispatch_uid="zhanggui-sync-roles")
