from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("org/", views.org_chart, name="org"),
    path("me/edit", views.edit_profile, name="edit"),
    path("me/avatar", views.edit_avatar, name="avatar_edit"),
    path("<str:username>/", views.profile, name="profile"),
    path("<str:username>/avatar", views.avatar, name="avatar"),
    path("<str:username>/org", views.org_chart, name="org_person"),
    path("<str:username>/follow", views.follow, name="follow"),
    path("<str:username>/followers", views.followers, name="followers"),
    path("<str:username>/following", views.following, name="following"),
]
