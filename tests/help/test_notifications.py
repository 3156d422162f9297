"""HELP_MATCH and THANKS: the right people, never the author, preferences respected."""

import pytest

from agora.help import thanks
from agora.notifications.models import Notification
from agora.notifications.services import set_preference
from tests.api_factories import add_member, employee, make_community
from tests.factories import set_profile

from .helpers import answered_on, make_item

pytestmark = pytest.mark.django_db


def _told(kind):
    return set(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def test_new_request_tells_matching_offerers_and_topic_experts_not_the_author():
    ana, offerer, expert, shy, stranger = (employee() for _ in range(5))
    make_item(offerer, kind="offer", title="Kubernetes troubleshooting", tags=["kubernetes"])
    make_item(ana, kind="offer", title="Kubernetes troubleshooting", tags=["kubernetes"])
    answered_on(expert, "kubernetes")
    answered_on(shy, "kubernetes")
    set_profile(shy, expert_suggestible=False)
    Notification.objects.all().delete()
    request = make_item(ana, title="Cluster keeps restarting", tags=["kubernetes"])
    assert _told("help_match") == {offerer.username, expert.username}
    note = Notification.objects.get(recipient=offerer)
    assert note.actor == ana and note.help_item == request
    assert stranger.username not in _told("help_match")


def test_new_offer_tells_the_authors_of_matching_requests():
    ana, bob = employee(), employee()
    make_item(ana, title="Need SQL tuning", tags=["sql"])
    Notification.objects.all().delete()
    make_item(bob, kind="offer", title="I tune SQL queries", tags=["sql"])
    assert _told("help_match") == {ana.username}


def test_at_most_a_few_people_are_told():
    ana = employee()
    for _ in range(6):
        make_item(employee(), kind="offer", title="Excel macros", tags=["excel"])
    Notification.objects.all().delete()
    make_item(ana, title="Excel macro broken", tags=["excel"])
    assert len(_told("help_match")) == 3


def test_preference_off_means_no_match_notification():
    ana, offerer = employee(), employee()
    make_item(offerer, kind="offer", title="Excel macros", tags=["excel"])
    set_preference(offerer, "help_match", in_app=False, email=False)
    Notification.objects.all().delete()
    make_item(ana, title="Excel macro broken", tags=["excel"])
    assert _told("help_match") == set()


def test_secret_request_never_notifies_outsiders():
    owner, ana, outsider = employee(), employee(), employee()
    secret = make_community(owner, kind="secret")
    add_member(secret, ana)
    make_item(outsider, kind="offer", title="Excel macros", tags=["excel"])
    Notification.objects.all().delete()
    make_item(ana, title="Excel macro broken", tags=["excel"], community=secret)
    assert _told("help_match") == set()


def test_response_tells_the_author_and_thanks_tell_each_helper():
    ana, bob, cyd = employee(), employee(), employee()
    request = make_item(ana, title="Moving boxes on Friday")
    Notification.objects.all().delete()
    thanks.respond(bob, request.pk, "I have a van")
    note = Notification.objects.get(recipient=ana)
    assert note.kind == "help_response" and note.actor == bob
    thanks.thank(ana, request.pk, [bob.username, cyd.username], "Thanks!")
    assert _told("thanks") == {bob.username, cyd.username}
    assert not Notification.objects.filter(recipient=ana, kind="thanks").exists()


def test_thanks_respect_the_preference():
    ana, bob = employee(), employee()
    request = make_item(ana, title="Moving boxes on Friday")
    set_preference(bob, "thanks", in_app=False, email=False)
    thanks.thank(ana, request.pk, [bob.username])
    assert _told("thanks") == set()
    # The thanks itself is still recorded for the profile.
    assert thanks.thanks_received(bob, bob).count == 1


def test_matching_runs_in_the_background(settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    ana, offerer = employee(), employee()
    make_item(offerer, kind="offer", title="Excel macros", tags=["excel"])
    Notification.objects.all().delete()
    item = make_item(ana, title="Excel macro broken", tags=["excel"])
    assert _told("help_match") == set()  # publishing did not wait
    queued = DBTaskResult.objects.filter(task_path="agora.help.tasks.announce_task")
    assert [r.args_kwargs["args"] for r in queued][-1] == [item.pk]
