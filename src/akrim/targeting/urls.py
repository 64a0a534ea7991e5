from django.urls import URLPattern, path

from akrim.targeting import views

app_name = "targeting"
urlpatterns: list[URLPattern] = [
    path("", views.selection, name="selection"),
    path("plan/", views.add_to_plan, name="add_to_plan"),
    path("workplaces/<str:workplace_id>/", views.workplace, name="workplace"),
    path("feedback/", views.feedback, name="feedback"),
    path("coverage/", views.coverage, name="coverage"),
    path("models/<int:model_id>/", views.model, name="model"),
    path("models/<int:model_id>/activate/", views.activate_model, name="activate_model"),
]
