"""Background work for questions (run by `agora db_worker`, started by `agora serve`).

`route_question_task` asks the first experts once a question is committed. `escalate_task`
keeps itself scheduled like the notification digest (agora/notifications/tasks.py): each run
asks the next experts about questions still unanswered after the delay, then enqueues the next
run AGORA_EXPERT_ESCALATION_CHECK seconds later. `ensure_scheduled()` starts the chain
(idempotent); `agora serve` and `agora route_questions --schedule` call it.
"""

import datetime as dt
import logging

from django.conf import settings
from django.utils import timezone
from django_tasks import task

log = logging.getLogger(__name__)


def check_interval() -> int:
    return int(getattr(settings, "AGORA_EXPERT_ESCALATION_CHECK", 600))


@task(queue_name="default")
def route_question_task(question_id: int) -> int:
    from .routing import route_question

    return len(route_question(question_id))


@task(queue_name="default")
def escalate_task() -> int:
    from .routing import escalate_unanswered

    try:
        return escalate_unanswered()
    finally:
        # Even if this run failed, the next one must happen.
        ensure_scheduled()


def _pending_run_exists(backend) -> bool | None:
    try:
        from django_tasks_db.backend import DatabaseBackend
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - the database backend is a dependency
        return None
    if not isinstance(backend, DatabaseBackend):
        return None
    return DBTaskResult.objects.filter(
        task_path=escalate_task.module_path, status="READY", backend_name=backend.alias
    ).exists()


def ensure_scheduled(delay: int | None = None):
    """Enqueue the next escalation run `delay` seconds from now (default: the check interval)
    unless one is pending. Only backends that can defer keep a schedule (the immediate one
    would recurse forever). Returns the task result or None."""
    backend = escalate_task.get_backend()
    if not backend.supports_defer or _pending_run_exists(backend):
        return None
    seconds = check_interval() if delay is None else delay
    run_after = timezone.now() + dt.timedelta(seconds=max(seconds, 0))
    return escalate_task.using(run_after=run_after).enqueue()
