"""Search never leaks: per document type, results (and counts) only hold what the viewer may
see through the same visibility rules as every other page."""

import pytest

from agora.conversations import services as conv
from agora.moderation import services as moderation
from agora.people.models import Visibility
from agora.search import services
from tests.api_factories import add_member, committed, make_community, make_post
from tests.factories import UserFactory, add_skill, set_profile

pytestmark = pytest.mark.django_db


def find(viewer, q, **filters):
    return services.search(viewer, q, services.Filters(**filters), limit=100)


def hits(viewer, q, **filters):
    return {(h.type, h.id) for h in find(viewer, q, **filters).items}


@pytest.fixture
def world(db):
    """An owner of a secret and an on-request community, an outsider employee, a guest
    member of the on-request community, and content with the word "zeppelin" everywhere."""
    w = type("World", (), {})()
    w.owner = UserFactory(username="owner", kind="employee")
    w.outsider = UserFactory(username="outsider", kind="employee")
    w.guest = UserFactory(username="guest", kind="guest")
    w.secret = make_community(w.owner, kind="secret", name="Projet Zeppelin secret")
    w.request = make_community(w.owner, kind="request", name="Extranet partenaires")
    w.open = make_community(w.owner, kind="open", name="Ouvert à tous")
    add_member(w.request, w.guest)
    w.secret_post = make_post(w.owner, "Le zeppelin #aerostat décolle", community=w.secret)
    with committed():
        w.secret_comment = conv.add_comment(w.owner, w.secret_post.pk, "Zeppelin confirmé")
    w.request_post = make_post(w.owner, "Zeppelin pour les partenaires", community=w.request)
    w.open_post = make_post(w.owner, "Zeppelin ouvert", community=w.open)
    w.profile_post = make_post(w.owner, "Zeppelin sur mon profil")
    return w


def test_secret_community_content_is_invisible_to_non_members(world):
    owner_sees = hits(world.owner, "zeppelin")
    assert ("post", world.secret_post.pk) in owner_sees
    assert ("comment", world.secret_comment.pk) in owner_sees
    assert ("community", world.secret.pk) in owner_sees
    assert ("hashtag", world.secret_post.hashtags.get().pk) in hits(world.owner, "aerostat")
    for viewer in (world.outsider, world.guest):
        seen = hits(viewer, "zeppelin")
        assert ("post", world.secret_post.pk) not in seen
        assert ("comment", world.secret_comment.pk) not in seen
        assert ("community", world.secret.pk) not in seen
        assert ("hashtag", world.secret_post.hashtags.get().pk) not in seen
        assert hits(viewer, "aerostat") == set()


def test_counts_never_reveal_hidden_documents(world):
    outsider = find(world.outsider, "zeppelin")
    assert outsider.count == len(outsider.items) == 2  # open post, profile post
    guest = find(world.guest, "zeppelin")
    assert guest.count == len(guest.items) == 1  # the extranet post only


def test_guest_sees_only_their_communities(world):
    assert hits(world.guest, "zeppelin") == {("post", world.request_post.pk)}
    assert ("community", world.request.pk) in hits(world.guest, "extranet")
    assert hits(world.guest, "ouvert") == set()


def test_on_request_community_is_listed_but_its_posts_are_not_readable(world):
    assert ("community", world.request.pk) in hits(world.outsider, "extranet")
    assert ("post", world.request_post.pk) not in hits(world.outsider, "partenaires")


def test_filters_do_not_confirm_what_is_hidden(world, client_for):
    c = client_for(world.outsider)
    secret = c.get("/api/v1/search", {"q": "zeppelin", "community": world.secret.slug})
    unknown = c.get("/api/v1/search", {"q": "zeppelin", "community": "no-such-thing"})
    assert secret.status_code == unknown.status_code == 422
    assert secret.json() == unknown.json()


