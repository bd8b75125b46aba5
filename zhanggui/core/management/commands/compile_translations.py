"""Compile the gettext catalogs (.po -> .mo) with polib, so a fresh machine needs no GNU
gettext installed. Skips catalogs whose .mo is newer than the .po."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polib
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile the .po translation catalogs to .mo files."

    def handle(self, *args: Any, **options: Any) -> None:
        compiled = 0
        app_locales = [Path(app.path) / "locale" for app in apps.get_app_configs()]
        project_dir = Path(settings.BASE_DIR) / "zhanggui"
        # Only our own catalogs: third-party apps ship compiled ones.
        ours = [d for d in app_locales if project_dir in d.parents]
        for locale_dir in [*map(Path, settings.LOCALE_PATHS), *ours]:
            for po_path in Path(locale_dir).glob("*/LC_MESSAGES/*.po"):
                mo_path = po_path.with_suffix(".mo")
                if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
                compiled += 1
        if options["verbosity"] > 1 or compiled:
            self.stdout.write(f"compiled {compiled} translation catalog(s)")
