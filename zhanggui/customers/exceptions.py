from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhanggui.core.errors import Conflict


class DuplicateCustomer(Conflict):
    code = "duplicate_customer"
    default_message = _("This buyer is already a customer on this channel.")
