from django.urls import path

from . import claim_views

app_name = "claims"

# Under /settings/imported/ (agora/urls.py): the page lives with the person's settings.
urlpatterns = [
    path("", claim_views.imported_contributions, name="imported"),
    path("requests/", claim_views.review, name="review"),
    path(
        "requests/<int:claim_id>/approve",
        claim_views.decide,
        {"action": "approve"},
        name="approve",
    ),
    path("requests/<int:claim_id>/reject", claim_views.decide, {"action": "reject"}, name="reject"),
]
