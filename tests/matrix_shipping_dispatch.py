"""Permission-matrix rows for the shipping routes of one area (see matrix.py)."""

from __future__ import annotations

from tests.matrix import Route

ROUTES: list[Route] = []
