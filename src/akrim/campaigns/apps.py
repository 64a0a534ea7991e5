from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "akrim.campaigns"
    label = "campaigns"
    verbose_name = "Campaigns"
