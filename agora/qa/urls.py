from django.urls import path

from . import views

app_name = "qa"

urlpatterns = [
    path("", views.question_list, name="list"),
    path("ask/", views.ask, name="ask"),
    path("similar", views.similar, name="similar"),
    path("unanswered/", views.unanswered, name="unanswered"),
    path("<int:question_id>/", views.detail, name="detail"),
    path("<int:question_id>/edit", views.edit_question, name="edit"),
    path("<int:question_id>/history", views.history, name="history"),
    path("<int:question_id>/vote", views.vote, name="vote"),
    path("<int:question_id>/answers", views.add_answer, name="answer"),
    path("<int:question_id>/duplicate", views.close_duplicate, name="close_duplicate"),
    path("<int:question_id>/reopen", views.reopen, name="reopen"),
    path("answers/<int:answer_id>/vote", views.vote, name="vote_answer"),
    path("answers/<int:answer_id>/accept", views.accept, name="accept"),
    path("answers/<int:answer_id>/edit", views.edit_answer, name="edit_answer"),
    path("answers/<int:answer_id>/history", views.answer_history, name="answer_history"),
    path("answers/<int:answer_id>/delete", views.delete_answer, name="delete_answer"),
    path("answers/<int:answer_id>/comments", views.comment_answer, name="comment_answer"),
    path(
        "answer-comments/<int:comment_id>/edit",
        views.edit_answer_comment,
        name="edit_answer_comment",
    ),
    path(
        "answer-comments/<int:comment_id>/delete",
        views.delete_answer_comment,
        name="delete_answer_comment",
    ),
]
