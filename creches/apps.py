from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrechesConfig(AppConfig):
    name = "creches"
    verbose_name = _("crèches")
