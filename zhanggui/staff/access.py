"""Permission checks for pages and API endpoints, one idiom each.

Anonymous visitors are sent to the login page; signed-in people without the permission
get 403. Every page view and API view declares what it needs; the permission-matrix test
walks the URL conf and fails on any route that declares nothing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib.auth.mixins import PermissionRequiredMixin
from rest_framework.permissions import BasePermission
from rest_framework.request import Request


class PagePermissionMixin(PermissionRequiredMixin):
    """Class-based page views: set `permission_required` (a name or a tuple of names)."""

    raise_exception = False  # anonymous -> login; signed in -> 403 (Django's AccessMixin)


def has_all(user: Any, needed: Sequence[str | tuple[str, ...]]) -> bool:
    """Every entry must hold; an entry that is a tuple holds when any of its names does."""
    return all(
        user.has_perm(entry) if isinstance(entry, str) else any(map(user.has_perm, entry))
        for entry in needed
    )


class ActionPermission(BasePermission):
    """DRF: `required_permissions = {"list": [...], "create": [...], "*": [...]}` on the view.

    The action's list applies, else "*"; a view that declares nothing allows nobody. An
    entry may be a tuple of alternatives (any one of them suffices)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        table: dict[str, Sequence[str | tuple[str, ...]]] = getattr(
            view, "required_permissions", {}
        )
        action = getattr(view, "action", None) or (request.method or "").lower()
        needed = table.get(action, table.get("*"))
        if needed is None:
            return False
        return has_all(user, needed)
