"""Staff pages of partners, mounted at /<lang>/partners/."""

from django.urls import path

from akrim.partners import views

app_name = "partners"

urlpatterns = [
    path("", views.index, name="index"),
    path("forums/open/", views.open_forum, name="open_forum"),
    path("forums/<int:id>/", views.forum, name="forum"),
    path("forums/<int:id>/members/", views.set_members, name="set_members"),
    path("forums/<int:id>/meetings/new/", views.create_meeting, name="create_meeting"),
    path("meetings/<int:id>/", views.meeting, name="meeting"),
    path("meetings/<int:id>/edit/", views.edit_meeting, name="edit_meeting"),
    path("meetings/<int:id>/actions/new/", views.add_action, name="add_action"),
    path("actions/<int:id>/status/", views.set_action_status, name="set_action_status"),
    path("reminders/", views.reminders, name="reminders"),
    path("organisations/", views.organisations, name="organisations"),
    path("organisations/new/", views.create_organisation, name="create_organisation"),
    path("organisations/<int:id>/", views.organisation, name="organisation"),
    path("organisations/<int:id>/edit/", views.edit_organisation, name="edit_organisation"),
    path("organisations/<int:id>/contacts/new/", views.add_contact, name="add_contact"),
    path("contacts/<int:id>/edit/", views.edit_contact, name="edit_contact"),
    path("referrals/", views.referrals, name="referrals"),
    path("referrals/new/", views.create_referral, name="create_referral"),
    path("referrals/<int:id>/", views.referral, name="referral"),
    path("referrals/<int:id>/tell/", views.tell_contact, name="tell_contact"),
    path("figures/", views.figures, name="figures"),
]
