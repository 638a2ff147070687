from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RpeConfig(AppConfig):
    name = "rpe"
    verbose_name = _("relais petite enfance")

    def ready(self):
        # The outbox re-checks reminders before sending them (portal.outbox.checks registry).
        from rpe import notifications  # noqa: F401
        from rpe.ateliers import notifications as atelier_notifications  # noqa: F401 (ateliers)
