from django.urls import path

from akrim.access import views

app_name = "access"
urlpatterns = [
    path("purpose/", views.set_purpose, name="purpose"),
    path("emergency/", views.break_glass, name="break_glass"),
    path("reviews/", views.reviews, name="reviews"),
]
