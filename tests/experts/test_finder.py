import json

import pytest
from django.core.management import call_command

from agora.experts.services import find_experts
from agora.people.models import Profile
from agora.qa.models import ImportedRecord
from tests.api_factories import add_member, employee, guest, make_community
from tests.factories import add_skill

from .helpers import answered

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    asker, k8s, pandas, newcomer = employee(), employee(), employee(), employee()
    for i in range(3):
        answered(
            k8s,
            asker,
            f"Kubernetes pod crash loop {i}",
            tags=["kubernetes"],
            body="Check the liveness probe of the deployment and the pod events.",
        )
    answered(k8s, asker, "Helm chart values override", tags=["helm", "kubernetes"])
    for i in range(3):
        answered(
            pandas,
            asker,
            f"Pandas dataframe groupby {i}",
            tags=["pandas", "python"],
            body="Use groupby then agg on the dataframe columns.",
        )
    answered(newcomer, asker, "Coffee machine on floor 3", tags=["office"], accepted=False)
    return {"asker": asker, "k8s": k8s, "pandas": pandas, "newcomer": newcomer}


def names(results):
    return [r.user.pk for r in results]


def test_obvious_expert_first_by_text_and_by_tags(people):
    viewer = employee()
    by_text = find_experts(viewer, "My kubernetes pod keeps restarting in a crash loop")
    assert names(by_text)[0] == people["k8s"].pk
    by_tag = find_experts(viewer, "", ["pandas"])
    assert names(by_tag)[0] == people["pandas"].pk
    # French query, English evidence: the analysis folds and stems both languages.
    fr = find_experts(viewer, "Regrouper les lignes d'un dataframe pandas")
    assert names(fr)[0] == people["pandas"].pk


def test_reasons_say_why(people):
    result = find_experts(employee(), "", ["kubernetes"])[0]
    assert result.user.pk == people["k8s"].pk
    assert result.reasons[0].startswith("4 accepted answers on kubernetes, most recent")
    assert result.evidence["tags"]["kubernetes"]["accepted"] == 4
    assert result.evidence["answers"] == 4
    assert result.user.profile.display_name  # profile loaded with the user


def test_opted_out_people_are_never_suggested(people):
    Profile.objects.filter(user=people["k8s"]).update(expert_suggestible=False)
    results = find_experts(employee(), "kubernetes pod crash", ["kubernetes"])
    assert people["k8s"].pk not in names(results)


def test_excluded_ids_and_limit(people):
    results = find_experts(
        employee(), "kubernetes", ["kubernetes"], exclude_user_ids=[people["k8s"].pk]
    )
    assert people["k8s"].pk not in names(results)
    assert len(find_experts(employee(), "kubernetes pandas office", limit=2)) == 2


def test_empty_query_finds_nobody(people):
    assert find_experts(employee(), "", []) == []
    assert find_experts(employee(), "   ") == []


def test_secret_community_evidence_counts_only_for_members():
    owner, insider, asker = employee(), employee(), employee()
    secret = make_community(owner, kind="secret", name="Project Nightingale")
    for person in (insider, asker):
        add_member(secret, person)
    for i in range(3):
        answered(
            insider,
            asker,
            f"Nightingale ledger migration {i}",
            tags=["nightingale"],
            body="Migrate the ledger shards one at a time.",
            community=secret,
        )
    outsider = employee()
    assert find_experts(outsider, "nightingale ledger migration", ["nightingale"]) == []
    member_view = find_experts(owner, "nightingale ledger migration", ["nightingale"])
    assert names(member_view)[0] == insider.pk
    assert member_view[0].evidence["tags"]["nightingale"]["accepted"] == 3


def test_outsider_sees_only_the_public_part_of_someones_record():
    owner, expert, asker = employee(), employee(), employee()
    secret = make_community(owner, kind="secret", name="Hidden")
    add_member(secret, expert)
    add_member(secret, asker)
    for i in range(2):
        answered(expert, asker, f"Secret payroll export {i}", tags=["payroll"], community=secret)
    answered(expert, asker, "Public payroll calendar", tags=["payroll"])
    outsider = employee()
    result = find_experts(outsider, "", ["payroll"])[0]
    assert result.user.pk == expert.pk
    assert result.evidence["answers"] == 1
    assert result.evidence["tags"]["payroll"]["accepted"] == 1
    text = " ".join(result.reasons)
    assert "2 " not in text and "3 " not in text


def test_guests_only_count_their_communities():
    owner, expert, asker = employee(), employee(), employee()
    extranet = make_community(owner, kind="open", name="Partners")
    visitor = guest()
    add_member(extranet, visitor)
    add_member(extranet, expert)
    answered(expert, asker, "Profile question about invoices", tags=["invoices"])
    assert find_experts(visitor, "", ["invoices"]) == []
    answered(expert, owner, "Partner invoices format", tags=["invoices"], community=extranet)
    results = find_experts(visitor, "", ["invoices"])
    assert names(results) == [expert.pk]
    assert results[0].evidence["answers"] == 1


