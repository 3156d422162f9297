from django.urls import path

from . import views

app_name = "communities"
urlpatterns = [
    path("", views.community_list, name="list"),
    path("new", views.create, name="create"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/cover", views.cover, name="cover"),
    path("<slug:slug>/members/", views.members, name="members"),
    path("<slug:slug>/join", views.join, name="join"),
    path("<slug:slug>/leave", views.leave, name="leave"),
    path("<slug:slug>/decline", views.decline, name="decline"),
    path("<slug:slug>/invite", views.invite, name="invite"),
    path("<slug:slug>/edit", views.edit, name="edit"),
    path("<slug:slug>/moderation/", views.moderation, name="moderation"),
    path("<slug:slug>/requests/<str:username>/decide", views.decide, name="decide"),
    path("<slug:slug>/members/<str:username>/remove", views.remove, name="remove"),
    path("<slug:slug>/members/<str:username>/role", views.set_role, name="role"),
]
