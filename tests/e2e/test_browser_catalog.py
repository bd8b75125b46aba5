"""The catalog in a real browser: Debian's chromium driven by Playwright against the live
test server. Login, create a product with two SKUs, find it by a piece of its Chinese title,
and switch the language."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

import pytest

from conftest import PASSWORD
from zhanggui.catalog import services
from zhanggui.catalog.models import Product

playwright_api = pytest.importorskip("playwright.sync_api")

# Playwright's sync API runs an event loop in this thread; the ORM calls made here (setting
# up rows, checking results) are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TITLE = "春季新款纯棉圆领T恤女"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def _log_in(page: Any, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form[action='/login/'] button[type=submit]")
    page.wait_for_url(f"{base_url}/")


def test_manager_creates_a_product_and_finds_it_by_its_chinese_title(
    page: Any, live_server: Any, make_user: Any
) -> None:
    make_user("manager", username="dianzhang")
    services.create_product(
        actor=None, data=services.ProductInput(item_no="J-9", title="加绒牛仔裤男")
    )
    base = live_server.url
    _log_in(page, base, "dianzhang")

    page.goto(f"{base}/catalog/products/new/")
    page.fill("input[name=item_no]", "T-2001")
    page.fill("input[name=title]", TITLE)
    page.fill("input[name=category]", "T恤")
    for index, size in enumerate(("M", "L")):
        page.fill(f"input[name=skus-{index}-color]", "白色")
        page.fill(f"input[name=skus-{index}-size]", size)
        page.fill(f"input[name=skus-{index}-merchant_code]", f"T-2001-W-{size}")
        page.fill(f"input[name=skus-{index}-price]", "59.00")
    # The add-row button appends a fourth row and puts the cursor in it.
    page.click("[data-add-row=skus]")
    assert page.evaluate("document.activeElement.name") == "skus-3-color"
    assert page.input_value("#id_skus-TOTAL_FORMS") == "4"
    page.click("form[action='/catalog/products/new/'] button[type=submit].primary")
    page.wait_for_url(f"{base}/catalog/products/T-2001/")

    skus = page.locator("#skus")
    assert skus.get_by_text("T-2001-W-M", exact=True).is_visible()
    assert skus.get_by_text("T-2001-W-L", exact=True).is_visible()
    assert Product.objects.get(item_no="T-2001").skus.count() == 2

    page.goto(f"{base}/catalog/products/")
    page.fill("input[name=q]", "纯棉圆领")
    page.press("input[name=q]", "Enter")
    page.wait_for_url(re.compile(r".*[?&]q=%E7%BA%AF%E6%A3%89%E5%9C%86%E9%A2%86.*"))
    results = page.locator("#results")
    results.get_by_role("link", name="T-2001").wait_for()
    assert results.get_by_text(TITLE).is_visible()
    assert results.get_by_role("link", name="J-9").count() == 0


def test_language_switch_shows_english_headings(
    page: Any, live_server: Any, make_user: Any
) -> None:
    make_user("editor", username="bianji")
    base = live_server.url
    _log_in(page, base, "bianji")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.click("form.language button[value=en]")
    page.wait_for_load_state()
    page.locator("html[lang=en]").wait_for()
    assert page.get_by_role("heading", level=1).inner_text() == "Work waiting for you"
