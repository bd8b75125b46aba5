"""Background tasks of the core app."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from zhanggui.core.models import WorkerHeartbeat


@task()
def record_worker_heartbeat(queue: str = "default") -> str:
    """Prove a worker is taking jobs: stamp the queue's heartbeat (idempotent)."""
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(queue=queue, defaults={"seen_at": now})
    return now.isoformat()
