from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_pages_open_in_chinese_whatever_the_browser_asks(client):
    page = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "登录" in page.content.decode()


@pytest.mark.django_db
def test_the_language_switch_changes_the_pages(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    page = client.get("/login/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert "Log in" in page.content.decode()


@pytest.mark.django_db
def test_the_api_answers_in_the_requests_language(client):
    english = client.get("/api/v1/products/", HTTP_ACCEPT_LANGUAGE="en")
    chinese = client.get("/api/v1/products/")
    assert english.json()["detail"] != chinese.json()["detail"]
    assert english.json()["detail"].isascii()
