"""The scanner page in a real browser: a scanner types codes and Enter faster than the
server answers; every scan must count, in order, and focus must stay in the input."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from conftest import PASSWORD
from zhanggui.catalog import services as catalog
from zhanggui.inventory import services
from zhanggui.inventory.models import MoveKind, StocktakeLine, Warehouse
from zhanggui.inventory.services import MoveInput
from zhanggui.inventory.stocktakes import create_stocktake, start_counting

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


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.LANGUAGE_CODE = "en"


def test_fast_scans_all_count_and_focus_stays_in_the_input(
    browser: Any, live_server: Any, make_user: Any
) -> None:
    make_user("warehouse", username="cangguan")
    product = catalog.create_product(
        actor=None,
        data=catalog.ProductInput(item_no="B1", title="扫码裤"),
        skus=[catalog.SkuInput(merchant_code=f"B1-{s}", size=s, price="99") for s in ("S", "M")],
    )
    for sku in product.skus.all():
        services.post_move(actor=None, move=MoveInput(sku.pk, 5, MoveKind.RECEIPT))
    main = Warehouse.objects.get(code="main")
    stocktake = start_counting(
        actor=None, stocktake_id=create_stocktake(actor=None, warehouse_id=main.pk).pk
    )
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "cangguan")
    page.fill("#id_password", PASSWORD)
    page.click("form[action='/login/'] button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/stock/stocktakes/{stocktake.pk}/count/")
    for code in ("B1-S", "B1-S", "B1-M", "3*B1-S", "NOPE"):
        page.keyboard.type(code)  # into the focused input, as a scanner does
        page.keyboard.press("Enter")
    page.wait_for_selector("#scan-result [role=alert]")
    assert page.evaluate("document.activeElement.id") == "scan-code"
    assert "No SKU has the code NOPE." in page.inner_text("#scan-result")
    counted = dict(
        StocktakeLine.objects.filter(stocktake=stocktake).values_list(
            "sku__merchant_code", "counted"
        )
    )
    assert counted == {"B1-S": 5, "B1-M": 1}
    context.close()
