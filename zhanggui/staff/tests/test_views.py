from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from conftest import PASSWORD
from zhanggui.catalog import services
from zhanggui.catalog.models import Product, ProductImage
from zhanggui.core.models import AuditEntry
from zhanggui.staff.queues import QUEUES, queues_of
from zhanggui.staff.roles import Role

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def english(settings: Any) -> None:
    # Chinese is the default; these tests read the English msgids whatever the .po files say.
    settings.LANGUAGE_CODE = "en"
    # Many logins per module: the production password hasher would dominate the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _queues(response: Any) -> dict[str, list[tuple[str, int, str]]]:
    return {
        str(section.role.label): [(str(q.label), q.count, q.url) for q in section.queues]
        for section in response.context["sections"]
    }


def _product(item_no: str, *, description: str = "", skus: int = 1, actor: Any = None) -> Product:
    return services.create_product(
        actor=actor,
        data=services.ProductInput(item_no=item_no, title="宝贝", description=description),
        skus=[
            services.SkuInput(merchant_code=f"{item_no}-{n}", size=str(n), price="59")
            for n in range(skus)
        ],
    )


def test_home_shows_the_editor_queues_with_counts_and_links(client_for: Any) -> None:
    _product("A", skus=0)
    _product("B", description="有描述")
    response = client_for("editor").get("/")
    # Other apps add queues of their own; the catalog's must be there with these counts.
    assert {
        ("Products without any SKU", 1, "/catalog/products/?missing=sku"),
        ("Products not listed in any shop", 2, "/catalog/products/?missing=listing"),
        ("Products without a description", 1, "/catalog/products/?missing=description"),
    } <= set(_queues(response)["Editor"])
    assert response.context["idle_roles"] == []


def test_home_says_nothing_to_do_for_an_empty_queue(client_for: Any) -> None:
    response = client_for("warehouse").get("/")
    assert ("SKUs without weight", 0, "/catalog/skus/?missing=weight") in _queues(response)[
        "Warehouse"
    ]
    assert "nothing to do" in response.content.decode()


def test_home_shows_each_role_of_a_person_with_several(client_for: Any) -> None:
    product = _product("A")
    ProductImage.objects.create(
        product=product, image="p/A-1.jpg", name="A-1.jpg", sequence=1, width=640, height=640
    )
    response = client_for("designer", "buyer", "finance").get("/")
    queues = _queues(response)
    assert queues["Designer"] == [
        ("Products without a main image", 0, "/catalog/products/?missing=main_image"),
        ("Products with fewer than 6 images", 1, "/catalog/products/?missing=images"),
        ("Main image not 710 px wide", 1, "/catalog/products/?missing=main_width"),
    ]
    assert ("SKUs without cost", 1, "/catalog/skus/?missing=cost") in queues["Buyer"]
    idle = [str(role.label) for role in response.context["idle_roles"]]
    assert idle == ([] if queues_of(Role.FINANCE) else ["Finance"])


