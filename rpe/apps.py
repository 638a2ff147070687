from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RpeConfig(AppConfig):
    name = "rpe"
    verbose_name = _("relais petite enfance")

    def ready(self):
        # The outbox's checks of the ateliers' messages (reminders of cancelled registrations are dropped).
        from rpe.ateliers import notifications  # noqa: F401
