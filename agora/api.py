"""REST API v1: each domain app contributes a router; this module only assembles them."""

from agora.accounts.api import router as accounts_router
from agora.core.api import build_api
from agora.people.api import router as people_router

api = build_api()
api.add_router("", accounts_router)
api.add_router("", people_router)
