"""Addresses formatted without reverse() are the ones reverse() gives."""

import pytest
from django.urls import reverse

from agora.core.links import object_url, text_url


@pytest.mark.parametrize("username", ["ana", "jean.dupont", "a.b@c+d", "élodie", "o'neil", "x_y-z"])
def test_text_url_is_reverse_for_usernames(username):
    assert text_url("people:profile", username) == reverse("people:profile", args=[username])


@pytest.mark.parametrize("slug", ["data", "r-and-d", "team_2"])
def test_text_url_is_reverse_for_slugs(slug):
    assert text_url("communities:detail", slug) == reverse("communities:detail", args=[slug])


def test_object_url_is_reverse():
    assert object_url("conversations:post", 42) == reverse("conversations:post", args=[42])
