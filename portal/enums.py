from django.db import models
from django.utils.translation import gettext_lazy as _


class CollectiviteKind(models.TextChoices):
    COMMUNE = "commune", _("commune")
    INTERCOMMUNALITE = "intercommunalite", _("intercommunalité")


class Actor(models.TextChoices):
    """Who makes a move in a status workflow (portal.workflows)."""

    FAMILY = "family", _("la famille")
    AM = "am", _("l'assistant·e maternel·le")
    STAFF = "staff", _("le guichet")
    SYSTEM = "system", _("automatique")
