"""The evidence index's places: merged rows for what every employee reads, per-community rows
for the rest, counts kept in step, communities changing kind, the bound on rows read."""

import pytest
from django.db.models import Count, Max, Min

from agora.communities import services as community_services
from agora.communities.models import Community
from agora.experts import index, ranking
from agora.experts.models import ExpertPlace, ExpertStat, ExpertTerm, ExpertTermCount
from agora.experts.services import find_experts
from agora.qa import services as qa
from agora.search.analysis import analyse
from tests.api_factories import add_member, committed, employee, guest, make_community

from .helpers import answered

pytestmark = pytest.mark.django_db


def places_of(user):
    return dict(ExpertStat.objects.filter(user=user).values_list("place", "answers"))


def assert_counts_in_step():
    """The document frequencies and place totals are what counting the rows gives."""
    counted = {
        (place, term): n
        for place, term, n in ExpertTerm.objects.values("place", "term")
        .annotate(n=Count("id"))
        .values_list("place", "term", "n")
    }
    kept = {
        (place, term): n
        for place, term, n in ExpertTermCount.objects.values_list("place", "term", "people")
    }
    assert kept == counted
    totals = {
        row["place"]: (row["n"], row["first"], row["last"])
        for row in ExpertStat.objects.values("place").annotate(
            n=Count("id"), first=Min("first_at"), last=Max("last_at")
        )
    }
    assert {p.place: (p.people, p.first_at, p.last_at) for p in ExpertPlace.objects.all()} == totals


def test_merged_places_hold_what_everyone_may_read():
    owner, expert, asker = employee(), employee(), employee()
    open_ = make_community(owner, kind="open", name="Data guild")
    secret = make_community(owner, kind="secret", name="Project Heron")
    add_member(open_, expert)
    add_member(secret, expert)
    add_member(secret, asker)
    answered(expert, asker, "Parquet partitioning on profile", tags=["parquet"])
    answered(expert, owner, "Parquet schema evolution", tags=["parquet"], community=open_)
    answered(expert, asker, "Parquet files for Heron", tags=["parquet"], community=secret)

    assert places_of(expert) == {
        index.PROFILE: 1,
        open_.pk: 1,
        secret.pk: 1,
        index.EMPLOYEES: 2,  # profile + open community
        index.EVERYONE: 3,
    }
    merged = ExpertTerm.objects.get(user=expert, place=index.EMPLOYEES, term="#parquet")
    assert (merged.answers, merged.accepted) == (2, 2)
    assert_counts_in_step()

    # An employee outside the secret community reads the merged row only…
    outsider = find_experts(employee(), "", ["parquet"])[0]
    assert outsider.user.pk == expert.pk
    assert outsider.evidence["answers"] == 2
    assert outsider.evidence["tags"]["parquet"]["accepted"] == 2
    # …a member adds the secret community's rows, the operator reads everything.
    assert find_experts(owner, "", ["parquet"])[0].evidence["answers"] == 3
    assert find_experts(None, "", ["parquet"])[0].evidence["answers"] == 3
    # A guest of the open community reads that community's own rows only.
    visitor = guest()
    add_member(open_, visitor)
    assert find_experts(visitor, "", ["parquet"])[0].evidence["answers"] == 1


def change_kind(owner, community, kind):
    with committed():
        community_services.update_community(owner, community, {"kind": kind})
    community.refresh_from_db()


def test_community_turning_secret_leaves_the_merged_place_and_back():
    owner, expert, asker = employee(), employee(), employee()
    team = make_community(owner, kind="open", name="Payments")
    add_member(team, asker)
    add_member(team, expert)
    for i in range(2):
        answered(expert, asker, f"Ledger reconciliation batch {i}", tags=["ledger"], community=team)
    answered(expert, asker, "Ledger export format", tags=["ledger"])
    outsider = employee()
    assert find_experts(outsider, "ledger reconciliation", ["ledger"])[0].evidence["answers"] == 3

    change_kind(owner, team, Community.Kind.SECRET)
    assert places_of(expert)[index.EMPLOYEES] == 1
    result = find_experts(outsider, "ledger reconciliation", ["ledger"])[0]
    assert result.user.pk == expert.pk
    assert result.evidence["answers"] == 1
    assert result.evidence["tags"]["ledger"]["answers"] == 1
    # the "reconciliation" answers are gone from what every employee reads
    assert not ExpertTerm.objects.filter(
        user=expert, place=index.EMPLOYEES, term__in=analyse("reconciliation")
    ).exists()
    assert (
        find_experts(asker, "", ["ledger"], exclude_user_ids=[asker.pk])[0].evidence["answers"] == 3
    )  # a member still reads it
    assert_counts_in_step()

    change_kind(owner, team, Community.Kind.REQUEST)  # secret -> on request: still not merged
    assert places_of(expert)[index.EMPLOYEES] == 1

    change_kind(owner, team, Community.Kind.OPEN)
    assert places_of(expert)[index.EMPLOYEES] == 3
    assert find_experts(outsider, "", ["ledger"])[0].evidence["answers"] == 3
    assert_counts_in_step()


