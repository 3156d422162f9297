"""Background work for conversations (run by `agora db_worker`)."""

from django_tasks import task


@task(queue_name="default")
def fan_out_task(post_id: int) -> int:
    from .feed import fan_out

    return fan_out(post_id)
