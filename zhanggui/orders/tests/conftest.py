"""Order tests read their expectations in English: pages and services speak the msgids.
The Chinese of these pages is checked by tests/test_translations.py and the browser test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.utils import translation


@pytest.fixture(autouse=True)
def _english(client: Any) -> Iterator[None]:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield
