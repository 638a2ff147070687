from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Apps whose rows public pages show (catalogue, map, relais, transparency, figures): a change drops
# the collectivité's cached public pages. Settings rows of any app (SingletonSettings) count too.
PUBLIC_PAGE_APPS = {"creches", "commissions", "rpe", "observatoire"}


def public_data_changed(sender, **_kwargs):
    from portal.caching import public_pages_changed
    from portal.models import SingletonSettings

    if sender._meta.app_label in PUBLIC_PAGE_APPS or issubclass(sender, SingletonSettings):
        public_pages_changed()


def collectivite_changed(sender, instance, **_kwargs):
    from portal.caching import public_pages_changed, routing_changed

    routing_changed()
    public_pages_changed(instance.schema_name)


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("plateforme")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from portal.caching import routing_changed
        from portal.models import Collectivite, Domain

        for signal in (post_save, post_delete):
            signal.connect(collectivite_changed, sender=Collectivite, dispatch_uid=f"collectivite-{signal}")
            signal.connect(routing_changed, sender=Domain, dispatch_uid=f"domain-{signal}")
            signal.connect(public_data_changed, dispatch_uid=f"public-data-{signal}")
