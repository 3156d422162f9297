from django.urls import path

from . import views

app_name = "settings"
urlpatterns = [
    path("", views.settings_home, name="home"),
    path("language", views.set_language, name="language"),
    path("tokens", views.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke", views.revoke_token, name="revoke_token"),
]
