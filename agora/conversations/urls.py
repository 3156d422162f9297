from django.urls import path

app_name = "conversations"
urlpatterns = [
    path("tags/<str:name>/", lambda r, name: None, name="hashtag"),
]
