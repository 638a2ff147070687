from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RpeConfig(AppConfig):
    name = "rpe"
    verbose_name = _("relais petite enfance")
