from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "akrim.training"
    label = "training"
    verbose_name = "Training"
