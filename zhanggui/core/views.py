from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from zhanggui.core.models import WorkerHeartbeat


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for monitors: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any driver error means "down" to a monitor
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    body: dict[str, object] = {"status": "ok", "database": "ok"}
    heartbeat = WorkerHeartbeat.objects.filter(queue="default").first()
    body["worker_seen_at"] = (
        timezone.localtime(heartbeat.seen_at).isoformat() if heartbeat else None
    )
    return JsonResponse(body)