def test_declared_skills_and_endorsements_count(people):
    specialist = employee()
    link = add_skill(specialist, "Terraform", level=4)
    from agora.people.models import Endorsement

    Endorsement.objects.create(skill_link=link, endorser=employee())
    results = find_experts(employee(), "terraform state lock")
    assert names(results)[0] == specialist.pk
    assert any("Terraform" in r and "endorsed by 1 colleague" in r for r in results[0].reasons)


def test_imported_people_count_and_keep_their_source_id(people):
    imported = people["pandas"]
    imported.is_active = False
    imported.save(update_fields=["is_active"])
    ImportedRecord.objects.create(
        site="data.stackexchange.com", kind="user", source_id=4242, object_id=imported.pk
    )
    result = find_experts(None, "", ["pandas"])[0]
    assert result.user.pk == imported.pk
    assert result.source_id == 4242


def test_cli_json_output(people, capsys):
    ImportedRecord.objects.create(
        site="x.stackexchange.com", kind="user", source_id=77, object_id=people["k8s"].pk
    )
    call_command("experts", "pod crash loop", "--tags", "kubernetes", "--limit", "3", "--json")
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["rank"] == 1
    assert rows[0]["username"] == people["k8s"].username
    assert rows[0]["source_id"] == 77
    assert rows[0]["reasons"] and isinstance(rows[0]["score"], float)
    assert {"display_name", "evidence"} <= set(rows[0])
    assert all(r["source_id"] is None for r in rows[1:])


def test_cli_as_a_person_and_exclusions(people, capsys):
    viewer = employee()
    call_command(
        "experts",
        "kubernetes",
        "--json",
        "--as",
        viewer.username,
        "--exclude",
        people["k8s"].username,
    )
    rows = json.loads(capsys.readouterr().out)
    assert people["k8s"].username not in [r["username"] for r in rows]
    call_command("experts", "kubernetes")
    assert people["k8s"].username in capsys.readouterr().out


def test_fixed_number_of_queries_whatever_the_candidates(
    people, django_assert_num_queries, monkeypatch
):
    from agora.experts import ranking

    viewer = employee()
    find_experts(viewer, "kubernetes pods", ["kubernetes"])  # index caught up, caches warm
    # Without a declared skill among the query's words, no skills query.
    with django_assert_num_queries(8) as small:
        find_experts(viewer, "kubernetes pods", ["kubernetes"])
    for i in range(6):
        answered(employee(), people["asker"], f"Kubernetes ingress {i}", tags=["kubernetes"])
    find_experts(viewer, "kubernetes pods", ["kubernetes"])
    with django_assert_num_queries(len(small.captured_queries)):
        results = find_experts(viewer, "kubernetes pods", ["kubernetes"])
    assert len(results) >= 7
    # More candidates than are looked at in full: the same queries, the best still first.
    monkeypatch.setattr(ranking, "MAX_CANDIDATES", 3)
    with django_assert_num_queries(len(small.captured_queries)):
        pruned = find_experts(viewer, "kubernetes pods", ["kubernetes"])
    assert len(pruned) == 3
    assert pruned[0].user.pk == results[0].user.pk == people["k8s"].pk
    # With one, one more statement, and the skilled person counts.
    monkeypatch.undo()
    skilled = employee()
    add_skill(skilled, "Kubernetes", level=4)
    with django_assert_num_queries(len(small.captured_queries) + 1):
        results = find_experts(viewer, "kubernetes pods", ["kubernetes"], limit=50)
    assert skilled.pk in names(results)


def test_bulk_created_answers_are_caught_up_and_rebuild_command(people, capsys):
    from agora.experts import index
    from agora.experts.models import ExpertStat
    from agora.qa.models import Answer, Question

    question = Question.objects.first()
    newcomer = employee()
    Answer.objects.bulk_create(
        [Answer(question=question, author=newcomer, body="bulk", body_html="bulk")]
    )
    assert not ExpertStat.objects.filter(user=newcomer).exists()
    call_command("experts_index")
    assert ExpertStat.objects.filter(user=newcomer).exists()
    call_command("experts_index", "--rebuild")
    assert "people indexed" in capsys.readouterr().out
    # One row per place: the profile questions, and the two merged places holding them.
    rows = dict(ExpertStat.objects.filter(user=people["k8s"]).values_list("place", "answers"))
    assert rows == {index.PROFILE: 4, index.EMPLOYEES: 4, index.EVERYONE: 4}
