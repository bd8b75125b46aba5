"""First-run set-up for `make run`: an admin login and, on an empty database, the demo shop.

The admin's password is generated once and kept in var/admin-login.txt (readable by the
shop's own machine only) so every later `make run` can print it again."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from zhanggui.catalog.models import Product
from zhanggui.staff.roles import Role
from zhanggui.staff.services import create_staff_member

ADMIN_USERNAME = "admin"


class Command(BaseCommand):
    help = "Create the admin login and the demo shop on first run; print the login."

    def handle(self, *args: Any, **options: Any) -> None:
        login_file = Path(settings.VAR_DIR) / "admin-login.txt"
        user_model = get_user_model()
        if not user_model.objects.filter(username=ADMIN_USERNAME).exists():
            password = secrets.token_urlsafe(9)
            create_staff_member(
                username=ADMIN_USERNAME,
                password=password,
                roles=[Role.MANAGER],
                display_name="店长",
                is_superuser=True,
            )
            login_file.parent.mkdir(parents=True, exist_ok=True)
            login_file.write_text(f"{ADMIN_USERNAME}\n{password}\n", encoding="utf-8")
            login_file.chmod(0o600)
        if not Product.objects.exists():
            self.stdout.write("首次运行：正在生成演示店铺 / first run: creating the demo shop…")
            call_command("demo", seed=1)
        port = options.get("port") or __import__("os").environ.get("PORT", "8000")
        if login_file.exists():
            username, password = login_file.read_text(encoding="utf-8").split()[:2]
            self.stdout.write(
                "\n"
                f"  掌柜 Zhanggui → http://127.0.0.1:{port}/\n"
                f"  管理员登录 / admin login:  {username} / {password}\n"
            )
