"""`zhanggui parse-address`: through call_command, and once through the real console script."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.utils import translation

TAOBAO_TEXT = "张三，13812345678，浙江省 杭州市 西湖区 文三路 90号 ，310012"
TAOBAO_PARTS = {
    "name": "张三",
    "phone": "13812345678",
    "province": "浙江省",
    "city": "杭州市",
    "district": "西湖区",
    "address": "文三路 90号",
    "postcode": "310012",
}
NULLS = dict.fromkeys(TAOBAO_PARTS)


def _run(*args: str, stdin: str | None = None) -> str:
    out = StringIO()
    options = {"stdin": StringIO(stdin)} if stdin is not None else {}
    call_command("parse_address", *args, stdout=out, **options)
    return out.getvalue()


def test_json_prints_exactly_one_object_with_the_api_keys() -> None:
    output = _run(TAOBAO_TEXT, "--json")

    assert output.count("\n") == 1
    assert json.loads(output) == TAOBAO_PARTS
    assert "张三" in output  # ensure_ascii=False: readable Chinese, not \u escapes


def test_words_of_an_unquoted_text_are_joined() -> None:
    output = _run("张三", "13812345678", "广西南宁青秀区民族大道1号", "--json")

    assert json.loads(output)["province"] == "广西壮族自治区"


def test_unresolved_text_prints_nulls_and_succeeds() -> None:
    output = _run("请尽快发货", "--json")  # call_command raises on a non-zero exit

    assert json.loads(output) == {**NULLS, "address": "请尽快发货"}


def test_human_form_prints_one_field_per_line() -> None:
    with translation.override("en"):
        output = _run(TAOBAO_TEXT)

    assert output.splitlines() == [
        "Name: 张三",
        "Phone: 13812345678",
        "Province: 浙江省",
        "City: 杭州市",
        "District: 西湖区",
        "Address: 文三路 90号",
        "Postcode: 310012",
        "Resolved: yes",
    ]


def test_stdin_gives_one_object_per_line_and_nulls_for_blank_lines() -> None:
    output = _run("-", "--json", stdin=f"{TAOBAO_TEXT}\n\n北京朝阳区建国路88号\n")

    answers = [json.loads(line) for line in output.splitlines()]
    assert answers == [
        TAOBAO_PARTS,
        NULLS,
        {
            **NULLS,
            "province": "北京市",
            "city": "北京市",
            "district": "朝阳区",
            "address": "建国路88号",
        },
    ]


def test_console_script_reads_stdin() -> None:
    # The script installed beside this interpreter (the venv's), else the one on PATH.
    script = Path(sys.executable).with_name("zhanggui")
    if not script.exists():
        script = Path(shutil.which("zhanggui") or "zhanggui")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "zhanggui.config.settings"}

    result = subprocess.run(
        [str(script), "parse-address", "-", "--json"],
        input=f"{TAOBAO_TEXT}\n李四13900001111广东深圳南山区科技园\n",
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert answers[0] == TAOBAO_PARTS
    assert answers[1] == {
        "name": "李四",
        "phone": "13900001111",
        "province": "广东省",
        "city": "深圳市",
        "district": "南山区",
        "address": "科技园",
        "postcode": None,
    }
