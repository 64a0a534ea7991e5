"""Staff pages of methods: the handbook, lessons learned, adoption."""

from django.urls import URLPattern, URLResolver, path

from akrim.methods import views

app_name = "methods"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("lessons/", views.lessons, name="lessons"),
    path("lessons/new/", views.new_lesson, name="new_lesson"),
    path("lessons/<int:id>/dismiss/", views.dismiss_lesson, name="dismiss_lesson"),
    path("adoption/", views.adoption, name="adoption"),
    path("adoption.csv", views.adoption_csv, name="adoption_csv"),
    path("<slug:slug>/", views.method, name="method"),
    path("<slug:slug>/revise/", views.revise, name="revise"),
    path("<slug:slug>/status/", views.move_status, name="move_status"),
    path("<slug:slug>/adoption/", views.record_adoption, name="record_adoption"),
    path("<slug:slug>/versions/<int:number>/", views.version, name="version"),
]
