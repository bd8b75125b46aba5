"""Background work runs on both paths: the database queue with `db_worker`, and RQ on Redis."""

from __future__ import annotations

import pytest
import redis
from django.core.management import call_command
from django.test import override_settings

from zhanggui.core.models import WorkerHeartbeat
from zhanggui.core.tasks import record_worker_heartbeat

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
RQ_TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
TEST_REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.mark.django_db(transaction=True)
def test_database_queue_task_runs_only_when_the_worker_takes_it():
    with override_settings(TASKS=DATABASE_TASKS):
        result = record_worker_heartbeat.enqueue("default")
        assert not WorkerHeartbeat.objects.exists()

        call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)

        result.refresh()
        assert result.status == "SUCCESSFUL"
    assert WorkerHeartbeat.objects.get(queue="default").seen_at.isoformat() == result.return_value


@pytest.fixture
def redis_queue():
    connection = redis.Redis.from_url(TEST_REDIS_URL)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError:
        pytest.fail("Redis must run on 127.0.0.1:6379 (.ci/run starts it)")
    connection.flushdb()
    with override_settings(TASKS=RQ_TASKS, RQ_QUEUES={"default": {"URL": TEST_REDIS_URL}}):
        yield connection
    connection.flushdb()


@pytest.mark.django_db(transaction=True)
def test_rq_task_is_queued_in_redis_and_run_by_an_rq_worker(redis_queue):
    import django_rq
    from django_tasks_rq import Job
    from rq import SimpleWorker

    result = record_worker_heartbeat.enqueue("rq-default")
    queue = django_rq.get_queue("default", job_class=Job)
    assert queue.count == 1
    assert not WorkerHeartbeat.objects.exists()

    # SimpleWorker runs the job in this process, so it sees the test database.
    SimpleWorker([queue], connection=redis_queue, job_class=Job).work(burst=True)

    assert queue.count == 0
    assert WorkerHeartbeat.objects.filter(queue="rq-default").exists()
    result.refresh()
    assert result.status == "SUCCESSFUL"
