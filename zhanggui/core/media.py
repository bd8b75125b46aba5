from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.static import serve


@login_required
def protected_media(request: HttpRequest, path: str) -> HttpResponse:
    """Uploaded files (product images) for signed-in staff only; no CDN, the shop's own disk."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)
