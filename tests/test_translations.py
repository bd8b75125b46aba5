"""Chinese first: every message of our apps has a zh-hans translation, and it is served."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from django.utils import translation

APPS_DIR = Path(__file__).resolve().parent.parent / "zhanggui"
CATALOGS = sorted(APPS_DIR.glob("*/locale/zh_Hans/LC_MESSAGES/django.po"))


def test_every_app_with_messages_has_a_chinese_catalog():
    apps = {path.parts[-5] for path in CATALOGS}
    assert {"core", "staff", "catalog"} <= apps


@pytest.mark.parametrize("po_path", CATALOGS, ids=lambda path: path.parts[-5])
def test_catalog_has_no_untranslated_or_fuzzy_message(po_path: Path):
    catalog = polib.pofile(str(po_path))
    missing = [entry.msgid for entry in catalog.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalog.fuzzy_entries()]
    assert (missing, fuzzy) == ([], [])


def test_chinese_is_served_by_default():
    with translation.override("zh-hans"):
        assert translation.gettext("Products") == "商品"
