"""Helpers for the API tests of communities, conversations, feeds and notifications.

Everything goes through the services, so counters, timelines and notifications are what the
product really produces. `committed()` runs the on-commit callbacks (feed fan-out, backfills)
that a test wrapped in a transaction would otherwise never run.
"""

import json
import struct
import zlib

from django.test import TestCase

from agora.communities import services as community_services
from agora.communities.models import Community, Membership
from agora.conversations import services as conversation_services
from tests.factories import UserFactory


def committed():
    """with committed(): ...  — on-commit callbacks run when the block ends."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def make_community(owner, kind="open", name=None) -> Community:
    name = name or f"{kind.capitalize()} community {Community.objects.count() + 1}"
    with committed():
        return community_services.create_community(owner, name=name, kind=kind)


def add_member(community: Community, user, *, role: str | None = None) -> Membership:
    """Make `user` an active member (a guest gets the guest role), as an owner would."""
    owner = community.memberships.filter(role=Membership.Role.OWNER).first().user
    with committed():
        community_services.invite(owner, community, user.username)
        membership = community_services.join(user, community)
        if role and role != membership.role:
            membership = community_services.set_role(owner, community, user.username, role)
    return membership


def make_post(author, body="Hello", community=None, **kwargs):
    with committed():
        return conversation_services.create_post(author, body=body, community=community, **kwargs)


def employee(**kwargs):
    return UserFactory(kind="employee", **kwargs)


def guest(**kwargs):
    return UserFactory(kind="guest", **kwargs)


def send(client, method: str, url: str, data=None):
    """A JSON request: send(c, "post", "/api/v1/posts", {...})."""
    call = getattr(client, method.lower())
    if data is None:
        return call(url)
    return call(url, data=json.dumps(data), content_type="application/json")


def png_bytes(width: int = 1, height: int = 1) -> bytes:
    """A real (tiny) PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
