"""Background work for help (run by `agora db_worker`): telling the few people who match a new
request or offer, so publishing never waits on the expert finder."""

from django_tasks import task


@task(queue_name="default")
def announce_task(item_id: int) -> int:
    from .matching import notify_matches
    from .models import HelpItem

    item = HelpItem.objects.select_related("author", "community").filter(pk=item_id).first()
    if item is None or item.hidden_at is not None:
        return 0
    return len(notify_matches(item))
