from typing import Any

from django.apps import AppConfig
from django.db.models.signals import pre_delete


def _forget_tip_text(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A tip deleted by retention takes the referral's copy of its text with it."""
    from akrim.partners.models import Referral

    Referral.objects.filter(tip=instance).update(summary="")


class PartnersConfig(AppConfig):
    name = "akrim.partners"
    label = "partners"
    verbose_name = "Social partners"

    def ready(self) -> None:
        pre_delete.connect(_forget_tip_text, sender="tips.Tip", dispatch_uid="partners-tip-text")
