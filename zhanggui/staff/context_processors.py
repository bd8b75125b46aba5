from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from zhanggui.staff.navigation import menu_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu of the signed-in person: only the pages their roles may open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {"nav_items": menu_for(user)}
