"""Events of the follow graph. Other apps react (feed backfill, notifications) without the
people app knowing about them."""

from django.dispatch import Signal

# Sent after the change is committed, with `follower` and `followee` (users).
followed = Signal()
unfollowed = Signal()
