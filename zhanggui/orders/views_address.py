"""The "paste receiver text" box of the order pages: the text in, its parts out as JSON,
for the page to fill the receiver fields with (the operator checks them before saving)."""

from __future__ import annotations

from typing import Final

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhanggui.orders.addresses import parse_address
from zhanggui.staff.roles import VIEW_ORDERS

# Receiver text is a few lines; anything far longer is not one and would only cost time.
MAX_TEXT_LENGTH: Final = 500


@require_POST
@login_required
@permission_required(VIEW_ORDERS, raise_exception=True)
def parse_address_view(request: HttpRequest) -> JsonResponse:
    """POST `text` -> {"name", "phone", "province", "city", "district", "address",
    "postcode", "resolved"}; missing parts are null. 400 when `text` is empty or too long."""
    text = request.POST.get("text", "").strip()
    if not text:
        return JsonResponse(
            {"error": "invalid", "field": "text", "detail": _("Paste the receiver's text.")},
            status=400,
        )
    if len(text) > MAX_TEXT_LENGTH:
        detail = _("The text is longer than %(limit)d characters.") % {"limit": MAX_TEXT_LENGTH}
        return JsonResponse({"error": "invalid", "field": "text", "detail": detail}, status=400)
    parsed = parse_address(text)
    return JsonResponse({**parsed.as_dict(), "resolved": parsed.resolved})
