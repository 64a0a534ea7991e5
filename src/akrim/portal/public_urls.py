"""Public (portal) pages of portal, mounted under /<portal language>/."""

from django.urls import URLPattern, URLResolver, path

from akrim.portal import public_views

app_name = "portal_public"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", public_views.home, name="home"),
    path("languages/", public_views.languages, name="languages"),
    path("info/<slug:slug>/", public_views.page, name="page"),
    path("info/<slug:slug>/leaflet.pdf", public_views.leaflet, name="leaflet"),
]
