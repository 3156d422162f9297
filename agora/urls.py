from django.contrib import admin
from django.urls import include, path

from agora.accounts.saml_logout import single_logout
from agora.api import api
from agora.core import views as core_views

# The API first: it serves most requests, and URL resolution walks this list in order.
urlpatterns = [
    path("api/v1/", api.urls),
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    # Before allauth's own: its SAML single-logout view accepts unsigned messages.
    path("accounts/saml/<str:organization_slug>/sls/", single_logout),
    path("accounts/", include("allauth.urls")),
    path("settings/", include("agora.accounts.urls")),
    path("settings/imported/", include("agora.qa.claim_urls")),
    path("people/", include("agora.people.urls")),
    path("communities/", include("agora.communities.urls")),
    path("notifications/", include("agora.notifications.urls")),
    path("", include("agora.conversations.urls")),
    path("moderation/", include("agora.moderation.urls")),
    path("search/", include("agora.search.urls")),
    path("questions/", include("agora.qa.urls")),
    path("help/", include("agora.help.urls")),
    path("experts/", include("agora.experts.urls")),
    path("admin/", admin.site.urls),
]

handler404 = "agora.core.views.not_found"
handler403 = "agora.core.views.forbidden"
