from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    name = "portal.outbox"
    label = "outbox"
    verbose_name = _("courriels envoyés")

    def ready(self):
        # Each app's notifications module registers the checks of its kinds of message (portal.outbox.checks).
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("notifications")
