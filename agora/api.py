"""REST API v1: each domain app contributes a router; this module only assembles them."""

from agora.accounts.api import router as accounts_router
from agora.communities.api import router as communities_router
from agora.conversations.api import router as conversations_router
from agora.core.api import build_api
from agora.moderation.api import router as moderation_router
from agora.notifications.api import router as notifications_router
from agora.people.api import router as people_router

api = build_api()
api.add_router("", accounts_router)
api.add_router("", people_router)
api.add_router("", communities_router)
api.add_router("", conversations_router)
api.add_router("", notifications_router)
api.add_router("", moderation_router)
api.add_router("", "agora.search.api.router")
api.add_router("", "agora.qa.api.router")
api.add_router("", "agora.qa.claims_api.router")
api.add_router("", "agora.help.api.router")
api.add_router("", "agora.experts.api.router")
