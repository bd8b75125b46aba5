"""The review queue in Debian's chromium: one click copies the receiver confirmation, exactly
as the buyer should read it (markup in buyer text stays text)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from conftest import PASSWORD
from zhanggui.orders.services.inputs import ReceiverInput
from zhanggui.orders.tests.factories import RECEIVER, make_order, make_skus

playwright_api = pytest.importorskip("playwright.sync_api")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--headless", "--no-sandbox"]
        )
        yield browser
        browser.close()


def test_one_click_copies_the_confirmation(browser: Any, live_server: Any, make_user: Any) -> None:
    make_user("cs_presale", username="kefu")
    make_skus(None, "BR-S", on_hand=5)
    receiver = ReceiverInput(**{**RECEIVER.__dict__, "name": '<b>"王"</b>'})
    order = make_order(None, ("BR-S", 2), receiver=receiver)
    context = browser.new_context(locale="zh-CN")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "kefu")
    page.fill("#id_password", PASSWORD)
    page.click("form[action='/login/'] button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/orders/review/")
    button = page.locator(f"#order-{order.pk} [data-copy]")
    button.click()
    page.wait_for_selector(f"#order-{order.pk} button.copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert '<b>"王"</b>' in copied
    assert "13812345678" in copied
    assert "×2" in copied
    assert page.locator(f"#order-{order.pk} b").count() == 0  # shown as text, never markup
