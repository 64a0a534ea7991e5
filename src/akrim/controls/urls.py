from django.urls import URLPattern

from akrim.controls.views import calendar, field, planning, stats

app_name = "controls"
urlpatterns: list[URLPattern] = (
    planning.urlpatterns + field.urlpatterns + calendar.urlpatterns + stats.urlpatterns
)
