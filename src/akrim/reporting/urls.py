from django.urls import path

from akrim.reporting import views

app_name = "reporting"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path(
        "dashboard/<slug:name>.csv",
        views.dashboard_table,
        {"fmt": "csv"},
        name="dashboard_csv",
    ),
    path(
        "dashboard/<slug:name>.xlsx",
        views.dashboard_table,
        {"fmt": "xlsx"},
        name="dashboard_xlsx",
    ),
    path("<int:report_id>/", views.report_detail, name="detail"),
    path("<int:report_id>/sections/<slug:section>/", views.edit_section, name="edit_section"),
    path("<int:report_id>/sign/", views.sign, name="sign"),
    path("<int:report_id>/report.pdf", views.download, {"fmt": "pdf"}, name="pdf"),
    path("<int:report_id>/report.xlsx", views.download, {"fmt": "xlsx"}, name="xlsx"),
]
