from django.urls import path

from . import views

app_name = "conversations"
urlpatterns = [
    path("feed/new", views.new_posts, name="new_posts"),
    path("posts/new", views.compose, name="compose"),
    path("posts/<int:post_id>/", views.post_detail, name="post"),
    path("posts/<int:post_id>/edit", views.edit_post, name="edit"),
    path("posts/<int:post_id>/delete", views.delete_post, name="delete"),
    path("posts/<int:post_id>/pin", views.pin_post, name="pin"),
    path("posts/<int:post_id>/react", views.react_post, name="react"),
    path("posts/<int:post_id>/reactions", views.reactors, name="reactors"),
    path("posts/<int:post_id>/comments", views.add_comment, name="comment"),
    path("posts/<int:post_id>/files/<int:attachment_id>", views.attachment, name="attachment"),
    path("comments/<int:comment_id>/edit", views.edit_comment, name="edit_comment"),
    path("comments/<int:comment_id>/delete", views.delete_comment, name="delete_comment"),
    path("comments/<int:comment_id>/react", views.react_comment, name="react_comment"),
    path("tags/<str:name>/", views.hashtag, name="hashtag"),
    path("tags/<str:name>/follow", views.follow_hashtag, name="follow_hashtag"),
    path("articles/", views.articles, name="articles"),
    path("people/<str:username>/posts/", views.profile_posts, name="profile_posts"),
    path("mentions/suggest", views.mention_suggestions, name="mention_suggestions"),
    path("mentions/complete", views.mention_complete, name="mention_complete"),
]
