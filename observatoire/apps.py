from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# What the guide petite enfance prints: a change to any of these marks it stale (documents.guide_mark_stale).
GUIDE_SOURCES = [
    "creches.Establishment",
    "creches.Section",
    "commissions.Session",
    "commissions.Regulation",
    "rpe.Relais",
    "rpe.Lieu",
    "rpe.AssistantMaternel",
]


class ObservatoireConfig(AppConfig):
    name = "observatoire"
    verbose_name = _("observatoire")

    def ready(self):
        # Not business logic: a "the guide's data changed" mark, like a cache invalidation, wherever the change
        # comes from (pages, imports, the admin, the API).
        from django.apps import apps
        from django.db.models.signals import post_delete, post_save

        from observatoire.documents import guide_data_changed

        for label in GUIDE_SOURCES:
            try:
                model = apps.get_model(label)
            except LookupError:
                continue
            post_save.connect(guide_data_changed, sender=model, dispatch_uid=f"observatoire-guide-{label}-save")
            post_delete.connect(guide_data_changed, sender=model, dispatch_uid=f"observatoire-guide-{label}-delete")
