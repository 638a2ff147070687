from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RpeConfig(AppConfig):
    name = "rpe"
    verbose_name = _("relais petite enfance")

    def ready(self):
        # The outbox re-checks reminders before sending them (portal.outbox.checks registry).
        # No family without a solution: those a commission leaves without a place land in their relais's list.
        from commissions.signals import session_validated
        from rpe import notifications  # noqa: F401
        from rpe.followup import open_followups_of_session

        session_validated.connect(open_followups_of_session, dispatch_uid="rpe.followups")
        from rpe.ateliers import notifications as atelier_notifications  # noqa: F401 (ateliers)