def test_home_gives_the_manager_every_queue_once(
    client_for: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for("manager", "editor")
    # session, user, groups, permissions (2), then a few COUNT queries per queue at most
    with django_assert_max_num_queries(6 + 3 * len(QUEUES)):
        response = client.get("/")
    queues = _queues(response)
    assert list(queues) == ["Manager"]
    assert len(queues["Manager"]) == len(QUEUES)
    assert ("Hero products", 0, "/catalog/products/?hero=1") in queues["Manager"]


@pytest.mark.parametrize("role", ["analyst"])
def test_home_tells_roles_without_queues_so(client_for: Any, role: str) -> None:
    response = client_for(role).get("/")
    assert response.context["sections"] == []
    assert "There is no work waiting for your role yet." in response.content.decode()


def test_home_sends_an_anonymous_visitor_to_the_login_page(client: Client, db: Any) -> None:
    response = client.get("/")
    assert (response.status_code, response.url) == (302, "/login/?next=/")


def test_login_form_signs_in_and_lands_on_home(client: Client, make_user: Any) -> None:
    make_user("editor", username="xiaoli")
    page = client.get("/login/")
    assert page.status_code == 200
    response = client.post("/login/", {"username": "xiaoli", "password": PASSWORD})
    assert (response.status_code, response.url) == (302, "/")
    assert client.get("/").context["user"].username == "xiaoli"


def test_login_with_a_wrong_password_says_so(client: Client, make_user: Any) -> None:
    make_user("editor", username="xiaoli")
    response = client.post("/login/", {"username": "xiaoli", "password": "nope"})
    assert response.status_code == 200
    assert "Wrong username or password." in response.content.decode()


def test_logout_is_a_post_and_ends_the_session(client_for: Any) -> None:
    client = client_for("editor")
    assert client.get("/logout/").status_code == 405
    response = client.post("/logout/")
    assert (response.status_code, response.url) == (302, "/login/")
    assert client.get("/").status_code == 302


def test_top_bar_shows_name_roles_and_only_allowed_links(client: Client, make_user: Any) -> None:
    client.force_login(make_user("warehouse", "designer", username="laowang"))
    html = client.get("/").content.decode()
    assert "laowang" in html
    assert "Designer, Warehouse" in html
    assert 'href="/catalog/products/"' in html
    assert 'href="/catalog/skus/"' in html
    assert 'href="/catalog/products/new/"' not in html
    assert 'href="/audit/"' not in html
    assert 'action="/logout/"' in html
    assert "//cdn" not in html
    assert "https://" not in html


def test_refused_page_is_the_polite_403(client_for: Any) -> None:
    response = client_for("cs_presale").get("/audit/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "Sorry, this page is not for your role" in html
    assert 'href="/"' in html


def test_unknown_page_is_the_404_template(client_for: Any) -> None:
    response = client_for("editor").get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_pages_are_chinese_by_default(client_for: Any, settings: Any) -> None:
    settings.LANGUAGE_CODE = "zh-hans"
    html = client_for("editor").get("/").content.decode()
    assert '<html lang="zh-hans">' in html


def test_language_switch_turns_the_page_english(client_for: Any, settings: Any) -> None:
    settings.LANGUAGE_CODE = "zh-hans"
    client = client_for("editor")
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert (response.status_code, response.url) == (302, "/")
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Work waiting for you" in html


def _entry(actor: Any, when: datetime, object_repr: str) -> AuditEntry:
    product = Product.objects.get()
    entry = AuditEntry.objects.create(
        actor=actor,
        actor_name=actor.username,
        action="update",
        content_type=ContentType.objects.get_for_model(Product),
        object_id=str(product.pk),
        object_repr=object_repr,
        changes={"title": {"before": "旧", "after": "新"}},
    )
    AuditEntry.objects.filter(pk=entry.pk).update(created_at=when)
    return entry


def test_audit_list_filters_by_person_day_type_and_action(client_for: Any, make_user: Any) -> None:
    editor, buyer = make_user("editor", username="li"), make_user("buyer", username="wang")
    _product("A", actor=editor)  # creates the product and its SKU
    late = _entry(editor, datetime(2026, 3, 2, 23, 30, tzinfo=SHANGHAI), object_repr="A late")
    early = _entry(buyer, datetime(2026, 3, 3, 0, 10, tzinfo=SHANGHAI), object_repr="A early")
    client = client_for("manager")

    def found(**query: Any) -> list[str]:
        response = client.get("/audit/", query)
        return [entry.object_repr for entry in response.context["entries"]]

    # 23:30 on 2 March in Shanghai is 15:30 UTC: still 2 March in the shop's calendar.
    assert found(date_from="2026-03-02", date_to="2026-03-02") == [late.object_repr]
    assert found(date_from="2026-03-03", date_to="2026-03-03") == [early.object_repr]
    assert found(person=buyer.pk) == ["A early"]
    assert sorted(found(person=editor.pk, action="create")) == ["A 宝贝", "A-0"]
    sku_type = AuditEntry.objects.get(object_repr="A-0").content_type_id
    assert found(record_type=sku_type) == ["A-0"]


def test_audit_list_hides_costs_from_people_without_view_cost(
    client: Client, make_user: Any
) -> None:
    product = _product("A")
    services.update_sku(
        actor=None, sku_id=product.skus.get().pk, changes={"cost_price": "12.34", "weight_g": 250}
    )
    auditor = make_user(username="auditor")
    auditor.user_permissions.add(Permission.objects.get(codename="view_auditentry"))
    client.force_login(auditor)
    html = client.get("/audit/").content.decode()
    assert "12.34" not in html
    assert "hidden (you may not see this field)" in html
    assert "250" in html


def test_audit_list_shows_field_labels_and_choice_labels(client_for: Any) -> None:
    product = _product("A")
    services.update_product(actor=None, product_id=product.pk, product_line="promo")
    html = client_for("analyst").get("/audit/").content.decode()
    assert "<dt>product line</dt>" in html
    assert 'Profit item</span> → <span class="after">Promotion item' in html


def test_audit_list_shows_a_bad_date_and_applies_the_other_filters(
    client_for: Any, make_user: Any
) -> None:
    editor = make_user("editor", username="li")
    _product("A", actor=editor)
    response = client_for("manager").get(
        "/audit/", {"date_from": "not-a-date", "person": editor.pk}
    )
    assert response.status_code == 200
    assert list(response.context["filter_form"].errors) == ["date_from"]
    assert sorted(entry.object_repr for entry in response.context["entries"]) == ["A 宝贝", "A-0"]
