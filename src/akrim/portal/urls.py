"""Staff pages of portal (content management), mounted at /<sv|en>/portal/."""

from django.urls import URLPattern, URLResolver, path

from akrim.portal import views

app_name = "portal"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("pages/<slug:slug>/<str:language>/", views.page_language, name="page_language"),
    path("versions/<int:id>/review/", views.review_version, name="review_version"),
    path("texts/<str:language>/", views.ui_texts, name="ui_texts"),
    path("texts/review/<int:id>/", views.review_ui_text, name="review_ui_text"),
    path("campaigns/new/", views.create_campaign, name="create_campaign"),
]
