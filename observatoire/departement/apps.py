from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DepartementConfig(AppConfig):
    """The département view (public schema): aggregates the collectivités chose to share, nothing else."""

    name = "observatoire.departement"
    label = "observatoire_departement"
    verbose_name = _("observatoire départemental")
