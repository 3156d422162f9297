"""Background work for notifications (run by `agora db_worker`).

The digest task keeps itself scheduled: each run enqueues the next one AGORA_DIGEST_INTERVAL
seconds later (default: an hour), so a running worker sends digests periodically without
cron. `ensure_scheduled()` starts the chain (idempotent: at most one pending run exists);
`agora send_digests --schedule` calls it, and so may the worker's start-up.
"""

import datetime as dt
import logging

from django.conf import settings
from django.utils import timezone
from django_tasks import task

log = logging.getLogger(__name__)


def digest_interval() -> int:
    return int(getattr(settings, "AGORA_DIGEST_INTERVAL", 3600))


@task(queue_name="default")
def send_digests_task() -> int:
    from .digest import send_all

    try:
        return send_all()
    finally:
        # Even if this run failed, the next one must happen.
        ensure_scheduled()


def _pending_run_exists(backend) -> bool | None:
    """Whether a run is already waiting in the database backend (None: not that backend)."""
    try:
        from django_tasks_db.backend import DatabaseBackend
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - the database backend is a dependency
        return None
    if not isinstance(backend, DatabaseBackend):
        return None
    return (
        DBTaskResult.objects.filter(task_path=send_digests_task.module_path)
        .filter(status="READY", backend_name=backend.alias)
        .exists()
    )


def ensure_scheduled(delay: int | None = None):
    """Enqueue the next digest run `delay` seconds from now (default: the interval) unless
    one is already pending. Only backends that can defer a task keep a schedule (the
    immediate backend would run it now, and again, forever). Returns the task result or
    None."""
    backend = send_digests_task.get_backend()
    if not backend.supports_defer:
        return None
    if _pending_run_exists(backend):
        return None
    seconds = digest_interval() if delay is None else delay
    run_after = timezone.now() + dt.timedelta(seconds=max(seconds, 0))
    return send_digests_task.using(run_after=run_after).enqueue()
