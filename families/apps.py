from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FamiliesConfig(AppConfig):
    name = "families"
    verbose_name = _("familles et demandes d'accueil")

    def ready(self):
        from families import dashboard_cache

        dashboard_cache.connect()
