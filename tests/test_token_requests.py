"""Token-authenticated API reads skip the browser middleware (core.middleware.ApiTokenRequests):
they answer exactly what the whole chain answers, and nothing else takes the shortcut."""

import pytest
from django.conf import settings
from django.test import Client, override_settings

from agora.accounts.services import create_api_token, forget_tokens, set_language
from agora.core import middleware
from tests.api_factories import employee, make_post

pytestmark = pytest.mark.django_db

# Django's own middleware in place of the subclasses that let token reads through.
STOCK = [
    {
        "agora.core.middleware.SessionMiddleware": (
            "django.contrib.sessions.middleware.SessionMiddleware"
        ),
        "agora.core.middleware.LocaleMiddleware": "django.middleware.locale.LocaleMiddleware",
        "agora.core.middleware.CsrfViewMiddleware": "django.middleware.csrf.CsrfViewMiddleware",
        "agora.core.middleware.AuthenticationMiddleware": (
            "django.contrib.auth.middleware.AuthenticationMiddleware"
        ),
        "agora.core.middleware.MessageMiddleware": (
            "django.contrib.messages.middleware.MessageMiddleware"
        ),
    }.get(name, name)
    for name in settings.MIDDLEWARE
    if name != "agora.core.middleware.ApiTokenRequests"
]


@pytest.fixture
def reader():
    user = employee(username="reader")
    _token, secret = create_api_token(user, "script")
    post = make_post(user, "Hello #world")
    return user, secret, post


def _answer(client, url, **extra):
    response = client.get(url, **extra)
    return response.status_code, sorted(response.items()), response.content


@pytest.mark.parametrize("language", [None, "fr", "fr-CA,en;q=0.5", "de, en-GB;q=0.8", "*"])
def test_token_reads_answer_as_the_whole_chain(reader, language):
    user, secret, post = reader
    extra = {"HTTP_ACCEPT_LANGUAGE": language} if language else {}
    urls = [
        "/api/v1/me",
        "/api/v1/feed/home",
        f"/api/v1/posts/{post.pk}",
        f"/api/v1/posts/{post.pk}/comments",
        f"/api/v1/users/{user.username}",
        "/api/v1/users/nobody",  # 404
        "/api/v1/feed/home?cursor=nope",  # 422
        "/api/v1/no/such/route",
    ]
    for url in urls:
        lean = _answer(Client(HTTP_AUTHORIZATION=f"Bearer {secret}"), url, **extra)
        with override_settings(MIDDLEWARE=STOCK):
            whole = _answer(Client(HTTP_AUTHORIZATION=f"Bearer {secret}"), url, **extra)
        assert lean == whole, url


def _shortcut_taken(client, url, method="get", **extra) -> bool:
    seen = []

    class Spy:
        def __init__(self, get_response):
            self.get_response = get_response

        def __call__(self, request):
            seen.append(middleware.token_user(request) is not None)
            return self.get_response(request)

    names = list(settings.MIDDLEWARE)
    names.insert(names.index("agora.core.middleware.ApiTokenRequests") + 1, f"{__name__}.SPY")
    globals()["SPY"] = Spy
    with override_settings(MIDDLEWARE=names):
        getattr(client, method)(url, **extra)
    return seen == [True]


def test_only_cookieless_token_reads_of_the_api_take_the_shortcut(reader):
    user, secret, _post = reader
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    assert _shortcut_taken(Client(**bearer), "/api/v1/me")
    assert _shortcut_taken(Client(HTTP_AUTHORIZATION=f"bearer {secret}"), "/api/v1/me")
    assert _shortcut_taken(Client(**bearer), "/api/v1/me", method="head")
    assert not _shortcut_taken(Client(**bearer), "/api/v1/me", method="patch")
    assert not _shortcut_taken(Client(**bearer), "/")  # a page, not the API
    assert not _shortcut_taken(Client(HTTP_AUTHORIZATION="Bearer agora_wrong"), "/api/v1/me")
    assert not _shortcut_taken(Client(HTTP_AUTHORIZATION=f"Basic {secret}"), "/api/v1/me")
    with_cookie = Client(**bearer)
    with_cookie.cookies["anything"] = "1"
    assert not _shortcut_taken(with_cookie, "/api/v1/me")


def test_a_token_read_with_a_session_keeps_the_whole_chain(reader, client_for):
    """A browser that sends both: the token authenticates, the session's user still picks
    the language, as before."""
    _user, secret, _post = reader
    french = employee(username="french")
    set_language(french, "fr")
    c = client_for(french, HTTP_AUTHORIZATION=f"Bearer {secret}")
    response = c.get("/api/v1/me")
    assert response.json()["username"] == "reader"
    assert response["Content-Language"] == "fr"


def test_a_revoked_token_is_refused_at_once(reader, client_for):
    user, secret, _post = reader
    bearer = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert bearer.get("/api/v1/me").status_code == 200
    token = user.api_tokens.get()
    assert client_for(user).delete(f"/api/v1/me/tokens/{token.pk}").status_code == 204
    response = bearer.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"
    forget_tokens()


def test_the_cached_user_is_copied_as_copy_copy_would(reader):
    import copy

    from agora.accounts.services import _copy

    user = reader[0]
    user.profile  # noqa: B018 (a related object in the state's cache)
    clone, expected = _copy(user), copy.copy(user)
    expected.__dict__.pop("_django_version")  # left by pickling's __setstate__
    assert clone is not user
    assert {k: v for k, v in clone.__dict__.items() if k != "_state"} == {
        k: v for k, v in expected.__dict__.items() if k != "_state"
    }
    assert clone._state.fields_cache == expected._state.fields_cache
    assert clone._state.fields_cache is not user._state.fields_cache
    assert (clone._state.db, clone._state.adding) == (user._state.db, user._state.adding)
    clone.language = "xx"
    assert user.language != "xx"