def test_hidden_and_deleted_posts_vanish_at_once(world):
    assert ("post", world.open_post.pk) in hits(world.outsider, "zeppelin")
    with committed():
        moderation.set_hidden(world.owner, True, post_id=world.open_post.pk)
    assert ("post", world.open_post.pk) not in hits(world.outsider, "zeppelin")
    assert find(world.outsider, "zeppelin").count == 1
    with committed():
        conv.delete_post(world.owner, world.profile_post.pk)
    assert find(world.outsider, "zeppelin").count == 0


def test_hidden_comment_vanishes(world):
    post = make_post(world.owner, "Sans rapport", community=world.open)
    with committed():
        comment = conv.add_comment(world.owner, post.pk, "Commentaire montgolfière")
    assert ("comment", comment.pk) in hits(world.outsider, "montgolfiere")
    with committed():
        moderation.set_hidden(world.owner, True, comment_id=comment.pk)
    assert hits(world.outsider, "montgolfiere") == set()
    with committed():
        moderation.set_hidden(world.owner, False, comment_id=comment.pk)
    assert ("comment", comment.pk) in hits(world.outsider, "montgolfiere")


def test_comments_of_hidden_posts_vanish(world):
    with committed():
        moderation.set_hidden(world.owner, True, post_id=world.secret_post.pk)
    assert ("comment", world.secret_comment.pk) not in hits(world.owner, "confirme")


# --- people: field by field -------------------------------------------------------------------


@pytest.fixture
def people(db):
    w = type("People", (), {})()
    w.zoe = UserFactory(username="zoe", kind="employee")
    w.colleague = UserFactory(username="colleague", kind="employee")
    w.guest = UserFactory(username="visitor", kind="guest", invited_by=w.zoe)
    with committed():
        set_profile(
            w.zoe,
            display_name="Zoé Martin",
            headline="Experte cryptographie",
            headline_visibility=Visibility.ONLY_ME,
            help_with="Négociation fournisseurs",
            help_with_visibility=Visibility.EMPLOYEES,
            interests_visibility=Visibility.FOLLOWING,
        ).save()
        add_skill(w.zoe, "Kubernetes")
        add_skill(w.zoe, "Photographie")
    return w


def test_only_me_fields_are_never_found_by_others(people):
    for viewer in (people.colleague, people.guest):
        assert hits(viewer, "cryptographie") == set()
    assert ("person", people.zoe.pk) in hits(people.colleague, "zoe")


def test_employee_fields_are_hidden_from_guests(people):
    assert ("person", people.zoe.pk) in hits(people.colleague, "negociation")
    assert hits(people.guest, "negociation") == set()
    # The guest may see Zoé (she invited them) and her public skills.
    assert ("person", people.zoe.pk) in hits(people.guest, "kubernetes")


def test_changing_a_field_visibility_reindexes(people):
    assert ("person", people.zoe.pk) in hits(people.colleague, "photographie")
    with committed():
        set_profile(people.zoe, skills_visibility=Visibility.ONLY_ME).save()
    assert hits(people.colleague, "photographie") == set()
    assert hits(people.colleague, "kubernetes") == set()


def test_following_level_fields_are_not_indexed(people):
    from agora.people.models import Interest, ProfileInterest

    with committed():
        ProfileInterest.objects.create(
            profile_id=people.zoe.pk, interest=Interest.objects.create(name="Escalade")
        )
    assert hits(people.colleague, "escalade") == set()


def test_people_a_guest_may_not_see_are_not_found(people):
    stranger = UserFactory(username="stranger", kind="employee")
    with committed():
        set_profile(stranger, display_name="Bartholomé Stranger").save()
    assert ("person", stranger.pk) in hits(people.colleague, "bartholome")
    assert hits(people.guest, "bartholome") == set()


def test_inactive_people_are_not_found(people):
    with committed():
        people.zoe.is_active = False
        people.zoe.save()
        people.zoe.profile.save()
    assert hits(people.colleague, "zoe") == set()
