from __future__ import annotations

from rest_framework import exceptions, viewsets
from rest_framework.request import Request


class ApiViewSet(viewsets.GenericViewSet):
    """Base of the /api/v1/ viewsets.

    A method the route does not serve (PUT, DELETE) has no action; the per-action
    permission table would turn it into a 403, which tells a client the wrong thing.
    It is a 405 for everyone who is signed in."""

    def check_permissions(self, request: Request) -> None:
        if self.action is None and request.user and request.user.is_authenticated:
            raise exceptions.MethodNotAllowed(request.method or "")
        super().check_permissions(request)
