"""The `zhanggui` console script: a thin front to Django's management commands.

Commands are snake_case in Django; the stable interface (API.md) spells some with dashes
(`import-orders`, `parse-address`), so dashes are turned into underscores.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhanggui.config.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    argv[0] = "zhanggui"
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
