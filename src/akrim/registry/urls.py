from django.urls import path

from akrim.registry import views

app_name = "registry"
urlpatterns = [
    path("search/", views.search, name="search"),
    path("companies/<str:org_no>/", views.company, name="company"),
    path("persons/<str:person_id>/", views.person, name="person"),
    path("workplaces/<str:workplace_id>/", views.workplace, name="workplace"),
]
