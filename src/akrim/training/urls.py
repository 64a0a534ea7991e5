from django.urls import path

from akrim.training import views

app_name = "training"

urlpatterns = [
    path("", views.index, name="index"),
    path("sessions/new/", views.create_session, name="create_session"),
    path("rules/new/", views.add_rule, name="add_rule"),
    path("sessions/<int:id>/", views.session, name="session"),
    path("sessions/<int:id>/enrol/", views.enrol, name="enrol"),
    path(
        "sessions/<int:id>/enrolments/<int:enrolment_id>/",
        views.record_result,
        name="record_result",
    ),
    path("coverage/", views.coverage, name="coverage"),
    path("mine/", views.mine, name="mine"),
    path("completions/<int:id>/certificate.pdf", views.certificate, name="certificate"),
]
