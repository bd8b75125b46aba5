"""`zhanggui print-waybills`: pages in the order given, the JSON summary, exit codes."""

from __future__ import annotations

import io
import json

from django.core.management import call_command
from django.core.management.base import CommandError

from zhanggui.fulfillment.models import LabelBatch, Parcel
from zhanggui.fulfillment.tests.test_printing import approved_order, fill_pool, page_texts
from zhanggui.orders.models import Order, OrderStatus
from zhanggui.orders.tests.factories import make_order


def _run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("print_waybills", *args, stdout=out, stderr=err)
    except CommandError as error:
        return error.returncode, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_prints_one_page_per_order_in_the_order_given(db, tmp_path):
    numbers = fill_pool("STO", 5)
    orders = [approved_order() for _ in range(3)]
    asked = [orders[2].pk, orders[0].pk, orders[1].pk]
    out = tmp_path / "labels.pdf"

    code, stdout, _err = _run("--orders", ",".join(map(str, asked)), "--size", "100x180",
                              "--out", str(out), "--json")  # fmt: skip

    assert code == 0
    body = json.loads(stdout)
    assert body["printed"] == 3
    assert body["refused"] == []
    assert [page["order_id"] for page in body["pages"]] == asked
    assert [page["tracking_no"] for page in body["pages"]] == numbers[:3]
    texts = page_texts(out.read_bytes())
    assert len(texts) == 3
    for text, page in zip(texts, body["pages"], strict=True):
        assert page["tracking_no"] in text
        assert page["order_no"] in text
    assert LabelBatch.objects.get().size == "100x180"


def test_an_order_printed_before_keeps_its_number(db, tmp_path):
    fill_pool("STO", 5)
    order = approved_order()
    out = tmp_path / "labels.pdf"
    _run("--orders", str(order.pk), "--out", str(out))
    first = Parcel.objects.get().tracking_no

    code, stdout, _err = _run("--orders", str(order.pk), "--out", str(out), "--json")

    assert code == 0
    assert json.loads(stdout)["pages"][0]["tracking_no"] == first
    assert Parcel.objects.get().print_count == 2


def test_refused_orders_are_listed_the_rest_printed_exit_1(db, tmp_path):
    fill_pool("STO", 5)
    good = approved_order()
    held = make_order(None, ("NOPE-1", 1))
    out = tmp_path / "labels.pdf"

    code, stdout, _err = _run("--orders", f"{held.pk},{good.pk}", "--out", str(out), "--json")

    assert code == 1
    body = json.loads(stdout)
    assert body["printed"] == 1
    assert [(r["order_id"], r["code"]) for r in body["refused"]] == [(held.pk, "wrong_status")]
    assert len(page_texts(out.read_bytes())) == 1


def test_strict_prints_nothing_when_one_is_refused(db, tmp_path):
    fill_pool("STO", 5)
    good = approved_order()
    held = make_order(None, ("NOPE-2", 1))
    out = tmp_path / "labels.pdf"

    code, stdout, _err = _run("--orders", f"{good.pk},{held.pk}", "--out", str(out), "--json",
                              "--strict")  # fmt: skip

    assert code == 2
    assert [r["order_id"] for r in json.loads(stdout)["refused"]] == [held.pk]
    assert not out.exists()
    assert Order.objects.get(pk=good.pk).status == OrderStatus.APPROVED


def test_nothing_printable_exits_2_without_a_file(db, tmp_path):
    order = approved_order()  # the pool is empty
    out = tmp_path / "labels.pdf"

    code, _stdout, err = _run("--orders", str(order.pk), "--out", str(out))

    assert code == 2
    assert str(order) in err
    assert not out.exists()


def test_bad_input_exits_2(db, tmp_path):
    out = str(tmp_path / "x.pdf")
    assert _run("--orders", "1,abc", "--out", out)[0] == 2
    assert _run("--orders", "1", "--size", "1x1", "--out", out, "--json")[0] == 2
