from django.urls import path

from . import views

app_name = "experts"

urlpatterns = [
    path("", views.finder, name="finder"),
    path("skills/", views.skill_suggestions, name="skill_suggestions"),
    path("endorse/<str:username>/<path:skill_key>", views.endorse, name="endorse"),
    path(
        "skills/<int:suggestion_id>/<str:decision>",
        views.decide_suggestion,
        name="decide_suggestion",
    ),
]
