"""The API resolves a path through its shape (core.api._ByShape): the same view and
arguments as Django's one-by-one walk over the full list of routes."""

import re

import pytest
from django.urls import URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern

from agora.core.api import _ByShape


def _api_patterns():
    api = next(p for p in get_resolver().url_patterns if str(p.pattern) == "api/v1/")
    (by_shape,) = api.url_patterns
    assert isinstance(by_shape, _ByShape)
    return by_shape


def _sample_paths(patterns) -> list[str]:
    paths = {"", "nothing", "nothing/here", "posts/", "posts//comments", "feed/home/", "me/x/y/z"}
    for pattern in patterns:
        route = getattr(pattern.pattern, "_route", None)
        if isinstance(route, str):
            for value in ("1", "x", "feed", "home"):
                paths.add(re.sub(r"<[^>]+>", value, route))
    return sorted(paths)


def test_every_path_resolves_as_the_full_list_does():
    by_shape = _api_patterns()
    linear = URLResolver(RoutePattern(""), by_shape.url_patterns)
    paths = _sample_paths(by_shape.url_patterns)
    assert len(paths) > 200
    for path in paths:
        expected, got = linear.resolve(path), by_shape.resolve(path)
        assert (got.func, got.url_name, got.kwargs, got.route) == (
            expected.func,
            expected.url_name,
            expected.kwargs,
            expected.route,
        ), path


@pytest.mark.parametrize(
    ("name", "kwargs", "url"),
    [
        ("api:home_feed", {}, "/api/v1/feed/home"),
        ("api:get_post", {"post_id": 7}, "/api/v1/posts/7"),
        (
            "api:post_attachment",
            {"post_id": 7, "attachment_id": 3},
            "/api/v1/posts/7/attachments/3",
        ),
        ("api:community_feed", {"slug": "x"}, "/api/v1/communities/x/feed"),
    ],
)
def test_names_reverse_and_resolve(name, kwargs, url):
    assert reverse(name, kwargs=kwargs) == url
    match = get_resolver().resolve(url)
    assert match.view_name == name
    assert match.route.startswith("api/v1/")
