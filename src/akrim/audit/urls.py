from django.urls import path

from akrim.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.log, name="log"),
    path("persons/", views.person_lookup, name="person_lookup"),
    path("persons/<str:person_id>/", views.person, name="person"),
    path("persons/<str:person_id>/csv/", views.person_csv, name="person_csv"),
    path("checks/", views.checks, name="checks"),
    path("checks/<int:check_id>/", views.check, name="check"),
]
