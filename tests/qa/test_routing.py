"""Routing questions to likely experts: the best candidates of the expert finder are asked,
never the asker, never someone who opted out (profile or notification settings) or who cannot
read the question; the load is spread over people; after the delay with no answer the next
ones are asked, round after round up to the maximum. Time is controlled through `now=`."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from agora.notifications import services as notification_services
from agora.notifications.models import Notification
from agora.qa import queries, routing
from agora.qa.models import ExpertRequest, Question
from agora.qa.votes import accept
from tests.api_factories import add_member, employee, make_community
from tests.factories import set_profile
from tests.qa.helpers import answer, ask

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def make_expert(tag: str, answers: int = 1, accepted: int = 0, **kwargs):
    """Someone with a track record on `tag`: `answers` answers, `accepted` of them accepted."""
    expert = employee(**kwargs)
    for i in range(answers):
        asker = employee()
        q = ask(asker, f"Question number {i} about {tag} things?", tags=[tag])
        a = answer(expert, q, f"Here is how {tag} works")
        if i < accepted:
            accept(asker, a.pk)
    return expert


def asked_ids(question) -> set[int]:
    return set(ExpertRequest.objects.filter(question=question).values_list("expert_id", flat=True))


def test_the_best_experts_are_asked_and_told(settings):
    settings.AGORA_EXPERT_ROUTING_COUNT = 2
    best = make_expert("kubernetes", answers=3, accepted=2)
    second = make_expert("kubernetes", answers=2, accepted=1)
    third = make_expert("kubernetes", answers=1)
    asker = employee()
    q = ask(asker, "How do I drain a kubernetes node safely?", tags=["kubernetes"])
    created = routing.route_question(q.pk)
    assert {r.expert_id for r in created} == {best.pk, second.pk}
    assert third.pk not in asked_ids(q)
    request = ExpertRequest.objects.get(question=q, expert=best)
    assert request.round == 1 and request.reasons[0]["kind"] == "accepted_on_tag"
    assert "accepted" in request.shown_reason
    note = Notification.objects.get(recipient=best, kind="expert_asked")
    assert note.post_id == q.pk and note.actor == asker
    q.refresh_from_db()
    assert q.routing_round == 1 and q.routed_at is not None
    # the asker sees who was asked; others don't, an expert sees their own request
    assert {r.expert_id for r in queries.who_was_asked(asker, q)} == {best.pk, second.pk}
    assert queries.who_was_asked(third, q) == []
    assert [r.expert_id for r in queries.who_was_asked(best, q)] == [best.pk]
    # running the same round again (task and command racing) asks nobody twice
    assert routing.route_question(q.pk) == []


def test_the_asker_is_never_asked(settings):
    settings.AGORA_EXPERT_ROUTING_COUNT = 3
    asker = make_expert("terraform", answers=3, accepted=3)
    other = make_expert("terraform", answers=1)
    q = ask(asker, "Why does terraform plan show drift?", tags=["terraform"])
    routing.route_question(q.pk)
    assert asked_ids(q) == {other.pk}


def test_people_who_opted_out_are_not_asked(settings):
    settings.AGORA_EXPERT_ROUTING_COUNT = 5
    opted_out = make_expert("postgres", answers=3, accepted=2)
    set_profile(opted_out, expert_suggestible=False)
    muted = make_expert("postgres", answers=3, accepted=2)
    notification_services.set_preference(muted, "expert_asked", in_app=False, email=False)
    email_only = make_expert("postgres", answers=2)
    notification_services.set_preference(email_only, "expert_asked", in_app=False, email=True)
    inactive = make_expert("postgres", answers=3)
    inactive.is_active = False
    inactive.save()
    willing = make_expert("postgres", answers=1)
    q = ask(employee(), "How do I tune postgres autovacuum?", tags=["postgres"])
    routing.route_question(q.pk)
    assert asked_ids(q) == {email_only.pk, willing.pk}


def test_only_people_who_can_read_the_question_are_asked(settings):
    settings.AGORA_EXPERT_ROUTING_COUNT = 3
    owner = employee()
    secret = make_community(owner, kind="secret")
    member = make_expert("payroll", answers=1)
    add_member(secret, member)
    outsider = make_expert("payroll", answers=3, accepted=3)
    q = ask(owner, "When is the payroll closed this month?", tags=["payroll"], community=secret)
    routing.route_question(q.pk)
    assert asked_ids(q) == {member.pk}
    assert not Notification.objects.filter(recipient=outsider, kind="expert_asked").exists()


def test_choose_discounts_scores_by_recent_load():
    class C:
        def __init__(self, pk, score):
            self.user = type("U", (), {"pk": pk})()
            self.score = score

    a, b, c, d = C(1, 10.0), C(2, 9.0), C(3, 6.0), C(4, 6.0)
    assert [x.user.pk for x in routing.choose([a, b, c, d], {}, 2)] == [1, 2]
    # 1 was asked four times this week: 10 / 3 = 3.3 falls behind 9, 6 and 6
    assert [x.user.pk for x in routing.choose([a, b, c, d], {1: 4}, 3)] == [2, 3, 4]
    # equal adjusted scores: the higher raw score, then the lower id
    assert [x.user.pk for x in routing.choose([d, c], {}, 2)] == [3, 4]


def test_load_is_spread_over_several_people(settings):
    settings.AGORA_EXPERT_ROUTING_COUNT = 1
    experts = [make_expert("excel", answers=2, accepted=1) for _ in range(3)]
    asked = []
    for i in range(6):
        q = ask(employee(), f"Excel question {i}: how do I pivot this?", tags=["excel"])
        asked += [r.expert_id for r in routing.route_question(q.pk)]
    # equally good people share the questions rather than one getting all six
    assert sorted(asked.count(e.pk) for e in experts) == [2, 2, 2]
    # requests older than the load window no longer count
    ExpertRequest.objects.update(
        asked_at=timezone.now() - routing.LOAD_WINDOW - dt.timedelta(hours=1)
    )
    assert routing.recent_load([e.pk for e in experts]) == {}


def test_escalation_asks_the_next_experts_after_the_delay(settings):
    settings.AGORA_EXPERT_ROUTING_COUNT = 2
    settings.AGORA_EXPERT_ESCALATION_DELAY = 3600
    settings.AGORA_EXPERT_MAX_ROUNDS = 3
    experts = [make_expert("ansible", answers=5 - i, accepted=max(0, 3 - i)) for i in range(5)]
    q = ask(employee(), "Why is my ansible playbook so slow?", tags=["ansible"])
    start = timezone.now()
    routing.route_question(q.pk, now=start)
    first = asked_ids(q)
    assert first == {experts[0].pk, experts[1].pk}

    # not yet: the delay has not passed
    assert routing.escalate_unanswered(now=start + dt.timedelta(minutes=59)) == 0
    # after the delay the next two are asked, in round 2
    assert routing.escalate_unanswered(now=start + dt.timedelta(hours=1, seconds=1)) == 2
    second = asked_ids(q) - first
    assert second == {experts[2].pk, experts[3].pk}
    assert set(ExpertRequest.objects.filter(round=2).values_list("expert_id", flat=True)) == second
    # round 3, then no more rounds
    assert routing.escalate_unanswered(now=start + dt.timedelta(hours=2, seconds=2)) == 1
    assert Question.objects.get(pk=q.pk).routing_round == 3
    assert routing.escalate_unanswered(now=start + dt.timedelta(hours=9)) == 0


def test_an_answered_or_closed_question_is_not_escalated(settings):
    settings.AGORA_EXPERT_ROUTING_COUNT = 1
    settings.AGORA_EXPERT_ESCALATION_DELAY = 60
    experts = [make_expert("docker", answers=2) for _ in range(3)]
    answered = ask(employee(), "Why does docker build ignore my cache?", tags=["docker"])
    closed = ask(employee(), "Why does docker compose not start?", tags=["docker"])
    start = timezone.now()
    routing.route_question(answered.pk, now=start)
    routing.route_question(closed.pk, now=start)
    answer(experts[2], answered)
    Question.objects.filter(pk=closed.pk).update(closed_at=start)
    assert routing.escalate_unanswered(now=start + dt.timedelta(minutes=5)) == 0


def test_asking_routes_in_the_background_on_commit(settings):
    settings.TASKS = IMMEDIATE
    settings.AGORA_EXPERT_ROUTING_COUNT = 3
    expert = make_expert("sap", answers=1)
    q = ask(employee(), "How do I post an invoice in SAP?", tags=["sap"])
    assert asked_ids(q) == {expert.pk}


def test_the_route_questions_command(settings, capsys):
    settings.AGORA_EXPERT_ROUTING_COUNT = 1
    settings.AGORA_EXPERT_ESCALATION_DELAY = 0
    experts = [make_expert("jira", answers=2) for _ in range(2)]
    q = ask(employee(), "How do I bulk-edit jira tickets?", tags=["jira"])
    call_command("route_questions", question=q.pk)
    assert "round 1" in capsys.readouterr().out
    call_command("route_questions")
    assert "1 expert(s) asked" in capsys.readouterr().out
    assert asked_ids(q) == {e.pk for e in experts}


def test_the_escalation_task_keeps_itself_scheduled(settings):
    from django_tasks_db.models import DBTaskResult

    from agora.qa import tasks

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.AGORA_EXPERT_ESCALATION_CHECK = 900
    pending = DBTaskResult.objects.filter(task_path=tasks.escalate_task.module_path, status="READY")
    assert tasks.ensure_scheduled() is not None
    assert tasks.ensure_scheduled() is None  # idempotent: one pending run at most
    run = pending.get()
    assert 890 <= (run.run_after - timezone.now()).total_seconds() <= 900
    # a run escalates, then queues the next one
    pending.delete()
    assert tasks.escalate_task.call() == 0
    assert pending.count() == 1
    # with the immediate backend nothing is scheduled (it would recurse)
    settings.TASKS = IMMEDIATE
    assert tasks.ensure_scheduled() is None
