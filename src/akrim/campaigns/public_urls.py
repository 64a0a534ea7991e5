"""Public (portal) pages of campaigns, mounted under /<portal language>/survey/."""

from django.urls import URLPattern, URLResolver, path

from akrim.campaigns import public_views

app_name = "campaigns_public"
urlpatterns: list[URLPattern | URLResolver] = [
    path("<str:token>/", public_views.survey, name="survey"),
]
