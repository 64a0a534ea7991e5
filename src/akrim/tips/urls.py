"""Staff pages of tips, mounted at /<sv|en>/tips/."""

from django.urls import URLPattern, URLResolver, path

from akrim.tips import views

app_name = "tips"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("stats/", views.stats, name="stats"),
    path("<int:id>/", views.detail, name="detail"),
    path("<int:id>/triage/", views.triage, name="triage"),
    path("<int:id>/route/", views.route, name="route"),
    path("<int:id>/link/", views.link, name="link"),
    path("<int:id>/duplicate/", views.duplicate, name="duplicate"),
    path("<int:id>/selection/", views.selection, name="selection"),
    path("<int:id>/control/", views.control, name="control"),
    path("<int:id>/reply/", views.reply, name="reply"),
    path("<int:id>/close/", views.close, name="close"),
    path("<int:id>/attachments/<int:attachment_id>/", views.attachment, name="attachment"),
]
