"""The permission matrix: for every page and API endpoint, which roles may use it.

`matrix_pages.py` lists the operator pages and `matrix_api.py` the API endpoints;
`test_permission_matrix.py` checks each route for every role (allowed roles are served,
every other role gets 403) and fails on any route of the URL conf that is not listed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from zhanggui.staff.roles import Role

ALL_ROLES: frozenset[str] = frozenset(role.value for role in Role)


def roles(*names: Role | str) -> frozenset[str]:
    return frozenset(Role(name).value for name in names)


def all_but(*names: Role | str) -> frozenset[str]:
    return ALL_ROLES - roles(*names)


@dataclass(frozen=True)
class Route:
    name: str  # the URL name as reversed, e.g. "catalog:product_list"
    allowed: frozenset[str]  # roles that may use it; all others must get 403
    method: str = "get"
    # Builds the URL kwargs (it may create the rows the route needs); runs inside the test DB.
    kwargs: Callable[[], dict[str, Any]] | None = None
    # Builds the request body for POST/PATCH.
    data: Callable[[], dict[str, Any]] | None = None
    api: bool = False  # True: token-authenticated JSON request; False: signed-in browser session
    note: str = field(default="", compare=False)
