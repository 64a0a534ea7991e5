from django.apps import AppConfig


class MethodsConfig(AppConfig):
    name = "akrim.methods"
    label = "methods"
    verbose_name = "Methods handbook"