def test_someone_known_only_in_a_community_that_turns_secret_disappears():
    owner, expert, asker = employee(), employee(), employee()
    team = make_community(owner, kind="open", name="Treasury")
    add_member(team, expert)
    add_member(team, asker)
    answered(expert, asker, "Cash pooling between entities", tags=["treasury"], community=team)
    outsider = employee()
    assert [r.user.pk for r in find_experts(outsider, "", ["treasury"])] == [expert.pk]
    change_kind(owner, team, Community.Kind.SECRET)
    assert index.EMPLOYEES not in places_of(expert)
    assert find_experts(outsider, "cash pooling", ["treasury"]) == []
    assert not ExpertTermCount.objects.filter(place=index.EMPLOYEES, term="#treasury").exists()
    assert_counts_in_step()


def test_kind_changed_on_a_community_loaded_without_it():
    owner, expert, asker = employee(), employee(), employee()
    team = make_community(owner, kind="open", name="Legal")
    add_member(team, expert)
    add_member(team, asker)
    answered(expert, asker, "Contract clause review", tags=["contracts"], community=team)
    community = Community.objects.only("pk", "name").get(pk=team.pk)
    community.name = "Legal (restricted)"
    community.save()  # the kind is not written: nothing to do
    assert places_of(expert)[index.EMPLOYEES] == 1
    community.kind = Community.Kind.SECRET
    with committed():
        community.save(update_fields=["kind"])
    assert index.EMPLOYEES not in places_of(expert)
    assert find_experts(employee(), "", ["contracts"]) == []
    assert_counts_in_step()


def test_counts_follow_deleted_answers():
    expert, other, asker = employee(), employee(), employee()
    answer = answered(expert, asker, "Gradle build cache misses", tags=["gradle"])
    answered(other, asker, "Gradle daemon memory", tags=["gradle"])
    count = ExpertTermCount.objects.get(place=index.EMPLOYEES, term="#gradle")
    assert count.people == 2
    with committed():
        qa.delete_answer(expert, answer.pk)
    count.refresh_from_db()
    assert count.people == 1
    assert_counts_in_step()
    index.rebuild()
    assert_counts_in_step()


def test_rows_read_per_term_are_bounded(monkeypatch):
    asker = employee()
    people = [employee() for _ in range(4)]
    for rank, person in enumerate(people):
        for i in range(4 - rank):  # 4, 3, 2, 1 answers on the tag
            answered(person, asker, f"Ansible inventory question {rank}-{i}", tags=["ansible"])
    monkeypatch.setattr(ranking, "TERM_ROWS", 2)
    rows = ranking._term_rows([(index.EMPLOYEES, "#ansible")])
    assert [r[0] for r in rows] == [people[0].pk, people[1].pk]  # the two heaviest
    # Many candidates: the heaviest rows say who they are; the few looked at in full get
    # their complete evidence.
    monkeypatch.setattr(ranking, "MAX_CANDIDATES", 2)
    results = find_experts(employee(), "", ["ansible"], limit=10)
    assert [r.user.pk for r in results] == [people[0].pk, people[1].pk]
    assert [r.evidence["tags"]["ansible"]["answers"] for r in results] == [4, 3]
    # Few candidates: the most recently active come too, with their evidence.
    monkeypatch.setattr(ranking, "MAX_CANDIDATES", 200)
    results = find_experts(employee(), "", ["ansible"], limit=10)
    assert [r.evidence["tags"]["ansible"]["answers"] for r in results] == [4, 3, 2, 1]


def test_days_read_in_sql_are_the_index_days():
    expert, asker = employee(), employee()
    answered(expert, asker, "Flaky integration tests", tags=["ci"], days_ago=40)
    stat = ExpertStat.objects.get(user=expert, place=index.EMPLOYEES)
    cards, lengths = ranking._cards([index.EMPLOYEES], [expert.pk])
    ((_user, _place, answers, _accepted, _score, length, last_day),) = cards[expert.pk]
    assert answers == 1
    assert lengths[expert.pk] == length == stat.length
    assert abs(last_day - index.days(stat.last_at)) < 1e-6


def test_timestamps_read_in_sql_are_the_stored_instants():
    expert, asker = employee(), employee()
    answered(expert, asker, "Flaky integration tests", tags=["ci"], days_ago=40)
    stat = ExpertStat.objects.get(user=expert, place=index.EMPLOYEES)
    term = ExpertTerm.objects.get(user=expert, place=index.EMPLOYEES, term="#ci")
    (record,) = ranking._records([index.EMPLOYEES], [expert.pk], 0, 1)[expert.pk]
    assert ranking._as_datetime(record.last_at) == stat.last_at  # to the microsecond
    ((_user, _i, _weight, answers, _accepted, last_at),) = ranking._term_rows(
        [(index.EMPLOYEES, "#ci")], users={expert.pk}
    )
    assert answers == 1
    assert ranking._as_datetime(last_at) == term.last_at
    _counts, _skills, totals = ranking._lookups([index.EMPLOYEES], ["#ci"], [])
    ((_people, _length, first_at, last_at),) = totals
    assert first_at == last_at == stat.last_at
