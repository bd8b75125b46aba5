from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from zhanggui.inventory.models import StockMove
from zhanggui.purchasing import services
from zhanggui.purchasing.models import ExchangeList, Supplier, SupplierLedgerEntry
from zhanggui.purchasing.tests.factories import counts, make_product, make_supplier, placed_order

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"


def _supplier_form(name="濮院锦程针织", contacts=()):
    data = {
        "name": name,
        "lead_time_days": "5",
        "is_active": "on",
        "contacts-TOTAL_FORMS": str(len(contacts)),
        "contacts-INITIAL_FORMS": "0",
    }
    for index, (contact_name, phone) in enumerate(contacts):
        data |= {f"contacts-{index}-name": contact_name, f"contacts-{index}-phone": phone}
    return data


def test_create_supplier_with_contacts(client_for):
    client = client_for("buyer")
    response = client.post(
        reverse("purchasing:supplier_create"),
        _supplier_form(contacts=[("王老板", "13800138000"), ("小李", "")]),
    )
    assert response.status_code == 302
    supplier = Supplier.objects.get()
    assert list(supplier.contacts.values_list("name", "phone")) == [
        ("王老板", "13800138000"),
        ("小李", ""),
    ]


def test_edit_supplier_keeps_shown_contacts_and_drops_cleared_ones(client_for):
    supplier = services.create_supplier(
        actor=None,
        data=services.SupplierInput(name="濮院锦程针织"),
        contacts=[services.ContactInput("王老板"), services.ContactInput("小李")],
    )
    client = client_for("buyer")
    url = reverse("purchasing:supplier_edit", kwargs={"pk": supplier.pk})
    page = client.get(url)
    assert page.context["rows"].forms[0]["name"].value() == "王老板"
    data = _supplier_form(contacts=[("王老板", ""), ("", "")]) | {"contacts-INITIAL_FORMS": "2"}
    client.post(url, data | {"lead_time_days": "9"})
    supplier.refresh_from_db()
    assert supplier.lead_time_days == 9
    assert list(supplier.contacts.values_list("name", flat=True)) == ["王老板"]


def test_create_supplier_with_a_taken_name_says_so_on_the_name(client_for):
    make_supplier("濮院锦程针织")
    response = client_for("buyer").post(reverse("purchasing:supplier_create"), _supplier_form())
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == ["A supplier with this name already exists."]
    assert Supplier.objects.count() == 1


@pytest.fixture
def owed_supplier():
    make_product("T-100")
    supplier = make_supplier("=HYPERLINK(1)")
    order = placed_order(supplier, [("T-100-W-S", 5, "20")], transport_cost="10")
    services.receive_purchase_order(
        actor=None, purchase_order_id=order.pk, counts=counts(order, T_100_W_S=(5, 2))
    )
    return supplier


def test_supplier_list_shows_balance_only_to_ledger_readers(client_for, owed_supplier):
    finance = client_for("finance").get(reverse("purchasing:supplier_list")).content.decode()
    assert "¥110.00" in finance
    warehouse = client_for("warehouse").get(reverse("purchasing:supplier_list")).content.decode()
    assert "=HYPERLINK(1)" in warehouse
    assert "¥110.00" not in warehouse


def test_finance_records_a_payment(client_for, owed_supplier):
    client = client_for("finance")
    response = client.post(
        reverse("purchasing:payment_create", kwargs={"pk": owed_supplier.pk}),
        {"amount": "60", "paid_on": timezone.localdate().isoformat(), "method": "bank"},
    )
    assert response.status_code == 302
    ledger = client.get(reverse("purchasing:supplier_ledger", kwargs={"pk": owed_supplier.pk}))
    assert ledger.context["balance"] == Decimal("50.00")
    assert "¥60.00" in ledger.content.decode()


def test_payment_form_shows_a_bad_amount_on_its_field(client_for, owed_supplier):
    response = client_for("finance").post(
        reverse("purchasing:payment_create", kwargs={"pk": owed_supplier.pk}),
        {"amount": "0", "paid_on": timezone.localdate().isoformat(), "method": "bank"},
    )
    assert response.context["form"].errors["amount"] == ["A payment is an amount in yuan above 0."]
    assert not SupplierLedgerEntry.objects.filter(kind="payment").exists()


def test_statement_page_and_formula_safe_xlsx(client_for, owed_supplier):
    services.record_payment(
        actor=None,
        supplier_id=owed_supplier.pk,
        amount="10",
        paid_on=timezone.localdate(),
        method="alipay",
        reference="=1+1",
    )
    client = client_for("analyst")
    url = reverse("purchasing:supplier_statement", kwargs={"pk": owed_supplier.pk})
    page = client.get(url)
    assert page.context["statement"].closing == Decimal("100.00")
    response = client.get(url + "?format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [row[6] for row in rows[2:4]] == [100, 10]  # goods, transport
    assert rows[4][5] == "'=1+1"  # a typed reference never runs as a formula
    assert rows[4][7] == 10
    assert rows[-1][-1] == 100


def test_exchange_pages_receive_close_and_print(client_for, owed_supplier):
    exchange = ExchangeList.objects.get()
    line = exchange.lines.get()
    warehouse = client_for("warehouse")
    detail = warehouse.get(reverse("purchasing:exchange_detail", kwargs={"pk": exchange.pk}))
    assert "Exchanged goods back from the supplier" in detail.content.decode()
    warehouse.post(
        reverse("purchasing:exchange_receive", kwargs={"pk": exchange.pk}),
        {"warehouse": "main", f"back_{line.pk}": "1"},
    )
    client_for("buyer").post(reverse("purchasing:exchange_close", kwargs={"pk": exchange.pk}))
    exchange.refresh_from_db()
    assert exchange.status == "closed"
    kept = StockMove.objects.get(warehouse__code="defective")
    assert (kept.kind, kept.quantity) == ("exchange_in", 1)
    pdf = warehouse.get(reverse("purchasing:exchange_pdf", kwargs={"pk": exchange.pk}))
    assert pdf.content.startswith(b"%PDF")
