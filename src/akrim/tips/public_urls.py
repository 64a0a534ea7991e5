"""Public (portal) pages of tips, mounted under /<portal language>/tip/."""

from django.urls import URLPattern, URLResolver, path

from akrim.tips import public_views

app_name = "tips_public"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", public_views.tip_form, name="form"),
    path("status/", public_views.status, name="status"),
    path("status/add/", public_views.add, name="add"),
]
