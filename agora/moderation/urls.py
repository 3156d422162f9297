from django.urls import path

from . import views

app_name = "moderation"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("report", views.report, name="report"),
    path("reports/<int:report_id>/dismiss", views.dismiss, name="dismiss"),
    path("posts/<int:post_id>/hide", views.hide_post, name="hide_post"),
    path("posts/<int:post_id>/restore", views.restore_post, name="restore_post"),
    path("comments/<int:comment_id>/hide", views.hide_comment, name="hide_comment"),
    path("comments/<int:comment_id>/restore", views.restore_comment, name="restore_comment"),
    path("users/<str:username>/suspend", views.suspend, name="suspend"),
    path("users/<str:username>/reinstate", views.reinstate, name="reinstate"),
]
