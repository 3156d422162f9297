"""Communities and conversations for the demo company of `agora seed`.

Like the people seed, two steps: `plan_conversations()` is pure Python and deterministic for a
given seed and company (communities and who is in them, posts, articles, comments, reactions,
followed hashtags), and `write_conversations()` stores the plan with `bulk_create` in one
transaction, with the denormalised counters computed from the plan, every post copied into
its audience's home timeline by the rules of `feed.audience_ids`, and a few notifications for
the demo logins.

The words live in `content` (French and English) and `communities`; the plan in `planner`;
the database side in `writer`.
"""

from .planner import ConversationPlan, Person, plan_conversations
from .writer import (
    ConversationSummary,
    conversations_exist,
    load_people,
    seed_conversations,
    write_conversations,
)

__all__ = [
    "ConversationPlan",
    "ConversationSummary",
    "Person",
    "conversations_exist",
    "load_people",
    "plan_conversations",
    "seed_conversations",
    "write_conversations",
]
