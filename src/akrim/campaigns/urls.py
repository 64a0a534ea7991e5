"""Staff pages of campaigns."""

from django.urls import URLPattern, URLResolver, path

from akrim.campaigns import views

app_name = "campaigns"
S = "<int:id>/surveys/<int:survey_id>/"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("new/", views.plan, name="plan"),
    path("experience/", views.experience, name="experience"),
    path("<int:id>/", views.detail, name="detail"),
    path("<int:id>/edit/", views.edit, name="edit"),
    path("<int:id>/materials/", views.add_material, name="add_material"),
    path("<int:id>/activities/", views.log_activity, name="log_activity"),
    path("<int:id>/experience/", views.add_experience, name="add_experience"),
    path("<int:id>/surveys/", views.create_survey, name="create_survey"),
    path(S, views.survey, name="survey"),
    path(S + "questions/", views.add_question, name="add_question"),
    path(
        S + "questions/<int:question_id>/translations/",
        views.translate_question,
        name="translate_question",
    ),
    path(S + "versions/", views.new_version, name="new_version"),
    path(S + "waves/", views.open_wave, name="open_wave"),
    path(S + "import/", views.import_panel, name="import_panel"),
    path(S + "responses.csv", views.survey_responses, name="survey_responses"),
    path("<int:id>/evaluation/", views.evaluation, name="evaluation"),
    path("<int:id>/evaluation.pdf", views.evaluation_report, name="evaluation_pdf"),
]
