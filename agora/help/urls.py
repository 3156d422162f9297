from django.urls import path

from . import views

app_name = "help"

urlpatterns = [
    path("", views.item_list, name="list"),
    path("new/", views.new_item, name="new"),
    path("<int:item_id>/", views.detail, name="detail"),
    path("<int:item_id>/edit/", views.edit_item, name="edit"),
    path("<int:item_id>/matches/", views.matches, name="matches"),
    path("<int:item_id>/status", views.change_status, name="status"),
    path("<int:item_id>/respond", views.respond, name="respond"),
    path("<int:item_id>/respond/withdraw", views.withdraw_response, name="withdraw_response"),
    path("<int:item_id>/thank", views.thank, name="thank"),
    path("<int:item_id>/hide", views.hide, name="hide"),
]
