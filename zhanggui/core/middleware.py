"""Chinese first: operator pages speak the shop's language (LANGUAGE_CODE, zh-hans by default)
until a person picks another with the switch in the top bar (a cookie). A shop PC whose
browser happens to be set to English still opens the back office in Chinese.

The API answers in the request's Accept-Language, as its contract says (API.md)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ShopLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        if request.path.startswith("/api/"):
            super().process_request(request)
            return
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
