from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# What the guichet's queue shows, in its rows or its filters (creches: the first wish's establishment, the
# age sections); a save or delete of one drops the collectivité's cached queue (families.queue_cache).
QUEUE_MODELS = [
    ("families", "Application"),
    ("families", "Family"),
    ("families", "Child"),
    ("families", "Guardian"),
    ("families", "Wish"),
    ("families", "Document"),
    ("families", "DocumentType"),
    ("creches", "Establishment"),
    ("creches", "Section"),
]


def queue_data_changed(**_kwargs):
    from families.queue_cache import queue_changed

    queue_changed()


def queue_status_moved(_obj, _move, _user):
    """A status move, including those of `transition_many`, which updates rows without `save()`."""
    from families.queue_cache import queue_changed

    queue_changed()


def territory_changed(sender, instance, **_kwargs):
    """The filters list the collectivité's communes (saved from the platform's schema, hence the name)."""
    from families.queue_cache import queue_changed

    queue_changed(instance.schema_name)


class FamiliesConfig(AppConfig):
    name = "families"
    verbose_name = _("familles et demandes d'accueil")

    def ready(self):
        from django.apps import apps
        from django.db.models.signals import post_delete, post_save

        from families.enums import ApplicationStatus
        from families.workflow import APPLICATION
        from portal.models import Collectivite

        for signal in (post_save, post_delete):
            for app_label, model_name in QUEUE_MODELS:
                model = apps.get_model(app_label, model_name)
                signal.connect(queue_data_changed, sender=model, dispatch_uid=f"queue-{model_name}-{signal}")
            signal.connect(territory_changed, sender=Collectivite, dispatch_uid=f"queue-collectivite-{signal}")
        for status in ApplicationStatus:
            APPLICATION.on_enter.setdefault(status, []).append(queue_status_moved)

        from families import dashboard_cache

        dashboard_cache.connect()
