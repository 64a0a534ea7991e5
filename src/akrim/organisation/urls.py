from django.urls import path

from akrim.organisation import views

app_name = "organisation"
urlpatterns = [
    path("home/", views.home, name="home"),
    path("centres/", views.memberships, name="memberships"),
]
