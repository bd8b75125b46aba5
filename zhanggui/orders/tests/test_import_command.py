"""`zhanggui import-orders`: JSON summary, human summary, exit codes."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from zhanggui.orders.imports.samples import ORDER_HEADER_2021
from zhanggui.orders.models import Order
from zhanggui.orders.tests.factories import make_skus
from zhanggui.orders.tests.import_files import sample, taobao_files


@pytest.fixture
def export(tmp_path, manager):
    make_skus(manager, "K-S", on_hand=5)

    def write(orders, **options):
        paths = []
        for name, content in taobao_files(orders, **options):
            path = tmp_path / name
            path.write_bytes(content)
            paths.append(str(path))
        return paths

    return write


def _run(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_orders", *args, stdout=out, stderr=err)
    except CommandError as error:
        return error.returncode, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_json_prints_exactly_the_summary_and_twice_is_unchanged(export, monkeypatch):
    monkeypatch.setattr("zhanggui.orders.imports.importer.auto_review", lambda ids, actor=None: 0)
    paths = export([sample(1), sample(2)])
    code, out, _err = _run("--channel", "taobao", *paths, "--json")
    assert code == 0
    assert json.loads(out) == {
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "rejected": 0,
        "errors": [],
    }
    code, out, _err = _run("--channel", "taobao", *paths, "--json")
    assert json.loads(out)["unchanged"] == 2


def test_rejected_orders_exit_1_and_are_named_by_file_row_and_column(export):
    paths = export([sample(1), sample(2, paid="昨天")])
    code, out, _err = _run("--channel", "taobao", *paths, "--json")
    assert code == 1
    body = json.loads(out)
    assert (body["created"], body["rejected"]) == (1, 1)
    assert [(error["row"], error["field"]) for error in body["errors"]] == [(3, "订单付款时间")]
    assert set(body["errors"][0]) == {"row", "field", "message"}
    code, _out, err = _run("--channel", "taobao", *export([sample(3, paid="昨天")]))
    assert code == 1
    assert "ExportOrderList201809011818.csv" in err
    assert "订单付款时间" in err


def test_an_unusable_file_exits_2_and_imports_nothing(export):
    header = [name for name in ORDER_HEADER_2021 if name != "订单状态"]
    paths = export([sample(1)], header=header)
    code, out, _err = _run("--channel", "taobao", *paths, "--json")
    assert code == 2
    body = json.loads(out)
    assert body["created"] == body["rejected"] == 0
    assert [(error["row"], error["field"]) for error in body["errors"]] == [(1, "订单状态")]
    assert "订单状态" in body["errors"][0]["message"]
    assert not Order.objects.exists()
    code, _out, _err = _run("--channel", "taobao", "/nonexistent/ExportOrderList.csv")
    assert code == 2


def test_an_unknown_shop_exits_2(export):
    code, _out, _err = _run("--channel", "taobao", *export([sample(1)]), "--shop", "nope")
    assert code == 2


def test_the_human_summary_counts_and_points_at_unmatched_codes(export):
    code, out, err = _run("--channel", "tmall", *export([sample(1, ("WHO-7", 1))]))
    assert code == 0
    assert "WHO-7" in out
    assert "import" in err  # the progress bar
    assert Order.objects.get().channel == "tmall"
