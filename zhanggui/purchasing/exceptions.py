from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhanggui.core.errors import Conflict


class DuplicateSupplier(Conflict):
    code = "duplicate_supplier"
    default_message = _("A supplier with this name already exists.")
